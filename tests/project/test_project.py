"""A newsroom's own project folder: found by --root, the working directory, or the bundled example.

Every command reads the project it resolves; the writing commands write only
into a project folder, never into the bundled example; a bad folder or input
is one clean ``Error:`` line, exit 1, nothing written.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storymap.cli import main
from storymap.errors import StorymapError
from storymap.geodata_import import Region, folder_name
from storymap.project import MARKER, resolve_project
from storymap.resources import bundled_path
from tests.pipeline._helpers import SHENZHEN_DISTRICTS

SRC = Path(__file__).resolve().parents[2] / "src" / "storymap"
STORY = Path("stories") / "shanghai" / "people-city-shanghai.yaml"
# Every command that reads a project (the brief of issue 16, item 4), as its help is asked for.
PROJECT_COMMANDS = (["validate"], ["serve"], ["places"], ["districts"], ["locate"], ["ingest"], ["gazetteer", "add"],
                    ["geodata", "import"], ["export"], ["handout"], ["quiz"], ["compare"])


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(result, *fragments) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shanghai_project(tmp_path_factory) -> Path:
    """`storymap init` with the Shanghai example (read-only for the tests that share it)."""
    root = tmp_path_factory.mktemp("projects") / "newsroom"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh Shanghai project a test may change."""
    result = run("init", tmp_path / "site")
    assert result.exit_code == 0, result.output
    return tmp_path / "site"


# resolve_project ------------------------------------------------------------------------------------------------


def test_an_explicit_root_is_the_project(shanghai_project):
    project = resolve_project(shanghai_project)
    assert project.root == shanghai_project.resolve() and not project.is_bundled
    assert project.stories_root == shanghai_project.resolve() / "stories"
    assert project.geodata_root == shanghai_project.resolve() / "geodata"
    assert [(s.name, g.name) for s, g in project.region_dirs()] == [("shanghai", "shanghai")]


def test_the_working_directory_or_any_folder_above_it_is_the_project(shanghai_project):
    inside = shanghai_project / "stories" / "shanghai"
    assert resolve_project(cwd=shanghai_project).root == shanghai_project.resolve()
    assert resolve_project(cwd=inside).root == shanghai_project.resolve()


def test_outside_any_project_the_bundled_example_is_read(tmp_path):
    project = resolve_project(cwd=tmp_path)
    assert project.is_bundled
    assert project.stories_root == bundled_path("stories") and project.geodata_root == bundled_path("geodata")
    assert [r.name for r in project.regions()] == ["shanghai"]


@pytest.mark.parametrize("make, expected", [
    (lambda p: p, "no such folder"),
    (lambda p: (p.mkdir(), p)[1], f"no {MARKER}"),
    (lambda p: (p.write_text("x"), p)[1], "not a folder"),
])
def test_a_root_that_is_no_project_folder_is_refused(tmp_path, make, expected):
    bad = make(tmp_path / "elsewhere")
    with pytest.raises(StorymapError, match=expected) as info:
        resolve_project(bad)
    assert str(bad) in str(info.value) and "storymap init" in str(info.value)
    one_error_line(run("validate", "--root", bad), str(bad), expected, "expected a project folder")


# storymap init --------------------------------------------------------------------------------------------------


def test_init_copies_the_shanghai_example(shanghai_project):
    files = tree(shanghai_project)
    assert MARKER in files and "README.md" in files
    assert "storymap init" in files["README.md"].decode() and "storymap serve" in files["README.md"].decode()
    bundled = bundled_path("stories").parent
    for relative in (STORY, Path("geodata/shanghai/gazetteer.csv"), Path("geodata/china/provinces.geojson")):
        assert files[str(relative)] == (bundled / relative).read_bytes(), relative


def test_init_empty_has_no_region_yet(tmp_path, monkeypatch):
    result = run("init", tmp_path / "blank", "--example", "empty")
    assert result.exit_code == 0, result.output
    files = tree(tmp_path / "blank")
    assert sorted(files) == ["README.md", "geodata/china/PROVENANCE.md", "geodata/china/provinces.geojson", MARKER]
    assert (tmp_path / "blank" / "stories").is_dir()
    monkeypatch.chdir(tmp_path / "blank")
    validate = run("validate")
    assert validate.exit_code == 1 and "no region found" in validate.output, validate.output
    one_error_line(run("places"), "has no region yet", "geodata import")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", "utf-8")
    one_error_line(run("init", tmp_path / "full"), str(tmp_path / "full"), "not empty", "expected a new or empty")
    assert tree(tmp_path / "full") == {"notes.txt": b"mine"}
    (tmp_path / "empty").mkdir()
    assert run("init", tmp_path / "empty").exit_code == 0  # an empty folder is fine
    assert (tmp_path / "empty" / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full"]  # no staging folder left behind


# Every command reads the project --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", PROJECT_COMMANDS, ids=" ".join)
def test_every_command_takes_a_root(command):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "--root" in result.output and "STORYMAP_ROOT" in result.output


def drop_first_fact(story: Path) -> None:
    """Remove the story's first figure (the 20 bundled become 19)."""
    text = story.read_text("utf-8")
    start = text.index("\nfacts:\n") + len("\nfacts:\n")
    second = text.index("\n  - id: ", start + 1) + 1
    story.write_text(text[:start] + text[second:], "utf-8")


def test_commands_read_the_project_by_root_and_by_working_directory(project, tmp_path, monkeypatch):
    drop_first_fact(project / STORY)
    by_root = run("validate", "--root", project)
    assert by_root.exit_code == 0 and "19 facts" in by_root.output, by_root.output
    quiz_by_root = run("quiz", "--seed", 3, "--format", "json", "--root", project)
    assert quiz_by_root.exit_code == 0, quiz_by_root.output
    monkeypatch.chdir(project / "stories")
    assert run("validate").output == by_root.output
    assert json.loads(run("quiz", "--seed", 3, "--format", "json").output) == json.loads(quiz_by_root.output)

    # A broken story in the project is the project's problem, named by its path.
    story = project / STORY
    story.write_text(story.read_text("utf-8").replace("\nplaces:", "\nplaces: [oops\n", 1), "utf-8")
    for result in (run("validate"), run("validate", "--root", project)):
        assert result.exit_code == 1 and str(story.resolve()) in result.output, result.output
    monkeypatch.chdir(tmp_path)
    outside = run("validate")  # outside the project: the bundled example, untouched
    assert outside.exit_code == 0 and "20 facts" in outside.output, outside.output


def test_options_win_over_the_project(project, repo_root, monkeypatch):
    monkeypatch.chdir(project)
    (project / STORY).write_text("not: [a story\n", "utf-8")
    result = run("places", "--format", "json", "--stories", repo_root / "stories",
                 "--geodata", repo_root / "geodata" / "shanghai")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 11
    located = run("locate", "121.4868", "31.2406", "--format", "json")  # geodata only: the story is not read
    assert json.loads(located.output)["district_code"] == "310101"


def test_a_region_is_chosen_by_name_when_there_are_several(project, monkeypatch):
    monkeypatch.chdir(project)
    shutil.copytree(project / "geodata" / "shanghai", project / "geodata" / "other")
    (project / "stories" / "other").mkdir()
    one_error_line(run("districts"), "has 2 regions (other, shanghai)", "expected --region NAME")
    one_error_line(run("districts", "--region", "nowhere"), "no region 'nowhere'", "expected one of: other, shanghai")
    chosen = run("districts", "--region", "shanghai", "--format", "json")
    assert chosen.exit_code == 0 and sum(d["place_count"] for d in json.loads(chosen.output)) == 11, chosen.output


def test_the_web_app_serves_the_working_directorys_project(project, monkeypatch):
    from storymap.web.site import create_site

    story = project / STORY
    story.write_text(story.read_text("utf-8").replace("title: 浦江潮齐奏", "title: 本地编辑版浦江潮齐奏", 1), "utf-8")
    monkeypatch.chdir(project)
    client = create_site({"TESTING": True}).test_client()
    assert client.get("/").headers["Location"].endswith("/shanghai/")
    assert "本地编辑版" in client.get("/shanghai/stories").get_data(as_text=True)


def test_a_region_added_while_the_site_runs_is_served(project):
    from storymap.web.site import create_site

    site = create_site({"TESTING": True, "RELOAD_CHECK_SECONDS": None, "GEODATA_ROOT": str(project / "geodata"),
                        "STORIES_ROOT": str(project / "stories")})
    client = site.test_client()
    assert client.get("/").headers["Location"].endswith("/shanghai/")  # one region: / is its map
    for name in ("second", "broken"):
        shutil.copytree(project / "geodata" / "shanghai", project / "geodata" / name)
        shutil.copytree(project / "stories" / "shanghai", project / "stories" / name)
    (project / "stories" / "broken" / "people-city-shanghai.yaml").write_text("places: [oops\n", "utf-8")
    (project / "stories" / "no-geodata-yet").mkdir()

    regions = site.extensions["storymap_regions"]
    assert list(regions.refresh()) == ["second", "shanghai"]  # in name order; the broken one is logged, left out
    index = client.get("/")
    assert index.status_code == 200 and 'href="/second/"' in index.get_data(as_text=True)
    assert client.get("/second/").status_code == 200 and client.get("/broken/").status_code == 404

    shutil.rmtree(project / "stories" / "second")
    assert sorted(regions.refresh()) == ["shanghai"]
    assert client.get("/second/").status_code == 404


# Writing commands write into the project, never into the bundled example ----------------------------------------


def test_gazetteer_add_writes_the_projects_gazetteer(project, monkeypatch):
    bundled = (bundled_path("geodata") / "shanghai" / "gazetteer.csv").read_bytes()
    monkeypatch.chdir(project)
    added = run("gazetteer", "add", "测试广场", "--id", "test-square", "--lon", "121.4737", "--lat", "31.2304",
                "--crs", "wgs84", "--precision", "point", "--source", "test fixture point")
    assert added.exit_code == 0, added.output
    assert "test-square" in (project / "geodata" / "shanghai" / "gazetteer.csv").read_text("utf-8")
    assert (bundled_path("geodata") / "shanghai" / "gazetteer.csv").read_bytes() == bundled


def test_writing_outside_a_project_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bundled = tree(bundled_path("geodata") / "shanghai")
    one_error_line(run("gazetteer", "add", "测试广场", "--lon", "121.4737", "--lat", "31.2304", "--crs", "wgs84",
                       "--precision", "point", "--source", "x"), "gazetteer add", MARKER, "storymap init")
    one_error_line(run("geodata", "import", "440300"), "geodata import", "storymap init")
    (tmp_path / "raw.txt").write_text("走进福田区华强北路。\n", "utf-8")
    one_error_line(run("ingest", "raw.txt", "--city", "440300"), "ingest", "storymap init")
    assert tree(bundled_path("geodata") / "shanghai") == bundled
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw.txt"]


def test_geodata_import_writes_the_regions_folder_in_the_project(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("geodata", "import", "440300")
    assert result.exit_code == 0, result.output
    manifest = json.loads((project / "geodata" / "shenzhen" / "manifest.json").read_text("utf-8"))
    assert manifest["region"]["adcode"] == "440300" and manifest["district_count"] == 9
    listed = run("districts", "--region", "shenzhen", "--format", "json")  # imported, no stories yet
    assert listed.exit_code == 0, listed.output
    assert {d["code"] for d in json.loads(listed.output)} == set(SHENZHEN_DISTRICTS)
    before = tree(project)
    # Bad input: one line each, nothing written.
    one_error_line(run("geodata", "import", "999999"), "999999")
    one_error_line(run("geodata", "import", "310101"), "310101", "no child units")  # a district: no polygons below
    manifest_path = project / "geodata" / "shenzhen" / "manifest.json"
    manifest_path.write_text(manifest_path.read_text("utf-8").replace('"440300"', '"440399"'), "utf-8")
    before = tree(project)
    one_error_line(run("geodata", "import", "440300"), "holds the region 440399, not 440300", "--out DIR")
    (project / "raw.txt").write_text("走进福田区华强北路。\n", "utf-8")
    one_error_line(run("ingest", "raw.txt", "--city", "110000"), "no region folder for adcode 110000",
                   "shenzhen", "storymap geodata import 110000")
    assert tree(project) == {**before, "raw.txt": "走进福田区华强北路。\n".encode()}


@pytest.mark.parametrize("name_en, expected", [
    ("Shenzhen City", "shenzhen"), ("Xi'an City", "xian"), ("Guangdong Province", "guangdong"),
    ("Shanghai", "shanghai"),
])
def test_a_regions_folder_is_named_after_it(name_en, expected):
    assert folder_name(Region("000000", "", name_en, "市")) == expected


# The command modules' imports run one way -----------------------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = ".".join(("storymap", *path.parent.relative_to(SRC).parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def test_command_modules_import_cli_common_never_the_main_command():
    command_modules = sorted(SRC.glob("*/cli.py"))
    assert {p.parent.name for p in command_modules} >= {"classroom", "compare", "export", "ingest"}
    for path in [*command_modules, SRC / "cli_common.py"]:
        imported = imported_modules(path)
        assert "storymap.cli" not in imported, f"{path} imports storymap.cli"
        assert not any(name.endswith(".cli") for name in imported - {"storymap.cli"}), (path, imported)
    assert "storymap.cli_common" in imported_modules(SRC / "compare" / "cli.py")
    assert "storymap.cli_common" not in imported_modules(SRC / "project.py")

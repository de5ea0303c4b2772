"""``storymap export``: every GET route as plain files; failures leave nothing half-written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storymap.errors import StorymapError
from storymap.export.site import SERVER_ONLY, export_site


def storymap(*args):
    return subprocess.run([sys.executable, "-m", "storymap", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def app():
    import storymap as package

    return package.create_app({"TESTING": True})


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "usb"
    result = storymap("export", "--out", out, "--base-url", "/sub/path/")
    assert result.returncode == 0, result.stderr
    return out


def test_every_get_route_is_exported_or_listed_as_server_only(app, tmp_path):
    """Fails when a route is added that the export neither writes nor lists in SERVER_ONLY.

    A route with arguments needs its values in ARGUMENT_VALUES; one that only answers with
    query arguments needs them in the export's query defaults, or a place in SERVER_ONLY.
    """
    plan = export_site(app, tmp_path / "copy", pdf=False)
    assert not plan.left_out(), plan.left_out()
    adapter = app.url_map.bind("localhost")
    exported_endpoints = {adapter.match(url.split("?")[0])[0] for url in plan.urls}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "classroom.handout_pdf":  # pdf=False here
            assert rule.endpoint in exported_endpoints or rule.endpoint in SERVER_ONLY, rule.rule
    assert "api.locate" in SERVER_ONLY and "api.locate" in plan.server_only


def test_a_route_the_export_cannot_enumerate_is_reported(tmp_path):
    import storymap as package

    application = package.create_app({"TESTING": True})
    application.add_url_rule("/region/<name>", "region_page", lambda name: name)
    application.add_url_rule("/api/needs-query", "needs_query", lambda: ({"error": {"message": "missing q"}}, 400))
    plan = export_site(application, tmp_path / "copy", pdf=False)
    assert plan.missing == ["region_page (/region/<name>)"]
    assert plan.refused == {"/api/needs-query": "the app answered 400: missing q"}
    assert len(plan.left_out()) == 2


def test_pages_in_both_languages_api_json_and_assets(exported, app):
    for name in ["index.html", "en/index.html", "stories.html", "en/stories.html", "present.html",
                 "en/present.html", "quiz.html", "en/quiz.html", "quiz/key.html", "handout.html", "handout.pdf",
                 "en/handout.pdf", "embed.html", "en/embed.html", "api/districts.geojson", "api/places.geojson",
                 "api/districts.json", "api/stories.json", "api/quiz.json", "api/districts/310106.json"]:
        assert (exported / name).is_file(), name
    static = Path(app.static_folder)
    served = app.extensions["storymap_assets"]
    for source in static.rglob("*"):
        if source.is_file():
            name = source.relative_to(static).as_posix()
            assert (exported / "static" / name).read_bytes() == served.get(name).body, name
    # What the app serves, so minified: the files on disk keep their comments.
    assert len((exported / "static/js/map-layers.js").read_bytes()) < len((static / "js/map-layers.js").read_bytes())
    assert (exported / "handout.pdf").read_bytes().startswith(b"%PDF")


def test_pages_link_with_relative_paths_and_load_classic_scripts(exported):
    for page in exported.rglob("*.html"):
        html = page.read_text("utf-8")
        assert 'type="module"' not in html, page
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert not url.startswith("/"), (page, url)
            assert "?lang=" not in url, (page, url)
            if url and not url.startswith(("#", "http:", "https:", "data:")):
                assert (page.parent / url.split("#")[0]).exists(), (page, url)
    english = (exported / "en" / "index.html").read_text("utf-8")
    assert 'id="sm-lang-switch" href="../index.html"' in english
    assert '<script defer src="../static/js/main.classic.js">' in english


@pytest.mark.parametrize("page, lang", [("index.html", "zh"), ("en/index.html", "en"), ("embed.html", "zh")])
def test_map_pages_carry_their_reading_content_inline(exported, story, page, lang):
    """file:// fetches nothing: what the app's map page loads on demand is a JSON block beside its data."""
    html = (exported / page).read_text("utf-8")
    block = re.search(r'<script type="application/json" id="storymap-content">(.*?)</script>', html, re.S)
    assert block and html.index('id="storymap-content"') < html.index('id="storymap-data"')
    content = json.loads(block.group(1))
    assert content["lang"] == lang
    field = "text_en" if lang == "en" else "text"
    assert {k: v[field] for k, v in content["excerpts"].items()} == {e["id"]: e[field] for e in story["excerpts"]}
    assert content == json.loads((exported / "api" / "content" / f"{lang}.json").read_text("utf-8"))


@pytest.mark.parametrize("page, prefix", [("index.html", ""), ("en/index.html", "../"), ("en/embed.html", "../")])
def test_map_pages_carry_the_comparison_data_and_its_scripts(exported, app, page, prefix):
    """The copy has no /api/compare: its map pages compare in the page, from data the export puts there."""
    html = (exported / page).read_text("utf-8")
    block = re.search(r'<script type="application/json" id="storymap-compare-data">(.*?)</script>', html, re.S)
    assert block, page
    assert json.loads(block.group(1)) == app.test_client().get("/api/compare/offline.json").get_json()
    scripts = re.findall(r'<script defer src="([^"]+)"></script>', html)
    vendor = [s for s in scripts if "/vendor/" in s]
    assert [s.split("?")[0] for s in vendor] == [
        f"{prefix}static/vendor/geographiclib-geodesic/geographiclib-geodesic.min.js",
        f"{prefix}static/vendor/polygon-clipping/polygon-clipping.umd.min.js"]
    assert scripts.index(vendor[-1]) < scripts.index(f"{prefix}static/js/main.classic.js")  # defer runs them first
    assert "storymap-compare-data" not in (exported / "stories.html").read_text("utf-8")


def test_an_existing_copy_is_replaced_as_a_whole(tmp_path):
    out = tmp_path / "copy"
    out.mkdir()
    (out / "stale.html").write_text("old")
    result = storymap("export", "--out", out, "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]


def test_unwritable_target_is_a_clear_error_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export's parent folder should be")
    result = storymap("export", "--out", blocker / "usb", "--no-pdf")
    assert result.returncode == 1
    assert f"cannot write to {blocker}" in result.stderr and "expected a writable folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_target_that_is_a_file_is_refused_and_kept(tmp_path, app):
    target = tmp_path / "usb"
    target.write_text("keep me")
    with pytest.raises(StorymapError, match=f"{target} is a file; expected a folder"):
        export_site(app, target, pdf=False)
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usb"]


def test_bad_base_url_is_a_clear_error(tmp_path):
    result = storymap("export", "--out", tmp_path / "x", "--base-url", "sub/path")
    assert result.returncode == 1
    assert "the base URL is 'sub/path'; expected a path such as /sub/path/" in result.stderr
    assert not (tmp_path / "x").exists()


def test_the_copy_holds_one_variant_per_page_and_links_the_others_to_it(exported):
    """The classroom entry links /quiz (a new set) and /handout?key=1: the copy keeps its fixed quiz set and
    the two-page handout, and those links point at them."""
    hub = (exported / "classroom.html").read_text("utf-8")
    assert 'href="quiz.html"' in hub and 'href="handout.html"' in hub
    quiz = json.loads(re.search(r'id="storymap-data">(.*?)</script>', (exported / "quiz.html").read_text("utf-8"),
                                re.S)[1])["quiz"]
    assert quiz["seed"] == 1
    assert (exported / "handout.html").read_text("utf-8").count('<section class="sheet') == 2
    assert 'href="classroom.html"' in (exported / "index.html").read_text("utf-8")
    assert 'href="../classroom.html"' not in (exported / "en" / "index.html").read_text("utf-8")

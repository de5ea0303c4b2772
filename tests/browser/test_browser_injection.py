"""Script injection through geodata and gazetteer files: nothing runs, and the CSP refuses what data adds.

Each case writes the payload into one field of a copy of the bundled data (both
district files, the manifest, the gazetteer). The build either refuses the
file with a problem naming it, or serves pages on which the payload is text:
headless Chromium loads ``/``, ``/?lang=en`` and ``/embed`` and finds that no
payload ran, no element came from it, and the map was drawn (so the page's own
scripts did run). The ``open_page`` fixture also fails the test on any page
error or console error, which includes a CSP violation.

The last test takes a served page, adds a script the way data would if it
escaped its JSON block, keeps the page's own CSP header, and checks that
Chromium refuses to run it: the CSP hashes cover the app's scripts only.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

import storymap
from storymap.errors import InvalidInputError

pytestmark = pytest.mark.browser

# A script-closing tag, an element with a handler and a JS string break-out, in one value.
PAYLOAD = "</script><script>window.__x=13</script><img src=x onerror=\"window.__x=14\">';window.__x=15;//\""
PAGES = ("/", "/?lang=en", "/embed")


def _edit_feature(name: str, key: str):
    def change(geodata_dir):
        path = geodata_dir / name
        data = json.loads(path.read_text("utf-8"))
        props = data["features"][0]["properties"]
        props[key] = PAYLOAD if key == "code" else f"{props.get(key, '')}{PAYLOAD}"
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return change


def _edit_manifest(*keys: str):
    def change(geodata_dir):
        path = geodata_dir / "manifest.json"
        data = json.loads(path.read_text("utf-8"))
        target = data
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = PAYLOAD if keys[-1] == "adcode" else f"{target.get(keys[-1], '')}{PAYLOAD}"
        if keys[0] == "reference_point":
            target.update({"name_en": "People's Square", "lon": 121.4737, "lat": 31.2304, "crs": "EPSG:4326"})
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return change


def _edit_gazetteer(column: str):
    def change(geodata_dir):
        path = geodata_dir / "gazetteer.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
        row = next(r for r in rows if r["id"] == "tanjiaqiao-road")
        row[column] = PAYLOAD if column in ("id", "lon", "lat", "crs", "precision", "district_code") \
            else row[column] + PAYLOAD
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), "utf-8")
    return change


GEODATA_FIELDS = {
    **{f"{kind}:{key}": _edit_feature(f"districts.{kind}.geojson", key)
       for kind in ("display", "full") for key in ("code", "name_zh", "name_en", "area_km2")},
    # The reported attack: the same code in both files, so the two agree.
    "display+full:code": lambda geodata_dir: [_edit_feature(f"districts.{kind}.geojson", "code")(geodata_dir)
                                              for kind in ("display", "full")],
    "manifest:region.adcode": _edit_manifest("region", "adcode"),
    "manifest:region.name_zh": _edit_manifest("region", "name_zh"),
    "manifest:region.name_en": _edit_manifest("region", "name_en"),
    "manifest:source.provider": _edit_manifest("source", "provider"),
    "manifest:reference_point.name_zh": _edit_manifest("reference_point", "name_zh"),
}
GAZETTEER_FIELDS = {
    f"gazetteer:{column}": _edit_gazetteer(column)
    for column in ("id", "name", "aliases", "lon", "lat", "crs", "precision", "district_code", "source", "note")
}
CASES = {**GEODATA_FIELDS, **GAZETTEER_FIELDS}


@pytest.fixture(scope="module")
def case_server(tmp_path_factory, repo_root, start_server):
    """``case_server(name)`` -> base URL of an app on data with the payload in that field, or the refusal."""
    made = {}

    def make(name):
        if name not in made:
            root = tmp_path_factory.mktemp("inject")
            stories, geodata = root / "stories", root / "geodata" / "shanghai"
            shutil.copytree(repo_root / "stories", stories, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copytree(repo_root / "geodata" / "shanghai", geodata)
            CASES[name](geodata)
            try:
                app = storymap.create_app({"STORIES_DIR": str(stories), "GEODATA_DIR": str(geodata),
                                           "RELOAD_CHECK_SECONDS": None})
            except InvalidInputError as exc:
                made[name] = exc
            else:
                client = app.test_client()
                for path in PAGES:  # rendered once before Chromium asks, as on a running site
                    client.get(path)
                made[name] = start_server(app)
        return made[name]

    return make


def assert_nothing_ran(page):
    assert page.evaluate("typeof window.__x") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    # Every executable script is one the app wrote: none carries the payload.
    assert page.evaluate("""[...document.scripts].filter(s => !['application/json', 'importmap'].includes(s.type)
                                && s.textContent.includes('window.__x')).length""") == 0


def wait_for_map(page):
    page.wait_for_function("document.querySelectorAll('path.district').length >= 16"
                           " && document.querySelectorAll('path.place').length > 0")


@pytest.mark.parametrize("case", CASES)
def test_payload_in_a_data_field_never_runs(case, case_server, open_page):
    server = case_server(case)
    if isinstance(server, InvalidInputError):
        # Refused: the build names the file, and no page is ever served from it.
        file_name = {"display": "districts.display.geojson", "full": "districts.full.geojson",
                     "display+full": "districts.", "manifest": "manifest.json",
                     "gazetteer": "gazetteer.csv"}[case.split(":")[0]]
        assert any(file_name in str(p.file) for p in server.problems), server
        assert case.split(":")[1] in ("code", "area_km2", "region.adcode", "id", "lon", "lat", "crs",
                                      "precision", "district_code"), f"{case} refused: {server}"
        return
    page, _ = open_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)  # a busy CI machine; nothing here is timed
    for path in PAGES:
        page.goto(server + path)
        wait_for_map(page)
        assert_nothing_ran(page)


def test_payloads_in_every_text_field_at_once_are_shown_as_text(tmp_path, repo_root, start_server, open_page):
    stories, geodata = tmp_path / "stories", tmp_path / "geodata" / "shanghai"
    shutil.copytree(repo_root / "stories", stories, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(repo_root / "geodata" / "shanghai", geodata)
    for name, change in CASES.items():
        if name.split(":")[1] in ("name_zh", "name_en", "region.name_zh", "region.name_en", "source.provider",
                                  "name", "aliases", "source", "note"):
            change(geodata)
    server = start_server(storymap.create_app({"STORIES_DIR": str(stories), "GEODATA_DIR": str(geodata),
                                               "RELOAD_CHECK_SECONDS": None}))
    page, _ = open_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    for path in PAGES:
        page.goto(server + path + "#district=310101")
        wait_for_map(page)
        assert_nothing_ran(page)
        # The payload did reach the page, as data: the district's name is in the panel as text.
        data = page.evaluate("JSON.parse(document.getElementById('storymap-data').textContent)")
        assert PAYLOAD in next(d["name_zh"] for d in data["districts"] if d["code"] == "310101")
        panel = page.locator("#sm-panel")
        panel.wait_for()
        assert "window.__x=13" in panel.inner_text()
        assert_nothing_ran(page)


def test_csp_refuses_a_script_that_data_would_add(browser, live_server):
    """If data ever escaped its JSON block, its script would match none of the page's CSP hashes."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    def add_script(route):
        response = route.fetch()
        body = response.text()
        injected = re.sub(r'(<script type="application/json" id="storymap-data">)',
                          r"<script>window.__x=13</script>\1", body, count=1)
        assert injected != body
        route.fulfill(response=response, body=injected)

    page.route(lambda url: url.rstrip("/") == live_server.rstrip("/"), add_script)
    page.goto(live_server + "/")
    wait_for_map(page)  # the app's own inline scripts ran: their hashes are listed
    assert page.evaluate("typeof window.__x") == "undefined"
    assert page.evaluate("[...document.scripts].some(s => s.textContent === 'window.__x=13')")
    assert any("script-src" in v for v in violations), violations
    context.close()

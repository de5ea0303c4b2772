"""The compare mode in headless Chromium: picking items, the table, the hash, downloads, print."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect
from pyproj import Geod

pytestmark = pytest.mark.browser

GEOD = Geod(ellps="WGS84")
MODU = (121.459000, 31.162300)  # gazetteer.csv, WGS-84
TANJIAQIAO = (121.457267, 31.265283)
TWO = "#compare=place:modu-space,place:tanjiaqiao-road&r=1000"
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def wait_for_table(page, columns: int):
    expect(page.locator(".cmp-table thead th")).to_have_count(columns + 1)


def downloaded_rows(page, selector: str) -> list[dict]:
    with page.expect_download() as download:
        page.locator(selector).click()
    raw = open(download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_compare_two_story_places_picked_in_the_ui(page, live_server, ui):
    ui.open(page, live_server + "/")
    # The first from its marker's popup.
    ui.click(page, "path.place-modu-space")
    page.locator(".leaflet-popup .cmp-add").click()
    expect(page).to_have_url(re.compile(r"#compare=place:modu-space&r=1000$"))
    expect(page.locator(".cmp-need")).to_be_visible()
    # The second through search and its place panel.
    page.locator("#sm-search-input").fill("谈家桥路")
    page.locator("#sm-search-results [role=option]").first.click()
    expect(page).to_have_url(re.compile(r"#place=tanjiaqiao-road$"))
    page.locator("#sm-panel .cmp-add").click()
    expect(page).to_have_url(re.compile(re.escape(TWO) + "$"))
    wait_for_table(page, 2)

    _, _, metres = GEOD.inv(*MODU, *TANJIAQIAO)
    cell = page.locator('.cmp-matrix td[data-pair="AB"]')
    expect(cell).to_contain_text(f"{metres / 1000:.2f} km")
    assert float(cell.get_attribute("data-distance-m")) == pytest.approx(metres, abs=1.0)
    expect(page.locator("path.cmp-circle")).to_have_count(2)
    expect(page.locator(".cmp-line-label")).to_contain_text(f"{metres / 1000:.2f} km")

    # Reload restores the comparison from the hash.
    page.reload()
    page.wait_for_function("() => window.StoryMap && window.StoryMap.app")
    wait_for_table(page, 2)
    expect(page.locator('.cmp-matrix td[data-pair="AB"]')).to_contain_text(f"{metres / 1000:.2f} km")

    # The pairs CSV download parses and carries the same distance, one row per pair.
    (ab,) = downloaded_rows(page, "#cmp-csv-pairs")
    assert (ab["pair"], ab["a"], ab["b"]) == ("AB", "place:modu-space", "place:tanjiaqiao-road")
    assert float(ab["distance_m"]) == pytest.approx(metres, abs=1.0)
    assert f"{float(ab['distance_m']) / 1000:.2f} km" in page.locator('.cmp-matrix td[data-pair="AB"]').inner_text()
    assert [r["item"] for r in downloaded_rows(page, "#cmp-csv-items")] == ["place:modu-space", "place:tanjiaqiao-road"]


def test_edits_replace_the_history_entry_and_back_leaves_compare_mode(page, live_server, ui):
    ui.open(page, live_server + "/#district=310106")
    page.locator("#sm-panel .cmp-add").click()
    expect(page).to_have_url(re.compile(r"#compare=district:310106&r=1000$"))
    length = page.evaluate("history.length")
    page.locator("#cmp-coords").fill("121.4900, 31.2400")
    page.locator("#cmp-coords").press("Enter")
    wait_for_table(page, 2)
    page.locator("#cmp-radius").fill("2500")
    page.locator("#cmp-radius").press("Enter")
    expect(page).to_have_url(re.compile(r"#compare=district:310106,pt:121.4900:31.2400&r=2500$"))
    expect(page.locator('.cmp-table tr[data-key="circle_area_m2"] th')).to_contain_text("2.50 km")
    assert page.evaluate("history.length") == length
    page.go_back()
    expect(page).to_have_url(re.compile(r"#district=310106$"))
    expect(page.locator("body")).not_to_have_class(re.compile("sm--compare"))
    page.go_forward()
    wait_for_table(page, 2)


def test_typed_gcj02_coordinates_and_a_bad_point(open_page, live_server, ui):
    page, log = open_page(viewport={"width": 1280, "height": 800})
    ui.open(page, live_server + "/?lang=en" + TWO)
    wait_for_table(page, 2)
    page.locator("#cmp-crs").select_option("gcj02")
    page.locator("#cmp-coords").fill("121.4912, 31.2387")
    page.locator("#cmp-coords").press("Enter")
    wait_for_table(page, 3)
    expect(page).to_have_url(re.compile(r"pt:121\.4912:31\.2387:gcj02"))
    expect(page.locator('.cmp-table tr[data-key="district"] td').nth(2)).to_contain_text("Huangpu")
    page.locator("#cmp-coords").fill("116.39, 39.91")  # Beijing
    page.locator("#cmp-coords").press("Enter")
    expect(page.locator(".cmp-error")).to_contain_text("outside every district")
    page.locator(".cmp-chip__remove").nth(3).click()
    wait_for_table(page, 3)
    # The API's 400 for the bad point is expected; Chromium logs every 4xx fetch as a console error.
    expected = [e for e in log.console_errors if "status of 400" in e]
    assert len(expected) == 1, log.console_errors
    log.console_errors.remove(expected[0])


def test_pick_a_point_on_the_map(page, live_server, ui):
    ui.open(page, live_server + "/" + TWO)
    wait_for_table(page, 2)
    page.locator(".cmp-controls button", has_text="在地图上取点").click()
    expect(page.locator(".leaflet-container")).to_have_class(re.compile("cmp-picking"))
    # the map flies to the items first; a click during the flight would not be a pick
    page.evaluate("() => new Promise((done) => { StoryMap.app.map.once('moveend', done); setTimeout(done, 2000); })")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_table(page, 3)
    expect(page).to_have_url(re.compile(r"#compare=place:modu-space,place:tanjiaqiao-road,pt:\d+\.\d+:\d+\.\d+&r=1000$"))


def test_basemap_is_off_and_the_ui_says_so(page, live_server, ui):
    ui.open(page, live_server + "/" + TWO)
    wait_for_table(page, 2)
    expect(page.locator(".cmp-tiles__off")).to_be_visible()


def test_basemap_is_one_click_when_configured(browser, start_server, ui):
    import storymap

    url = start_server(storymap.create_app({"TILES": ("osm",)}))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # Tiles are answered here with a blank image, so nothing leaves the machine.
    context.route(lambda u: "tile.openstreetmap.org" in u,
                  lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG))
    context.route(lambda u: "127.0.0.1" not in u and "tile.openstreetmap.org" not in u, lambda route: route.abort())
    page = context.new_page()
    try:
        ui.open(page, url + "/" + TWO)
        wait_for_table(page, 2)
        expect(page.locator(".cmp-tiles__off")).to_be_visible()
        page.locator("#cmp-tiles-on").click()
        expect(page.locator(".leaflet-tile-pane .leaflet-layer")).to_have_count(1)
        expect(page.locator(".cmp-tiles__off")).to_have_count(0)
    finally:
        context.close()


def test_print_view_fits_one_a4_landscape_page(page, live_server, tmp_path):
    items = "place:modu-space,place:tanjiaqiao-road,pt:121.49:31.24,district:310101,place:changning,place:shantao-bund"
    page.goto(f"{live_server}/compare/print?items={items}&r=1000")
    expect(page.locator("svg .cmp-svg__item")).to_have_count(6)
    pdf = tmp_path / "compare.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    data = pdf.read_bytes()  # Chromium writes page objects uncompressed
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 842, 595)}  # A4 landscape in points


# ---------- the static copy: compared in the page, from file://, with no network ----------

BUND = "pt:121.4868:31.2406"  # on the Bund promenade by 陈毅广场, in 黄浦区 (storymap locate 121.4868 31.2406)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("static") / "copy"
    result = subprocess.run([sys.executable, "-m", "storymap", "export", "--out", str(out), "--no-pdf"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def server_answer():
    """What the server computes (pyproj, shapely) for the items the static copy compares in the page."""
    import storymap

    client = storymap.create_app({"TESTING": True}).test_client()

    def answer(items: str, r: int = 1000, table: str | None = None):
        query = {"items": items, "r": str(r)}
        if table:
            return client.get("/api/compare.csv", query_string={**query, "table": table}).get_data(as_text=True)
        return client.get("/api/compare", query_string=query).get_json()

    return answer


def assert_same_table(mine: list[dict], theirs: list[dict]) -> None:
    """The page's CSV table is the server's: same columns, rows and text; numbers within the agreed tolerances."""
    assert [list(r) for r in mine] == [list(r) for r in theirs] and len(mine) == len(theirs)
    for row, other in zip(mine, theirs):
        for column, value in row.items():
            expected = other[column]
            try:
                a, b = float(value), float(expected)
            except ValueError:
                assert value == expected, (column, value, expected)
                continue
            tolerance = (1.0 if column.endswith("_m") else 1e-4 * abs(b) if column.endswith("_m2")
                         else 0.1 if column.endswith("_deg") else 0.001 if "share" in column else 1e-6)
            assert abs(a - b) <= tolerance, (column, value, expected)


def test_static_copy_compares_in_the_page_as_the_server_does(file_page, exported, ui, server_answer):
    page = file_page
    ui.open(page, (exported / "index.html").as_uri())
    # As a reader does it: 模速空间 and 谈家桥路 from their markers' popups, then a typed point on the Bund
    for place, (lon, lat) in (("modu-space", MODU), ("tanjiaqiao-road", TANJIAQIAO)):
        # the wider compare panel may cover a marker: bring it into view first, as a reader would pan
        page.evaluate("([lat, lon]) => StoryMap.app.map.setView([lat, lon], 13, { animate: false })", [lat, lon])
        ui.click(page, f"path.place-{place}")
        page.locator(".leaflet-popup .cmp-add").click()
        expect(page.locator(".cmp-chip")).to_have_count(1 if place == "modu-space" else 2)
    wait_for_table(page, 2)
    page.locator("#cmp-coords").fill(BUND[3:].replace(":", ", "))
    page.locator("#cmp-coords").press("Enter")
    wait_for_table(page, 3)
    # and a district, through the URL as a shared link would, with the names the server also takes
    page.evaluate("(hash) => { location.hash = hash; }", f"#compare=模速空间,谈家桥路,{BUND},黄浦&r=1000")
    wait_for_table(page, 4)
    expect(page.locator(".cmp-error")).to_have_count(0)
    expect(page.locator("#cmp-print")).to_have_count(0)  # the print view needs the server: not offered
    expect(page.locator('.cmp-table tr[data-key="district"] td').nth(2)).to_contain_text("黄浦区")

    server = server_answer(f"place:modu-space,place:tanjiaqiao-road,{BUND},district:310101")
    # the server's numbers are pyproj's: the page's must agree with them and with pyproj directly
    _, _, metres = GEOD.inv(*MODU, *TANJIAQIAO)
    assert server["pairs"][0]["distance_m"] == pytest.approx(metres, abs=0.1)
    for pair in server["pairs"]:
        cell = page.locator(f'.cmp-matrix td[data-pair="{pair["letters"]}"]')
        assert float(cell.get_attribute("data-distance-m")) == pytest.approx(pair["distance_m"], abs=1.0)
        bearing = float(re.search(r"([\d.]+)°", cell.get_attribute("title")).group(1))
        assert abs((bearing - pair["bearing_deg"] + 180) % 360 - 180) <= 0.5  # the title shows whole degrees
    expect(page.locator("path.cmp-circle")).to_have_count(4)
    # figures as the newspaper prints them (the model's strings, storymap.figures), cell for cell as the server's
    facts = page.locator('.cmp-table tr[data-key="facts"] td')
    expect(facts.first).to_contain_text("近5万平方米")  # 模速空间's floor space, as the article gives it
    server_facts = next(r for r in server["table"]["rows"] if r["key"] == "facts")["cells"]
    assert [facts.nth(i).inner_text().strip() for i in range(len(server_facts))] == [c["text"] for c in server_facts]

    # the downloads are made in the page, in the server's tidy format, with the same numbers
    pairs = downloaded_rows(page, "#cmp-csv-pairs")
    assert [r["pair"] for r in pairs] == [p["letters"] for p in server["pairs"]]
    for row, pair in zip(pairs, server["pairs"]):
        assert float(row["distance_m"]) == pytest.approx(pair["distance_m"], abs=1.0)
        assert abs((float(row["bearing_deg"]) - pair["bearing_deg"] + 180) % 360 - 180) <= 0.1
        assert abs((float(row["back_bearing_deg"]) - pair["back_bearing_deg"] + 180) % 360 - 180) <= 0.1
    assert list(pairs[0]) == next(csv.reader(io.StringIO(server_answer("place:modu-space,changning", table="pairs").lstrip("\ufeff"))))
    items = downloaded_rows(page, "#cmp-csv-items")
    for row, item in zip(items, server["items"], strict=True):
        assert row["item"] == item["id"] and row["district_code"] == item["district"]["code"]
        assert row["nearest_place"] == item["nearest_place"]["id"] and row["nearest_place_name"]
        assert float(row["nearest_place_distance_m"]) == pytest.approx(item["nearest_place"]["distance_m"], abs=1.0)
        assert float(row["circle_area_m2"]) == pytest.approx(item["circle"]["area_m2"], rel=1e-4)
    shares = downloaded_rows(page, "#cmp-csv-shares")
    for item in server["items"]:
        mine = {r["district_code"]: float(r["share"]) for r in shares if r["item"] == item["id"] and r["district_code"]}
        theirs = {d["code"]: d["share"] for d in item["circle"]["districts"]}
        assert mine.keys() == theirs.keys(), item["id"]
        for code, share in theirs.items():
            assert mine[code] == pytest.approx(share, abs=0.001), (item["id"], code)
    canonical = ",".join(item["id"] for item in server["items"])
    for table, rows in (("items", items), ("pairs", pairs), ("shares", shares)):
        assert_same_table(rows, list(csv.DictReader(io.StringIO(server_answer(canonical, table=table).lstrip("\ufeff")))))
    with page.expect_download() as download:
        page.locator("#cmp-geojson").click()
    geojson = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert [f["properties"]["role"] for f in geojson["features"]].count("circle") == 4


def test_static_copy_names_a_bad_point_as_the_server_does(file_page, exported, ui, server_answer):
    page = file_page
    ui.open(page, (exported / "en" / "index.html").as_uri() + "#compare=place:modu-space,pt:116.39:39.91&r=1000")
    expect(page.locator(".cmp-error")).to_contain_text("outside every district")
    server = server_answer("place:modu-space,pt:116.39:39.91")
    assert server["error"]["message"] in page.locator(".cmp-error").inner_text()
    expect(page.locator(".cmp-tiles")).not_to_contain_text("storymap serve")  # nothing about a server

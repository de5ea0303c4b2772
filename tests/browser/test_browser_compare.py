"""The compare mode in headless Chromium: picking items, the table, the hash, downloads, print."""

from __future__ import annotations

import base64
import csv
import io
import re

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

    # The CSV download parses and carries the same distance.
    with page.expect_download() as download:
        page.locator("#cmp-csv").click()
    raw = open(download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    ab = next(r for r in rows if r[:3] == ["AB", "place:modu-space", "place:tanjiaqiao-road"])
    assert float(ab[3]) == pytest.approx(metres, abs=1.0)
    assert f"{float(ab[3]) / 1000:.2f} km" in page.locator('.cmp-matrix td[data-pair="AB"]').inner_text()


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

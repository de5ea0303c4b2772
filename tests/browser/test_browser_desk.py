"""The map desk in headless Chromium: place a TODO place by clicking the map, accept one, reject a false one.

The project is a copy of the draft in tests/desk/draft_project.py with
谈家桥路小区 placed already; 模速空间 is placed here by a click inside 徐汇区
(the polygon's own representative point, projected to the screen by the map),
同济大学 is rejected. Then ``storymap validate`` passes on the files, and the
reader's map in the desk's preview shows 模速空间's marker inside 徐汇区.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storymap.desk import edits
from storymap.geodata import load_geodata
from tests.desk.draft_project import FALSE_CANDIDATE, REGION, STORY_ID, make_project

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_url(tmp_path, repo_root, start_server):
    from storymap.web.desk import create_desk_app

    project = make_project(tmp_path / "project", repo_root)
    geodata = load_geodata(project / "geodata" / REGION)
    jingan = geodata.district("310106")
    edits.place_point(project, REGION, STORY_ID, "tan-jia-qiao-lu-xiaoqu", lon=jingan.label_lon, lat=jingan.label_lat,
                      crs="wgs84", precision="subdistrict", source="test: a point inside 静安区")
    url = start_server(create_desk_app(project, test_config={"TESTING": True}))
    return url, project, geodata.district("310104")


def test_place_by_clicking_the_map_and_reject_a_false_candidate(page, desk_url, cli):
    url, project, xuhui = desk_url
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    todo = page.locator('li[data-place="mo-su-kongjian"]')
    expect(todo.locator(".desk-status")).to_have_text("待定位")
    # Every place is marked in the source text; the TODO ones stand out.
    expect(page.locator('#desk-source mark[data-place="mo-su-kongjian"]')).to_have_count(2)
    expect(page.locator('#desk-source mark[data-place="mo-su-kongjian"]').first).to_have_class(re.compile("desk-mark--todo"))

    todo.locator("button.desk-place__name").click()
    expect(page.locator("#desk-selected")).to_contain_text("模速空间")
    x, y = page.evaluate(
        """([lon, lat]) => {
            const map = window.StoryMapDesk.map;
            const box = map.getContainer().getBoundingClientRect();
            const p = map.latLngToContainerPoint([lat, lon]);
            return [box.left + p.x, box.top + p.y];
        }""", [xuhui.label_lon, xuhui.label_lat])
    page.mouse.click(x, y)
    # The district from the spatial join is shown before anything is saved.
    expect(page.locator("#desk-district")).to_contain_text("徐汇区 (310104)")
    page.locator("#desk-precision").select_option("street")
    page.locator("#desk-source-line").fill("clicked on the desk's district map (test)")
    page.locator("#desk-save").click()
    expect(todo.locator(".desk-status")).to_have_text("精确")
    expect(page.locator("#desk-district")).to_contain_text("in 徐汇区 (310104)")

    page.locator('li[data-place="waitan"] button[data-action="accept"]').click()
    expect(page.locator('li[data-place="waitan"] .desk-status--accepted')).to_have_text("已确认")

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f'li[data-place="{FALSE_CANDIDATE}"] button[data-action="reject"]').click()
    expect(page.locator(f'li[data-place="{FALSE_CANDIDATE}"]')).to_have_count(0)
    expect(page.locator("#desk-checks")).to_have_class(re.compile("desk-checks--ok"))

    result = cli("validate", "--stories", project / "stories" / REGION, "--geodata", project / "geodata" / REGION)
    assert result.exit_code == 0, result.output

    # The reader's map of the saved files, in the desk's preview: 模速空间's marker lies in 徐汇区's polygon.
    preview = page.locator("#desk-preview")
    expect(preview).to_be_visible()
    frame = preview.element_handle().content_frame()
    frame.wait_for_function("() => window.StoryMap && window.StoryMap.app && document.querySelector('path.place-mo-su-kongjian')")
    under = frame.evaluate(
        """() => {
            const r = document.querySelector('path.place-mo-su-kongjian').getBoundingClientRect();
            return document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2)
                .filter((el) => el.classList.contains('district'))
                .map((el) => [...el.classList].find((c) => /^district-\\d{6}$/.test(c)));
        }""")
    assert under == ["district-310104"], under


def test_typed_gcj02_coordinates_by_keyboard_in_english(page, desk_url):
    """The keyboard path: choose the place, type Amap (GCJ-02) coordinates, save; stored as WGS-84."""
    from storymap import coords

    url, project, xuhui = desk_url
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}?lang=en")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    todo = page.locator('li[data-place="mo-su-kongjian"]')
    expect(todo.locator(".desk-status")).to_have_text("to place")
    todo.locator("button.desk-place__name").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#desk-selected")).to_contain_text("Place: 模速空间")
    lon, lat = coords.wgs84_to_gcj02(xuhui.label_lon, xuhui.label_lat)
    page.locator("#desk-crs").select_option("gcj02")
    page.locator("#desk-lon").focus()
    page.keyboard.type(f"{lon:.7f}")
    page.keyboard.press("Tab")
    page.keyboard.type(f"{lat:.7f}")
    page.keyboard.press("Tab")
    expect(page.locator("#desk-district")).to_contain_text("Xuhui")
    page.locator("#desk-source-line").focus()
    page.keyboard.type("Amap, typed (test)")
    page.keyboard.press("Enter")  # submits the form
    expect(todo.locator(".desk-status")).to_have_text("exact")  # precision "point", the default
    row = [line for line in (project / "geodata" / REGION / "gazetteer.csv").read_text("utf-8").splitlines()
           if line.startswith("mo-su-kongjian,")][0].split(",")
    assert (float(row[3]), float(row[4])) == (pytest.approx(xuhui.label_lon, abs=2e-6),
                                               pytest.approx(xuhui.label_lat, abs=2e-6))
    assert row[5] == "wgs84" and row[7] == "310104"

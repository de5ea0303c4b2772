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
    expect(page.locator("#desk-selected")).to_have_text("定位：模速空间")  # Chinese punctuation in Chinese
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
    # Said in the page's language, like every string of the desk.
    expect(page.locator("#desk-district")).to_contain_text("已保存：模速空间")
    expect(page.locator("#desk-map path.is-pending, #desk-map path.desk-pending")).to_have_count(0)  # saved, not pending
    expect(page.locator("#desk-district")).to_contain_text("精度：道路），位于徐汇区 (310104)")

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
    expect(page.locator("#desk-district")).to_contain_text("Saved: 模速空间 at ")
    expect(page.locator("#desk-district")).to_contain_text("(WGS-84, precision: point) in Xuhui District (310104)")
    row = [line for line in (project / "geodata" / REGION / "gazetteer.csv").read_text("utf-8").splitlines()
           if line.startswith("mo-su-kongjian,")][0].split(",")
    assert (float(row[3]), float(row[4])) == (pytest.approx(xuhui.label_lon, abs=2e-6),
                                               pytest.approx(xuhui.label_lat, abs=2e-6))
    assert row[5] == "wgs84" and row[7] == "310104"


def test_located_places_are_drawn_above_the_districts_on_first_load(page, desk_url):
    """The markers of the places located already are on top of the district polygons (clickable), not under them."""
    url, _, _ = desk_url
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    markers = page.locator("#desk-map path.desk-marker")
    expect(markers).to_have_count(3)  # 谈家桥路小区 (placed by the fixture), 长宁区, 外滩
    on_top = page.evaluate(
        """() => [...document.querySelectorAll('#desk-map path.desk-marker')].map((marker) => {
            const r = marker.getBoundingClientRect();
            return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === marker;
        })""")
    assert on_top == [True, True, True]
    page.locator("#desk-map path.desk-marker").first.click()
    expect(page.locator("#desk-selected")).not_to_have_text("先在列表中选择一个地点，再点击地图。")


@pytest.mark.parametrize("path", ["/edit/", "/edit/?lang=en", f"/edit/{REGION}/{STORY_ID}",
                                  f"/edit/{REGION}/{STORY_ID}?lang=en"])
def test_the_desk_fits_a_phone_without_scrolling_sideways(open_page, desk_url, path):
    url, _, _ = desk_url
    page, _ = open_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(url + path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_choosing_another_place_never_carries_a_point_over(page, desk_url):
    """A point clicked for one place is not offered for the next one chosen; a TODO place's district is shown."""
    url, _, xuhui = desk_url
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    page.locator('li[data-place="mo-su-kongjian"] button.desk-place__name').click()
    # The text puts 模速空间 in 徐汇区: the map shows that district.
    bounds = page.evaluate("() => { const b = window.StoryMapDesk.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert bounds[0] < xuhui.label_lon < bounds[2] and bounds[1] < xuhui.label_lat < bounds[3]
    assert bounds[2] - bounds[0] < 0.5  # zoomed in to the district, not the whole city (over 1° wide)
    page.evaluate("([lon, lat]) => window.StoryMapDesk.map.fire('click', { latlng: L.latLng(lat, lon) })",
                  [xuhui.label_lon, xuhui.label_lat])
    expect(page.locator("#desk-district")).to_contain_text("徐汇区")
    expect(page.locator("#desk-save")).to_be_enabled()
    page.locator(f'li[data-place="{FALSE_CANDIDATE}"] button.desk-place__name').click()
    expect(page.locator("#desk-lon")).to_have_value("")
    expect(page.locator("#desk-district")).to_have_text("")
    expect(page.locator("#desk-save")).to_be_disabled()
    # A place located already brings its own point, and the district it lies in.
    page.locator('li[data-place="tan-jia-qiao-lu-xiaoqu"] button.desk-place__name').click()
    expect(page.locator("#desk-district")).to_contain_text("静安区 (310106)")
    expect(page.locator("#desk-source-line")).to_have_value("test: a point inside 静安区")


def test_markup_in_a_place_name_is_shown_as_text(page, desk_url):
    """A story file's place name reaches the desk's tooltips, list and source text as text, never as HTML."""
    url, project, _ = desk_url
    markup = '<b class="injected">谈家桥路</b>'
    edits.update(project, REGION, STORY_ID, "tan-jia-qiao-lu-xiaoqu", {"name": markup})
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    expect(page.locator('li[data-place="tan-jia-qiao-lu-xiaoqu"] button.desk-place__name')).to_have_text(markup)
    page.locator("#desk-map path.place-tan-jia-qiao-lu-xiaoqu").hover()
    expect(page.locator(".leaflet-tooltip", has_text=markup)).to_have_count(1)
    assert page.locator(".injected").count() == 0


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/edit/?lang={lang}", f"/edit/{REGION}/{STORY_ID}?lang={{lang}}"], ids=["index", "story"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wcag_a_or_aa_violation_on_the_desk(open_page, desk_url, path, lang, size):
    from tests.browser.test_browser_a11y import describe, run_axe

    url, _, _ = desk_url
    page, _ = open_page(viewport={"width": size[0], "height": size[1]}, locale="zh-CN" if lang == "zh" else "en-GB")
    page.goto(url + path.format(lang=lang))
    page.wait_for_load_state("networkidle")
    if "/edit/" + REGION in path:
        expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
        page.locator('li[data-place="mo-su-kongjian"] button.desk-place__name').click()  # the form in use
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_a_save_that_gets_no_answer_says_so(open_page, desk_url):
    """The desk's server gone (the request aborted): the page says nothing was saved and Save can be pressed again."""
    url, project, xuhui = desk_url
    page, log = open_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    before = (project / "stories" / REGION / "draft.yaml").read_bytes()
    page.locator('li[data-place="mo-su-kongjian"] button.desk-place__name').click()
    page.locator("#desk-lon").fill(str(xuhui.label_lon))
    page.locator("#desk-lat").fill(str(xuhui.label_lat))
    page.locator("#desk-lat").press("Tab")
    page.locator("#desk-source-line").fill("test")
    expect(page.locator("#desk-save")).to_be_enabled()
    page.route("**/places/mo-su-kongjian/point", lambda route: route.abort())
    page.locator("#desk-save").click()
    expect(page.locator("#desk-district")).to_contain_text("没有保存任何内容")
    expect(page.locator("#desk-save")).to_be_enabled()
    assert (project / "stories" / REGION / "draft.yaml").read_bytes() == before
    log.console_errors.clear()  # the aborted request's own console line


def test_add_a_place_the_draft_missed_by_selecting_its_name(page, desk_url):
    url, project, _ = desk_url
    page.goto(f"{url}/edit/{REGION}/{STORY_ID}")
    expect(page.locator("body")).to_have_attribute("data-map-ready", "true")
    page.evaluate("""(name) => {
        const source = document.getElementById('desk-source');
        const node = [...source.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.includes(name));
        const range = document.createRange();
        range.setStart(node, node.textContent.indexOf(name));
        range.setEnd(node, node.textContent.indexOf(name) + name.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        source.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    }""", "徐汇区")
    expect(page.locator("#desk-add-name")).to_have_value("徐汇区")
    page.locator("#desk-add-role").select_option("mentioned")
    page.locator("#desk-add button[type=submit]").click()
    added = page.locator('li[data-place="xu-hui-qu"]')
    expect(added.locator(".desk-status")).to_have_text("待定位")  # after the page is drawn again
    expect(page.locator('#desk-source mark[data-place="xu-hui-qu"]')).to_have_count(1)
    assert '  - id: xu-hui-qu\n    name: "徐汇区"\n    role: mentioned\n' in (project / "stories" / REGION / "draft.yaml").read_text("utf-8")

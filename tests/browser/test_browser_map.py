"""The reader's map in headless Chromium: districts, panel, tour, deep links, search, layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADING = "#sm-panel h2"


def first_sentence(text: str) -> str:
    return text.strip().split("。")[0]


def excerpt_text(story, excerpt_id: str) -> str:
    return next(e["text"] for e in story["excerpts"] if e["id"] == excerpt_id)


# ---------- the page as it opens ----------


def test_map_draws_every_district_from_local_files_only(page_log, live_server, ui, official_districts, story):
    page, log = page_log
    ui.open(page, live_server + "/")
    paths = page.locator("path.district")
    expect(paths).to_have_count(16)
    for code in official_districts:
        expect(page.locator(f"path.district-{code}")).to_have_count(1)
    expect(page.locator(HEADING)).to_have_text(story["title"])
    # story points: one marker per place of the story file
    expect(page.locator("path.place")).to_have_count(len(story["places"]))
    page.screenshot(path="/tmp/storymap-e2e.png")
    assert any(url.endswith("/static/vendor/leaflet/leaflet.js") for url in log.requests)
    assert any(url.endswith("/static/js/main.js") for url in log.requests)
    # the page fixture fails the test if any of log.requests left 127.0.0.1


def test_district_paths_are_keyboard_buttons_with_names(page, live_server, ui, official_districts):
    ui.open(page, live_server + "/")
    for code, (name_zh, name_en) in official_districts.items():
        path = page.locator(f"path.district-{code}")
        expect(path).to_have_attribute("role", "button")
        label = path.get_attribute("aria-label")
        assert name_zh in label and name_en in label, label
    page.locator("path.district-310104").focus()
    page.keyboard.press("Enter")
    expect(page.locator(HEADING)).to_contain_text("徐汇区")


# ---------- clicking districts ----------


def test_click_jingan_shows_the_tanjiaqiao_road_story(page, live_server, ui, story):
    ui.open(page, live_server + "/")
    ui.click(page, "path.district-310106")
    expect(page.locator(HEADING)).to_contain_text("静安区")
    panel = page.locator("#sm-panel")
    expect(panel).to_contain_text(first_sentence(excerpt_text(story, "renewal-sun-ayi")))
    expect(panel).to_contain_text("谈家桥路小区")
    expect(page.locator("path.district-310106")).to_have_class(re.compile(r"\bis-selected\b"))
    assert page.url.endswith("#district=310106")


def test_click_chongming_shows_miao_town(page, live_server, ui, story):
    ui.open(page, live_server + "/")
    ui.click(page, "path.district-310151")
    expect(page.locator(HEADING)).to_contain_text("崇明区")
    panel = page.locator("#sm-panel")
    expect(panel).to_contain_text("庙镇")
    expect(panel).to_contain_text(first_sentence(excerpt_text(story, "ecology-green-life")))


def test_story_points_stay_clickable_inside_the_selected_district(page, live_server, ui):
    ui.open(page, live_server + "/#district=310106")
    expect(page.locator(HEADING)).to_contain_text("静安区")
    ui.click(page, "path.place-tanjiaqiao-road")
    expect(page.locator(".sm-popup")).to_be_visible()


def test_district_without_stories_offers_the_nearest_ones(page, live_server, ui):
    ui.open(page, live_server + "/#district=310107")  # 普陀区 is not in the article
    expect(page.locator(HEADING)).to_contain_text("普陀区")
    nearest = page.locator("#sm-panel .sm-nearest button")
    expect(nearest.first).to_be_visible()
    # 普陀 borders 静安 and 长宁, both of which the article visits
    expect(nearest.nth(0)).to_have_text(re.compile("静安区|长宁区"))
    nearest.filter(has_text="长宁区").click()
    expect(page.locator(HEADING)).to_contain_text("长宁区")


# ---------- the tour ----------


def test_tour_with_buttons_and_arrow_keys(page, live_server, ui, expected_tour, places_by_id):
    ui.open(page, live_server + "/")
    heading, status = page.locator(HEADING), page.locator("#sm-tour-status")
    total = len(expected_tour)
    expect(page.locator("#sm-tour-prev")).to_be_disabled()

    def at(index):
        place = expected_tour[index]
        expect(heading).to_have_text(places_by_id[place]["name"])
        expect(status).to_have_text(f"{index + 1} / {total}")
        expect(page).to_have_url(re.compile(rf"#place={re.escape(place)}$"))
        expect(page.locator(f"path.place-{place}")).to_have_class(re.compile(r"\bis-selected\b"))

    page.locator("#sm-tour-next").click()
    at(0)
    page.locator("#sm-tour-next").click()
    at(1)
    page.keyboard.press("ArrowRight")
    at(2)
    page.keyboard.press("ArrowLeft")
    at(1)
    page.locator("#sm-tour-prev").click()
    at(0)
    for index in range(1, total):
        page.keyboard.press("ArrowRight")
        at(index)
    expect(page.locator("#sm-tour-next")).to_be_disabled()
    page.keyboard.press("ArrowRight")  # past the end: stays on the last stop
    at(total - 1)


def test_arrow_keys_do_not_step_while_typing_in_search(page, live_server, ui, story):
    ui.open(page, live_server + "/")
    page.locator("#sm-search-input").fill("x")
    page.locator("#sm-search-input").press("ArrowRight")
    expect(page.locator(HEADING)).to_have_text(story["title"])
    assert "#place=" not in page.url


def test_back_button_returns_to_the_previous_view(page, live_server, ui, story):
    ui.open(page, live_server + "/")
    heading = page.locator(HEADING)
    ui.click(page, "path.district-310106")
    expect(heading).to_contain_text("静安区")
    page.locator("#sm-panel h4 button", has_text="谈家桥路小区").first.click()
    expect(heading).to_have_text("谈家桥路小区")
    expect(page).to_have_url(re.compile(r"#place=tanjiaqiao-road$"))

    page.go_back()
    expect(heading).to_contain_text("静安区")
    expect(page).to_have_url(re.compile(r"#district=310106$"))
    page.go_back()
    expect(heading).to_have_text(story["title"])
    page.go_forward()
    expect(heading).to_contain_text("静安区")


# ---------- deep links ----------


def test_deep_link_to_a_district(page, live_server, ui):
    ui.open(page, live_server + "/#district=310104")
    expect(page.locator(HEADING)).to_contain_text("徐汇区")
    expect(page.locator("path.district-310104")).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.locator("path.district.is-selected")).to_have_count(1)


def test_deep_link_to_a_place(page, live_server, ui, places_by_id):
    ui.open(page, live_server + "/#place=modu-space")
    expect(page.locator(HEADING)).to_have_text("模速空间")
    expect(page.locator("path.place-modu-space")).to_have_class(re.compile(r"\bis-selected\b"))
    district = str(places_by_id["modu-space"]["district"])
    expect(page.locator(f"path.district-{district}")).to_have_class(re.compile(r"\bis-selected\b"))


def test_deep_link_to_something_unknown_is_handled(page, live_server, ui):
    ui.open(page, live_server + "/#district=999999")
    expect(page.locator("#sm-panel")).to_contain_text("999999")
    expect(page.locator("path.district.is-selected")).to_have_count(0)


# ---------- English ----------


def test_english_page(page, live_server, ui):
    ui.open(page, live_server + "/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    labels = page.locator(".sm-label")
    expect(labels.first).to_be_visible()
    texts = labels.all_text_contents()
    assert "Pudong New Area" in texts and "Chongming District" in texts, texts
    assert not any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts
    assert page.locator("path.district-310106").get_attribute("aria-label").startswith("Jing'an District")
    ui.click(page, "path.district-310106")
    expect(page.locator(HEADING)).to_contain_text("Jing'an District")


def test_english_deep_link_shows_translation(page, live_server, ui, story):
    ui.open(page, live_server + "/?lang=en#district=310106")
    expect(page.locator(HEADING)).to_contain_text("Jing'an District")
    text_en = next(e["text_en"] for e in story["excerpts"] if e["id"] == "renewal-sun-ayi")
    expect(page.locator("#sm-panel")).to_contain_text(text_en.split(".")[0])


# ---------- search ----------


def test_search_for_a_place(page, live_server, ui):
    ui.open(page, live_server + "/")
    box = page.locator("#sm-search-input")
    box.fill("模速")
    results = page.locator(".sm-search__result")
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text("模速空间")
    box.press("Enter")
    expect(page.locator(HEADING)).to_have_text("模速空间")
    expect(page.locator("#sm-search-results")).to_be_hidden()


def test_search_for_a_district_in_english(page, live_server, ui):
    ui.open(page, live_server + "/?lang=en")
    page.locator("#sm-search-input").fill("Jing'an")
    result = page.locator(".sm-search__result").filter(
        has=page.locator(".sm-search__label", has_text=re.compile(r"^Jing'an District$")))
    expect(result).to_have_count(1)
    result.click()
    expect(page.locator(HEADING)).to_contain_text("Jing'an District")
    expect(page).to_have_url(re.compile(r"#district=310106$"))


def test_search_by_keyboard_and_without_results(page, live_server, ui):
    ui.open(page, live_server + "/")
    box = page.locator("#sm-search-input")
    box.fill("崇明")
    expect(page.locator(".sm-search__result").first).to_be_visible()
    box.press("ArrowDown")
    focused = page.locator(".sm-search__result:focus")
    expect(focused).to_have_count(1)
    label = focused.locator(".sm-search__label").text_content()
    focused.press("Enter")
    expect(page.locator(HEADING)).to_contain_text(label)
    box.fill("没有这个地方zzz")
    expect(page.locator(".sm-search__none")).to_be_visible()
    expect(page.locator(".sm-search__result")).to_have_count(0)
    box.press("Escape")
    expect(page.locator("#sm-search-results")).to_be_hidden()


# ---------- narrow screens ----------


def test_mobile_layout_is_a_bottom_sheet_over_a_usable_map(open_page, live_server, ui, official_districts):
    width, height = 390, 844
    page, _ = open_page(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    ui.open(page, live_server + "/")
    sheet = page.locator("#sidebar").bounding_box()
    assert sheet["y"] > height / 2
    assert abs(sheet["width"] - width) <= 2
    assert abs(sheet["y"] + sheet["height"] - height) <= 2
    map_box = page.locator(".folium-map").bounding_box()
    assert map_box["height"] > 0 and map_box["width"] >= width - 2
    topbar = page.locator(".sm-topbar").bounding_box()
    visible_map = sheet["y"] - max(map_box["y"], topbar["y"] + topbar["height"])
    assert visible_map > height / 4, "too little map left above the sheet"
    # tap the first district with a visible point above the sheet
    for code, (name_zh, _) in official_districts.items():
        if ui.point_on(page, f"path.district-{code}", max_y=sheet["y"] - 5):
            ui.click(page, f"path.district-{code}", tap=True, max_y=sheet["y"] - 5)
            break
    else:
        pytest.fail("no district visible above the sheet")
    expect(page.locator(HEADING)).to_contain_text(name_zh)
    expect(page.locator("#sidebar")).to_have_class(re.compile(r"\bsm-sidebar--open\b"))
    expect(page.locator(HEADING)).to_be_in_viewport()


# ---------- reading view and keyboard ----------


def test_reading_view_renders_without_errors(page, live_server, story, places_by_id):
    page.goto(live_server + "/stories")
    expect(page.locator("h1")).to_have_text(story["title"])
    districts = {str(places_by_id[e["place"]]["district"]) for e in story["excerpts"] if "place" in e}
    expect(page.locator("section[id^=district-]")).to_have_count(len(districts))
    expect(page.locator("main")).to_contain_text(first_sentence(excerpt_text(story, "ecology-coffee")))
    assert page.evaluate("document.scripts.length") == 0


def test_keyboard_reaches_search_and_focus_is_visible(page, live_server, ui):
    ui.open(page, live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('sm-skip')"), "skip link is not first"
    for _ in range(5):
        if page.evaluate("document.activeElement.id") == "sm-search-input":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sm-search-input"
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    else:
        pytest.fail("Tab never reached a button")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2, outline
    # the same button, unfocused, has no outline: the focus ring is a change a reader can see
    page.evaluate("document.activeElement.setAttribute('data-probe', '1'); document.activeElement.blur()")
    assert page.evaluate("getComputedStyle(document.querySelector('[data-probe]')).outlineStyle") == "none"


# ---------- city-wide passages, mentioned places, ranked search ----------


def city_wide_excerpts(story) -> list[dict]:
    return [e for e in story["excerpts"] if "place" not in e]


def test_city_wide_passages_have_their_own_view(page, live_server, ui, story):
    ui.open(page, live_server + "/")
    city = city_wide_excerpts(story)
    assert city, "the story has city-wide passages (no place)"
    page.locator("#sm-panel button", has_text="全市").first.click()
    expect(page).to_have_url(re.compile(r"#city$"))
    expect(page.locator(HEADING)).to_have_text("上海市")
    for excerpt in city:
        expect(page.locator("#sm-panel")).to_contain_text(first_sentence(excerpt["text"]))


def test_district_panel_shows_no_city_wide_passage(page, live_server, ui, story):
    # 崇明's panel holds its own passages, not the city-wide PM2.5 figures that follow them in print.
    ui.open(page, live_server + "/#district=310151")
    panel = page.locator("#sm-panel")
    for excerpt in city_wide_excerpts(story):
        expect(panel).not_to_contain_text(first_sentence(excerpt["text"]))


@pytest.mark.parametrize("view", ["#district=310106", "#district=310115", "#place=modu-space", "#city", ""])
def test_panels_hold_only_real_content(page, live_server, ui, view):
    ui.open(page, live_server + "/" + view)
    text = page.locator("#sm-panel").inner_text()
    assert "[object" not in text and "undefined" not in text and "null" not in text


def test_district_without_passages_lists_the_places_it_names(page, live_server, ui, story, places_by_id):
    # 浦东: no passage happens there, but the article names 陆家嘴 (seen from 谈家桥路).
    ui.open(page, live_server + "/#district=310115")
    named = [p for p in story["places"] if str(p["district"]) == "310115"]
    assert named
    panel = page.locator("#sm-panel")
    for place in named:
        panel.locator("button", has_text=place["name"]).click()
        expect(page.locator(HEADING)).to_have_text(place["name"])
        page.go_back()


def test_district_panel_shows_photos_of_places_without_passages(page, live_server, ui, story):
    # 静安: photo 4 (蕃瓜弄) belongs to a place the article names only in a caption.
    ui.open(page, live_server + "/#district=310106")
    photo = next(p for p in story["photos"] if p.get("place") == "fanguanong")
    expect(page.locator("#sm-panel")).to_contain_text(photo["caption"])


@pytest.mark.parametrize("query, lang, heading", [
    ("jingan", "en", "Jing'an District"),
    ("JING AN", "en", "Jing'an District"),
    ("崇明", "zh", "崇明区"),
    ("浦东", "zh", "浦东新区"),
])
def test_search_ranks_the_named_district_first(page, live_server, ui, query, lang, heading):
    ui.open(page, live_server + f"/?lang={lang}")
    box = page.locator("#sm-search-input")
    box.fill(query)
    expect(page.locator(".sm-search__result").first).to_be_visible()
    box.press("Enter")
    expect(page.locator(HEADING)).to_contain_text(heading)
    expect(page).to_have_url(re.compile(r"#district=\d{6}$"))

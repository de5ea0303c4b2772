"""What the map page loads when: the first view, then the reading content and compare mode on a reader's need."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADING = "#sm-panel h2"
ON_DEMAND = ("/api/content/", "/static/js/compare.js", "/static/css/compare.css", "/static/js/search.js")


def asked(log, part: str) -> list[str]:
    return [url for url in log.requests if part in url]


def first_sentence(story, excerpt_id: str, field: str = "text") -> str:
    text = next(e[field] for e in story["excerpts"] if e["id"] == excerpt_id)
    return text.strip().split("。")[0].split(". ")[0]


@pytest.mark.parametrize("query", ["", "?lang=en"])
def test_first_view_fetches_nothing_a_reader_has_not_asked_for(page_log, live_server, ui, story, query):
    page, log = page_log
    ui.open(page, f"{live_server}/{query}")
    page.wait_for_load_state("networkidle")
    expect(page.locator(HEADING)).to_have_text(story["title_en" if query else "title"])
    for part in ON_DEMAND:
        assert not asked(log, part), part
    # a district: one fetch of the reading content, then its passages
    ui.click(page, "path.district-310106")
    expect(page.locator("#sm-panel")).to_contain_text(first_sentence(story, "renewal-sun-ayi", "text_en" if query else "text"))
    ui.click(page, "path.district-310105")
    expect(page.locator("#sm-panel")).to_contain_text(first_sentence(story, "livelihood-xiaoji", "text_en" if query else "text"))
    assert len(asked(log, "/api/content/")) == 1
    assert not asked(log, "/static/js/compare.js")
    # compare mode: its module and stylesheet come when it opens, styled
    page.locator("#sm-panel .cmp-add").click()
    expect(page.locator(".cmp-chip")).to_have_count(1)
    expect(page.locator("body")).to_have_class("sm sm--compare")
    assert asked(log, "/static/js/compare.js") and asked(log, "/static/css/compare.css")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cmp-chips')).display") == "flex"


def test_search_loads_on_first_use_and_finds_passages(page_log, live_server, ui, story):
    page, log = page_log
    ui.open(page, live_server + "/")
    assert not asked(log, "/static/js/search.js")
    phrase = first_sentence(story, "renewal-sun-ayi")[-6:]
    page.locator("#sm-search-input").fill(phrase)
    results = page.locator("#sm-search-results")
    expect(results.locator("mark")).to_contain_text(phrase)
    assert asked(log, "/static/js/search.js") and asked(log, "/api/content/")


def test_a_deep_link_fetches_its_text_at_once(page_log, live_server, ui, story):
    page, log = page_log
    ui.open(page, live_server + "/?lang=en#place=tanjiaqiao-road")
    panel = page.locator("#sm-panel")
    expect(panel).to_contain_text(first_sentence(story, "renewal-sun-ayi", "text_en"))
    # the Chinese original comes with the English content
    original = panel.locator(".sm-original").first
    original.locator("summary").click()
    expect(original).to_contain_text(first_sentence(story, "renewal-sun-ayi"))
    assert len(asked(log, "/api/content/en.json")) == 1


def test_a_failed_content_fetch_is_reported_and_the_map_stays_usable(open_page, live_server, ui, story):
    page, log = open_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page.route("**/api/content/**", lambda route: route.abort("internetdisconnected"))
    ui.open(page, live_server + "/")
    ui.click(page, "path.district-310106")
    expect(page.locator(HEADING)).to_contain_text("静安区")
    expect(page.locator("#sm-panel .sm-load-error")).to_be_visible()
    expect(page.locator("#sm-panel [role=alert]")).to_contain_text("地图仍可使用")
    # the map still answers: another district, the contents, a tour step
    ui.click(page, "path.district-310105")
    expect(page.locator(HEADING)).to_contain_text("长宁区")
    expect(page.locator("path.district-310105.is-selected")).to_have_count(1)
    page.locator("[data-nav=home]").first.click()
    expect(page.locator(HEADING)).to_have_text(story["title"])
    # the retry button asks again; once the network is back, it shows the text
    ui.click(page, "path.district-310106")
    retry = page.locator("#sm-panel .sm-load-error button")
    expect(retry).to_be_visible()
    tries = len(asked(log, "/api/content/"))
    retry.click()
    expect(retry).to_be_visible()
    assert len(asked(log, "/api/content/")) > tries
    page.unroute("**/api/content/**")
    retry.click()
    expect(page.locator("#sm-panel")).to_contain_text(first_sentence(story, "renewal-sun-ayi"))
    # the aborted fetches are logged by Chromium as console errors: expected here, and only those
    failed = [e for e in log.console_errors if "ERR_INTERNET_DISCONNECTED" in e]
    assert failed
    log.console_errors = [e for e in log.console_errors if e not in failed]

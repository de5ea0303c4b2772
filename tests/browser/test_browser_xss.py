"""Markup inside story files is shown as text everywhere the page shows story data.

The markup server's story puts an ``<img onerror>`` and a ``<script>`` into an
excerpt's text, the place's Chinese name and its English name (see
``markup_server`` in conftest). If any of it reached the DOM as HTML, an
``img[src=x]`` element would exist (CSP would still block the handler, so
``window.__xss`` is only the second line of defence).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLACE = "tanjiaqiao-road"


def assert_inert(page):
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate(
        "[...document.scripts].filter(s => s.type !== 'application/json' && s.textContent.includes('__xss')).length"
    ) == 0


def test_place_panel_shows_markup_as_text(page, markup_server, ui, payloads):
    img, script = payloads
    ui.open(page, markup_server + f"/#place={PLACE}")
    expect(page.locator("#sm-panel h2")).to_have_text("谈家桥路小区" + img)
    expect(page.locator("#sm-panel")).to_contain_text(img + script + "初冬的上海")
    assert_inert(page)


def test_tooltip_and_popup_show_markup_as_text(page, markup_server, ui, payloads):
    img, script = payloads
    ui.open(page, markup_server + "/")
    ui.hover(page, f"path.place-{PLACE}")
    tooltip = page.locator(".leaflet-tooltip:not(.sm-label)")
    expect(tooltip).to_have_text("谈家桥路小区" + img)
    assert_inert(page)

    ui.click(page, f"path.place-{PLACE}")
    popup = page.locator(".sm-popup")
    expect(popup).to_be_visible()
    expect(popup.locator(".sm-popup__title")).to_have_text("谈家桥路小区" + img)
    expect(popup.locator(".sm-popup__text")).to_contain_text(img + script)
    assert_inert(page)
    popup.locator("button").click()  # 阅读全文: opens the place panel
    expect(page.locator("#sm-panel h2")).to_have_text("谈家桥路小区" + img)
    assert_inert(page)


def test_contents_search_and_district_panel_show_markup_as_text(page, markup_server, ui, payloads):
    img, script = payloads
    ui.open(page, markup_server + "/")
    expect(page.locator("#sm-panel .sm-toc")).to_contain_text("谈家桥路小区" + img)
    page.locator("#sm-search-input").fill("谈家桥")
    expect(page.locator(".sm-search__result").first).to_contain_text("谈家桥路小区" + img)
    assert_inert(page)
    page.locator("#sm-search-input").fill("window.__xss=2")
    expect(page.locator(".sm-search__result").first).to_be_visible()
    assert_inert(page)
    page.locator("#sm-search-input").press("Escape")
    ui.open(page, markup_server + "/#district=310106")
    expect(page.locator("#sm-panel")).to_contain_text(img + script + "初冬的上海")
    assert_inert(page)


def test_english_name_with_markup_is_text(page, markup_server, ui, payloads):
    _, script = payloads
    ui.open(page, markup_server + f"/?lang=en#place={PLACE}")
    expect(page.locator("#sm-panel h2")).to_have_text(f"Tanjiaqiao {script} estate")
    assert_inert(page)


def test_reading_view_shows_markup_as_text(page, markup_server, payloads):
    img, script = payloads
    page.goto(markup_server + "/stories")
    expect(page.locator("#section-urban-renewal")).to_contain_text(img + script + "初冬的上海")
    expect(page.locator('[id="district=310106"]')).to_contain_text("谈家桥路小区" + img)
    assert_inert(page)
    page.goto(markup_server + "/stories?lang=en")
    expect(page.locator('[id="district=310106"]')).to_contain_text(f"Tanjiaqiao {script} estate")
    assert_inert(page)

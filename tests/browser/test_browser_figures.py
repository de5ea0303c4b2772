"""Figures read as the newspaper prints them, on the map's panels and the presenter's closing slide.

Expected strings come from the article itself: its Chinese text prints 964万户家庭 and its
English translation "9.64 million households".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PRINTED = {"zh": "964万户", "en": "9.64 million households"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_figures_on_the_map_panel(page, live_server, ui, lang):
    ui.open(page, f"{live_server}/?lang={lang}")
    facts = page.locator("#sm-panel .sm-facts")
    expect(facts.first).to_contain_text(PRINTED[lang])
    text = facts.first.inner_text()
    assert "9,640,000" not in text and "9640000" not in text
    # no figure of the panel is written with a separator a Chinese newspaper would not use
    if lang == "zh":
        assert not re.search(r"\d,\d{3}", text), text


@pytest.mark.parametrize("lang, area", [("zh", r"面积 \d+(\.\d)?平方公里"), ("en", r"Area \d{1,3}(,\d{3})*(\.\d)? km²")])
def test_district_area_on_the_map_panel(page, live_server, ui, lang, area):
    ui.open(page, f"{live_server}/?lang={lang}#district=310115")  # Pudong: over a thousand km²
    expect(page.locator("#sm-panel .sm-muted").first).to_have_text(re.compile(area))


def test_presenter_closing_slide_prints_the_same_figures(page, live_server, expected_tour):
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/present?lang={lang}#slide={len(expected_tour) + 2}")
        page.wait_for_function("() => window.StoryMapPresent && document.querySelector('#pr-slide .sm-facts')")
        text = page.locator("#pr-slide .sm-facts").inner_text()
        assert "−10.3%" in text, text  # a true minus sign, as print uses
        if lang == "zh":
            assert "25.3微克/立方米" in text and "," not in text, text

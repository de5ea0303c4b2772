"""The one number formatter: figures as a newspaper prints them, in both languages.

Expected strings are written as a Chinese and an English newspaper print them,
not copied from the formatter's output.
"""

from __future__ import annotations

import pytest

from storymap.figures import format_change, format_figure, format_number


@pytest.mark.parametrize("value, unit, lang, qualifier, unit_en, printed", [
    # 万 and 亿 where the figure is round in them
    (30_000_000_000, "元", "zh", None, None, "300亿元"),
    (9_640_000, "户", "zh", None, None, "964万户"),
    (275_000, "人次", "zh", None, None, "27.5万人次"),
    (150_000_000, "元", "zh", "over", None, "逾1.5亿元"),
    (50_000, "m²", "zh", "approx", None, "近5万平方米"),
    (6300, "km²", "zh", "over", None, "逾6300平方公里"),
    (2300, "家", "zh", None, None, "2300家"),
    (123_456_789, "元", "zh", None, None, "123,456,789元"),  # not round in 万: written out
    (12, "公里", "zh", None, None, "12公里"),
    # decimals and percentages
    (25.3, "μg/m³", "zh", None, None, "25.3微克/立方米"),
    (20, "%", "zh", "over", None, "逾20%"),
    (20, "%", "en", "over", None, "over 20%"),
    (0.5, "%", "en", None, None, "0.5%"),
    # English: million and billion, commas below
    (30_000_000_000, "元", "en", None, None, "30 billion yuan"),
    (9_640_000, "户", "en", None, "households", "9.64 million households"),
    (9_640_000, "户", "en", None, None, "9.64 million households"),  # no unit_en: the usual word
    (275_000, "人次", "en", None, "person-visits", "275,000 person-visits"),
    (2300, "家", "en", "over", "enterprises", "over 2,300 enterprises"),
    (2300, "家", "en", None, None, "2,300"),  # a plain count: the label says what of
    (1_250_000_000, "元", "en", "approx", None, "about 1.25 billion yuan"),
    (50_000, "m²", "en", "approx", None, "about 50,000 m²"),
    (25.3, "μg/m³", "en", None, None, "25.3 μg/m³"),
    # years are never regrouped
    (2025, "年", "zh", None, None, "2025年"),
    (2025, "年", "en", None, "", "2025"),
])
def test_figures_read_as_a_newspaper_prints_them(value, unit, lang, qualifier, unit_en, printed):
    assert format_figure(value, unit, lang, qualifier, unit_en) == printed


def test_numbers_without_units():
    assert format_number(964, "zh") == "964"
    assert format_number(10_000, "zh") == "1万"
    assert format_number(1_000_000, "en") == "1 million"
    assert format_number(999_999, "en") == "999,999"
    assert format_number(1234.5, "en") == "1,234.5"


def test_changes_are_signed_with_a_true_minus():
    assert format_change({"value": -10.3, "unit": "%"}, "zh") == "−10.3%"
    assert format_change({"value": 2, "unit": "个百分点"}, "zh") == "+2个百分点"
    assert format_change({"value": 2, "unit": "个百分点"}, "en") == "+2 percentage points"


def test_every_fact_of_the_model_carries_its_printed_figure(bundled_model):
    """The model prints each figure once per language; households are 964万户 / 9.64 million households."""
    by_value = {f["value"]: f for f in bundled_model.facts}
    assert by_value[9_640_000]["figure"] == "964万户"
    assert by_value[9_640_000]["figure_en"] == "9.64 million households"
    pm25 = by_value[25.3]
    assert pm25["change"]["figure"] == "−10.3%" and pm25["figure"] == "25.3微克/立方米"
    for fact in bundled_model.facts:
        assert "," not in fact["figure"] or fact["value"] >= 10_000, fact

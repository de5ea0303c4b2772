"""Figures as a newspaper prints them: 300亿元, 964万户; "30 billion yuan", "9.64 million households".

The one number formatter of the app. The model formats every fact once per
language (``figure``, ``figure_en``, and the same for its ``change``), and
every view (map panel, reading view, presenter, quiz, handout) shows that
string: no page formats a figure of its own.

Chinese: 万 and 亿 where the number is round in them (at most two decimals),
no separator below 万 (2300家, 6862场). English: million and billion the same
way, thousands separated by commas, except a year (2025年 stays 2025).
Units: the story file keeps SI symbols (km², μg/m³) and Chinese measure words
(户, 家); Chinese pages spell the symbols out (平方公里), English pages use
``unit_en`` or, without it, the usual English word for a common unit.
"""

from __future__ import annotations

SCALES = {
    "zh": ((100_000_000, "亿"), (10_000, "万")),
    "en": ((1_000_000_000, " billion"), (1_000_000, " million")),
}
MAX_DECIMALS = 2  # 9.64 million, 1.25亿; a figure needing more is written out in full
QUALIFIERS = {"zh": {"approx": "近", "over": "逾"}, "en": {"approx": "about ", "over": "over "}}
# How a Chinese page writes the SI symbols the story files keep (the ingest stores these symbols).
ZH_UNITS = {
    "μg/m³": "微克/立方米", "mg/m³": "毫克/立方米", "km²": "平方公里", "m²": "平方米", "ha": "公顷",
    "km": "公里", "m": "米", "kg": "千克", "t": "吨",
}
# An English word for a common Chinese unit, where the story file gives no unit_en. A measure
# word that only counts (家, 个, 场) has none: the label says what is counted.
EN_UNITS = {
    "元": "yuan", "户": "households", "人": "people", "人次": "person-times", "个百分点": "percentage points",
    "吨": "tonnes", "亩": "mu", "公里": "km", "平方公里": "km²", "平方米": "m²", "米": "m", "倍": "times",
}
YEAR_UNITS = ("年", "year")
TIGHT_UNITS = ("%", "‰", "°")  # written without a space: 20%


def format_number(value: float, lang: str = "zh", year: bool = False) -> str:
    """``value`` as a newspaper writes it in ``lang``.

    >>> format_number(30_000_000_000), format_number(9_640_000, "en"), format_number(2300, "en")
    ('300亿', '9.64 million', '2,300')
    """
    sign = "−" if value < 0 else ""  # a true minus sign, as print uses
    value = abs(value)
    if year:
        return sign + _plain(value)
    for size, word in SCALES[lang]:
        scaled = value / size
        if scaled >= 1 and _is_round(scaled):
            return sign + _plain(scaled) + word
    if lang == "zh" and value < 10_000:
        return sign + _plain(value)
    return sign + _grouped(value)


def format_figure(value: float, unit: str, lang: str = "zh", qualifier: str | None = None,
                  unit_en: str | None = None) -> str:
    """A figure with its qualifier and unit: 逾300亿元, about 50,000 m², 20%."""
    year = unit in YEAR_UNITS and float(value).is_integer() and 1000 <= abs(value) <= 2999
    number = format_number(value, lang, year=year)
    unit = _unit(unit, lang, unit_en)
    joiner = "" if not unit or unit.startswith(TIGHT_UNITS) or (lang == "zh" and _is_cjk(unit[0])) else " "
    return f"{QUALIFIERS[lang].get(qualifier or '', '')}{number}{joiner}{unit}"


def format_change(change: dict, lang: str = "zh") -> str:
    """A stated change, signed: +10.3%, −2 个百分点 (the basis is the caller's: it is story text)."""
    text = format_figure(change["value"], change["unit"], lang, unit_en=change.get("unit_en"))
    return f"+{text}" if change["value"] > 0 else text


def _unit(unit: str, lang: str, unit_en: str | None) -> str:
    if lang == "zh":
        return ZH_UNITS.get(unit, unit)
    if unit_en is not None:
        return unit_en
    if any(_is_cjk(ch) for ch in unit):
        return EN_UNITS.get(unit, "")
    return unit


def _is_round(scaled: float) -> bool:
    return abs(round(scaled, MAX_DECIMALS) - scaled) < 1e-9 * max(1.0, scaled)


def _plain(value: float) -> str:
    """No separator, no trailing zeros: 964, 9.64, 25.3."""
    text = f"{value:.{MAX_DECIMALS + 4}f}".rstrip("0").rstrip(".")
    return text or "0"


def _grouped(value: float) -> str:
    whole, _, decimals = _plain(value).partition(".")
    return f"{int(whole):,}" + (f".{decimals}" if decimals else "")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"

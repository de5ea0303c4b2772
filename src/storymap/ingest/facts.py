"""Finding the figures a passage quotes: a number, its unit, its qualifier, a change.

:func:`find_facts` is pure: 25.3微克/立方米, 下降10.3%, 964万户, 逾2300家,
近5万平方米, 逾千个 become values with units and qualifiers, each with the
clause that states it (verbatim, so the story validator accepts it as a quote).
Dates, ordinals and counts of months (2025年, 4月29日, 3层, 9个月) are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest first, so 平方公里 wins over 公里.
UNITS = {
    "微克/立方米": "μg/m³", "毫克/立方米": "mg/m³", "平方公里": "km²", "平方千米": "km²", "平方米": "m²",
    "公顷": "ha", "亩": "亩", "公里": "km", "千米": "km", "人次": "人次", "亿元": "元", "万元": "元", "元": "元",
    "%": "%", "％": "%", "个百分点": "个百分点", "家": "家", "场": "场", "户": "户", "个": "个", "项": "项",
    "名": "名", "人": "人", "辆": "辆", "座": "座", "所": "所", "套": "套", "间": "间", "栋": "栋", "台": "台",
    "吨": "吨", "处": "处", "条": "条", "张": "张", "件": "件", "次": "次", "倍": "倍", "株": "株", "棵": "棵",
}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100}
_APPROX = ("近", "约", "大约", "左右")
_OVER = ("逾", "超过", "超", "余", "多", "以上")
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    r"(?P<before>近|约|大约|逾|超过|超)?"
    r"(?:(?<![A-Za-z0-9.\-])(?P<number>\d+(?:\.\d+)?)(?P<mult>万|亿)?|(?<=[近约逾超])(?P<word>[千百万]))"
    rf"(?P<after>余|多)?(?P<unit>{_UNIT_PATTERN})(?P<tail>以上|左右)?"
)
_CHANGE = re.compile(
    r"(?P<basis>(?:较|比|同比|环比)[\u4e00-\u9fff]{0,6}?)?(?P<dir>下降|减少|降低|下滑|增长|增加|提高|上升|提升)"
    r"(?P<number>\d+(?:\.\d+)?)(?P<unit>%|％|个百分点)"
)
_NOT_A_UNIT_AFTER = {"个": ("月", "小时"), "家": ("庭", "人", "长"), "人": ("民", "才"), "场": ("景", "所", "馆")}
_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?]")
_FALLING = ("下降", "减少", "降低", "下滑")


@dataclass(frozen=True)
class FoundFact:
    value: float
    unit: str
    qualifier: str  # exact, approx, over
    quote: str  # the clause that states it, verbatim
    label: str
    start: int  # offset of the figure in the passage
    change: dict | None = None
    period: str | None = None  # 2025-01/2025-09, 截至2025-11, 2025


def find_facts(printed: str, text: str | None = None, year: str | None = None) -> list[FoundFact]:
    """Every figure in ``printed`` with its unit, qualifier and any change stated with it.

    ``text`` is the same passage in Simplified characters, position for
    position, when it was printed in Traditional ones: figures are read there,
    quotes and labels taken from the printed text. ``year`` (of the issue)
    turns 今年 into a year in periods.
    """
    text = text if text is not None else printed
    facts: list[FoundFact] = []
    changes = list(_CHANGE.finditer(text))
    used_changes = set()
    for match in _FIGURE.finditer(text):
        if any(c.start() <= match.start() < c.end() for c in changes):
            continue
        unit_text = match["unit"]
        if text[match.end(): match.end() + 2].startswith(_NOT_A_UNIT_AFTER.get(unit_text, ("\0",))):
            continue
        value = float(match["number"]) if match["number"] else 1.0
        multiplier = _MULTIPLIERS.get(match["mult"] or match["word"] or "", 1)
        if unit_text in ("亿元", "万元"):
            multiplier *= _MULTIPLIERS[unit_text[0]]
        value = round(value * multiplier, 6)
        qualifiers = [q for q in (match["before"], match["after"], match["tail"]) if q]
        qualifier = "over" if any(q in _OVER for q in qualifiers) else "approx" if any(q in _APPROX for q in qualifiers) else "exact"
        start, end = _clause(text, match.start(), match.end())
        change = None
        following = next((c for c in changes if c.start() >= match.end() and not _sentence_break(text, match.end(), c.start())), None)
        if following is not None and following.start() not in used_changes:
            used_changes.add(following.start())
            signed = -float(following["number"]) if following["dir"] in _FALLING else float(following["number"])
            change = {"value": signed, "unit": UNITS[following["unit"]]}
            if following["basis"]:
                change["basis"] = following["basis"]
            end = _clause(text, following.start(), following.end())[1]
        facts.append(FoundFact(
            int(value) if value == int(value) else value, UNITS[unit_text], qualifier, printed[start:end],
            _label(printed, text, start, match.start(), match.end()), match.start(), change,
            period(text, start, match.start(), year),
        ))
    for change in changes:
        if change.start() in used_changes:
            continue
        start, end = _clause(text, change.start(), change.end())
        signed = -float(change["number"]) if change["dir"] in _FALLING else float(change["number"])
        facts.append(FoundFact(signed, UNITS[change["unit"]], "exact", printed[start:end],
                               _label(printed, text, start, change.start(), change.end()), change.start()))
    return sorted(facts, key=lambda f: f.start)


_MONTHS_OF_YEAR = re.compile(r"(\d{4}|今)年前(\d{1,2})个月")
_AS_OF = re.compile(r"截至(\d{4}|今)年(\d{1,2})月")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;]")
_YEAR = re.compile(r"(\d{4})年(?![—\-至到]\d)")


def period(text: str, clause_start: int, position: int, year: str | None = None) -> str | None:
    """The period a figure covers, from its sentence before it (前9个月, 截至…月) or its clause (2025年)."""
    sentence_start = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, position)), default=0)
    before = text[sentence_start:position]

    def year_of(word: str) -> str | None:
        return word if word != "今" else year

    for pattern, form in ((_AS_OF, "截至{y}-{m:02d}"), (_MONTHS_OF_YEAR, "{y}-01/{y}-{m:02d}")):
        found = list(pattern.finditer(before))
        if found and year_of(found[-1].group(1)):
            return form.format(y=year_of(found[-1].group(1)), m=int(found[-1].group(2)))
    in_clause = _YEAR.findall(text[clause_start:position])
    return in_clause[-1] if in_clause else None


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    before = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    after = next((m.start() for m in _CLAUSE_BREAK.finditer(text, end)), len(text))
    return before, after


def _sentence_break(text: str, start: int, end: int) -> bool:
    return bool(re.search(r"[。；;！？!?]", text[start:end]))


def _label(printed: str, text: str, clause_start: int, start: int, end: int) -> str:
    """What is measured: the words after the figure (…家企业), else the clause before it."""
    after = re.match(r"[\u4e00-\u9fff“”‘’\"A-Za-z0-9+·]{2,14}", text[end:])
    if after:
        return printed[end: end + after.end()]
    lead = re.match(r"\s*(?:共|累计|已|目前|其中|截至目前)?", text[clause_start:start])
    return printed[clause_start + lead.end(): start].strip() or printed[clause_start:end]

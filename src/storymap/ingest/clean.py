"""Cleaning a printed page's text into the parts of an article.

:func:`clean_article` is pure: raw text in, an :class:`Article` out, with every
intervention recorded as a sentence in ``Article.notes`` (the draft's
``source.note``). Print texts repeat the same damage -- a masthead, a
paragraph printed twice, words split across columns, a passage cut off, photo
captions run into the text -- and each is handled by one small step below.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from .language import Language

# Closing punctuation: a paragraph that ends with one of these is complete.
_CLOSERS = "。！？!?”’」』…)）"
_SENTENCE_PUNCT = re.compile(r"[，,。；;！？!?、…]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？!?]")
# The marks papers print before a heading (▌ 老城, ■ 在云杉山).
_HEADING_MARKS = "▌▍■□◆◇△▶►"
# Page furniture: masthead, imprint, page and layout credits.
_FURNITURE = re.compile(
    r"主管|主办|邮发代号|零售价|统一连续出版物号|国内统一刊号|CN\s?\d{2}-\d{4}|新闻热线|发行中心|投稿邮箱|印刷单位|"
    r"^责任?编[辑]?\s*[:：]|^(?:责编|美编|校对|版式|组版|审读)\s*[:：]?|^第?\s*\d{1,3}\s*版|^\d{1,3}$|^[-—\s]*\d{1,3}[-—\s]*$|"
    # a jump line (（下转第8版）) and the label over a page's captions (【图片说明】, ■ 图说：)
    r"^[（(]?(?:下转|上接|转下|接上)第?\s*\d{1,3}\s*版[）)]?$|"
    rf"^(?:[{_HEADING_MARKS}]\s*)?[【\[［（(「]?\s*(?:图片说明|图片新闻|图说|图注)\s*[】\]］）)」]?\s*[:：]?$"
)
_EDITOR_NOTE = re.compile(r"^(?:【\s*)?编者按(?:\s*】)?\s*[:：]?\s*(?P<rest>.*)$")
# A byline, with the marks papers print before it (文/…, 图文｜…, □…); not a column heading (记者手记, 记者观察).
_BYLINE = re.compile(
    r"^(?:(?:文|图|图文|文图|文/图|图/文)\s*[/／|｜:：]\s*|[□■●◎▲]\s*)?"
    r"(?:(?P<paper>[\u4e00-\u9fff]{2,12}?报)(?:社)?|本报)?(?:特约|首席)?记者\s*[:：]?\s*"
    r"(?!(?:手记|札记|观察|调查|随笔|日记|感言|笔记|追踪|探访|走访|体验|点评)\s*$)"
    r"(?P<names>[\u4e00-\u9fff·\s、,，]{2,40}?)"
    r"(?:\s+(?:文\s*[/／]\s*图|图\s*[/／]\s*文|文图|图文|摄影|摄|报道|文)\s*[/／]?)?"  # 林晓 文/图: what the reporter made
    r"(?:\s*(?:通讯员|实习生).*)?$"
)
_CREDIT_END = re.compile(r"(?:供图|摄影|摄|制图|资料图片|资料图|资料照片|图片来源[:：]\S+)\s*$")
# A caption's number: 1. / 图2： / ① / 图③: (a circled figure needs no separator after it)
_CAPTION_NUMBER = re.compile(
    r"^(?:[-•·]\s*)?(?:图\s*)?(?:(?P<number>\d{1,2})\s*[.、．:：]|(?P<circled>[①-⑳])\s*[.、．:：]?)\s*(?P<body>.+)$"
)
_DATELINE = re.compile(r"(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_PUBLISHER = re.compile(r"出版\s*[:：]\s*(?P<paper>[\u4e00-\u9fff]{2,12}?报)社?")
_FULLWIDTH_SPACE = re.compile(r"[\u3000\u00a0]+")
_HEADING_MAX = 30
# 一、汉口…, 二、“800年”与…: a figure only inside quotes (1.5亿元… is a sentence)
_NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．]\s*(?:[“‘「《\"][\u3400-\u9fff0-9]|[\u3400-\u9fff])")
# A heading by its form, a comma allowed: after a heading's mark (▌, ■, 【二】), or a short lead and a colon before
# at most two phrases (老城更新：湖光、古陵与老街, 数据二:47公里,让水乡重新“活”起来); not a speaker's label
# (受访人：林晓，62岁，退休教师) nor a list's bullet (● 近三年…)
_MARKED_HEADING = re.compile(rf"^(?:[{_HEADING_MARKS}]|【[^】]{{1,6}}】)\s*\S|^[^:：，,。“”\"]{{2,10}}[:：]\s*[^，,]+(?:[，,][^，,]+)?$")
_HEADING_MARK = re.compile(rf"^[{_HEADING_MARKS}]\s*")
_NEAR_DUPLICATE = 0.9


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as printed (original characters), column breaks joined."""

    text: str
    line: int  # where it starts in the raw text (1-based)
    truncated: bool = False


@dataclass(frozen=True)
class Caption:
    number: int | None
    caption: str
    credit: str | None
    line: int


@dataclass(frozen=True)
class Section:
    heading: Paragraph | None  # None: the article prints no headings
    paragraphs: tuple[Paragraph, ...]


@dataclass
class Article:
    title: str | None = None
    subtitle: str | None = None
    series: str | None = None
    newspaper: str | None = None
    date: str | None = None
    reporters: tuple[str, ...] = ()
    editor_note: tuple[Paragraph, ...] = ()
    lede: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()
    captions: tuple[Caption, ...] = ()
    notes: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    """One printed line, classified."""

    text: str  # as printed
    simple: str  # in Simplified characters, position for position: the patterns read this
    line: int
    kind: str = "body"  # body, furniture, head, title, byline, caption
    gap_before: bool = True  # a blank line (or the start of the text) comes before it
    indented: bool = False  # printed with a paragraph indent

    def part(self, match: re.Match, group: str | int = 0) -> str:
        """The printed characters of a match found in ``simple``."""
        return self.text[match.start(group): match.end(group)]


def clean_article(text: str, language: Language) -> Article:
    """Split a page's raw text into the parts of an article.

    Parameters
    ----------
    text : str
        The decoded raw text.
    language : Language
        Segmentation and script conversion (for matching only: the text keeps
        its own characters).
    """
    article = Article()
    units, repaired = _units(text, language)
    if repaired:
        article.notes.append(f"stray full-width or no-break spaces repaired on {repaired} line(s)")
    _mark_furniture(units, article, text)
    units = _join_split_captions(units, article)
    _mark_captions(units, article)
    byline_index = _find_byline(units, article)
    _read_head(units, byline_index, article)
    body = [u for i, u in enumerate(units) if i > byline_index and u.kind == "body"]
    paragraphs = _drop_duplicates(_paragraphs(body, article, language), article)
    _group_sections(paragraphs, article)
    return article


def _units(text: str, language: Language) -> tuple[list[_Unit], int]:
    units, repaired, blank = [], 0, True
    for number, line in enumerate(text.split("\n"), start=1):
        cleaned = _FULLWIDTH_SPACE.sub(" ", line).strip()
        if cleaned != line.strip():
            repaired += 1
        if cleaned:
            indented = bool(re.match(r"(?:\u3000|\s{2,}|\t)", line))
            units.append(_Unit(cleaned, language.simplified(cleaned), number, gap_before=blank, indented=indented))
        blank = not cleaned
    return units, repaired


def _mark_furniture(units: list[_Unit], article: Article, text: str) -> None:
    dropped = []
    for unit in units:
        # a line that ends a sentence is running text, whatever it mentions (行业主管部门, 活动主办方)
        if _FURNITURE.search(unit.simple) and not _SENTENCE_END.search(unit.simple):
            unit.kind = "furniture"
            dropped.append(unit)
            publisher = _PUBLISHER.search(unit.simple)
            if publisher and not article.newspaper:
                article.newspaper = unit.part(publisher, "paper")
    dateline = _DATELINE.search("\n".join(u.simple for u in dropped)) or _DATELINE.search(text[:200])
    if dateline:
        article.date = f"{int(dateline['y']):04d}-{int(dateline['m']):02d}-{int(dateline['d']):02d}"
    for unit in dropped:
        article.notes.append(f"page furniture left out (line {unit.line}: {_clip(unit.text)})")


def _join_split_captions(units: list[_Unit], article: Article) -> list[_Unit]:
    """Join a numbered caption broken across lines in print (图②：夜幕下的竹溪广 | 场流光溢彩。…供图): a
    numbered line with no credit that ends mid-word, and the next line (after at most one blank line), which
    starts mid-sentence and ends in the credit."""
    joined: list[_Unit] = []
    for unit in units:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.kind == unit.kind == "body" and unit.line - previous.line <= 2
                and _CAPTION_NUMBER.match(previous.simple) and not _CREDIT_END.search(previous.simple)
                and _ends_open(previous.text) and _CREDIT_END.search(unit.simple)
                and _starts_mid_sentence(unit.text) and not _CAPTION_NUMBER.match(unit.simple)):
            joined[-1] = replace(previous, text=previous.text + unit.text, simple=previous.simple + unit.simple)
            article.notes.append(f"a photo caption split across lines joined (line {previous.line}/{unit.line}: "
                                 f"{previous.text[-4:]}|{unit.text[:4]})")
            continue
        joined.append(unit)
    return joined


def _mark_captions(units: list[_Unit], article: Article) -> None:
    captions = []
    for unit in units:
        if unit.kind != "body":
            continue
        numbered = _CAPTION_NUMBER.match(unit.simple)
        offset = numbered.start("body") if numbered else 0
        simple, body = unit.simple[offset:], unit.text[offset:]
        credit = _credit_start(simple)
        if credit is None and not simple.startswith("图为"):
            continue
        if not numbered and len(simple) > 150:
            continue
        caption = body[:credit].strip() if credit is not None else body
        if not caption:
            continue
        unit.kind = "caption"
        captions.append(Caption(_caption_number(numbered) if numbered else None, caption,
                                body[credit:].strip() if credit is not None else None, unit.line))
    article.captions = tuple(captions)
    if captions:
        article.notes.append(
            f"{len(captions)} photo caption(s) with their credits taken out of the running text into photos"
        )


def _caption_number(numbered: re.Match) -> int:
    return int(numbered["number"]) if numbered["number"] else ord(numbered["circled"]) - ord("①") + 1


def _credit_start(text: str) -> int | None:
    """Where a photo credit (…供图, …摄) starts at the end of a caption: after its last
    sentence, else its last word (two when the suffix stands alone: 张蓉 摄)."""
    if not _CREDIT_END.search(text):
        return None
    sentence_end = max((m.end() for m in re.finditer(r"[。！？!?]", text)), default=0)
    if sentence_end:
        return sentence_end if text[sentence_end:].strip() else None
    words = [m.start() for m in re.finditer(r"\S+", text)]
    last = words[-2] if len(words) >= 2 and _CREDIT_END.fullmatch(text[words[-1]:]) else words[-1]
    return last if last > 0 else None


def _find_byline(units: list[_Unit], article: Article) -> int:
    for index, unit in enumerate(units):
        match = _BYLINE.match(unit.simple) if unit.kind == "body" and len(unit.text) <= 60 else None
        if match:
            unit.kind = "byline"
            article.reporters = tuple(n for n in re.split(r"[\s、,，]+", unit.part(match, "names")) if n)
            if match["paper"]:
                article.newspaper = unit.part(match, "paper")
            return index
    return -1


def _read_head(units: list[_Unit], byline_index: int, article: Article) -> None:
    """Series, 编者按, title and subtitle: everything printed before the byline."""
    head = [u for u in units[: max(byline_index, 0)] if u.kind == "body"]
    if byline_index < 0:
        head = [u for u in units[:3] if u.kind == "body" and _is_short_line(u.text)][:1]
    note_start = next((i for i, u in enumerate(head) if _EDITOR_NOTE.match(u.simple)), None)
    title_units = []
    for unit in reversed(head):
        # a title or subtitle may have a comma (一座城，一场梦 / ——老城留住烟火，新城长出诗意), not a sentence's end
        if len(unit.text) > 60 or re.search(r"[。；;！？!?]", unit.text) or _EDITOR_NOTE.match(unit.simple) or len(
                title_units) == 2:
            break
        title_units.insert(0, unit)
    if len(title_units) == 2 and not title_units[1].text.startswith(("—", "-", "——")):
        # Two short lines: the first is the series (or a kicker), the second the title.
        title_units = title_units[1:]
    for unit in title_units:
        unit.kind = "title"
    if title_units:
        main, _, rest = title_units[0].text.partition(" ")
        article.title = main
        subtitle = " ".join(u.text.lstrip("—- ") for u in title_units[1:]) or rest.strip()
        article.subtitle = subtitle or None
    before = head[: note_start if note_start is not None else head.index(title_units[0]) if title_units else 0]
    series = [u for u in before if _is_short_line(u.text, 20)]
    if series:
        article.series = series[0].text
    if note_start is not None:
        first = head[note_start].part(_EDITOR_NOTE.match(head[note_start].simple), "rest")
        end = head.index(title_units[0]) if title_units else len(head)
        note = ([Paragraph(first, head[note_start].line)] if first else []) + [
            Paragraph(u.text, u.line) for u in head[note_start + 1: end] if u.kind == "body"
        ]
        article.editor_note = tuple(note)
    for unit in head:
        if unit.kind == "body":
            unit.kind = "head"


def _broken_start(unit: _Unit, following: _Unit | None, language: Language) -> bool:
    """Whether a short first line whose last word runs on into the next line (街区中心的竹溪书 | 院…) is a paragraph
    broken in print, not a heading."""
    return (not _heading_by_form(unit.text) and following is not None and following.line - unit.line <= 2
            and _starts_mid_sentence(following.text) and language.splits_a_word(unit.text, following.text))


def _paragraphs(body: list[_Unit], article: Article, language: Language) -> list[Paragraph]:
    """Join lines split mid-sentence; mark passages cut off in print."""
    paragraphs: list[Paragraph] = []
    headings: set[int] = set()  # indexes into paragraphs
    # Texts whose paragraphs start with an indent wrap each paragraph over several lines.
    indent_style = sum(u.indented for u in body) >= max(2, 0.3 * len(body))
    last_line, wraps = 0, 0
    for index, unit in enumerate(body):
        previous = paragraphs[-1] if paragraphs else None
        # a line printed alone in a heading's form is a heading, even after a passage cut off (…计划在三年内完成 |
        # 三、从城到乡), and what follows it is not run into it
        alone_as_heading = unit.gap_before and (index + 1 == len(body) or body[index + 1].gap_before) and (
            _heading_by_form(unit.text))
        previous_open = (previous is not None and (len(paragraphs) - 1) not in headings and _ends_open(previous.text)
                         and not alone_as_heading)
        wrapped = (previous is not None and (len(paragraphs) - 1) not in headings and not unit.gap_before
                   and unit.line == last_line + 1
                   and (previous_open or (indent_style and not unit.indented and not _is_heading(unit.text))))
        last_line = unit.line
        if wrapped:  # the next printed line of the same paragraph: joined, never a cut
            paragraphs[-1] = replace(previous, text=previous.text + unit.text)
            wraps += 1
            continue
        if previous_open and _starts_mid_sentence(unit.text):
            verdict = language.line_break(previous.text, unit.text)
            if verdict == "join":
                paragraphs[-1] = replace(previous, text=previous.text + unit.text)
                article.notes.append(
                    f"words split across lines joined (line {previous.line}/{unit.line}: "
                    f"{previous.text[-4:]}|{unit.text[:4]})"
                )
                continue
            paragraphs[-1] = replace(previous, truncated=True)
            paragraphs.append(Paragraph(unit.text, unit.line, truncated=True))
            article.notes.append(
                f"the passage breaks off at \"{previous.text[-6:]}\" (line {previous.line}) and resumes "
                f"mid-sentence at \"{unit.text[:6]}\" (line {unit.line}); the missing text is not in the "
                "source and is not supplied (both marked truncated)"
            )
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        if alone_as_heading or (_is_heading(unit.text) and (previous is None or not previous_open)
                                and not _broken_start(unit, following, language)):
            headings.add(len(paragraphs))
        paragraphs.append(Paragraph(unit.text, unit.line))
    if wraps:
        article.notes.append(f"{wraps} line break(s) inside paragraphs (lines wrapped in print) joined")
    return [
        replace(p, truncated=True) if i not in headings and _ends_open(p.text) else p
        for i, p in enumerate(paragraphs)
    ]


def _drop_duplicates(paragraphs: list[Paragraph], article: Article) -> list[Paragraph]:
    """Keep a paragraph printed twice once (exact, a cut-off copy, or nearly the same)."""
    kept: list[Paragraph] = []
    for paragraph in paragraphs:
        twin = next((k for k in kept if _same_paragraph(k.text, paragraph.text)), None)
        if twin is None:
            kept.append(paragraph)
            continue
        if len(paragraph.text) > len(twin.text):  # keep the complete copy, in the first place
            kept[kept.index(twin)] = replace(paragraph, line=twin.line)
        article.notes.append(
            f"paragraph printed twice (line {twin.line} and line {paragraph.line}: "
            f"{_clip(paragraph.text, 12)}) kept once"
        )
    return kept


def _same_paragraph(a: str, b: str) -> bool:
    if len(a) < 20 or len(b) < 20:
        return a == b
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short):
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= _NEAR_DUPLICATE


def _group_sections(paragraphs: list[Paragraph], article: Article) -> None:
    sections: list[Section] = []
    lede: list[Paragraph] = []
    current: Section | None = None
    for paragraph in paragraphs:
        # a heading right under another (■ 在云杉山 | 受访人：林晓，退休教师) is the section's subheading: a paragraph
        subheading = current is not None and not current.paragraphs
        if _is_heading(paragraph.text) and not paragraph.truncated and not subheading:
            # the heading's print mark (▌, ■) is decoration, like a caption's number
            current = Section(replace(paragraph, text=_HEADING_MARK.sub("", paragraph.text)), ())
            sections.append(current)
        elif current is None:
            lede.append(paragraph)
        else:
            current = Section(current.heading, current.paragraphs + (paragraph,))
            sections[-1] = current
    if not sections:
        sections = [Section(None, tuple(lede))]
        lede = []
        article.notes.append("the page prints no section headings: the draft has one section for the whole text")
    article.lede = tuple(lede)
    article.sections = tuple(s for s in sections if s.paragraphs)
    for paragraph in [*lede, *(p for s in sections for p in s.paragraphs)]:
        if paragraph.truncated and _ends_open(paragraph.text) and not any(f"(line {paragraph.line})" in n for n in article.notes):
            article.notes.append(
                f"the passage at line {paragraph.line} breaks off mid-sentence at \"{paragraph.text[-6:]}\" "
                "(marked truncated; nothing supplied)"
            )


def _is_heading(text: str) -> bool:
    if _heading_by_form(text):  # 一、汉口：老街里的慢生活 (a colon or comma inside is still a heading)
        return True
    return len(text) <= _HEADING_MAX and not _SENTENCE_PUNCT.search(text) and bool(_CJK.search(text))


def _heading_by_form(text: str) -> bool:
    """Numbered, marked or led by a colon, short and with no sentence's end."""
    return bool(_NUMBERED_HEADING.match(text) or _MARKED_HEADING.match(text)) and len(text) <= _HEADING_MAX and (
        not re.search(r"[。；;！？!?]", text)) and bool(_CJK.search(text))


def _is_short_line(text: str, limit: int = 40) -> bool:
    return len(text) <= limit and not re.search(r"[，,。；;！？!?]", text)


def _ends_open(text: str) -> bool:
    return bool(text) and text[-1] not in _CLOSERS and bool(re.match(r"[\u3400-\u9fffA-Za-z0-9]", text[-1]))


def _starts_mid_sentence(text: str) -> bool:
    return bool(re.match(r"[\u3400-\u9fffA-Za-z0-9]", text))


def _clip(text: str, length: int = 16) -> str:
    return text if len(text) <= length else text[:length] + "…"

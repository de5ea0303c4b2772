"""Drafting a story file from a cleaned article, its places and its figures.

:func:`plan_story` decides (pure): section ids and themes, which places are
story points, where each excerpt is anchored, what each figure is about.
:func:`render_yaml` writes the result in the format of docs/story-format.md
with comments that show the evidence and what the editor still has to decide.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from .clean import Article, Paragraph
from .facts import FoundFact, find_facts
from .ids import slug
from .places import FoundPlace, Passage

THEME_WORDS = {
    "renewal": ("更新", "改造", "旧改", "拆除", "修缮", "风貌", "历史", "住房", "老旧", "加装电梯", "焕新"),
    "innovation": ("创新", "科技", "产业", "人工智能", "企业", "研发", "数字", "智能", "孵化", "经济", "模型"),
    "livelihood": ("民生", "就业", "养老", "教育", "医疗", "家庭", "服务", "治理", "托育", "公益", "社区", "温情"),
    "ecology": ("生态", "绿色", "环境", "污染", "空气", "蓝天", "河道", "湿地", "低碳", "碳", "宜居", "PM2.5"),
}


@dataclass
class DraftPlace:
    id: str
    found: FoundPlace
    role: str
    point: dict | None = None  # explicit coordinates (a district's representative point)


@dataclass
class DraftExcerpt:
    id: str
    section: str
    paragraph: Paragraph
    place: str | None
    mentions: list[str]


@dataclass
class DraftFact:
    id: str
    excerpt: str
    fact: FoundFact
    place: str | None
    district: str | None


@dataclass
class DraftSection:
    id: str
    title: str
    theme: str
    theme_words: list[str]
    note: str | None


@dataclass
class Draft:
    story_id: str
    city: str
    article: Article
    source_file: str
    sections: list[DraftSection] = field(default_factory=list)
    places: list[DraftPlace] = field(default_factory=list)
    excerpts: list[DraftExcerpt] = field(default_factory=list)
    facts: list[DraftFact] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)
    # names the text gives no district for: listed for the editor, not drafted as places
    unlocated: list[FoundPlace] = field(default_factory=list)
    # names with too little evidence of being a place (:func:`.places.evidence_score`): listed, not drafted
    doubtful: list[FoundPlace] = field(default_factory=list)

    def place_named(self, key: str) -> DraftPlace | None:
        return next((p for p in self.places if p.found.key == key), None)


def section_ids(article: Article) -> list[str]:
    ids: list[str] = []
    for index, section in enumerate(article.sections, start=1):
        title = section.heading.text if section.heading else (article.title or "")
        head = re.split(r"[:：\s]", title)[0]
        ids.append(_unique(slug(head, f"section-{index}"), ids))
    return ids


def passages(article: Article, sections: list[str]) -> list[Passage]:
    """The excerpts (keyed by their ids), the lede and the captions to search for places."""
    result = []
    for index, (section, section_id) in enumerate(zip(article.sections, sections)):
        for number, paragraph in enumerate(section.paragraphs, start=1):
            result.append(Passage(f"{section_id}-{number}", paragraph.text, index))
    for number, paragraph in enumerate(article.lede, start=1):
        result.append(Passage(f"lede-{number}", paragraph.text, None))
    for number, caption in enumerate(article.captions, start=1):
        result.append(Passage(f"photo-{caption.number or number}", caption.caption, None, caption.credit))
    return result


def plan_story(article: Article, found: list[FoundPlace], *, story_id: str, city: str, source_file: str,
               district_points: dict, taken_ids: set[str], simplify=lambda text: text) -> Draft:
    """Decide the draft's sections, places (with roles), excerpts, facts and photos.

    ``district_points`` maps a district adcode to (name, lon, lat, source) of a
    point inside it, for places that are a whole district; ``simplify`` gives
    the Simplified form of a passage, position for position, to read figures in.
    Place ids are :func:`.ids.slug` of the name, as ``gazetteer add`` makes them.
    """
    draft = Draft(story_id, city, article, source_file)
    # A place is drafted with its district; a name the text sets in no district (nor the gazetteer) is as
    # likely outside the region or no place at all: the editor sees it listed, with where it was read.
    draft.unlocated = [p for p in found if p.district is None]
    # a name with too little evidence of being a place (one mention, no class word, its district only from an
    # earlier section) is listed for the editor too
    draft.doubtful = [p for p in found if p.district is not None and not p.confident]
    found = [p for p in found if p.district is not None and p.confident]
    ids = section_ids(article)
    for section, section_id in zip(article.sections, ids):
        title = section.heading.text if section.heading else (article.title or section_id)
        text = title * 3 + "".join(p.text for p in section.paragraphs)
        theme, theme_words = guess_theme(text)
        note = None if section.heading else "小标题为编者所加：这部分在原文中没有小标题。"
        draft.sections.append(DraftSection(section_id, title, theme, theme_words, note))
    story_points, absorbed = choose_story_points(found, len(article.sections))
    taken = set(taken_ids)
    for place in found:
        if place.key in absorbed:
            continue
        place_id = _unique(place.gazetteer or slug(place.name, "place"), taken)
        taken.add(place_id)
        point = None
        if place.kind == "district" and place.key in district_points:
            name, lon, lat, source = district_points[place.key]
            point = {"lon": lon, "lat": lat, "crs": "wgs84", "precision": "district", "source": source}
        draft.places.append(DraftPlace(place_id, place, "story" if place.key in story_points else "mentioned", point))
    by_key = {p.found.key: p for p in draft.places}
    mentions_by_passage: dict[str, list] = {}
    for place in found:
        for mention in place.mentions:
            mentions_by_passage.setdefault(mention.passage, []).append((mention, place.key))
    fact_number = 0
    for passage in passages(article, ids):
        if passage.section is None:
            continue
        named = sorted(mentions_by_passage.get(passage.key, []), key=lambda m: m[0].start)
        draft_ids = [by_key[key].id for _, key in named if key in by_key]
        anchor = next((by_key[key].id for _, key in named if key in by_key and by_key[key].role == "story"), None)
        mentions = list(dict.fromkeys(i for i in draft_ids if i != anchor))
        paragraph = article.sections[passage.section].paragraphs[int(passage.key.rsplit("-", 1)[1]) - 1]
        draft.excerpts.append(DraftExcerpt(passage.key, ids[passage.section], paragraph, anchor, mentions))
        for fact in find_facts(paragraph.text, simplify(paragraph.text), (article.date or "")[:4] or None):
            fact_number += 1
            place_id, district = _fact_subject(fact, named, by_key)
            draft.facts.append(DraftFact(f"fact-{fact_number}", passage.key, fact, place_id, district))
    for number, caption in enumerate(article.captions, start=1):
        key = f"photo-{caption.number or number}"
        named = sorted(mentions_by_passage.get(key, []), key=lambda m: m[0].start)
        place = next((by_key[k].id for _, k in named if k in by_key), None)
        draft.photos.append({"id": _unique(key, [p["id"] for p in draft.photos]), "number": caption.number,
                             "caption": caption.caption, "credit": caption.credit, "place": place})
    return draft


def guess_theme(text: str) -> tuple[str, list[str]]:
    """The theme whose words the text uses most, and those words (ties: the first theme)."""
    scores = {theme: Counter({w: text.count(w) for w in words if w in text}) for theme, words in THEME_WORDS.items()}
    theme = max(scores, key=lambda t: sum(scores[t].values()))
    return theme, [w for w, _ in scores[theme].most_common(4)]


def choose_story_points(found: list[FoundPlace], section_count: int) -> tuple[set[str], set[str]]:
    """The places each section is about, and the districts named only around finer places.

    In each section, a district's mentions count for the first finer place
    named in it (崇明区 … 崇明区庙镇 -> 庙镇); in the lede and captions, a district
    with finer places anywhere in the article is theirs. The place named most is
    a story point, and so is any other named at least twice.
    """
    story: set[str] = set()
    kept_districts: set[str] = set()
    districts = [p for p in found if p.kind == "district"]
    for section in [*range(section_count), None]:
        counts: Counter = Counter()
        first_seen: dict[str, tuple] = {}
        for place in found:
            for mention in place.mentions:
                if mention.section == section:
                    counts[place.key] += 1
                    first_seen.setdefault(place.key, (mention.passage, mention.start))
        for district in districts:
            if district.key not in counts:
                continue
            finer = sorted((first_seen[p.key], p.key) for p in found
                           if p.key in counts and p.kind != "district" and p.district == district.key)
            if finer:
                counts[finer[0][1]] += counts.pop(district.key)
            elif section is None and any(p.kind != "district" and p.district == district.key for p in found):
                counts.pop(district.key)  # a caption's district with places of its own in the sections
            else:
                kept_districts.add(district.key)
        if section is None or not counts:
            continue
        top = max(counts.values())
        story |= {key for key, count in counts.items() if count == top or count >= 2}
    absorbed = {d.key for d in districts} - kept_districts
    return story - absorbed, absorbed


def _fact_subject(fact: FoundFact, named, by_key) -> tuple[str | None, str | None]:
    """The place (or, failing that, the district) named last before the figure in its sentence."""
    before = [(m, key) for m, key in named if m.end <= fact.start and m.sentence and fact.quote in m.sentence]
    if not before:
        return None, None
    mention, key = before[-1]
    if key in by_key:
        return by_key[key].id, None
    return None, key if mention.kind == "district" else None


def _unique(value: str, taken) -> str:
    candidate, n = value, 2
    while candidate in taken:
        candidate, n = f"{value}-{n}", n + 1
    return candidate


# --- YAML ---------------------------------------------------------------

def render_yaml(draft: Draft, *, raw_name: str, encoding_note: str | None) -> str:
    """The draft as a story file; comments carry the evidence and the editor's to-do."""
    a = draft.article
    out: list[str] = [
        f"# DRAFT story drafted by `storymap ingest` from {raw_name}. Schema: docs/story-format.md",
        "# Everything here was read mechanically from the page text: check titles, themes, roles,",
        "# anchors and figures against the source. `storymap validate` lists what is left to do",
        "# (the places marked TODO below).",
    ]
    out += [f"id: {draft.story_id}", f"city: {_q(draft.city)}"]
    out += _field("series", a.series, "series name not found in the text: fill in")
    out += _field("newspaper", a.newspaper, "newspaper not found in the byline or masthead: fill in")
    out += _field("title", a.title, "title not found: fill in")
    if a.subtitle:
        out.append(f"subtitle: {_q(a.subtitle)}")
    out += _field("date", a.date, "no issue date printed on the page: fill in YYYY-MM-DD or YYYY-MM (and date_note)")
    if a.date:
        out.append(f"date_note: {_q('Issue date as printed on the page.')}")
    if a.reporters:
        out.append("reporters:")
        out += [f"  - {_q(r)}" for r in a.reporters]
    else:
        out += ["# TODO: no byline (…记者 NAME) found: list the reporters", "reporters: []"]
    notes = ([encoding_note] if encoding_note else []) + a.notes
    out += ["source:", f"  file: {_q(draft.source_file)}",
            f"  note: {_q('Drafted from the raw page text by storymap ingest. Edits: ' + '; '.join(notes) + '.')}"]
    if a.editor_note:
        out += _block("editor_note", "\n\n".join(p.text for p in a.editor_note), 0)
    if a.lede:
        out += _block("lede", "\n\n".join(p.text for p in a.lede), 0)
    out += ["", "sections:"]
    for s in draft.sections:
        out += [f"  - id: {s.id}", f"    title: {_q(s.title)}",
                f"    theme: {s.theme}  # guessed from: {'、'.join(s.theme_words) or 'no theme words; check'}"]
        if s.note:
            out.append(f"    note: {_q(s.note)}")
    out += ["", "places:"]
    for p in draft.places:
        out += _place_lines(p)
    if draft.unlocated:
        out.append("  # Also named, but the text sets them in no district (left out; add any that is a place here):")
        out += [f"  #   {p.name} ({p.mentions[0].passage}: {_one_line(p.mentions[0].sentence)})" for p in draft.unlocated]
    if draft.doubtful:
        out.append("  # Also named, but with too little evidence of being a place (left out; add any that is one):")
        out += [f"  #   {p.name} (score {p.score}; {p.mentions[0].passage}: {_one_line(p.mentions[0].sentence)})"
                for p in draft.doubtful]
    out += ["", "excerpts:"]
    current = None
    for e in draft.excerpts:
        if e.section != current:
            out.append(f"  # --- {e.section}")
            current = e.section
        out += [f"  - id: {e.id}", f"    section: {e.section}"]
        out.append(f"    place: {e.place}" if e.place else "    # no story place named: a city-wide passage")
        if e.paragraph.truncated:
            out.append("    truncated: true  # the print text breaks off here (see source.note)")
        if e.mentions:
            out.append(f"    mentions: [{', '.join(e.mentions)}]")
        out += [f"    # source line {e.paragraph.line}"] + _block("text", e.paragraph.text, 4)
    if draft.facts:
        out += ["", "facts:", "  # labels are the words around each figure: rewrite them as what is measured"]
        for f in draft.facts:
            fact = f.fact
            out += [f"  - id: {f.id}", f"    label: {_q(fact.label)}", f"    value: {fact.value}",
                    f"    unit: {_q(fact.unit)}"]
            if fact.qualifier != "exact":
                out.append(f"    qualifier: {fact.qualifier}")
            if fact.period:
                out.append(f"    period: {_q(fact.period)}")
            if fact.change:
                out.append("    change: {" + ", ".join(f"{k}: {_q(v) if isinstance(v, str) else v}"
                                                     for k, v in fact.change.items()) + "}")
            if f.place:
                out.append(f"    place: {f.place}")
            elif f.district:
                out.append(f"    district: {_q(f.district)}")
            out += [f"    excerpt: {f.excerpt}", f"    quote: {_q(fact.quote)}"]
    if draft.photos:
        out += ["", "photos:"]
        for photo in draft.photos:
            out.append(f"  - id: {photo['id']}")
            if photo["number"] is not None:
                out.append(f"    number: {photo['number']}")
            else:
                out.append("    # unnumbered in print")
            out.append(f"    caption: {_q(photo['caption'])}")
            if photo["credit"]:
                out.append(f"    credit: {_q(photo['credit'])}")
            if photo["place"]:
                out.append(f"    place: {photo['place']}")
    return "\n".join(out) + "\n"


def _place_lines(p: DraftPlace) -> list[str]:
    f = p.found
    first = f.mentions[0]
    lines = [f"  # {len(f.mentions)} mention(s); first in {first.passage} [{first.start}:{first.end}]: "
             f"{_one_line(first.sentence)}"]
    lines += [f"  - id: {p.id}", f"    name: {_q(f.name)}", f"    role: {p.role}"]
    if f.gazetteer:
        lines.append(f"    gazetteer: {f.gazetteer}")
    elif p.point:
        pt = p.point
        lines += [f"    # a point inside the district polygon: the story point is the whole district",
                  f"    lon: {pt['lon']}", f"    lat: {pt['lat']}", f"    crs: {pt['crs']}",
                  f"    precision: {pt['precision']}", f"    source: {_q(pt['source'])}"]
    else:
        lines.append(f"    # TODO coordinates: not in the gazetteer. Add a sourced point with `storymap gazetteer add "
                     f"{f.name} --lon … --lat … --crs wgs84|gcj02 --precision point|street|subdistrict|district "
                     f"--source …`, or give lon/lat/crs/source/precision here")
    if f.district:
        lines.append(f"    district: {_q(f.district)}  # from {f.district_evidence}")
    else:
        lines.append("    # TODO district: the text does not say which district this is in; add its adcode")
    return lines


def _field(key: str, value, todo: str) -> list[str]:
    return [f"{key}: {_q(value)}"] if value else [f"# TODO {key}: {todo}"]


def _block(key: str, text: str, indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{key}: |-"]
    lines += [f"{pad}  {line}" if line else "" for line in text.split("\n")]
    return lines


def _q(value) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(value, ensure_ascii=False)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:60] + "…"

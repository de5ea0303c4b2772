"""Story files: read and validate the articles (see docs/story-format.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import coords
from .checks import PRECISIONS, Checker
from .errors import InvalidInputError, Problem
from .yamlfile import Located, LocatedList, read_yaml

THEMES = ("renewal", "innovation", "livelihood", "ecology")
ROLES = ("story", "mentioned")
QUALIFIERS = ("exact", "approx", "over")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Fields readers see, per record: in English mode each one written in Chinese
# needs its `_en` twin (docs/story-format.md, "English").
TRANSLATED = {
    "story": ("series", "newspaper", "title", "subtitle", "editor_note", "lede", "reporters"),
    "sections": ("title", "note"),
    "places": ("name",),
    "excerpts": ("text",),
    "facts": ("label", "unit", "period"),
    "photos": ("caption", "credit"),
}

# The keys docs/story-format.md defines, per record; anything else is reported.
KEYS = {
    "story": ("id", "city", "series", "series_en", "newspaper", "newspaper_en", "title", "title_en", "subtitle",
              "subtitle_en", "date", "date_note", "reporters", "reporters_en", "source", "editor_note",
              "editor_note_en", "lede", "lede_en", "sections", "places", "excerpts", "facts", "photos"),
    "source": ("file", "note"),
    "section": ("id", "title", "title_en", "theme", "note", "note_en"),
    "place": ("id", "name", "name_en", "role", "gazetteer", "lon", "lat", "crs", "source", "precision", "district"),
    "excerpt": ("id", "section", "place", "text", "text_en", "truncated", "mentions"),
    "fact": ("id", "label", "label_en", "value", "unit", "unit_en", "qualifier", "period", "period_en", "change",
             "place", "district", "excerpt", "quote"),
    "change": ("value", "unit", "basis", "basis_en"),
    "photo": ("id", "number", "caption", "caption_en", "credit", "credit_en", "place"),
}


@dataclass(frozen=True)
class Origin:
    """Where a record was defined, for error messages."""

    file: Path
    line: int


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    title_en: str | None
    theme: str
    note: str | None = None  # e.g. that the heading was added by the editors
    note_en: str | None = None


@dataclass(frozen=True)
class ExplicitPoint:
    """Coordinates written in the story itself, already converted to WGS-84."""

    lon: float
    lat: float
    crs: str  # the CRS the story declared
    source: str
    precision: str


@dataclass(frozen=True)
class Place:
    id: str
    story_id: str
    name: str
    name_en: str | None
    role: str
    district: str  # adcode the article puts it in
    gazetteer: str | None
    explicit: ExplicitPoint | None
    origin: Origin
    district_line: int


@dataclass(frozen=True)
class Excerpt:
    id: str
    story_id: str
    section: str
    place: str | None  # None: the passage is about the whole city
    text: str
    text_en: str | None
    truncated: bool
    mentions: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    id: str
    story_id: str
    label: str
    label_en: str | None
    value: float
    unit: str
    qualifier: str
    period: str | None
    change: dict | None
    place: str | None
    excerpt: str
    quote: str
    district: str | None = None  # adcode of a district-wide figure with no place
    district_line: int | None = None
    unit_en: str | None = None
    period_en: str | None = None


@dataclass(frozen=True)
class Photo:
    id: str
    story_id: str
    number: int | None
    caption: str
    credit: str | None
    place: str | None
    caption_en: str | None = None
    credit_en: str | None = None


@dataclass(frozen=True)
class Story:
    id: str
    file: Path
    city: str
    series: str
    newspaper: str
    title: str
    subtitle: str | None
    title_en: str | None
    date: str
    date_note: str | None
    reporters: tuple[str, ...]
    source: dict
    editor_note: str | None
    lede: str | None
    sections: tuple[Section, ...]
    places: tuple[Place, ...]
    excerpts: tuple[Excerpt, ...]
    facts: tuple[Fact, ...] = field(default=())
    photos: tuple[Photo, ...] = field(default=())
    series_en: str | None = None
    newspaper_en: str | None = None
    subtitle_en: str | None = None
    editor_note_en: str | None = None
    lede_en: str | None = None
    reporters_en: tuple[str, ...] = ()
    # Warnings, not errors: fields readers see in Chinese that have no English yet.
    english_gaps: tuple[Problem, ...] = ()

    @property
    def byline(self) -> str:
        return f"{self.newspaper} {self.date} · {'、'.join(self.reporters)}"


def story_files(stories_dir: Path) -> list[Path]:
    """Every story file under ``stories_dir``, in a stable order."""
    stories_dir = Path(stories_dir)
    if not stories_dir.is_dir():
        raise InvalidInputError([Problem(stories_dir, None, "stories folder not found")])
    files = sorted(p for p in stories_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise InvalidInputError([Problem(stories_dir, None, "no story files (*.yaml) found")])
    return files


def load_stories(stories_dir: Path) -> list[Story]:
    """Read and validate every story file; ids must be unique across files.

    Raises
    ------
    InvalidInputError
        With every problem found in every file, each naming file and line.
    """
    problems: list[Problem] = []
    stories: list[Story] = []
    seen_stories: dict = {}
    seen_places: dict = {}
    for path in story_files(stories_dir):
        try:
            data = read_yaml(path)
        except InvalidInputError as exc:
            problems.extend(exc.problems)
            continue
        checker = Checker(path)
        story = _read_story(checker, path, data, seen_stories, seen_places)
        problems.extend(checker.problems)
        if story is not None:
            stories.append(story)
    if problems:
        raise InvalidInputError(problems, partial=stories)
    return stories


def _read_story(check: Checker, path: Path, data, seen_stories: dict, seen_places: dict) -> Story | None:
    if not isinstance(data, Located):
        check.problem(getattr(data, "line", 1), "expected a YAML mapping at the top of the story file")
        return None
    check.known_keys(data, KEYS["story"])
    story_id = check.slug(data, "id")
    if story_id:
        check.unique(seen_stories, story_id, data.line_of("id"), "story id")
    date = check.get(data, "date", str)
    if date and not _DATE.match(date):
        check.problem(data.line_of("date"), f"field 'date' is {date!r}; expected YYYY-MM-DD or YYYY-MM")
    reporters = check.get(data, "reporters", list)
    source = check.get(data, "source", Located)
    if source is not None:
        check.known_keys(source, KEYS["source"], "source.")
        source_file = check.get(source, "file", str, where="source.")
        if source_file and not (path.parent / source_file).is_file():
            check.problem(
                source.line_of("file"),
                f"field 'source.file' is {source_file!r}, but no such file is next to the story; "
                "expected the raw text the story was edited from",
            )

    sections = _read_list(check, data, "sections", lambda item, where: _read_section(check, item, where))
    # References are checked against every declared id, valid record or not, so
    # one bad field in a place does not also report each excerpt that names it.
    section_ids = _declared_ids(data, "sections")
    places = _read_list(
        check, data, "places", lambda item, where: _read_place(check, item, where, story_id, path)
    )
    for place in places:
        check.unique(seen_places, place.id, place.origin.line, "place id")
    place_ids = _declared_ids(data, "places")
    excerpts = _read_list(
        check, data, "excerpts",
        lambda item, where: _read_excerpt(check, item, where, story_id, section_ids, place_ids),
    )
    excerpt_text = dict.fromkeys(_declared_ids(data, "excerpts")) | {e.id: e.text for e in excerpts}
    facts = _read_list(
        check, data, "facts",
        lambda item, where: _read_fact(check, item, where, story_id, place_ids, excerpt_text),
        required=False,
    )
    photos = _read_list(
        check, data, "photos",
        lambda item, where: _read_photo(check, item, where, story_id, place_ids),
        required=False,
    )
    for kind, records in (("section", sections), ("excerpt", excerpts), ("fact", facts), ("photo", photos)):
        seen: dict = {}
        for record, line in records.lines:
            check.unique(seen, record.id, line, f"{kind} id")

    header = {
        key: check.get(data, key, str)
        for key in ("city", "series", "newspaper", "title")
    }
    optional = {key: check.get(data, key, str, required=False)
                for key in ("subtitle", "title_en", "date_note", "editor_note", "lede",
                            "series_en", "newspaper_en", "subtitle_en", "editor_note_en", "lede_en")}
    reporters_en = check.get(data, "reporters_en", list, required=False) or []
    if story_id is None:
        return None
    # With problems, this is a partial story: later stages still check its places.
    return Story(
        id=story_id, file=path, city=header["city"] or "", series=header["series"] or "",
        newspaper=header["newspaper"] or "", title=header["title"] or "", date=date or "",
        reporters=tuple(str(r) for r in reporters or ()), source=dict(source or {}),
        sections=tuple(sections), places=tuple(places), excerpts=tuple(excerpts),
        facts=tuple(facts), photos=tuple(photos), reporters_en=tuple(str(r) for r in reporters_en),
        english_gaps=tuple(_english_gaps(path, data)), **optional,
    )


def _english_gaps(path: Path, data: Located) -> list[Problem]:
    """Each field of TRANSLATED written in Chinese without its ``_en`` twin, as a warning."""
    gaps = []

    def check_record(record, keys, where):
        for key in keys:
            value = record.get(key)
            if value is None or (key + "_en") in record or not _CJK.search(str(value)):
                continue
            gaps.append(Problem(path, record.line_of(key),
                                f"English missing: {where}{key} has no {key}_en (shown in Chinese with ?lang=en)"))

    check_record(data, TRANSLATED["story"], "")
    for key, fields in TRANSLATED.items():
        items = data.get(key) if key != "story" else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, Located):
                check_record(item, fields, f"{key}[{item.get('id', '?')}].")
                change = item.get("change")
                if key == "facts" and isinstance(change, Located):
                    check_record(change, ("basis",), f"{key}[{item.get('id', '?')}].change.")
    return sorted(gaps, key=lambda gap: gap.line or 0)


def _declared_ids(data, key: str) -> set[str]:
    items = data.get(key)
    if not isinstance(items, list):
        return set()
    return {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}


class _Records(list):
    """Records read from a YAML list, with the line each was defined on."""

    lines: list


def _read_list(check: Checker, data, key: str, read_item, required: bool = True) -> _Records:
    records = _Records()
    records.lines = []
    items = check.get(data, key, LocatedList, required=required)
    for index, item in enumerate(items or []):
        where = f"{key}[{index}]."
        if not isinstance(item, Located):
            check.problem(items.item_lines[index], f"item {key}[{index}] is not a mapping")
            continue
        record = read_item(item, where)
        if record is not None:
            records.append(record)
            records.lines.append((record, item.line))
    return records


def _read_section(check: Checker, item: Located, where: str) -> Section | None:
    check.known_keys(item, KEYS["section"], where)
    values = (
        check.slug(item, "id", where=where),
        check.get(item, "title", str, where=where),
        check.choice(item, "theme", THEMES, where=where),
    )
    if None in values:
        return None
    optional = {key: check.get(item, key, str, required=False, where=where) for key in ("title_en", "note", "note_en")}
    return Section(values[0], values[1], theme=values[2], **optional)


def _read_place(check: Checker, item: Located, where: str, story_id, path: Path) -> Place | None:
    check.known_keys(item, KEYS["place"], where)
    place_id = check.slug(item, "id", where=where)
    name = check.get(item, "name", str, where=where)
    role = check.choice(item, "role", ROLES, where=where)
    district = check.adcode(item, "district", where=where)
    gazetteer = check.get(item, "gazetteer", str, required=False, where=where)
    explicit = None
    if any(key in item for key in ("lon", "lat", "crs", "source", "precision")):
        explicit = _read_explicit_point(check, item, where)
        if explicit is None:
            return None
        if gazetteer:
            check.problem(item.line_of("gazetteer"), f"{where}gazetteer and explicit lon/lat both given; keep one")
            return None
    if None in (place_id, name, role, district):
        return None
    return Place(
        id=place_id, story_id=story_id, name=name,
        name_en=check.get(item, "name_en", str, required=False),
        role=role, district=district, gazetteer=gazetteer, explicit=explicit,
        origin=Origin(path, item.line), district_line=item.line_of("district"),
    )


def _read_explicit_point(check: Checker, item: Located, where: str) -> ExplicitPoint | None:
    lon = check.get(item, "lon", float, where=where)
    lat = check.get(item, "lat", float, where=where)
    crs = check.choice(item, "crs", coords.CRS_NAMES, where=where)
    source = check.get(item, "source", str, where=where)
    precision = check.choice(item, "precision", PRECISIONS, where=where)
    if None in (lon, lat, crs, source, precision):
        return None
    if not check.lon_lat(lon, lat, item.line_of("lon"), where):
        return None
    w_lon, w_lat = coords.to_wgs84(lon, lat, crs)
    return ExplicitPoint(w_lon, w_lat, crs, source, precision)


def _read_excerpt(check: Checker, item: Located, where: str, story_id, section_ids, place_ids):
    check.known_keys(item, KEYS["excerpt"], where)
    excerpt_id = check.slug(item, "id", where=where)
    section = check.get(item, "section", str, where=where)
    place = check.get(item, "place", str, required=False, where=where)  # none: a city-wide passage
    text = check.get(item, "text", str, where=where)
    mentions = check.get(item, "mentions", list, required=False, where=where) or []
    if not all(isinstance(m, str) for m in mentions):
        check.problem(item.line_of("mentions"), f"field '{where}mentions' is {mentions!r}; expected a list of place ids")
        mentions = [m for m in mentions if isinstance(m, str)]
    truncated = item.get("truncated", False)
    if not isinstance(truncated, bool):
        check.problem(item.line_of("truncated"), f"field '{where}truncated' is {truncated!r}; expected true or false")
    if section is not None and section not in section_ids:
        check.problem(item.line_of("section"), f"{where}section {section!r} is not a section id of this story")
    for key, ref in [("place", place)] + [("mentions", m) for m in mentions]:
        if ref is not None and ref not in place_ids:
            check.problem(item.line_of(key), f"{where}{key}: unknown place {ref!r}; expected a place id of this story")
    if None in (excerpt_id, section, text):
        return None
    return Excerpt(
        excerpt_id, story_id, section, place, text.strip(),
        check.get(item, "text_en", str, required=False), bool(truncated), tuple(mentions),
    )


def _read_fact(check: Checker, item: Located, where: str, story_id, place_ids, excerpt_text):
    check.known_keys(item, KEYS["fact"], where)
    fact_id = check.slug(item, "id", where=where)
    label = check.get(item, "label", str, where=where)
    value = check.get(item, "value", float, where=where)
    unit = check.get(item, "unit", str, where=where)
    excerpt = check.get(item, "excerpt", str, where=where)
    quote = check.get(item, "quote", str, where=where)
    qualifier = check.choice(item, "qualifier", QUALIFIERS, required=False, where=where) or "exact"
    place = check.get(item, "place", str, required=False, where=where)
    district = check.adcode(item, "district", where=where) if "district" in item else None
    if place is not None and district is not None:
        check.problem(item.line_of("district"), f"{where}place and district both given; the place already has a district")
    change = check.get(item, "change", Located, required=False, where=where)
    if change is not None:
        check.known_keys(change, KEYS["change"], f"{where}change.")
        check.get(change, "value", float, where=f"{where}change.")
        check.get(change, "unit", str, where=f"{where}change.")
        for key in ("basis", "basis_en"):
            check.get(change, key, str, required=False, where=f"{where}change.")
    if place is not None and place not in place_ids:
        check.problem(item.line_of("place"), f"{where}place: unknown place {place!r}; expected a place id of this story")
    if excerpt is not None:
        if excerpt not in excerpt_text:
            check.problem(item.line_of("excerpt"), f"{where}excerpt: unknown excerpt {excerpt!r}")
        elif quote is not None and excerpt_text[excerpt] is not None and quote not in excerpt_text[excerpt]:
            check.problem(
                item.line_of("quote"),
                f"{where}quote {quote!r} does not occur in excerpt {excerpt!r}; a quote must be verbatim",
            )
    if None in (fact_id, label, value, unit, excerpt, quote):
        return None
    return Fact(
        fact_id, story_id, label, check.get(item, "label_en", str, required=False), value, unit,
        qualifier, check.get(item, "period", str, required=False),
        dict(change) if change else None, place, excerpt, quote, district,
        item.line_of("district") if district else None,
        unit_en=check.get(item, "unit_en", str, required=False, where=where),
        period_en=check.get(item, "period_en", str, required=False, where=where),
    )


def _read_photo(check: Checker, item: Located, where: str, story_id, place_ids):
    check.known_keys(item, KEYS["photo"], where)
    photo_id = check.slug(item, "id", where=where)
    caption = check.get(item, "caption", str, where=where)
    place = check.get(item, "place", str, required=False, where=where)
    if place is not None and place not in place_ids:
        check.problem(item.line_of("place"), f"{where}place: unknown place {place!r}; expected a place id of this story")
    number = check.get(item, "number", int, required=False, where=where)
    if None in (photo_id, caption):
        return None
    optional = {key: check.get(item, key, str, required=False, where=where) for key in ("caption_en", "credit_en")}
    return Photo(photo_id, story_id, number, caption, check.get(item, "credit", str, required=False), place, **optional)

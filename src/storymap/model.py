"""The story model: everything the web layer and exports read, computed once.

Plain dicts and lists of JSON-ready values, so a view serialises them without
touching geography; :func:`assemble_model` is pure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely

from .figures import format_change, format_figure
from .geodata import Geodata
from .indicators import Indicators
from .join import JoinedPlace
from .stories import Story
from .topology import display_tolerance_m, district_topology

NEAREST_COUNT = 3


@dataclass
class StoryModel:
    region: dict
    districts: list[dict]
    places: list[dict]
    stories: list[dict]
    excerpts: list[dict]
    facts: list[dict]
    photos: list[dict]
    districts_geojson: dict
    places_geojson: dict
    districts_topojson: dict  # the display polygons as every map page sends them (topology.py)
    tour: list[str] = field(default_factory=list)  # place ids, article order
    # district code -> [{story, section, excerpts: [ids]}] in article order
    district_sections: dict[str, list[dict]] = field(default_factory=dict)
    # the same for passages about the whole city (no place)
    city_sections: list[dict] = field(default_factory=list)
    geodata: Geodata | None = None  # full-resolution polygons, for point look-ups
    indicators: Indicators = field(default_factory=Indicators)  # the region's district figures, checked
    english_gaps: list = field(default_factory=list)  # warnings (Problem) for `storymap validate`

    def __post_init__(self):
        self._districts = {d["code"]: d for d in self.districts}
        self._places = {p["id"]: p for p in self.places}
        self._stories = {s["id"]: s for s in self.stories}
        self._excerpts = {e["id"]: e for e in self.excerpts}
        # Records per district, so a district view reads its own and never scans them all.
        self._by_district = {
            kind: _group_by_district(records)
            for kind, records in (("places", self.places), ("facts", self.facts), ("photos", self.photos))
        }

    def district(self, code: str) -> dict | None:
        return self._districts.get(code)

    def place(self, place_id: str) -> dict | None:
        return self._places.get(place_id)

    def story(self, story_id: str) -> dict | None:
        return self._stories.get(story_id)

    def district_detail(self, code: str) -> dict | None:
        """A district with its excerpts grouped by story and section, facts and photos."""
        district = self.district(code)
        if district is None:
            return None
        groups = self.district_sections.get(code, [])
        story_ids = {g["story"] for g in groups}
        return {
            "district": district,
            "places": self._by_district["places"].get(code, []),
            "sections": self._resolve(groups),
            "facts": self._by_district["facts"].get(code, []),
            "photos": self._by_district["photos"].get(code, []),
            "sources": [self._source_line(s) for s in self.stories if s["id"] in story_ids],
            "nearest": [self.district(c) for c in district["nearest_with_stories"]],
        }

    def city_detail(self) -> dict:
        """The passages about the whole city, grouped by story and section."""
        return {"region": self.region, "sections": self._resolve(self.city_sections)}

    def _resolve(self, groups: list[dict]) -> list[dict]:
        """Section groups of excerpt ids -> the section records and excerpts themselves."""
        return [
            {
                "story": g["story"],
                "section": next(s for s in self.story(g["story"])["sections"] if s["id"] == g["section"]),
                "excerpts": [self._excerpts[i] for i in g["excerpts"]],
            }
            for g in groups
        ]

    @staticmethod
    def _source_line(story: dict) -> dict:
        keys = ("id", "newspaper", "series", "title", "date", "reporters")
        return {k: story[k] for k in keys}

    def client_data(self) -> dict:
        """What the map page embeds: everything but the geometries."""
        return {
            "region": self.region,
            "districts": self.districts,
            "places": self.places,
            "stories": self.stories,
            "excerpts": self.excerpts,
            "facts": self.facts,
            "photos": self.photos,
            "tour": self.tour,
            "district_sections": self.district_sections,
            "city_sections": self.city_sections,
        }

    def first_view_data(self, lang: str) -> dict:
        """What the map page embeds for its first view, in one language.

        Names, places, counts, the tour and which excerpts belong where: enough to draw
        the map, the contents and the search by name. The reading content (excerpt texts,
        facts, photos, notes) is :meth:`reading_content`, fetched when a reader opens it.
        The city-wide facts stay: the contents panel lists them. Place names keep both
        languages, since Latin search (names, pinyin ids) works on the Chinese page too.
        """
        other_area = "area_figure_en" if lang == "zh" else "area_figure"  # the area as this language prints it
        return {
            "region": self.region,
            "districts": [{k: v for k, v in d.items() if k != other_area} for d in self.districts],
            "places": [{k: v for k, v in p.items() if k in _FIRST_VIEW_PLACE_KEYS} for p in self.places],
            "stories": [_in_language(_story_brief(s), lang) for s in self.stories],
            "excerpts": [{k: e[k] for k in _FIRST_VIEW_EXCERPT_KEYS} for e in self.excerpts],
            "facts": [_in_language(f, lang) for f in self.facts if f["district_code"] is None],
            "tour": self.tour,
            "district_sections": self.district_sections,
            "city_sections": self.city_sections,
        }

    def reading_content(self, lang: str) -> dict:
        """The map page's reading content in one language, keyed by the records of :meth:`first_view_data`.

        In English the Chinese originals stay: the panel offers them ("Original Chinese")
        and shows them where a translation is missing.
        """
        return {
            "lang": lang,
            # "Original Chinese" under each translated passage
            "excerpts": {e["id"]: _in_language({k: e[k] for k in _READING_EXCERPT_KEYS}, lang, keep=("text",))
                         for e in self.excerpts},
            "stories": {
                s["id"]: _in_language({k: s[k] for k in _READING_STORY_KEYS}, lang) | {
                    "sections": {sec["id"]: _in_language({k: sec[k] for k in _READING_SECTION_KEYS}, lang)
                                 for sec in s["sections"]}}
                for s in self.stories
            },
            "facts": [_in_language(f, lang) for f in self.facts],
            "photos": [_in_language(p, lang) for p in self.photos],
        }


# The map page's first view reads these place fields (the rest is for the API and the reading view).
_FIRST_VIEW_PLACE_KEYS = frozenset({
    "id", "name", "name_en", "role", "lon", "lat", "precision", "district_code", "stories", "theme", "excerpt_count"})
# Which passages belong where (the contents, the panels' order, the popups); their text waits.
_FIRST_VIEW_EXCERPT_KEYS = ("id", "story", "section", "place", "mentions", "truncated")
# Read only once a reader opens a passage: they travel in reading_content().
_READING_EXCERPT_KEYS = ("text", "text_en")
_READING_STORY_KEYS = ("editor_note", "editor_note_en")
# The lede travels as its first paragraph; source, byline and date note are the reading view's.
_NOT_IN_FIRST_VIEW_STORY_KEYS = frozenset({*_READING_STORY_KEYS, "lede", "lede_en", "source", "byline", "date_note"})
_READING_SECTION_KEYS = ("note", "note_en")


def _in_language(record: dict, lang: str, keep: tuple[str, ...] = ()) -> dict:
    """A record for a page in ``lang``, nested records too.

    A Chinese page carries no English (``*_en``); an English page carries the Chinese
    of a field only where its translation is missing (the page shows it, marked), or
    where the page shows the original too (``keep``).
    """
    if lang == "en":
        translated = {k for k in record if record.get(f"{k}_en") not in (None, []) and k not in keep}
        dropped = lambda k: k in translated  # noqa: E731
    else:
        dropped = lambda k: k.endswith("_en")  # noqa: E731
    return {k: _nested_in_language(v, lang) for k, v in record.items() if not dropped(k)}


def _nested_in_language(value, lang: str):
    if isinstance(value, dict):
        return _in_language(value, lang)
    if isinstance(value, list):
        return [_nested_in_language(item, lang) for item in value]
    return value


def _story_brief(story: dict) -> dict:
    """A story as the first view shows it: the lede's first paragraph, whether there is an editor's note."""
    brief = {k: v for k, v in story.items() if k not in _NOT_IN_FIRST_VIEW_STORY_KEYS}
    for key in ("lede", "lede_en"):
        brief[key] = re.split(r"\n\s*\n", story[key])[0].strip() if story[key] else story[key]
    brief["has_editor_note"] = bool(story["editor_note"])
    brief["sections"] = [{k: v for k, v in section.items() if k not in _READING_SECTION_KEYS}
                         for section in story["sections"]]
    return brief


def assemble_model(stories: list[Story], joined: list[JoinedPlace], geodata: Geodata,
                   indicators: Indicators | None = None) -> StoryModel:
    """Combine validated stories, joined places, districts and their indicators into the model."""
    place_district = {j.geocoded.place.id: j.district_code for j in joined}
    excerpts = [
        {
            "id": e.id, "story": s.id, "section": e.section, "place": e.place,
            "district_code": place_district[e.place] if e.place else None,
            "text": e.text, "text_en": e.text_en,
            "truncated": e.truncated, "mentions": list(e.mentions), "order": index,
        }
        for s in stories for index, e in enumerate(s.excerpts)
    ]
    own_excerpts: dict[str, list[dict]] = {}
    for e in excerpts:
        if e["place"] is not None:
            own_excerpts.setdefault(e["place"], []).append(e)
    themes = {(s.id, sec.id): sec.theme for s in stories for sec in s.sections}
    places = [_place_record(j, own_excerpts.get(j.geocoded.place.id, []), themes, geodata) for j in joined]
    tour = [p["id"] for p in sorted(
        (p for p in places if p["role"] == "story" and p["first_excerpt"] is not None),
        key=lambda p: (p["stories"][0], p["first_excerpt"]),
    )]
    facts = [
        {
            "id": f.id, "story": s.id, "label": f.label, "label_en": f.label_en, "value": f.value,
            "unit": f.unit, "unit_en": f.unit_en, "qualifier": f.qualifier, "period": f.period,
            "period_en": f.period_en, "change": _change_record(f.change),
            "figure": format_figure(f.value, f.unit, "zh", f.qualifier),
            "figure_en": format_figure(f.value, f.unit, "en", f.qualifier, f.unit_en),
            "place": f.place, "excerpt": f.excerpt, "quote": f.quote,
            "district_code": place_district[f.place] if f.place else f.district,
        }
        for s in stories for f in s.facts
    ]
    photos = [
        {
            "id": p.id, "story": s.id, "number": p.number, "caption": p.caption, "credit": p.credit,
            "caption_en": p.caption_en, "credit_en": p.credit_en,
            "place": p.place, "district_code": place_district.get(p.place) if p.place else None,
        }
        for s in stories for p in s.photos
    ]
    districts = _district_records(geodata, places, excerpts)
    by_district = _district_sections(stories, excerpts)
    city_wide = by_district.pop(None, [])
    districts_geojson = _districts_geojson(geodata.display, districts)
    return StoryModel(
        region={"code": geodata.region_code, "name_zh": geodata.region_name_zh, "name_en": geodata.region_name_en},
        districts=districts,
        places=places,
        stories=[_story_record(s) for s in stories],
        excerpts=excerpts,
        facts=facts,
        photos=photos,
        districts_geojson=districts_geojson,
        districts_topojson=district_topology(districts_geojson, display_tolerance_m(geodata.manifest)),
        places_geojson=_places_geojson(places),
        tour=tour,
        district_sections=by_district,
        city_sections=city_wide,
        geodata=geodata,
        indicators=indicators or Indicators(),
        english_gaps=[gap for s in stories for gap in s.english_gaps],
    )


def _change_record(change: dict | None) -> dict | None:
    """A stated change with its printed form in each language (one formatter: :mod:`storymap.figures`)."""
    if not change:
        return change
    return {**change, "figure": format_change(change, "zh"), "figure_en": format_change(change, "en")}


def _district_sections(stories: list[Story], excerpts: list[dict]) -> dict[str, list[dict]]:
    """Excerpt ids per district (None: city-wide), grouped by story and section in article order."""
    by_section: dict[tuple[str, str], dict[str | None, list[str]]] = {}
    for e in excerpts:
        by_section.setdefault((e["story"], e["section"]), {}).setdefault(e["district_code"], []).append(e["id"])
    groups: dict[str, list[dict]] = {}
    for story in stories:
        for section in story.sections:
            for code, ids in by_section.get((story.id, section.id), {}).items():
                groups.setdefault(code, []).append({"story": story.id, "section": section.id, "excerpts": ids})
    return groups


def _place_record(joined: JoinedPlace, own: list[dict], themes: dict, geodata: Geodata) -> dict:
    """One place; ``own`` are its excerpts, ``themes`` maps (story, section) to a theme."""
    place, point = joined.geocoded.place, joined.geocoded.point
    district = geodata.district(joined.district_code)
    section_id = own[0]["section"] if own else None
    theme = themes.get((place.story_id, section_id))
    return {
        "id": place.id,
        "name": place.name,
        "name_en": place.name_en,
        "role": place.role,
        "lon": round(point.lon, 7),
        "lat": round(point.lat, 7),
        "crs": "EPSG:4326",
        "crs_in": point.crs_in,
        "precision": point.precision,
        "source": point.source,
        "geocoder": joined.geocoded.geocoder,
        "district_code": joined.district_code,
        "district_name": district.name_zh,
        "district_name_en": district.name_en,
        "stories": [place.story_id],
        "section": section_id,
        "theme": theme,
        "first_excerpt": own[0]["order"] if own else None,
        "excerpt_count": len(own),
    }


def _story_record(story: Story) -> dict:
    return {
        "id": story.id, "city": story.city, "series": story.series, "newspaper": story.newspaper,
        "title": story.title, "subtitle": story.subtitle, "title_en": story.title_en,
        "date": story.date, "date_note": story.date_note, "reporters": list(story.reporters),
        "byline": story.byline, "editor_note": story.editor_note, "lede": story.lede,
        "series_en": story.series_en, "newspaper_en": story.newspaper_en, "subtitle_en": story.subtitle_en,
        "editor_note_en": story.editor_note_en, "lede_en": story.lede_en, "reporters_en": list(story.reporters_en),
        "source": story.source,
        "sections": [
            {"id": s.id, "title": s.title, "title_en": s.title_en, "theme": s.theme, "note": s.note,
         "note_en": s.note_en}
        for s in story.sections
        ],
    }


def _district_records(geodata: Geodata, places: list[dict], excerpts: list[dict]) -> list[dict]:
    place_counts = Counter(p["district_code"] for p in places)
    story_point_counts = Counter(p["district_code"] for p in places if p["role"] == "story")
    excerpt_counts = Counter(e["district_code"] for e in excerpts)
    story_ids: dict[str, set] = {}
    for e in excerpts:
        story_ids.setdefault(e["district_code"], set()).add(e["story"])
    records = []
    for d in geodata.districts:
        records.append({
            "code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "area_km2": d.area_km2,
            "area_figure": format_figure(round(d.area_km2, 1), "km²", "zh"),
            "area_figure_en": format_figure(round(d.area_km2, 1), "km²", "en"),
            "place_count": place_counts[d.code],
            "story_point_count": story_point_counts[d.code],
            "excerpt_count": excerpt_counts[d.code],
            "story_count": len(story_ids.get(d.code, ())),
            "label": [d.label_lon, d.label_lat],
        })
    _add_nearest_with_stories(records, geodata)
    return records


def _add_nearest_with_stories(records: list[dict], geodata: Geodata) -> None:
    """For each district, the ``NEAREST_COUNT`` closest districts that have excerpts (polygon distance).

    Ties keep the districts' order. A polygon distance costs a scan of both
    borders, so it is measured only while it can still matter: neighbours touch
    (distance 0, a prepared test), and a district whose list is full stops at
    the first candidate whose bounding box is already farther than its last.
    """
    west, south, east, north = geodata.full.total_bounds
    # Equidistant about the region's centre: true distances to a few metres
    # across a city, and far cheaper to set up than estimating a UTM zone.
    local = f"+proj=aeqd +lat_0={(south + north) / 2} +lon_0={(west + east) / 2} +datum=WGS84 +units=m"
    metric = geodata.full.to_crs(local)
    shapes = dict(zip(metric["code"], np.asarray(metric.geometry.values)))
    boxes = dict(zip(metric["code"], shapely.bounds(metric.geometry.values).tolist()))
    shapely.prepare(list(shapes.values()))
    with_stories = [r["code"] for r in records if r["excerpt_count"]]
    measured: dict[tuple[str, str], float] = {}

    def distance(a: str, b: str) -> float:
        pair = (a, b) if a < b else (b, a)
        if pair not in measured:
            measured[pair] = float(shapely.distance(shapes[pair[0]], shapes[pair[1]]))
        return measured[pair]

    for record in records:
        code = record["code"]
        others = [c for c in with_stories if c != code]
        touching = shapely.intersects(shapes[code], [shapes[c] for c in others]).tolist()
        nearest = [c for c, touches in zip(others, touching) if touches][:NEAREST_COUNT]
        if len(nearest) < NEAREST_COUNT:
            apart = sorted(((_box_gap(boxes[code], boxes[c]), order, c)
                            for order, (c, touches) in enumerate(zip(others, touching)) if not touches))
            found: list[tuple[float, int, str]] = []
            wanted = NEAREST_COUNT - len(nearest)
            for gap, order, other in apart:
                if len(found) >= wanted and gap > found[wanted - 1][0]:
                    break  # this box, and every one after it, is farther than the list's last
                found.append((distance(code, other), order, other))
                found.sort()
            nearest += [c for _, _, c in found[:wanted]]
        record["nearest_with_stories"] = nearest


def _box_gap(a: list[float], b: list[float]) -> float:
    """Distance between two (minx, miny, maxx, maxy) boxes: never more than between what they hold."""
    dx = max(0.0, b[0] - a[2], a[0] - b[2])
    dy = max(0.0, b[1] - a[3], a[1] - b[3])
    return (dx * dx + dy * dy) ** 0.5


def _group_by_district(records: list[dict]) -> dict[str | None, list[dict]]:
    groups: dict[str | None, list[dict]] = {}
    for record in records:
        groups.setdefault(record["district_code"], []).append(record)
    return groups


def _districts_geojson(display: dict, districts: list[dict]) -> dict:
    """The display polygons with the model's district records as properties.

    The geometries are shared with ``display``, not copied: nothing changes them.
    """
    by_code = {d["code"]: d for d in districts}
    keys = ("code", "name_zh", "name_en", "area_km2", "story_count", "place_count", "story_point_count",
            "excerpt_count", "label")
    return {
        **display,
        "features": [
            {**feature, "properties": {k: by_code[str(feature["properties"]["code"])][k] for k in keys}}
            for feature in display["features"]
        ],
    }


def _places_geojson(places: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": dict(p),
            }
            for p in places
        ],
    }

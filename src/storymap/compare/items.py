"""Parse a comparison request: the items, the circle radius and the input CRS.

An item is written ``place:ID``, ``district:ADCODE`` or ``pt:LON:LAT`` (in the
request's CRS, or ``pt:LON:LAT:gcj02`` / ``:wgs84`` for that point alone); a bare
place id or adcode works too, and so does a name: a place's or district's Chinese
or English name, a gazetteer alias, or its pinyin (``模速空间``, ``谈家桥路``,
``mosu kongjian``, ``黄浦``). :class:`Names` is the one resolver of names. Every problem raises
:class:`CompareInputError` naming the parameter, the value and what was
expected, so the CLI and the API word it the same way.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..crs import CRS_NAMES, GCJ02, WGS84
from ..errors import OutsideDistrictsError, StorymapError

if TYPE_CHECKING:  # the CLI reads this module's defaults without importing the model's libraries
    from ..model import StoryModel

MIN_ITEMS, MAX_ITEMS = 2, 6
MIN_RADIUS_M, MAX_RADIUS_M = 200.0, 5000.0
DEFAULT_RADIUS_M = 1000.0  # walking radius of the central city's 15-minute community life circle
POINT_FORM = "pt:LON:LAT in decimal degrees, e.g. pt:121.4868:31.2406 (pt:LON:LAT:gcj02 for one point in GCJ-02)"
ITEM_FORMS = f"place:ID, district:ADCODE, a place's or district's name (Chinese, English, alias or pinyin) or {POINT_FORM}"
_CRS_LABELS = {WGS84: "WGS-84", GCJ02: "GCJ-02"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class CompareInputError(StorymapError):
    """A request parameter that cannot be compared, with what was expected.

    ``parameter`` is one of 'items', 'radius', 'crs'; each interface names it
    in its own terms (``r`` in the API, ``--radius-m`` on the command line).
    """

    def __init__(self, parameter: str, value, problem: str, expected: str, suggestions=()):
        self.parameter, self.value, self.problem, self.expected = parameter, value, problem, expected
        self.suggestions = list(suggestions)
        super().__init__(self.describe(parameter))

    def describe(self, name: str) -> str:
        hint = f" (did you mean {' or '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"{name} {self.value!r}: {self.problem}{hint}. Expected {self.expected}."


@dataclass(frozen=True)
class Item:
    """One thing to compare, located in WGS-84."""

    token: str  # canonical form, as in the URL: place:ID, district:ADCODE, pt:LON:LAT
    kind: str  # 'place', 'district' or 'point'
    key: str  # place id, district code, or the point as typed
    lon: float
    lat: float
    district_code: str
    typed: tuple[float, float] | None = None  # a point's numbers as given, in the request CRS
    decimals: int | None = None  # fewest decimals of a typed point's numbers
    crs: str = WGS84  # the CRS a point was typed in


@dataclass(frozen=True)
class CompareRequest:
    items: list[Item]
    radius_m: float
    crs: str


def parse_request(model: StoryModel, items, radius=None, crs=None) -> CompareRequest:
    """Check and resolve a request; ``items`` is a list of item strings or one comma-separated string."""
    crs = _parse_crs(crs)
    radius_m = _parse_radius(radius)
    tokens = _split(items)
    if not MIN_ITEMS <= len(tokens) <= MAX_ITEMS:
        raise CompareInputError("items", ",".join(tokens), f"{len(tokens)} item{'s' if len(tokens) != 1 else ''} given",
                                f"{MIN_ITEMS} to {MAX_ITEMS} items, each {ITEM_FORMS}")
    resolved = [parse_item(model, token, crs) for token in tokens]
    seen = set()
    for item in resolved:
        if item.token in seen:
            raise CompareInputError("items", item.token, "given twice", "each item once")
        seen.add(item.token)
    return CompareRequest(resolved, radius_m, crs)


def parse_item(model: StoryModel, token: str, crs: str = WGS84) -> Item:
    token = token.strip()
    kind, _, rest = token.partition(":")
    if kind == "place":
        return _place(model, rest, token)
    if kind == "district":
        return _district(model, rest, token)
    if kind == "pt":
        return _point(model, rest, token, crs)
    if model.place(token):
        return _place(model, token, token)
    if model.district(token):
        return _district(model, token, token)
    found = names_of(model).lookup(token)
    if len(found) == 1:
        return _resolved(model, found[0], token)
    if found:
        raise CompareInputError("items", token, f"names {len(found)} items: {' and '.join(found)}",
                                "one of them, written as its id")
    suggestions = _suggest(token, _place_keys(model)) + _suggest(token, _district_keys(model))
    raise CompareInputError("items", token, "is not a place id, district or point", ITEM_FORMS,
                            suggestions[:3])


def _resolved(model: StoryModel, canonical: str, token: str) -> Item:
    kind, _, key = canonical.partition(":")
    return _place(model, key, token) if kind == "place" else _district(model, key, token)


def _place(model: StoryModel, key: str, token: str) -> Item:
    place = model.place(key)
    if place is None:
        found = [t for t in names_of(model).lookup(key) if t.startswith("place:")]
        if len(found) == 1:
            return _place(model, found[0].partition(":")[2], token)
        if found:
            raise CompareInputError("items", token, f"names {len(found)} places: {' and '.join(found)}",
                                    "one of them, written as place:ID")
        raise CompareInputError("items", token, "no such place", "place:ID with one of the story's place ids "
                                "(or a place's name, alias or pinyin)", _suggest(key, _place_keys(model)))
    return Item(f"place:{key}", "place", key, place["lon"], place["lat"], place["district_code"])


def _district(model: StoryModel, key: str, token: str) -> Item:
    code = key if model.district(key) else None
    if code is None:
        found = [t for t in names_of(model).lookup(key) if t.startswith("district:")]
        code = found[0].partition(":")[2] if len(found) == 1 else None
    if code is None:
        raise CompareInputError("items", token, "no such district", "district:ADCODE with one of the region's adcodes "
                                "(or a district's name)", _suggest(key, _district_keys(model)))
    lon, lat = model.district(code)["label"]
    return Item(f"district:{code}", "district", code, lon, lat, code)


class Names:
    """Every name a user may type for a model's places and districts -> their canonical tokens.

    A place answers to its id, its Chinese and English names, the aliases of the
    gazetteer row it was located by, and the pinyin of each Chinese name; a
    district to its adcode, its names with and without 区/新区/District, and their
    pinyin. Names are compared after :func:`normal` (case, spaces, hyphens,
    quotes and tone marks do not matter). A name shared by a place and a
    district (长宁区) resolves to both, and the request names them.
    """

    def __init__(self, model: StoryModel):
        self._tokens: dict[str, list[str]] = {}
        aliases = _gazetteer_aliases(model)
        for place in model.places:
            token = f"place:{place['id']}"
            names = {place["id"], place["name"], place.get("name_en") or "", *aliases.get(place["id"], ())}
            self._add(token, names)
        for district in model.districts:
            zh, en = district["name_zh"], district["name_en"]
            short_zh = re.sub(r"(新区|区|县)$", "", zh)
            short_en = re.sub(r"\s+(District|New Area|County)$", "", en, flags=re.I)
            self._add(f"district:{district['code']}", {district["code"], zh, short_zh, en, short_en})

    def _add(self, token: str, names) -> None:
        for name in names:
            if not name:
                continue
            for key in {normal(name), *_pinyin_keys(name)}:
                if key and token not in self._tokens.setdefault(key, []):
                    self._tokens[key].append(token)

    def lookup(self, name: str) -> list[str]:
        """The tokens a name stands for (none, one, or several when it is ambiguous)."""
        return list(self._tokens.get(normal(name), []))

    def table(self) -> dict[str, list[str]]:
        """Every normalised name -> its tokens (for a page that resolves names itself)."""
        return {key: list(tokens) for key, tokens in self._tokens.items()}


_names: dict[int, tuple[weakref.ref, Names]] = {}  # id(model) -> (weak reference to it, its names)


def names_of(model: StoryModel) -> Names:
    """The name resolver of a model (built on first use, gone with the model)."""
    entry = _names.get(id(model))
    if entry is None or entry[0]() is not model:
        key = id(model)
        entry = _names[key] = (weakref.ref(model, lambda _ref: _names.pop(key, None)), Names(model))
    return entry[1]


def normal(name: str) -> str:
    """A name as compared: NFKC, lower case, without tone marks, spaces, hyphens, quotes and dots."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(name)).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_'’‘\"“”·•.,，。「」『』]+", "", unicodedata.normalize("NFC", text))


def _pinyin_keys(name: str) -> set[str]:
    """The pinyin of a name with Chinese characters ('模速空间' -> 'mosukongjian'), or nothing."""
    if not re.search(r"[\u4e00-\u9fff]", name):
        return set()
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pinyin names are then not understood; Chinese names and ids still are
        return set()
    return {normal("".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")))}


def _gazetteer_aliases(model: StoryModel) -> dict[str, tuple[str, ...]]:
    """Place id -> the names of the gazetteer row that located it (matched by id or by name)."""
    from ..gazetteer import load_gazetteer  # numpy (through coords) stays out of `storymap --help`

    path = model.geodata.gazetteer_path
    if not path.is_file():
        return {}
    entries = load_gazetteer(path).entries  # already checked when the model was built
    found: dict[str, tuple[str, ...]] = {}
    for place in model.places:
        for entry in entries:
            if entry.id == place["id"] or place["name"] in entry.names:
                found[place["id"]] = (*found.get(place["id"], ()), *entry.names)
    return found


def _point(model: StoryModel, rest: str, token: str, crs: str) -> Item:
    parts = [p.strip() for p in re.split(r"[:,]", rest)]
    if len(parts) == 3 and parts[2].lower() in CRS_NAMES:  # pt:LON:LAT:gcj02 overrides the request's CRS
        crs = parts.pop().lower()
        suffix = f":{crs}"
    else:
        suffix = ""
    if len(parts) != 2:
        raise CompareInputError("items", token, f"has {len(parts)} number{'s' if len(parts) != 1 else ''}",
                                POINT_FORM)
    numbers = []
    for name, raw in zip(("longitude", "latitude"), parts):
        if not _NUMBER.match(raw):
            raise CompareInputError("items", token, f"{name} {raw!r} is not a decimal number", POINT_FORM)
        numbers.append(float(raw))
    lon, lat = numbers
    bounds = model.geodata.full.total_bounds  # west, south, east, north
    region = f"{model.region['name_zh']} ({model.region['name_en']})"
    if _within(lat, lon, bounds) and not _within(lon, lat, bounds):
        raise CompareInputError("items", token, "longitude and latitude look swapped",
                                f"pt:LON:LAT with the longitude first, e.g. pt:{parts[1]}:{parts[0]}")
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
        raise CompareInputError("items", token, "is not a coordinate on Earth",
                                "longitude between -180 and 180 and latitude between -90 and 90")
    try:
        district, w_lon, w_lat = model.geodata.locate(lon, lat, crs)
    except OutsideDistrictsError as exc:
        raise CompareInputError("items", token, f"{_CRS_LABELS[crs]} point lies outside every district of {region}",
                                f"a point inside {region}") from exc
    decimals = min(len(p.split(".")[1]) if "." in p else 0 for p in parts)
    return Item(f"pt:{parts[0]}:{parts[1]}{suffix}", "point", f"{parts[0]}:{parts[1]}", w_lon, w_lat, district.code,
                typed=(lon, lat), decimals=decimals, crs=crs)


def _within(lon: float, lat: float, bounds) -> bool:
    west, south, east, north = bounds
    return west <= lon <= east and south <= lat <= north


def _parse_crs(crs) -> str:
    value = WGS84 if crs is None or str(crs).strip() == "" else str(crs).strip().lower()
    if value not in CRS_NAMES:
        raise CompareInputError("crs", crs, "unknown CRS",
                                "wgs84 (GPS, OpenStreetMap) or gcj02 (Amap, most Chinese web maps)")
    return value


def _parse_radius(radius) -> float:
    if radius is None or str(radius).strip() == "":
        return DEFAULT_RADIUS_M
    expected = f"a number of metres from {MIN_RADIUS_M:g} to {MAX_RADIUS_M:g}"
    raw = str(radius).strip()
    if not _NUMBER.match(raw):
        raise CompareInputError("radius", radius, "is not a number", expected)
    value = float(raw)
    if not MIN_RADIUS_M <= value <= MAX_RADIUS_M:
        raise CompareInputError("radius", radius, "is out of range", expected)
    return value


def _split(items) -> list[str]:
    """Item strings from a list and/or comma-separated strings.

    A comma inside a pasted point (``pt:121.49, 31.24``) joins its two numbers.
    """
    if items is None:
        return []
    tokens: list[str] = []
    for chunk in [items] if isinstance(items, str) else items:
        for part in str(chunk).split(","):
            part = part.strip()
            if tokens and tokens[-1].startswith("pt:") and ":" not in tokens[-1][3:] and _NUMBER.match(part):
                tokens[-1] += ":" + part
            elif part:
                tokens.append(part)
    return tokens


def _place_keys(model: StoryModel) -> dict[str, str]:
    """What a user may have meant -> the canonical token."""
    keys = {p["id"]: f"place:{p['id']}" for p in model.places}
    keys.update({p["name"]: f"place:{p['id']}" for p in model.places})
    keys.update({p["name_en"]: f"place:{p['id']}" for p in model.places if p.get("name_en")})
    return keys


def _district_keys(model: StoryModel) -> dict[str, str]:
    keys = {d["code"]: f"district:{d['code']}" for d in model.districts}
    keys.update({d["name_zh"]: f"district:{d['code']}" for d in model.districts})
    keys.update({d["name_en"]: f"district:{d['code']}" for d in model.districts})
    return keys


def _suggest(value: str, keys: dict[str, str], count: int = 3) -> list[str]:
    if value.isdigit():  # an adcode: digits in place matter more than shared runs
        codes = sorted((k for k in keys if k.isdigit()),
                       key=lambda k: (-sum(a == b for a, b in zip(value, k)), abs(len(k) - len(value)), k))
        return [keys[k] for k in codes[:count] if sum(a == b for a, b in zip(value, k)) >= len(value) - 2]
    matches = difflib.get_close_matches(value, list(keys), n=count * 2, cutoff=0.5)
    lowered = {k.lower(): k for k in keys}
    matches += [lowered[m] for m in difflib.get_close_matches(value.lower(), list(lowered), n=count, cutoff=0.5)]
    return list(dict.fromkeys(keys[m] for m in matches))[:count]

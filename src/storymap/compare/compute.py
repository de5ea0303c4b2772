"""The comparison itself: a pure function of the built model and a checked request.

:func:`compare` reads as a recipe: locate the items, describe each (district,
indicators, story content, precision), measure between them (geodesic
distances and bearings), then draw and overlay their walking circles on the
full-resolution district polygons. The result is plain JSON-ready data; the
CLI, the API, the downloads and the print view only format it.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass

import numpy as np
import shapely

from .. import coords
from ..indicators import Indicators
from ..model import StoryModel
from . import geodesy
from .items import CompareRequest, Item

LETTERS = "ABCDEF"
# What a gazetteer precision means on the ground, as a radius in metres.
# 'district' is not fixed: it is the radius of a circle with the district's area.
PRECISION_M = {"point": 30.0, "street": 500.0, "subdistrict": 1500.0}
METRES_PER_DEGREE_LAT = 111_320.0
COORD_DIGITS = 6
FIRST_LINE_CHARS = 80


@dataclass
class Context:
    """What a comparison needs from one model, prepared once per model."""

    indicators: Indicators
    shapes: list  # full-resolution district polygons, WGS-84
    codes: list[str]
    tree: shapely.STRtree
    story_places: list[dict]
    story_lons: np.ndarray
    story_lats: np.ndarray
    reference: dict | None


# id(model) -> (weak reference to the model, its context); an entry goes with its model.
_contexts: dict[int, tuple[weakref.ref, Context]] = {}


def context_for(model: StoryModel) -> Context:
    """The prepared context of a model (built on first use)."""
    entry = _contexts.get(id(model))
    if entry is None or entry[0]() is not model:
        key = id(model)
        ref = weakref.ref(model, lambda _ref: _contexts.pop(key, None))
        entry = _contexts[key] = (ref, _prepare(model))
    return entry[1]


def _prepare(model: StoryModel) -> Context:
    geodata = model.geodata
    full = geodata.full
    story = [p for p in model.places if p["role"] == "story"] or list(model.places)
    reference = geodata.manifest.get("reference_point")
    if reference is not None:
        r_lon, r_lat = coords.to_wgs84(reference["lon"], reference["lat"], _crs_name(reference.get("crs")))
        reference = {**reference, "lon": r_lon, "lat": r_lat}
    return Context(
        indicators=model.indicators, shapes=list(full.geometry.values), codes=list(full["code"]),
        tree=shapely.STRtree(full.geometry.values), story_places=story,
        story_lons=np.array([p["lon"] for p in story]), story_lats=np.array([p["lat"] for p in story]),
        reference=reference,
    )


def _crs_name(crs: str | None) -> str:
    return coords.GCJ02 if crs and crs.lower() in ("gcj02", "gcj-02") else coords.WGS84


def compare(model: StoryModel, request: CompareRequest) -> dict:
    """Compare the request's items side by side.

    Returns
    -------
    dict
        ``items`` (one record per item, in request order, with its circle),
        ``pairs`` (geodesic distance and bearings for every pair, with the
        line between them), ``matrix`` (distances in metres), ``bearing_matrix`` (initial bearing
        from the row's item to the column's, degrees), and the
        region, radius, CRS, reference point and indicator columns used.
    """
    context = context_for(model)
    circles = [geodesy.circle(i.lon, i.lat, request.radius_m) for i in request.items]
    records = [
        _describe(model, context, item, letter, circle, request.radius_m)
        for item, letter, circle in zip(request.items, LETTERS, circles)
    ]
    pairs, matrix, bearings = _pairs(request.items)
    _add_overlaps(records, circles, request.items)
    return {
        "region": model.region,
        "radius_m": request.radius_m,
        "crs": request.crs,
        "reference_point": _public_reference(context.reference),
        "indicator_columns": context.indicators.columns,
        "items": records,
        "pairs": pairs,
        "matrix": matrix,
        "bearing_matrix": bearings,
    }


def _describe(model: StoryModel, context: Context, item: Item, letter: str, circle: shapely.Polygon,
              radius_m: float) -> dict:
    district = model.district(item.district_code)
    g_lon, g_lat = coords.wgs84_to_gcj02(item.lon, item.lat)
    places, excerpts, facts = _story_content(model, item, radius_m)
    precision, precision_m = _precision(model, item, district)
    record = {
        "id": item.token, "letter": letter, "kind": item.kind, "key": item.key,
        **_names(model, item, district),
        "lon": round(item.lon, 7), "lat": round(item.lat, 7),
        "gcj02": {"lon": round(g_lon, 7), "lat": round(g_lat, 7)},
        "typed": None if item.typed is None else {"lon": item.typed[0], "lat": item.typed[1], "crs": item.crs},
        "precision": precision, "precision_m": round(precision_m, 1),
        "uncertainty": _geojson(geodesy.circle(item.lon, item.lat, precision_m, 64)),
        "district": {
            "code": district["code"], "name_zh": district["name_zh"], "name_en": district["name_en"],
            "area_km2": district["area_km2"], "indicators": context.indicators.for_district(district["code"]),
        },
        "places": places, "excerpts": excerpts, "facts": facts,
        "reference": _measure_to(item, context.reference),
        "nearest_place": _nearest_place(context, item),
        "circle": _circle_record(model, context, circle, radius_m),
    }
    return record


def _names(model: StoryModel, item: Item, district: dict) -> dict:
    if item.kind == "place":
        place = model.place(item.key)
        return {"name_zh": place["name"], "name_en": place.get("name_en") or place["name"]}
    if item.kind == "district":
        return {"name_zh": district["name_zh"], "name_en": district["name_en"]}
    lon, lat = item.key.split(":")  # as typed: every decimal the user gave
    return {"name_zh": f"点 {lon}, {lat}", "name_en": f"Point {lon}, {lat}"}


def _precision(model: StoryModel, item: Item, district: dict) -> tuple[str, float]:
    """The item's precision class and the radius in metres it stands for."""
    if item.kind == "point":
        # Half a unit of the last decimal typed, in metres along a meridian (the larger of the two axes).
        return "typed", max(0.5 * 10.0 ** -item.decimals * METRES_PER_DEGREE_LAT, 1.0)
    precision = model.place(item.key)["precision"] if item.kind == "place" else "district"
    if precision in PRECISION_M:
        return precision, PRECISION_M[precision]
    return precision, math.sqrt(district["area_km2"] * 1e6 / math.pi)


def _story_content(model: StoryModel, item: Item, radius_m: float) -> tuple[list, list, list]:
    """Story places, excerpts (first line) and facts at an item.

    A place: itself; a district: everything in it; a point: the places inside its circle.
    """
    if item.kind == "district":
        places = [p for p in model.places if p["district_code"] == item.key]
        excerpts = [e for e in model.excerpts if e["district_code"] == item.key]
        facts = [f for f in model.facts if f["district_code"] == item.key]
    else:
        if item.kind == "place":
            places = [model.place(item.key)]
        else:
            lons = np.array([p["lon"] for p in model.places])
            lats = np.array([p["lat"] for p in model.places])
            near = geodesy.distances_from(item.lon, item.lat, lons, lats) <= radius_m
            places = [p for p, inside in zip(model.places, near) if inside]
        ids = {p["id"] for p in places}
        excerpts = [e for e in model.excerpts if e["place"] in ids]
        facts = [f for f in model.facts if f["place"] in ids]
    return (
        [{"id": p["id"], "name": p["name"], "name_en": p.get("name_en"), "role": p["role"],
          "district_code": p["district_code"]} for p in places],
        [{"id": e["id"], "place": e["place"], "text": _first_line(e["text"]),
          "text_en": _first_line(e.get("text_en"))} for e in excerpts],
        [{"id": f["id"], "place": f["place"], "label": f["label"], "label_en": f.get("label_en"),
          "value": f["value"], "unit": f["unit"], "figure": f["figure"], "figure_en": f["figure_en"]}
         for f in facts],  # the figure as the model prints it (storymap.figures): no second formatter
    )


def _first_line(text: str | None) -> str | None:
    """The first sentence of a passage (its first line in a table), at most FIRST_LINE_CHARS long."""
    if not text:
        return None
    line = text.strip().splitlines()[0].strip()
    sentence = re.match(r"^.+?(?:[。！？!?]|\.(?=\s)|$)", line).group(0)
    return sentence if len(sentence) <= FIRST_LINE_CHARS else sentence[:FIRST_LINE_CHARS - 1] + "…"


def _measure_to(item: Item, reference: dict | None) -> dict | None:
    if reference is None:
        return None
    distance, bearing = geodesy.distance_bearing(reference["lon"], reference["lat"], item.lon, item.lat)
    return {"distance_m": round(distance, 1), "bearing_deg": round(bearing, 1)}


def _nearest_place(context: Context, item: Item) -> dict | None:
    distances = geodesy.distances_from(item.lon, item.lat, context.story_lons, context.story_lats)
    order = [i for i in np.argsort(distances)
             if not (item.kind == "place" and context.story_places[i]["id"] == item.key)]
    if not order:
        return None
    place = context.story_places[order[0]]
    distance, bearing = geodesy.distance_bearing(item.lon, item.lat, place["lon"], place["lat"])
    return {"id": place["id"], "name": place["name"], "name_en": place.get("name_en"),
            "distance_m": round(distance, 1), "bearing_deg": round(bearing, 1)}


def _circle_record(model: StoryModel, context: Context, circle: shapely.Polygon, radius_m: float) -> dict:
    """The circle's area and its share in each district (full-resolution polygons)."""
    area = geodesy.area_m2(circle)
    shares = []
    for index in sorted(context.tree.query(circle, predicate="intersects")):
        part = geodesy.area_m2(shapely.intersection(circle, context.shapes[index]))
        if part <= 0:
            continue
        district = model.district(context.codes[index])
        shares.append({"code": district["code"], "name_zh": district["name_zh"], "name_en": district["name_en"],
                       "area_m2": round(part, 1), "share": round(part / area, 5)})
    shares.sort(key=lambda s: -s["area_m2"])
    inside = sum(s["area_m2"] for s in shares)
    return {
        "radius_m": radius_m, "area_m2": round(area, 1), "districts": shares,
        "outside_share": round(max(0.0, 1.0 - inside / area), 5),  # water or beyond the region
        "overlaps": [], "geometry": _geojson(circle),
    }


def _pairs(items: list[Item]) -> tuple[list[dict], list[list[float]], list[list[float | None]]]:
    n = len(items)
    matrix = [[0.0] * n for _ in range(n)]
    bearings: list[list[float | None]] = [[None] * n for _ in range(n)]
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = items[i], items[j]
            distance, bearing = geodesy.distance_bearing(a.lon, a.lat, b.lon, b.lat)
            _, back = geodesy.distance_bearing(b.lon, b.lat, a.lon, a.lat)
            matrix[i][j] = matrix[j][i] = round(distance, 1)
            bearings[i][j], bearings[j][i] = round(bearing, 1), round(back, 1)
            pairs.append({
                "a": a.token, "b": b.token, "letters": LETTERS[i] + LETTERS[j],
                "distance_m": round(distance, 1), "bearing_deg": round(bearing, 1), "back_bearing_deg": round(back, 1),
                "line": {"type": "LineString", "coordinates": _rounded(geodesy.geodesic_line(a.lon, a.lat, b.lon, b.lat))},
            })
    return pairs, matrix, bearings


def _add_overlaps(records: list[dict], circles: list[shapely.Polygon], items: list[Item]) -> None:
    """Overlap area of every pair of circles (only pairs whose circles can meet are intersected)."""
    for i in range(len(circles)):
        for j in range(i + 1, len(circles)):
            reach = records[i]["circle"]["radius_m"] * 2
            if geodesy.distance_bearing(items[i].lon, items[i].lat, items[j].lon, items[j].lat)[0] >= reach:
                continue
            overlap = geodesy.area_m2(shapely.intersection(circles[i], circles[j]))
            if overlap <= 0:
                continue
            for own, other in ((i, j), (j, i)):
                records[own]["circle"]["overlaps"].append({
                    "item": records[other]["id"], "letter": records[other]["letter"], "area_m2": round(overlap, 1),
                    "share": round(overlap / records[own]["circle"]["area_m2"], 5),
                })


def _public_reference(reference: dict | None) -> dict | None:
    if reference is None:
        return None
    return {k: reference[k] for k in ("name_zh", "name_en", "lon", "lat", "source") if k in reference}


def _geojson(geometry) -> dict:
    return {"type": "Polygon", "coordinates": [_rounded(shapely.get_coordinates(geometry.exterior))]}


def _rounded(points) -> list[list[float]]:
    return np.round(np.asarray(points, dtype=float), COORD_DIGITS).tolist()

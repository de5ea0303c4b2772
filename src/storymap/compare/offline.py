"""What a page needs to compare without the server: the static copy's comparison data.

The static copy (``storymap export``) has no ``/api/compare``; its map page
carries this document instead (inlined by the export, as the reading content
is) and ``static/js/compare-local.js`` computes the same result in the
browser. The document holds the model's own values, never a second
computation of them: the full-resolution district polygons (the ones the
server joins with), the districts' label points, areas and indicators, the
places, the first line of each passage, the facts (with their printed figures), the reference point in
WGS-84, and every name an item may be typed as (normalised, as :class:`.items.Names` has them).
"""

from __future__ import annotations

from ..model import StoryModel
from .compute import METRES_PER_DEGREE_LAT, PRECISION_M, _first_line, _public_reference, context_for
from .items import DEFAULT_RADIUS_M, MAX_ITEMS, MAX_RADIUS_M, MIN_ITEMS, MIN_RADIUS_M, names_of


def offline_data(model: StoryModel) -> dict:
    """The comparison data of a model, JSON-ready (language-independent)."""
    context = context_for(model)
    full = model.geodata.full
    west, south, east, north = (float(v) for v in full.total_bounds)
    shapes = {code: _multipolygon(shape) for code, shape in zip(context.codes, context.shapes)}
    return {
        "region": model.region,
        "bounds": [west, south, east, north],
        "reference_point": _public_reference(context.reference),
        "indicator_columns": context.indicators.columns,
        "precision_m": PRECISION_M,
        "metres_per_degree_lat": METRES_PER_DEGREE_LAT,
        "limits": {"min_items": MIN_ITEMS, "max_items": MAX_ITEMS, "min_radius": MIN_RADIUS_M,
                   "max_radius": MAX_RADIUS_M, "default_radius": DEFAULT_RADIUS_M},
        "districts": [{
            "code": d["code"], "name_zh": d["name_zh"], "name_en": d["name_en"], "area_km2": d["area_km2"],
            "label": list(d["label"]), "indicators": context.indicators.for_district(d["code"]),
            "shape": shapes[d["code"]],
        } for d in model.districts],
        "places": [{
            "id": p["id"], "name": p["name"], "name_en": p.get("name_en"), "role": p["role"], "lon": p["lon"],
            "lat": p["lat"], "precision": p["precision"], "district_code": p["district_code"],
        } for p in model.places],
        "story_places": [p["id"] for p in context.story_places],
        "names": names_of(model).table(),
        "excerpts": [{"id": e["id"], "place": e["place"], "district_code": e["district_code"],
                      "text": _first_line(e["text"]), "text_en": _first_line(e.get("text_en"))} for e in model.excerpts],
        "facts": [{"id": f["id"], "place": f["place"], "district_code": f["district_code"], "label": f["label"],
                   "label_en": f.get("label_en"), "value": f["value"], "unit": f["unit"], "figure": f["figure"],
                   "figure_en": f["figure_en"]} for f in model.facts],
    }


def _multipolygon(shape) -> list:
    """A (Multi)Polygon's coordinates as GeoJSON MultiPolygon coordinates, as the geodata files give them."""
    polygons = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
    return [[[list(xy) for xy in ring.coords] for ring in (p.exterior, *p.interiors)] for p in polygons]

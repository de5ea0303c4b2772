"""A static map of a comparison for the print view: SVG paths, computed once per request.

The map is drawn in a local equirectangular frame centred on the items (at
these extents, a few tens of kilometres, its scale error is far below a
millimetre on paper). Districts use the simplified display polygons; circles,
uncertainty and distance lines use the comparison's own geometry.
"""

from __future__ import annotations

import math

import numpy as np

WIDTH, HEIGHT = 1000.0, 620.0
PAD = 0.08  # share of the frame left around the items' circles
METRES_PER_DEGREE = 111_320.0
SCALE_STEPS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


def print_map(result: dict, districts_geojson: dict) -> dict:
    """Everything the print template draws, in SVG user units (WIDTH x HEIGHT)."""
    rings = [np.asarray(i["circle"]["geometry"]["coordinates"][0]) for i in result["items"]]
    rings += [np.asarray(i["uncertainty"]["coordinates"][0]) for i in result["items"]]
    points = np.vstack(rings)
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    lat0 = (south + north) / 2
    kx = math.cos(math.radians(lat0))
    span_x, span_y = (east - west) * kx, north - south
    scale = min(WIDTH / (span_x * (1 + 2 * PAD)), HEIGHT / (span_y * (1 + 2 * PAD)))
    cx, cy = (west + east) / 2, (south + north) / 2

    def project(coords) -> np.ndarray:
        xy = np.asarray(coords, dtype=float)
        return np.column_stack([WIDTH / 2 + (xy[:, 0] - cx) * kx * scale, HEIGHT / 2 - (xy[:, 1] - cy) * scale])

    def path(rings_) -> str:
        return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in project(ring)) + " Z" for ring in rings_)

    districts = []
    for feature in districts_geojson["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        label_x, label_y = project([feature["properties"]["label"]])[0]
        districts.append({
            "path": path(ring for polygon in polygons for ring in polygon),
            "name_zh": feature["properties"]["name_zh"], "name_en": feature["properties"]["name_en"],
            "label": [round(label_x, 1), round(label_y, 1)] if 0 < label_x < WIDTH and 0 < label_y < HEIGHT else None,
        })
    items = []
    for item in result["items"]:
        x, y = project([[item["lon"], item["lat"]]])[0]
        items.append({
            "letter": item["letter"], "name_zh": item["name_zh"], "name_en": item["name_en"],
            "x": round(x, 1), "y": round(y, 1),
            "circle": path(item["circle"]["geometry"]["coordinates"]),
            "uncertainty": path(item["uncertainty"]["coordinates"]),
        })
    lines = []
    for pair in result["pairs"]:
        xy = project(pair["line"]["coordinates"])
        mid = xy[len(xy) // 2]
        lines.append({"path": "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy), "x": round(mid[0], 1),
                      "y": round(mid[1], 1), "distance_m": pair["distance_m"]})
    metres_per_unit = METRES_PER_DEGREE / scale
    bar_m = max([s for s in SCALE_STEPS if s / metres_per_unit <= WIDTH / 5] or [SCALE_STEPS[0]])
    return {"width": WIDTH, "height": HEIGHT, "districts": districts, "items": items, "lines": lines,
            "scale_bar": {"metres": bar_m, "length": round(bar_m / metres_per_unit, 1)}}

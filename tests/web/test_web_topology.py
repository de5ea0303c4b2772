"""The districts' TopoJSON: a grid fine enough for the display polygons, and no finer."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from pyproj import Geod

from storymap.topology import district_topology, display_tolerance_m, quantisation_steps

GEOD = Geod(ellps="WGS84")


def page_topology(client) -> dict:
    html = client.get("/").get_data(as_text=True)
    return json.loads(re.search(r'id="storymap-districts">(.*?)</script>', html, re.S).group(1))


def decoded_arcs(topology: dict) -> list[np.ndarray]:
    """Every arc in longitude/latitude: delta-decoded, then scaled and translated by the transform."""
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]


def arc_indices(arcs) -> list[int]:
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [i for part in arcs for i in arc_indices(part)]


def vertices(coordinates) -> list[tuple[float, float]]:
    if isinstance(coordinates[0], (int, float)):
        return [tuple(coordinates[:2])]
    return [v for part in coordinates for v in vertices(part)]


def cell_m(topology: dict) -> tuple[float, float]:
    """The grid cell's width and height in metres, measured on the ellipsoid at the region's southern edge."""
    (kx, ky), (x0, y0) = topology["transform"]["scale"], topology["transform"]["translate"]
    latitude = min(abs(y0), 89.0)  # the southern edge: where a degree of longitude is longest (northern hemisphere)
    return GEOD.inv(x0, latitude, x0 + kx, latitude)[2], GEOD.inv(x0, y0, x0, y0 + ky)[2]


def test_grid_cells_are_a_quarter_of_the_display_tolerance(client, app):
    model = app.extensions["storymap"].snapshot.model
    tolerance = model.geodata.manifest["display_tolerance_m"]
    assert display_tolerance_m(model.geodata.manifest) == tolerance
    width, height = cell_m(page_topology(client))
    assert max(width, height) <= tolerance / 4
    assert max(width, height) > tolerance / 5, "a finer grid only costs bytes"


def test_every_decoded_vertex_is_within_half_a_cell_of_its_display_vertex(client, app):
    topology = page_topology(client)
    arcs = decoded_arcs(topology)
    half_cell = np.array(topology["transform"]["scale"]) / 2 * (1 + 1e-9)
    display = {str(f["properties"]["code"]): np.array(vertices(f["geometry"]["coordinates"]))
               for f in app.extensions["storymap"].snapshot.model.districts_geojson["features"]}
    geometries = topology["objects"]["districts"]["geometries"]
    assert sorted(str(g["properties"]["code"]) for g in geometries) == sorted(display)
    for geometry in geometries:
        original = display[str(geometry["properties"]["code"])]
        decoded = np.concatenate([arcs[i] for i in arc_indices(geometry["arcs"])])
        # Each decoded vertex has a display vertex within half a cell, and each display vertex a decoded one
        # (consecutive vertices in one cell become one).
        for points, others in ((decoded, original), (original, decoded)):
            for start in range(0, len(points), 512):
                chunk = points[start:start + 512, None, :]
                nearest = (np.abs(chunk - others[None, :, :]) / half_cell).max(axis=2).min(axis=1)
                assert nearest.max() <= 1.0, geometry["properties"]["code"]


@pytest.mark.parametrize("south, tolerance", [(-34.2, 60.0), (0.0, 25.0), (59.8, 100.0)])
def test_the_grid_follows_any_region_and_tolerance(south, tolerance):
    """Other cities: a 30 x 20 km box anywhere gets cells of a quarter of its own tolerance."""
    west = 18.3
    east = GEOD.fwd(west, south, 90, 30_000)[0]
    north = GEOD.fwd(west, south, 0, 20_000)[1]
    square = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": [square]}}]}
    topology = district_topology(collection, tolerance)
    width, height = cell_m(topology)
    assert max(width, height) <= tolerance / 4
    assert max(width, height) > tolerance / 5
    assert quantisation_steps(collection, tolerance) == pytest.approx(30_000 / (tolerance / 4), rel=0.02)


def test_a_tolerance_that_is_not_positive_is_refused():
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "1"},
                  "geometry": {"type": "Point", "coordinates": [121.0, 31.0]}}]}
    for tolerance in (0, -5, math.nan):
        with pytest.raises(ValueError, match="expected a positive number of metres"):
            quantisation_steps(collection, tolerance)

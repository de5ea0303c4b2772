"""The display polygons as TopoJSON, made once when the model is built.

Every map page (each language, the embed, the static copy) sends the same
districts; encoding them is the model's work, not each page's.
"""

from __future__ import annotations

import math

import shapely
import topojson

# The TopoJSON grid: a cell is at most this share of the display polygons'
# simplification tolerance, so quantising moves no vertex by more than an
# eighth of what simplifying already did (15 m cells, ~8900 steps, for Shanghai's
# 60 m over ~134 km). Finer steps only cost bytes: the page's every border
# vertex carries its delta to the previous one.
CELL_PER_TOLERANCE = 0.25
DEFAULT_DISPLAY_TOLERANCE_M = 60.0  # what `storymap geodata import` uses, for a manifest that does not say
WGS84_A, WGS84_E2 = 6_378_137.0, 0.00669437999014  # semi-major axis (m), first eccentricity squared


def coordinate_bounds(collection: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every position of a GeoJSON FeatureCollection."""
    shapes = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    west, south, east, north = shapely.total_bounds(shapes)
    return float(west), float(south), float(east), float(north)


def display_tolerance_m(manifest: dict) -> float:
    """The display polygons' simplification tolerance, from the region's manifest (or the import's default)."""
    return float(manifest.get("display_tolerance_m") or DEFAULT_DISPLAY_TOLERANCE_M)


def district_topology(collection: dict, tolerance_m: float = DEFAULT_DISPLAY_TOLERANCE_M) -> dict:
    """The display polygons as TopoJSON: each shared border once, quantised, delta-encoded.

    Only ``code`` travels with each district; everything a
    reader sees comes from the page's JSON data.

    Parameters
    ----------
    collection : dict
        The display polygons (GeoJSON, EPSG:4326).
    tolerance_m : float
        Their simplification tolerance: the grid's cells are at most a quarter of it.
    """
    slim = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": f["geometry"], "properties": {"code": f["properties"]["code"]}}
        for f in collection["features"]
    ]}
    return topojson.Topology(
        slim, prequantize=quantisation_steps(collection, tolerance_m), topology=True, toposimplify=False,
        object_name="districts",
    ).to_dict()


def quantisation_steps(collection: dict, tolerance_m: float) -> int:
    """Grid steps across the region's bounding box for cells of at most ``CELL_PER_TOLERANCE * tolerance_m``.

    TopoJSON divides the box's width and height into the same number of
    steps, so the longer side in metres decides.
    """
    if not tolerance_m > 0:
        raise ValueError(f"display tolerance is {tolerance_m!r} m; expected a positive number of metres")
    west, south, east, north = coordinate_bounds(collection)
    # On the ellipsoid a degree of longitude is longest at the latitude nearest the
    # equator, a degree of latitude at the latitude nearest a pole.
    nearest_equator = 0.0 if south <= 0 <= north else min(abs(south), abs(north))
    nearest_pole = max(abs(south), abs(north))
    width_m = (east - west) * _metres_per_degree(nearest_equator)[0]
    height_m = (north - south) * _metres_per_degree(nearest_pole)[1]
    return max(2, math.ceil(max(width_m, height_m) / (CELL_PER_TOLERANCE * tolerance_m)) + 1)


def _metres_per_degree(latitude: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at ``latitude`` on the WGS-84 ellipsoid."""
    phi = math.radians(latitude)
    w = math.sqrt(1 - WGS84_E2 * math.sin(phi) ** 2)
    return (math.radians(1) * WGS84_A * math.cos(phi) / w,
            math.radians(1) * WGS84_A * (1 - WGS84_E2) / w ** 3)

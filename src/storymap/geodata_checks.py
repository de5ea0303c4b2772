"""Checks of a region's geodata files, before anything is built from them.

Every value that reaches a page or the API is checked here, the way story
files are checked: the manifest's structure, each district feature's geometry
(present, non-empty, Polygon or MultiPolygon, valid, finite lon/lat) and
properties (six-digit adcode, unique; names as plain text; a finite area),
and the display and full-resolution files holding the same districts. Each
problem is reported as ``FILE: message`` naming the feature and the value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import shapely
from shapely.validation import explain_validity

from .errors import Problem

ADCODE = re.compile(r"\d{6}")
# Names are shown as text; control characters (bar tab) have no place in them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ud800-\udfff]")
MAX_NAME_LENGTH = 200
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
MANIFEST_CRS = "EPSG:4326"


def text_problem(value, field: str) -> str | None:
    """Why ``value`` is not a usable name, or None if it is."""
    if not isinstance(value, str):
        return f"{field} is {_show(value)}; expected text"
    if not value.strip():
        return f"{field} is {value!r}; expected a non-empty name"
    if len(value) > MAX_NAME_LENGTH:
        return f"{field} is {len(value)} characters long; expected at most {MAX_NAME_LENGTH}"
    if CONTROL.search(value):
        return f"{field} is {_show(value)}; expected text without control characters"
    return None


def adcode_problem(value, field: str) -> str | None:
    if not isinstance(value, str) or not ADCODE.fullmatch(value):
        return f"{field} is {_show(value)}; expected a six-digit adcode as a string, e.g. \"310101\""
    return None


def check_manifest(path: Path, manifest) -> list[Problem]:
    """The manifest's structure; optional extra keys (e.g. ``reference_point``) are allowed."""
    if not isinstance(manifest, dict):
        return [Problem(path, None, f"the manifest is {_kind(manifest)}; expected a JSON object")]
    messages = []
    region = manifest.get("region")
    if not isinstance(region, dict):
        messages.append(f"'region' is {_show(region)}; expected an object with adcode, name_zh and name_en")
    else:
        messages.append(adcode_problem(region.get("adcode"), "region.adcode"))
        messages += [text_problem(region.get(key), f"region.{key}") for key in ("name_zh", "name_en")]
    if manifest.get("crs") != MANIFEST_CRS:
        messages.append(f"crs is {_show(manifest.get('crs'))}; expected {MANIFEST_CRS!r}")
    files = manifest.get("files")
    if not isinstance(files, dict):
        messages.append(f"'files' is {_show(files)}; expected an object naming the full and display files")
    else:
        for key, required in (("full", True), ("display", True), ("gazetteer", False)):
            if key in files or required:
                messages.append(_file_name_problem(files.get(key), f"files.{key}"))
    if "reference_point" in manifest:
        messages += _reference_point_problems(manifest["reference_point"])
    return [Problem(path, None, m) for m in messages if m]


@dataclass(frozen=True)
class CheckedDistrict:
    """A district feature that passed every check, with the shape its check built."""

    properties: dict
    shape: shapely.Geometry


def check_districts(path: Path, collection) -> tuple[list[Problem], list[CheckedDistrict]]:
    """Problems of one district file, and its features that passed every check."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        got = collection.get("type") if isinstance(collection, dict) else collection
        return [Problem(path, None, f"type is {_show(got)}; expected a GeoJSON 'FeatureCollection'")], []
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        return [Problem(path, None, f"'features' is {_show(features)}; expected a non-empty list of districts")], []
    problems, good, seen = [], [], {}
    for index, feature in enumerate(features, start=1):
        messages, shape = _feature_problems(feature)
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        label = f"feature {index}" + (f" (code {code!r})" if isinstance(code, str) and ADCODE.fullmatch(code) else "")
        if isinstance(code, str) and code in seen:
            messages.append(f"code {code!r} is used again (first by feature {seen[code]}); expected unique codes")
        elif isinstance(code, str):
            seen[code] = index
        problems += [Problem(path, None, f"{label}: {m}") for m in messages]
        if not messages:
            good.append(CheckedDistrict(properties, shape))
    return problems, good


def check_same_codes(full_path: Path, full: list[CheckedDistrict], display_path: Path,
                     display: list[CheckedDistrict]) -> list[Problem]:
    full_codes = {f.properties["code"] for f in full}
    display_codes = {f.properties["code"] for f in display}
    problems = []
    if display_codes - full_codes:
        problems.append(Problem(display_path, None, (
            f"codes {', '.join(sorted(display_codes - full_codes))} are not in {full_path.name}; "
            "expected the same districts in both files")))
    if full_codes - display_codes:
        problems.append(Problem(display_path, None, (
            f"codes {', '.join(sorted(full_codes - display_codes))} of {full_path.name} are missing here; "
            "expected the same districts in both files")))
    return problems


def _feature_problems(feature) -> tuple[list[str], shapely.Geometry | None]:
    """What is wrong with one feature, and its shape when its geometry is sound."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [f"is {_show(feature)}; expected a GeoJSON Feature"], None
    messages = []
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        messages.append(f"properties is {_show(properties)}; expected an object with code, name_zh, name_en, area_km2")
    else:
        messages.append(adcode_problem(properties.get("code"), "property 'code'"))
        messages += [text_problem(properties.get(key), f"property {key!r}") for key in ("name_zh", "name_en")]
        area = properties.get("area_km2")
        if isinstance(area, bool) or not isinstance(area, (int, float)) or not _finite(area) or area <= 0:
            messages.append(f"property 'area_km2' is {_show(area)}; expected a positive, finite number of km²")
    problem, shape = _geometry(feature.get("geometry"))
    messages.append(problem)
    return [m for m in messages if m], shape


def _geometry(geometry) -> tuple[str | None, shapely.Geometry | None]:
    """(None, the shape) of a sound Polygon or MultiPolygon, or (why not, None)."""
    if not isinstance(geometry, dict):
        return f"geometry is {_show(geometry)}; expected a Polygon or MultiPolygon", None
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return f"geometry type is {_show(kind)}; expected one of {', '.join(GEOMETRY_TYPES)}", None
    coordinates = geometry.get("coordinates")
    # Polygon: rings of positions; MultiPolygon: polygons of those.
    polygons = _clean_polygons(coordinates if kind == "MultiPolygon" else [coordinates])
    if polygons is None:  # not the common shape: the precise, slower walk says what is wrong
        bad = _position_problem(coordinates, 3 if kind == "Polygon" else 4)
        if bad:
            return f"{kind} coordinates: {bad}", None
    try:
        shape = shapely.geometry.shape(geometry) if polygons is None else _shape(kind, polygons)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return f"{kind} cannot be read ({exc}); expected closed rings of at least 4 positions", None
    if shape.is_empty:
        return f"{kind} is empty; expected at least one ring", None
    if not shape.is_valid:
        return (f"{kind} is not valid ({explain_validity(shape)}); expected a valid polygon "
                "(run `storymap geodata import`)"), None
    return None, shape


def _clean_polygons(polygons) -> list[list[np.ndarray]] | None:
    """Each polygon's rings as (n, 2) arrays when every position is [lon, lat] in range, else None.

    The common case, checked with sets and arrays instead of one Python call per
    position: district files hold tens of thousands of positions.
    """
    if not isinstance(polygons, list) or not polygons:
        return None
    arrays = []
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            return None
        arrays.append([])
        for ring in rings:
            if not isinstance(ring, list) or not ring or any(type(p) is not list or len(p) != 2 for p in ring):
                return None
            if {type(v) for position in ring for v in position} - {float, int}:  # no bool, str, null
                return None
            try:
                array = np.asarray(ring, dtype=float)
            except OverflowError:  # an integer beyond any float
                return None
            if not (np.isfinite(array).all() and (np.abs(array[:, 0]) <= 180).all()
                    and (np.abs(array[:, 1]) <= 90).all()):
                return None
            arrays[-1].append(array)
    return arrays


def _shape(kind: str, polygons: list[list[np.ndarray]]) -> shapely.Geometry:
    """A Polygon or MultiPolygon from ring arrays (shapely builds it in C)."""
    # holes as rings, one each: numpy cannot stack holes of different lengths into one array
    parts = [shapely.polygons(rings[0], holes=[shapely.linearrings(h) for h in rings[1:]] or None)
             for rings in polygons]
    return parts[0] if kind == "Polygon" else shapely.multipolygons(parts)


def _position_problem(value, depth: int) -> str | None:
    """Why a nested coordinate list is not ``depth`` levels of lists ending in [lon, lat], or None."""
    if depth == 1:
        if not isinstance(value, list) or len(value) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            return f"position {_show(value)}; expected [lon, lat] numbers"
        lon, lat = value[0], value[1]
        if not (_finite(lon) and _finite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            return f"position {_show(value)}; expected finite WGS-84 degrees, lon in [-180, 180], lat in [-90, 90]"
        return None
    if not isinstance(value, list) or not value:
        return f"{_show(value)} where a non-empty list was expected"
    for item in value:
        bad = _position_problem(item, depth - 1)
        if bad:
            return bad
    return None


def _finite(number: int | float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # JSON allows integers far beyond any float
        return False


def _reference_point_problems(point) -> list[str]:
    if not isinstance(point, dict):
        return [f"reference_point is {_show(point)}; expected an object with name_zh, name_en, lon, lat"]
    messages = [text_problem(point.get(key), f"reference_point.{key}") for key in ("name_zh", "name_en")]
    for key, limit in (("lon", 180), ("lat", 90)):
        value = point.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value) \
                or abs(value) > limit:
            messages.append(f"reference_point.{key} is {_show(value)}; expected degrees within ±{limit}")
    if point.get("crs", MANIFEST_CRS) != MANIFEST_CRS:
        messages.append(f"reference_point.crs is {_show(point.get('crs'))}; expected {MANIFEST_CRS!r}")
    return messages


def _file_name_problem(value, field: str) -> str | None:
    """A file named by the manifest must be a plain relative path inside the region folder."""
    if not isinstance(value, str) or not value.strip():
        return f"{field} is {_show(value)}; expected a file name"
    parts = PurePosixPath(value.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or ":" in value:
        return f"{field} is {value!r}; expected a file inside the region folder"
    return None


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(type(value), type(value).__name__)


def _show(value) -> str:
    """A value as a message shows it: short, and never an unprintable character."""
    text = "null" if value is None else repr(value)  # repr escapes control characters, keeps CJK
    return text if len(text) <= 80 else text[:77] + "..."

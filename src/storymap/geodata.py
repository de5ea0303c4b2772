"""A city's district polygons, as written by ``storymap geodata import``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from . import coords
from .errors import InvalidInputError, OutsideDistrictsError, Problem

REQUIRED_PROPERTIES = ("code", "name_zh", "name_en", "area_km2")


@dataclass(frozen=True)
class District:
    code: str
    name_zh: str
    name_en: str
    area_km2: float
    label_lon: float  # a point inside the polygon, for its label
    label_lat: float


class Geodata:
    """Districts of one region: full-resolution polygons for joins, simplified for display."""

    def __init__(self, directory: Path, manifest: dict, full: gpd.GeoDataFrame, display: dict):
        self.directory = directory
        self.manifest = manifest
        self.full = full
        self.display = display
        region = manifest["region"]
        self.region_code, self.region_name_zh, self.region_name_en = (
            region["adcode"], region["name_zh"], region["name_en"],
        )
        labels = full.geometry.representative_point()
        self.districts = [
            District(row.code, row.name_zh, row.name_en, float(row.area_km2),
                     round(label.x, 6), round(label.y, 6))
            for row, label in zip(full.itertuples(), labels)
        ]
        self._by_code = {d.code: d for d in self.districts}
        self._tree = shapely.STRtree(full.geometry.values)

    @property
    def gazetteer_path(self) -> Path:
        return self.directory / self.manifest["files"].get("gazetteer", "gazetteer.csv")

    def district(self, code: str) -> District | None:
        return self._by_code.get(code)

    def locate(self, lon: float, lat: float, crs: str = coords.WGS84) -> tuple[District, float, float]:
        """The district containing a point, on the full-resolution polygons.

        Returns the district and the WGS-84 lon, lat. Raises
        OutsideDistrictsError when no district contains it.
        """
        w_lon, w_lat = coords.to_wgs84(lon, lat, crs)
        point = shapely.Point(w_lon, w_lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits) == 0:
            raise OutsideDistrictsError(w_lon, w_lat, f"{self.region_name_en} ({self.region_code})")
        code = self.full.iloc[int(min(hits))]["code"]
        return self._by_code[code], w_lon, w_lat


def load_geodata(directory: Path) -> Geodata:
    """Read manifest.json, the full-resolution and the display GeoJSON of a region.

    Raises
    ------
    InvalidInputError
        A file is missing, unreadable, or lacks a required property.
    """
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    manifest = _read_json(manifest_path)
    if manifest.get("crs") != "EPSG:4326":
        raise InvalidInputError([Problem(manifest_path, None, f"crs is {manifest.get('crs')!r}; expected 'EPSG:4326'")])
    full_path = directory / manifest["files"]["full"]
    display_path = directory / manifest["files"]["display"]
    display = _read_json(display_path)
    _read_json(full_path)  # same clear error as the others for a broken file
    full = gpd.read_file(full_path)
    problems = [
        Problem(path, None, f"features lack the property {prop!r}; expected {', '.join(REQUIRED_PROPERTIES)}")
        for path, columns in ((full_path, full.columns), (display_path, _display_columns(display)))
        for prop in REQUIRED_PROPERTIES if prop not in columns
    ]
    if problems:
        raise InvalidInputError(problems)
    full["code"] = full["code"].astype(str)
    full = full.set_crs("EPSG:4326", allow_override=True)  # RFC 7946: GeoJSON is WGS-84
    return Geodata(directory, manifest, full, display)


def _display_columns(display: dict) -> set:
    features = display.get("features") or [{}]
    return set(features[0].get("properties") or {})


def _read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError([Problem(path, None, "file not found; run `storymap geodata import`")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError([Problem(path, exc.lineno, f"invalid JSON: {exc.msg}")]) from exc

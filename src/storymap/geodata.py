"""A city's district polygons, as written by ``storymap geodata import``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from . import coords
from .errors import InvalidInputError, OutsideDistrictsError, Problem
from .geodata_checks import check_districts, check_manifest, check_same_codes



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
    """Read and check manifest.json, the full-resolution and the display GeoJSON of a region.

    Raises
    ------
    InvalidInputError
        Every problem found (see :mod:`storymap.geodata_checks`), each naming
        its file, the feature and the value.
    """
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    manifest = _read_json(manifest_path)
    problems = check_manifest(manifest_path, manifest)
    if problems:
        raise InvalidInputError(problems)
    full_path = directory / manifest["files"]["full"]
    display_path = directory / manifest["files"]["display"]
    full_problems, full_features = check_districts(full_path, _read_json(full_path))
    display = _read_json(display_path)
    display_problems, display_features = check_districts(display_path, display)
    problems = full_problems + display_problems
    problems += check_same_codes(full_path, full_features, display_path, display_features)
    if problems:
        raise InvalidInputError(problems)
    full = gpd.GeoDataFrame(  # the shapes the checks built; RFC 7946: GeoJSON is WGS-84
        [f.properties for f in full_features], geometry=[f.shape for f in full_features], crs="EPSG:4326")
    return Geodata(directory, manifest, full, display)


def _read_json(path: Path) -> dict:
    try:
        # utf-8-sig: an editor may save a byte-order mark; NaN and Infinity are not JSON.
        return json.loads(Path(path).read_text("utf-8-sig"), parse_constant=_refuse_constant)
    except FileNotFoundError as exc:
        raise InvalidInputError([Problem(path, None, "file not found; run `storymap geodata import`")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError([Problem(path, exc.lineno, f"invalid JSON: {exc.msg}")]) from exc
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        raise InvalidInputError([Problem(path, None, f"invalid JSON: {exc}")]) from exc
    except RecursionError as exc:
        raise InvalidInputError([Problem(path, None, "invalid JSON: nested too deeply; expected GeoJSON")]) from exc


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number; expected a finite number")

"""Small "where in China" maps for the series index, drawn from a simplified provinces file.

The provinces (geodata/china/provinces.geojson, built once by
scripts/build_provinces.py) are projected once into SVG path data; each
region's locator is then its province's path and a dot. Pure: no Flask.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import shapely

WIDTH = 200.0  # SVG user units across the whole of China


@dataclass(frozen=True)
class Locator:
    view_box: str
    provinces_path: str  # every province, one path
    _paths: dict  # province adcode -> path data
    _project: object

    def province_path(self, region_code: str) -> str:
        """Path of the province a region (a province or a city in it) belongs to."""
        return self._paths.get(f"{str(region_code)[:2]}0000", "")

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return self._project(lon, lat)


def load_locator(path: Path) -> Locator:
    """Project the provinces file into SVG space (equirectangular, scaled at 35°N)."""
    data = json.loads(Path(path).read_text("utf-8"))
    shapes = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in data["features"]}
    min_lon, min_lat, max_lon, max_lat = shapely.GeometryCollection(list(shapes.values())).bounds
    x_scale = math.cos(math.radians(35.0))
    scale = WIDTH / ((max_lon - min_lon) * x_scale)
    height = (max_lat - min_lat) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - min_lon) * x_scale * scale, 1), round((max_lat - lat) * scale, 1)

    paths = {code: _path(shape, project) for code, shape in shapes.items()}
    return Locator(f"0 0 {WIDTH:g} {height:.0f}", " ".join(paths.values()), paths, project)


def _path(shape, project) -> str:
    parts = []
    for polygon in getattr(shape, "geoms", [shape]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)

"""A static SVG map of the districts and numbered story points, drawn on the server.

For print (the handout and its worksheet): no script, no tiles. Drawn from
the display polygons (simplified for display only). Districts too small for
their name at this scale are drawn again, enlarged, in an inset placed in the
emptiest corner of the map.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from markupsafe import escape
from shapely.geometry import box, shape

from ..model import StoryModel

WIDTH = 1000.0
MARGIN = 12.0
SMALL_SHARE = 0.02  # a district under 2 % of the region's area is labelled in the inset
INSET_SHARE = 0.38  # the inset's width as a share of the map's
POINT_RADIUS = 13  # the look (fills, label size) is in static/css/handout.css: no inline style


def district_map_svg(model: StoryModel, lang: str = "zh", names: bool = True, title: str = "",
                     id_prefix: str = "") -> str:
    """The SVG document (as a string) of the region's districts and tour stops.

    Parameters
    ----------
    model : StoryModel
    lang : {'zh', 'en'}
        Language of the district names.
    names : bool
        False for the worksheet: outlines and numbers only.
    title : str
        Accessible name of the image.
    id_prefix : str
        Starts every id inside the SVG: a page showing the map more than once gives
        each copy its own prefix, so no id repeats (the handout's key page).
    """
    districts = {d["code"]: d for d in model.districts}
    shapes = {
        str(f["properties"]["code"]): shape(f["geometry"]) for f in model.districts_geojson["features"]
    }
    lat0 = math.radians(sum(s.centroid.y for s in shapes.values()) / len(shapes))
    project = _Projection(shapely.total_bounds(list(shapes.values())), math.cos(lat0))
    projected = {code: project.geometry(s) for code, s in shapes.items()}
    points = [model.place(pid) for pid in model.tour]
    height = project.height

    total_area = sum(d["area_km2"] for d in districts.values())
    small = [c for c in projected if districts[c]["area_km2"] < SMALL_SHARE * total_area]
    inset = _Inset.place(projected, small, height) if small else None

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" class="district-map{" district-map--names" if names else ""}">',
        f"<title>{escape(title)}</title>",
        '<g class="districts">',
        *(_district_path(code, geom, districts[code]) for code, geom in projected.items()),
        "</g>",
    ]
    in_inset = set()
    if inset:
        parts.append(f'<rect class="extent" {_rect_attrs(inset.source)}/>')
        parts.append(f'<rect class="frame" {_rect_attrs(inset.frame)}/>')
        clip_id = f"{id_prefix}inset-clip"
        parts.append(f'<clipPath id="{escape(clip_id)}"><rect {_rect_attrs(inset.frame)}/></clipPath>')
        parts.append(f'<g class="inset" clip-path="url(#{escape(clip_id)})">')
        parts += [_district_path(code, inset.geometry(geom), districts[code]) for code, geom in projected.items()
                  if geom.intersects(inset.source)]
        parts.append("</g>")
        in_inset = {p["id"] for p in points if inset.source.contains(shapely.Point(project.xy(p["lon"], p["lat"])))}
    marker_at = {}
    for number, place in enumerate(points, start=1):
        x, y = project.xy(place["lon"], place["lat"])
        marker_at[number] = inset.xy(x, y) if place["id"] in in_inset else (x, y)
    if names:
        parts.append('<g class="labels">')
        for code, geom in projected.items():
            x, y = project.xy(*districts[code]["label"])
            if inset and code in small:
                x, y = inset.xy(x, y)
            if any(math.dist((x, y), m) < 2 * POINT_RADIUS for m in marker_at.values()):
                y += 2 * POINT_RADIUS  # keep the name clear of a numbered point
            parts.append(f'<text class="lbl" x="{x:.1f}" y="{y:.1f}">{escape(_district_name(districts[code], lang))}</text>')
        parts.append("</g>")
    parts.append('<g class="points">')
    for number, place in enumerate(points, start=1):
        x, y = marker_at[number]
        parts.append(
            f'<g class="pt" data-place="{escape(place["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{POINT_RADIUS}"/>'
            f'<text x="{x:.1f}" y="{y:.1f}">{number}</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _district_name(district: dict, lang: str) -> str:
    return district["name_en"].removesuffix(" District") if lang == "en" else district["name_zh"]


def _district_path(code: str, geom, district: dict) -> str:
    css = "d d--story" if district["excerpt_count"] else "d"
    return f'<path class="{css}" data-code="{escape(code)}" d="{_path_data(geom)}"/>'


def _path_data(geom) -> str:
    rings = []
    for polygon in getattr(geom, "geoms", [geom]):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            rings.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords[:-1]) + "Z")
    return "".join(rings)


def _rect_attrs(rect) -> str:
    x0, y0, x1, y1 = rect.bounds
    return f'x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}"'


class _Projection:
    """Equirectangular, scaled to :data:`WIDTH` with y pointing down."""

    def __init__(self, bounds, x_scale: float):
        west, south, east, north = bounds
        self.west, self.north, self.x_scale = west, north, x_scale
        self.scale = (WIDTH - 2 * MARGIN) / ((east - west) * x_scale)
        self.height = (north - south) * self.scale + 2 * MARGIN

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN + (lon - self.west) * self.x_scale * self.scale, MARGIN + (self.north - lat) * self.scale)

    def geometry(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self.xy(c[:, 0], c[:, 1])))


class _Inset:
    """An enlarged view of ``source`` drawn in ``frame`` (both in map units)."""

    def __init__(self, source, frame):
        self.source, self.frame = source, frame
        sx0, sy0, _, _ = source.bounds
        fx0, fy0, _, _ = frame.bounds
        self.zoom = (frame.bounds[2] - fx0) / (source.bounds[2] - sx0)
        self.offset = (fx0 - sx0 * self.zoom, fy0 - sy0 * self.zoom)

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x * self.zoom + self.offset[0], y * self.zoom + self.offset[1]

    def geometry(self, geom):
        return shapely.transform(geom, lambda c: c * self.zoom + np.asarray(self.offset))

    @classmethod
    def place(cls, projected: dict, small: list[str], height: float) -> "_Inset":
        """Frame the small districts; put the frame in the corner that covers the least land."""
        x0, y0, x1, y1 = shapely.total_bounds([projected[c] for c in small])
        pad = 0.06 * max(x1 - x0, y1 - y0)
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        frame_w = INSET_SHARE * WIDTH
        frame_h = frame_w * (y1 - y0) / (x1 - x0)
        land = shapely.union_all(list(projected.values()))
        corners = [
            box(MARGIN / 2, MARGIN / 2, MARGIN / 2 + frame_w, MARGIN / 2 + frame_h),
            box(WIDTH - MARGIN / 2 - frame_w, MARGIN / 2, WIDTH - MARGIN / 2, MARGIN / 2 + frame_h),
            box(MARGIN / 2, height - MARGIN / 2 - frame_h, MARGIN / 2 + frame_w, height - MARGIN / 2),
            box(WIDTH - MARGIN / 2 - frame_w, height - MARGIN / 2 - frame_h, WIDTH - MARGIN / 2, height - MARGIN / 2),
        ]
        frame = min(corners, key=lambda c: c.intersection(land).area)
        return cls(box(x0, y0, x1, y1), frame)

"""Spatial join of geocoded places to districts, on full-resolution polygons."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from .errors import InvalidInputError, OutsideDistrictsError, Problem
from .gazetteer import Gazetteer
from .geocode import GeocodedPlace
from .geodata import Geodata


@dataclass(frozen=True)
class JoinedPlace:
    geocoded: GeocodedPlace
    district_code: str


def join_places(geocoded: list[GeocodedPlace], geodata: Geodata) -> list[JoinedPlace]:
    """Find each place's district with ``geopandas.sjoin``, and check it.

    The story states the district each place is in; a point that falls in
    another district, or in none, is an error in the story or the gazetteer.

    Raises
    ------
    InvalidInputError
        Naming the story file, line and field for each mismatch or outside point.
    """
    if not geocoded:
        return []
    points = gpd.GeoDataFrame(
        {"place": [g.place.id for g in geocoded]},
        geometry=gpd.points_from_xy([g.point.lon for g in geocoded], [g.point.lat for g in geocoded]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, geodata.full[["code", "geometry"]], how="left", predicate="intersects")
    # A point exactly on a shared border touches two districts; keep the first.
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    problems: list[Problem] = []
    results: list[JoinedPlace] = []
    for item, code in zip(geocoded, joined["code"]):
        place, point = item.place, item.point
        where = f"place {place.id!r} ({place.name}) at {point.lon:.6f}, {point.lat:.6f} WGS-84 [{item.geocoder}]"
        if not isinstance(code, str):
            problems.append(Problem(
                place.origin.file, place.origin.line,
                f"{where} lies outside every district of {geodata.region_name_zh}; check the coordinates and their CRS",
            ))
        elif code != place.district:
            actual = geodata.district(code)
            stated = geodata.district(place.district)
            stated_name = stated.name_zh if stated else "no district of this region"
            problems.append(Problem(
                place.origin.file, place.district_line,
                f"{where} falls in {actual.name_zh} ({code}), but field 'district' says "
                f"{place.district} ({stated_name})",
            ))
        else:
            results.append(JoinedPlace(item, code))
    if problems:
        raise InvalidInputError(problems, partial=results)
    return results


def gazetteer_problems(gazetteer: Gazetteer, geodata: Geodata) -> list[Problem]:
    """Every gazetteer row whose point is not in the district its ``district_code`` names."""
    problems = []
    for entry in gazetteer.entries:
        try:
            district, _, _ = geodata.locate(entry.lon, entry.lat)
        except OutsideDistrictsError:
            problems.append(Problem(
                entry.file, entry.line,
                f"row {entry.id!r}: {entry.lon:.6f}, {entry.lat:.6f} (WGS-84, from {entry.crs}) lies outside "
                f"every district of {geodata.region_name_zh}; check the coordinates and column 'crs'",
            ))
            continue
        if district.code != entry.district_code:
            stated = geodata.district(entry.district_code)
            problems.append(Problem(
                entry.file, entry.line,
                f"row {entry.id!r}: column 'district_code' is {entry.district_code} "
                f"({stated.name_zh if stated else 'no district of this region'}), but the point falls in "
                f"{district.name_zh} ({district.code})",
            ))
    return problems

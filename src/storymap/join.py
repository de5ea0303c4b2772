"""Spatial join of geocoded places to districts, on full-resolution polygons."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from .errors import InvalidInputError, Problem
from .gazetteer import Gazetteer
from .geocode import GeocodedPlace
from .geodata import Geodata


@dataclass(frozen=True)
class JoinedPlace:
    geocoded: GeocodedPlace
    district_code: str


def join_places(geocoded: list[GeocodedPlace], geodata: Geodata) -> list[JoinedPlace]:
    """Find each place's district with one spatial join, and check it.

    The story states the district each place is in; a point that falls in
    another district, or in none, is an error in the story or the gazetteer.

    Raises
    ------
    InvalidInputError
        Naming the story file, line and field for each mismatch or outside point.
    """
    codes = district_codes([g.point.lon for g in geocoded], [g.point.lat for g in geocoded], geodata)
    problems: list[Problem] = []
    results: list[JoinedPlace] = []
    for item, code in zip(geocoded, codes):
        place = item.place
        if code == place.district:
            results.append(JoinedPlace(item, code))
            continue
        point = item.point
        where = f"place {place.id!r} ({place.name}) at {point.lon:.6f}, {point.lat:.6f} WGS-84 [{item.geocoder}]"
        if code is None:
            problems.append(Problem(
                place.origin.file, place.origin.line,
                f"{where} lies outside every district of {geodata.region_name_zh}; check the coordinates and their CRS",
            ))
        else:
            actual = geodata.district(code)
            stated = geodata.district(place.district)
            stated_name = stated.name_zh if stated else "no district of this region"
            problems.append(Problem(
                place.origin.file, place.district_line,
                f"{where} falls in {actual.name_zh} ({code}), but field 'district' says "
                f"{place.district} ({stated_name})",
            ))
    if problems:
        raise InvalidInputError(problems, partial=results)
    return results


def district_codes(lon, lat, geodata: Geodata) -> list[str | None]:
    """The code of the district each WGS-84 point falls in (None: in none), by one ``sjoin``.

    Full-resolution polygons. The districts are the join's left side, so
    each polygon is prepared once and every point is tested against it: the
    other way round, each point would be tested against unprepared polygons,
    about nine times slower at 100,000 points. A point exactly on a shared
    border touches two districts; the first in the file wins.
    """
    codes = np.full(len(lon), None, dtype=object)
    if len(lon):
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        districts = geodata.full[["code", "geometry"]].reset_index(drop=True)
        hits = gpd.sjoin(districts, points, how="inner", predicate="intersects").sort_index(kind="stable")
        first = hits[~hits["index_right"].duplicated(keep="first")]
        codes[first["index_right"].to_numpy()] = first["code"].to_numpy()
    return codes.tolist()


def gazetteer_problems(gazetteer: Gazetteer, geodata: Geodata) -> list[Problem]:
    """Every gazetteer row whose point is not in the district its ``district_code`` names."""
    entries = gazetteer.entries
    problems = []
    for entry, code in zip(entries, district_codes([e.lon for e in entries], [e.lat for e in entries], geodata)):
        if code is None:
            problems.append(Problem(
                entry.file, entry.line,
                f"row {entry.id!r}: {entry.lon:.6f}, {entry.lat:.6f} (WGS-84, from {entry.crs}) lies outside "
                f"every district of {geodata.region_name_zh}; check the coordinates and column 'crs'",
            ))
        elif code != entry.district_code:
            stated = geodata.district(entry.district_code)
            problems.append(Problem(
                entry.file, entry.line,
                f"row {entry.id!r}: column 'district_code' is {entry.district_code} "
                f"({stated.name_zh if stated else 'no district of this region'}), but the point falls in "
                f"{geodata.district(code).name_zh} ({code})",
            ))
    return problems

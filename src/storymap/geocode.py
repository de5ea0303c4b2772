"""Put every story place at a WGS-84 coordinate.

Order: explicit coordinates in the story, then the gazetteer (by id, then by
name or alias), then the on-disk cache of earlier online look-ups, then an
online geocoder if one is configured (off by default; the bundled stories never
need it). Network calls stay at the edge, in :class:`OnlineGeocoder`; turning
a geocoder's answer into a point is the pure :func:`point_from_location`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from . import coords
from .errors import InvalidInputError, Problem, StorymapError
from .fileio import write_files_atomically
from .gazetteer import Gazetteer
from .stories import Place

GEOCODERS = ("explicit", "gazetteer", "cache", "online")


@dataclass(frozen=True)
class Point:
    """A geocoded coordinate, WGS-84, with where it came from."""

    lon: float
    lat: float
    crs_in: str  # the CRS the coordinate was declared in before conversion
    precision: str
    source: str


@dataclass(frozen=True)
class GeocodedPlace:
    place: Place
    point: Point
    geocoder: str


def geocode_places(
    places: list[Place],
    gazetteer: Gazetteer,
    cache: GeocodeCache | None = None,
    online: OnlineGeocoder | None = None,
    region: str = "",
) -> list[GeocodedPlace]:
    """Geocode every place, or raise InvalidInputError naming each one not found.

    ``region`` (e.g. 上海市) narrows online queries and keys the cache.
    """
    results: list[GeocodedPlace] = []
    problems: list[Problem] = []
    for place, point in zip(places, _explicit_points(places)):
        if point is not None:
            found = point, "explicit"
        else:
            found = _geocode_one(place, gazetteer, cache, online, region, problems)
        if found is not None:
            results.append(GeocodedPlace(place, *found))
    if cache is not None:
        cache.save()
    if problems:
        raise InvalidInputError(problems, partial=results)
    return results


def _explicit_points(places: list[Place]) -> list[Point | None]:
    """Each place's WGS-84 point from its story's coordinates (None: none given), converted at once."""
    given = [p.explicit for p in places if p.explicit is not None]
    lon, lat = coords.to_wgs84_many([e.lon for e in given], [e.lat for e in given], [e.crs for e in given])
    converted = iter(zip(lon.tolist(), lat.tolist()))
    return [
        None if p.explicit is None else Point(*next(converted), p.explicit.crs, p.explicit.precision, p.explicit.source)
        for p in places
    ]


def _geocode_one(place: Place, gazetteer: Gazetteer, cache, online, region, problems):
    if place.gazetteer is not None:
        entry = gazetteer.by_id(place.gazetteer)
        if entry is None:
            problems.append(Problem(
                place.origin.file, place.origin.line,
                f"place {place.id!r}: gazetteer id {place.gazetteer!r} is not in the gazetteer",
            ))
            return None
    else:
        entry = gazetteer.by_name(place.name)
    if entry is not None:
        source = f"gazetteer {entry.file.name}:{entry.line} ({entry.source})"
        return Point(entry.lon, entry.lat, entry.crs, entry.precision, source), "gazetteer"
    query = f"{place.name}, {region}" if region else place.name
    if cache is not None and (point := cache.get(query)) is not None:
        return point, "cache"
    if online is not None:
        point = online.geocode(query)
        if point is not None:
            if cache is not None:
                cache.put(query, point)
            return point, "online"
    problems.append(Problem(
        place.origin.file, place.origin.line,
        f"unknown place {place.name!r} (id {place.id!r}): not in the gazetteer"
        + ("" if online else " and online geocoding is off")
        + "; add it to the gazetteer or give lon/lat/crs/source/precision in the story",
    ))
    return None


class GeocodeCache:
    """Online answers kept on disk, so a geocoder is asked once per name."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._dirty = False
        try:
            raw = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}
        except (OSError, ValueError) as exc:
            raise InvalidInputError([Problem(self.path, None, f"unreadable geocode cache: {exc}")]) from exc
        self._points = {query: Point(**value) for query, value in raw.items()}

    def get(self, query: str) -> Point | None:
        return self._points.get(query)

    def put(self, query: str, point: Point) -> None:
        self._points[query] = point
        self._dirty = True

    def save(self) -> None:
        if self._dirty:
            text = json.dumps({q: asdict(p) for q, p in sorted(self._points.items())}, ensure_ascii=False, indent=1)
            write_files_atomically(self.path.parent, {self.path.name: text + "\n"})
            self._dirty = False


class OnlineGeocoder:
    """Nominatim (OpenStreetMap) through geopy; answers are WGS-84.

    Only constructed when online geocoding is switched on.
    """

    def __init__(self, user_agent: str = "storymap", timeout: float = 10.0):
        try:
            from geopy.geocoders import Nominatim
        except ImportError as exc:
            raise InvalidInputError([Problem("geopy", None, "online geocoding needs: pip install 'storymap[online]'")]) from exc
        self._geocoder = Nominatim(user_agent=user_agent, timeout=timeout)

    def geocode(self, query: str) -> Point | None:
        from geopy.exc import GeopyError

        try:
            location = self._geocoder.geocode(query, country_codes="cn")
        except GeopyError as exc:
            raise StorymapError(f"online geocoder failed for {query!r}: {exc}; try again or add the place to the gazetteer") from exc
        return point_from_location(location, provider="Nominatim (OpenStreetMap)", crs=coords.WGS84)


def point_from_location(location, provider: str, crs: str) -> Point | None:
    """Turn a geopy Location (or None) in ``crs`` into a WGS-84 Point.

    The precision is ``street`` at best: a name match is never a surveyed point.
    """
    if location is None:
        return None
    lon, lat = coords.to_wgs84(location.longitude, location.latitude, crs)
    return Point(lon, lat, crs, "street", f"{provider}: {location.address}")

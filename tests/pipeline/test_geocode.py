"""Geocoding order: explicit, gazetteer, cache, then an online geocoder (stubbed, no network)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from storymap import coords
from storymap.errors import InvalidInputError
from storymap.geocode import point_from_location
from storymap.pipeline import build_model

from ._helpers import assert_clean_error, minimal_story

# People's Square (人民广场), 黄浦区, WGS-84.
SQUARE_WGS84 = (121.4737, 31.2304)
UNKNOWN = "  - id: the-place\n    name: 测试广场\n    role: story\n    district: 310101\n"
QUERY = "测试广场, 上海市"  # the name, qualified by the region's name from the manifest


class StubGeocoder:
    """Answers like geopy with a GCJ-02 coordinate (as Amap would)."""

    def __init__(self):
        self.queries = []

    def geocode(self, query):
        self.queries.append(query)
        lon, lat = coords.wgs84_to_gcj02(*SQUARE_WGS84)
        location = SimpleNamespace(longitude=lon, latitude=lat, address=f"{query}, 上海市")
        return point_from_location(location, provider="stub", crs=coords.GCJ02)


@pytest.fixture
def unknown_place_copy(story_copy):
    (story_copy.stories_dir / "shanghai" / "second.yaml").write_text(minimal_story("second-story", UNKNOWN), "utf-8")
    return story_copy


def test_online_answer_is_converted_cached_and_reused(unknown_place_copy, tmp_path):
    data = unknown_place_copy
    cache_path = tmp_path / "cache" / "geocode.json"
    online = StubGeocoder()

    model = build_model(data.stories_dir, data.geodata_dir, cache_path=cache_path, online=online)
    place = model.place("the-place")
    # Queries (and cache keys) carry the region, so a common name is not found in another city.
    assert online.queries == [QUERY]
    assert place["geocoder"] == "online"
    assert place["crs_in"] == "gcj02"
    assert place["precision"] == "street"  # a name match is never a surveyed point
    assert (place["lon"], place["lat"]) == pytest.approx(SQUARE_WGS84, abs=1e-6)
    assert place["district_code"] == "310101"
    assert list(json.loads(cache_path.read_text("utf-8"))) == [QUERY]

    # Offline, the cache answers; with a geocoder, the cache is still asked first.
    again = build_model(data.stories_dir, data.geodata_dir, cache_path=cache_path, online=None)
    assert again.place("the-place")["geocoder"] == "cache"
    assert (again.place("the-place")["lon"], again.place("the-place")["lat"]) == (place["lon"], place["lat"])
    build_model(data.stories_dir, data.geodata_dir, cache_path=cache_path, online=online)
    assert online.queries == [QUERY]


def test_gazetteer_wins_over_online(story_copy):
    online = StubGeocoder()
    model = build_model(story_copy.stories_dir, story_copy.geodata_dir, online=online)
    assert online.queries == []
    assert {p["geocoder"] for p in model.places} == {"gazetteer"}


def test_gazetteer_alias_matches_a_place_without_gazetteer_id(story_copy):
    place = "  - id: the-place\n    name: 同济\n    role: story\n    district: 310110\n"  # an alias of tongji-university
    (story_copy.stories_dir / "shanghai" / "second.yaml").write_text(minimal_story("second-story", place), "utf-8")
    model = build_model(story_copy.stories_dir, story_copy.geodata_dir)
    found, tongji = model.place("the-place"), model.place("tongji-university")
    assert found["geocoder"] == "gazetteer"
    assert (found["lon"], found["lat"]) == (tongji["lon"], tongji["lat"])


def test_no_answer_anywhere_is_an_error(unknown_place_copy):
    with pytest.raises(InvalidInputError, match="unknown place '测试广场'"):
        build_model(unknown_place_copy.stories_dir, unknown_place_copy.geodata_dir)


def test_cli_reads_a_geocode_cache(unknown_place_copy, tmp_path, cli):
    cache = tmp_path / "geocode.json"
    entry = {"lon": SQUARE_WGS84[0], "lat": SQUARE_WGS84[1], "crs_in": "wgs84", "precision": "street",
             "source": "earlier online answer"}
    cache.write_text(json.dumps({QUERY: entry}, ensure_ascii=False), "utf-8")
    result = cli("places", *unknown_place_copy.args, "--geocode-cache", cache, "--format", "json")
    assert result.exit_code == 0, result.output
    (place,) = [p for p in json.loads(result.output) if p["id"] == "the-place"]
    assert (place["geocoder"], place["lon"], place["lat"]) == ("cache", *SQUARE_WGS84)
    assert place["district_code"] == "310101"


def test_cli_without_cache_or_online_reports_the_unknown_place(unknown_place_copy, cli):
    result = cli("places", *unknown_place_copy.args)
    output = assert_clean_error(result)
    assert "unknown place '测试广场'" in output and "online geocoding is off" in output

"""The ``storymap`` command on the bundled data."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest
import yaml

from storymap import coords

from tests.reference import SHANGHAI_DISTRICTS

from ._helpers import BUND_GCJ02, PEACE_HOTEL_WGS84, assert_clean_error

PLACE_KEYS = ["id", "name", "lon", "lat", "district_code", "district_name", "geocoder", "precision", "stories"]
DISTRICT_KEYS = {"code", "name_zh", "name_en", "area_km2", "place_count"}


@pytest.fixture(scope="module")
def story_yaml(repo_root) -> dict:
    return yaml.safe_load((repo_root / "stories/shanghai/people-city-shanghai.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def run():
    """Module-wide runner for read-only commands on the bundled data."""
    from click.testing import CliRunner

    from storymap.cli import main

    def invoke(*args):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    return invoke


@pytest.fixture(scope="module")
def places_json(run) -> list[dict]:
    result = run("places", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_validate_prints_a_one_line_summary(run, story_yaml):
    result = run("validate")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    summary = lines[0]
    assert summary.startswith("OK")
    # Counts from the story file as plain YAML, not from storymap.
    assert "1 story" in summary
    assert f"{len(story_yaml['places'])} places" in summary
    assert f"{len(story_yaml['excerpts'])} excerpts" in summary
    assert f"{len(story_yaml['facts'])} facts" in summary
    districts_with_places = {str(p["district"]) for p in story_yaml["places"]}
    assert f"{len(districts_with_places)} of 16 districts" in summary


def test_places_json(places_json, story_yaml):
    assert isinstance(places_json, list)
    assert [p["id"] for p in places_json] == [p["id"] for p in story_yaml["places"]]
    for place in places_json:
        assert list(place) == PLACE_KEYS
        assert isinstance(place["lon"], float) and isinstance(place["lat"], float)
        assert 120.8 < place["lon"] < 122.3 and 30.6 < place["lat"] < 31.95
        assert place["district_name"] == SHANGHAI_DISTRICTS[place["district_code"]][0]
        assert place["stories"] == [story_yaml["id"]]
        assert place["geocoder"] in ("explicit", "gazetteer", "cache", "online")
        assert place["precision"] in ("point", "street", "subdistrict", "district")


def test_places_geojson(run, places_json):
    result = run("places", "--format", "geojson")
    assert result.exit_code == 0, result.output
    collection = json.loads(result.output)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(places_json)
    for feature, place in zip(collection["features"], places_json):
        assert feature["type"] == "Feature"
        assert feature["geometry"] == {"type": "Point", "coordinates": [place["lon"], place["lat"]]}
        assert feature["properties"] == place


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_places_table(run, places_json):
    result = run("places")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == PLACE_KEYS
    assert len(rows) == len(places_json)
    # Columns line up on screen, counting CJK characters as two columns.
    lon_column = display_width(header[: header.index("lon")])
    for row, place in zip(rows, places_json):
        assert row.split()[0] == place["id"]
        start = row.index(str(place["lon"]), len(place["id"]) + len(place["name"]))
        assert display_width(row[:start]) == lon_column, row


def test_districts_json_counts_match_places(run, places_json, bundled_geodata_dir):
    result = run("districts", "--format", "json")
    assert result.exit_code == 0, result.output
    districts = json.loads(result.output)
    assert len(districts) == 16
    assert {d["code"]: (d["name_zh"], d["name_en"]) for d in districts} == SHANGHAI_DISTRICTS
    per_district = Counter(p["district_code"] for p in places_json)
    # plus one key per column of the region's district indicators
    indicators = (bundled_geodata_dir / "district_indicators.csv").read_text("utf-8").splitlines()[0].split(",")[1:]
    for district in districts:
        assert set(district) == DISTRICT_KEYS | set(indicators)
        assert district["area_km2"] > 0
        assert district["place_count"] == per_district.get(district["code"], 0), district["code"]


def test_districts_table_has_a_header(run):
    result = run("districts")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split()[:5] == ["code", "name_zh", "name_en", "area_km2", "place_count"]
    assert "population_2020" in header.split()  # the region's indicator columns follow
    assert len(rows) == 16


def test_locate_a_wgs84_point_on_the_bund(run):
    # The Peace Hotel, on the Bund at East Nanjing Road (Wikipedia, WGS-84).
    result = run("locate", *PEACE_HOTEL_WGS84)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("310101 黄浦区 (Huangpu District)")


def test_locate_the_bund_as_web_maps_quote_it_needs_gcj02(run):
    # 121.4905, 31.2397 is the Bund in GCJ-02; as GCJ-02 it lands on the Bund in 黄浦区.
    result = run("locate", *BUND_GCJ02, "--crs", "gcj02", "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["district_code"] == "310101"
    # ... within ~150 m of the Peace Hotel's WGS-84 position.
    from pyproj import Geod

    assert Geod(ellps="WGS84").inv(answer["lon"], answer["lat"], *PEACE_HOTEL_WGS84)[2] < 200


@pytest.mark.parametrize(
    "wgs84, code",
    [((121.4737, 31.2304), "310101"), ((121.4375, 31.1880), "310104"), ((121.3990, 31.6230), "310151")],
    ids=["peoples-square", "xujiahui", "chongming"],
)
def test_locate_gcj02_input_is_converted(run, wgs84, code):
    plain = json.loads(run("locate", *wgs84, "--format", "json").output)
    gcj = coords.wgs84_to_gcj02(*wgs84)
    result = run("locate", repr(gcj[0]), repr(gcj[1]), "--crs", "gcj02", "--format", "json")
    assert result.exit_code == 0, result.output
    converted = json.loads(result.output)
    assert converted["district_code"] == plain["district_code"] == code
    assert converted["lon"] == pytest.approx(wgs84[0], abs=1e-6)
    assert converted["lat"] == pytest.approx(wgs84[1], abs=1e-6)


def test_locate_in_the_sea_fails_naming_the_point(run):
    result = run("locate", "123.0", "31.0")
    output = assert_clean_error(result)
    assert "123.000000, 31.000000" in output
    assert "outside every district" in output


def test_python_dash_m_storymap_help():
    result = subprocess.run(
        [sys.executable, "-m", "storymap", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: storymap")
    for command in ("validate", "places", "districts", "locate", "geodata"):
        assert command in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["compare", "--help"], ["export", "--help"],
                                  ["init", "--help"], ["validate", "--help"]])
def test_help_imports_no_heavy_library(args):
    """The command line lists its commands and options without the libraries the commands use."""
    heavy = ("numpy", "geopandas", "shapely", "pyproj", "flask", "folium")
    probe = (
        "import sys\n"
        "from storymap.cli import main\n"
        f"try:\n    main({args!r}, prog_name='storymap')\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Usage: storymap" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"

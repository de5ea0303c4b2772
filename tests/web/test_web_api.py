"""The JSON API: GeoJSON layers, district details, stories and point look-ups."""

from __future__ import annotations

import math

import pytest

from storymap import coords

# Land area (km²) of the districts that do not reach the sea or the Yangtze estuary,
# as published by the Shanghai Municipal Statistics Bureau (上海统计年鉴).
OFFICIAL_LAND_AREA_KM2 = {
    "310101": 20.46, "310104": 54.76, "310105": 38.30, "310106": 36.88, "310107": 54.83,
    "310109": 23.48, "310110": 60.73, "310112": 370.75, "310114": 464.20, "310117": 605.64,
    "310118": 670.14,
}

# The Peace Hotel (和平饭店) on the Bund, WGS-84: inside Huangpu on the Puxi bank.
PEACE_HOTEL = (121.4868, 31.2406)


def story_districts(story) -> set[str]:
    """Districts that have at least one excerpt, read from the story file's own place records."""
    place_district = {p["id"]: str(p["district"]) for p in story["places"]}
    return {place_district[e["place"]] for e in story["excerpts"] if "place" in e}


def assert_cors(response):
    assert response.headers.get("Access-Control-Allow-Origin") == "*", response.request.path


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.is_json, response.mimetype
    error = response.get_json()["error"]
    assert error["status"] == status
    assert isinstance(error["message"], str) and len(error["message"]) > 10
    return error


# ---------- layers ----------


def test_districts_geojson(client, official_districts, story):
    response = client.get("/api/districts.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert_cors(response)
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 16
    with_stories = story_districts(story)
    seen = {}
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        props = feature["properties"]
        assert {"code", "name_zh", "name_en", "area_km2", "story_count"} <= set(props)
        seen[props["code"]] = (props["name_zh"], props["name_en"])
        assert props["area_km2"] > 0
        assert props["story_count"] == (1 if props["code"] in with_stories else 0), props["code"]
    assert seen == official_districts


def test_district_areas_match_official_land_areas(client):
    areas = {f["properties"]["code"]: f["properties"]["area_km2"]
             for f in client.get("/api/districts.geojson").get_json()["features"]}
    for code, official in OFFICIAL_LAND_AREA_KM2.items():
        assert areas[code] == pytest.approx(official, rel=0.05), code


def test_district_geometry_is_wgs84_around_shanghai(client):
    for feature in client.get("/api/districts.geojson").get_json()["features"]:
        ring = feature["geometry"]["coordinates"][0]
        if feature["geometry"]["type"] == "MultiPolygon":
            ring = ring[0]
        for lon, lat in ring:
            assert 120.8 < lon < 122.2 and 30.6 < lat < 31.9, feature["properties"]["code"]


def test_places_geojson_matches_story_and_gazetteer(client, story, gazetteer_rows):
    response = client.get("/api/places.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert_cors(response)
    features = response.get_json()["features"]
    gazetteer = {row["id"]: row for row in gazetteer_rows}
    assert {f["properties"]["id"] for f in features} == {p["id"] for p in story["places"]}
    for place in story["places"]:
        feature = next(f for f in features if f["properties"]["id"] == place["id"])
        props = feature["properties"]
        assert props["district_code"] == str(place["district"])
        assert props["role"] == place["role"]
        assert props["name"] == place["name"]
        lon, lat = feature["geometry"]["coordinates"]
        row = gazetteer[place["gazetteer"]]
        raw = (float(row["lon"]), float(row["lat"]))
        if row["crs"] == "wgs84":
            expected = raw
        else:
            assert row["crs"] == "gcj02"
            expected = coords.gcj02_to_wgs84(*raw)
            assert math.dist(expected, raw) > 1e-3, "GCJ-02 shift is hundreds of metres"
        assert lon == pytest.approx(expected[0], abs=1e-6) and lat == pytest.approx(expected[1], abs=1e-6)


def test_districts_list(client, official_districts):
    response = client.get("/api/districts")
    assert response.status_code == 200
    assert_cors(response)
    assert {d["code"]: (d["name_zh"], d["name_en"]) for d in response.get_json()} == official_districts


# ---------- district details ----------


def test_jingan_detail_holds_the_tanjiaqiao_road_excerpts(client, story, places_by_id):
    response = client.get("/api/districts/310106")
    assert response.status_code == 200
    assert_cors(response)
    detail = response.get_json()
    assert detail["district"]["name_zh"] == "静安区"
    excerpts = [e for group in detail["sections"] for e in group["excerpts"]]
    expected = [e for e in story["excerpts"]
                if "place" in e and str(places_by_id[e["place"]]["district"]) == "310106"]
    assert [e["id"] for e in excerpts] == [e["id"] for e in expected]
    sun_ayi = next(e for e in excerpts if e["id"] == "renewal-sun-ayi")
    yaml_text = next(e["text"] for e in story["excerpts"] if e["id"] == "renewal-sun-ayi")
    assert sun_ayi["text"] == yaml_text.strip()
    assert "谈家桥路" in sun_ayi["text"]
    assert {p["id"] for p in detail["places"]} == {
        p["id"] for p in story["places"] if str(p["district"]) == "310106"}


def test_chongming_detail_holds_miao_town(client, story):
    detail = client.get("/api/districts/310151").get_json()
    assert detail["district"]["name_zh"] == "崇明区"
    names = {p["name"] for p in detail["places"]}
    assert "崇明区庙镇" in names
    texts = " ".join(e["text"] for group in detail["sections"] for e in group["excerpts"])
    assert "庙镇" in texts
    ecology = {e["id"] for e in story["excerpts"] if e["section"] == "ecology" and "place" in e}
    assert ecology <= {e["id"] for group in detail["sections"] for e in group["excerpts"]}
    assert {s["section"]["id"] for s in detail["sections"]} == {"ecology"}


def test_district_without_stories_points_to_districts_with_stories(client, story):
    detail = client.get("/api/districts/310107").get_json()  # 普陀区: not in the article
    assert detail["district"]["name_zh"] == "普陀区"
    assert detail["sections"] == []
    nearest = [d["code"] for d in detail["nearest"]]
    assert nearest and len(nearest) == len(set(nearest))
    assert set(nearest) <= story_districts(story)
    # 普陀 borders 静安 and 长宁, both of which the article visits
    assert set(nearest[:2]) == {"310106", "310105"}


@pytest.mark.parametrize("code", ["999999", "310100", "310000", "abc", "<img src=x onerror=alert(1)>"])
def test_unknown_district_is_a_json_404(client, code):
    response = client.get(f"/api/districts/{code}")
    error = assert_json_error(response, 404)
    assert code in error["message"]
    assert_cors(response)


def test_stories_endpoint(client, story, expected_tour):
    response = client.get("/api/stories")
    assert response.status_code == 200
    assert_cors(response)
    data = response.get_json()
    assert data["region"]["code"] == str(story["city"])
    assert [s["id"] for s in data["stories"]] == [story["id"]]
    assert data["stories"][0]["title"] == story["title"]
    assert data["stories"][0]["reporters"] == story["reporters"]
    assert [e["id"] for e in data["excerpts"]] == [e["id"] for e in story["excerpts"]]
    assert [f["id"] for f in data["facts"]] == [f["id"] for f in story["facts"]]
    assert [p["id"] for p in data["photos"]] == [p["id"] for p in story["photos"]]
    assert data["tour"] == expected_tour
    for excerpt in story["excerpts"]:
        served = next(e for e in data["excerpts"] if e["id"] == excerpt["id"])
        assert served["text"] == excerpt["text"].strip()
        assert served["truncated"] == excerpt.get("truncated", False)


# ---------- locate ----------


def test_locate_the_peace_hotel_in_huangpu(client):
    response = client.get("/api/locate", query_string={"lon": PEACE_HOTEL[0], "lat": PEACE_HOTEL[1]})
    assert response.status_code == 200
    assert_cors(response)
    found = response.get_json()
    assert found["district_code"] == "310101"
    assert found["district_name"] == "黄浦区"
    assert found["district_name_en"] == "Huangpu District"
    assert (found["lon"], found["lat"]) == pytest.approx(PEACE_HOTEL, abs=1e-7)
    assert found["crs"] == "EPSG:4326"


def test_locate_gcj02_input_gives_the_wgs84_point_back(client):
    g_lon, g_lat = coords.wgs84_to_gcj02(*PEACE_HOTEL)
    assert math.dist((g_lon, g_lat), PEACE_HOTEL) > 1e-3  # the datums really differ here
    response = client.get("/api/locate", query_string={"lon": repr(g_lon), "lat": repr(g_lat), "crs": "gcj02"})
    assert response.status_code == 200
    found = response.get_json()
    assert found["district_code"] == "310101"
    assert found["lon"] == pytest.approx(PEACE_HOTEL[0], abs=2e-7)
    assert found["lat"] == pytest.approx(PEACE_HOTEL[1], abs=2e-7)


def test_locate_explicit_wgs84_crs(client):
    response = client.get("/api/locate", query_string={"lon": PEACE_HOTEL[0], "lat": PEACE_HOTEL[1], "crs": "wgs84"})
    assert response.get_json()["district_code"] == "310101"


def test_locate_every_gazetteer_point_in_its_recorded_district(client, gazetteer_rows):
    """Each gazetteer row was sourced by hand with its district; the polygons must agree."""
    for row in gazetteer_rows:
        response = client.get("/api/locate", query_string={"lon": row["lon"], "lat": row["lat"], "crs": row["crs"]})
        assert response.status_code == 200, row["id"]
        assert response.get_json()["district_code"] == row["district_code"], row["id"]


@pytest.mark.parametrize("query, names", [
    ({"lat": "31.24"}, "lon"),
    ({"lon": "121.48"}, "lat"),
    ({"lon": "", "lat": "31.24"}, "lon"),
    ({"lon": "  ", "lat": "31.24"}, "lon"),
    ({"lon": "abc", "lat": "31.24"}, "lon"),
    ({"lon": "121,48", "lat": "31.24"}, "lon"),
    ({"lon": "nan", "lat": "31.24"}, "lon"),
    ({"lon": "NaN", "lat": "31.24"}, "lon"),
    ({"lon": "inf", "lat": "31.24"}, "lon"),
    ({"lon": "-inf", "lat": "31.24"}, "lon"),
    ({"lon": "1e999", "lat": "31.24"}, "lon"),
    ({"lon": "181", "lat": "31.24"}, "lon"),
    ({"lon": "121.48", "lat": "95"}, "lat"),
    ({"lon": "121.48", "lat": "-90.5"}, "lat"),
    ({"lon": "121.48", "lat": "nan"}, "lat"),
    ({"lon": "121.48", "lat": "31.24", "crs": "bd09"}, "crs"),
    ({"lon": "121.48", "lat": "31.24", "crs": "WGS84 "}, "crs"),
])
def test_locate_rejects_bad_input_with_400(client, query, names):
    response = client.get("/api/locate", query_string=query)
    error = assert_json_error(response, 400)
    assert names in error["message"]
    assert_cors(response)


def test_locate_a_point_in_the_sea_is_a_404(client):
    response = client.get("/api/locate", query_string={"lon": "123.0", "lat": "31.0"})
    error = assert_json_error(response, 404)
    assert (error["lon"], error["lat"]) == (123.0, 31.0)
    assert_cors(response)


def test_locate_a_point_outside_shanghai_is_a_404(client):
    # Suzhou's Humble Administrator's Garden (拙政园), Jiangsu
    assert_json_error(client.get("/api/locate", query_string={"lon": "120.6289", "lat": "31.3238"}), 404)


# ---------- unknown paths, CORS ----------


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nope")
    assert_json_error(response, 404)


def test_api_method_not_allowed_is_json(client):
    response = client.post("/api/locate?lon=121.48&lat=31.24")
    assert_json_error(response, 405)


@pytest.mark.parametrize("method, path", [("get", "/api/nope"), ("post", "/api/locate")])
def test_cors_on_api_routing_errors(client, method, path):
    assert_cors(getattr(client, method)(path))


def test_cors_preflight(client):
    response = client.options("/api/locate", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 200
    assert_cors(response)
    assert "GET" in response.headers.get("Access-Control-Allow-Methods", "")


def test_html_pages_do_not_send_cors_headers(client):
    assert "Access-Control-Allow-Origin" not in client.get("/").headers

"""/api/compare, its CSV and GeoJSON twins, the print view, and `storymap compare`, on every bad input."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
MODU = (121.459000, 31.162300)  # gazetteer.csv, WGS-84
TANJIAQIAO = (121.457267, 31.265283)
TWO = "place:modu-space,place:tanjiaqiao-road"
FOUR = "place:modu-space,place:tanjiaqiao-road,pt:121.49:31.24,district:310101"

# (query items, r, crs) -> the parameter the error must name, and words of its message.
BAD_REQUESTS = [
    ({"items": "place:modu-spce,place:tanjiaqiao-road"}, "items", "did you mean place:modu-space"),
    ({"items": "place:modu-space,tanjiaqiao"}, "items", "place:tanjiaqiao-road"),
    ({"items": "place:modu-space,district:301101"}, "items", "did you mean district:310101"),
    ({"items": "place:modu-space,district:31010"}, "items", "did you mean district:310101"),
    ({"items": "place:modu-space"}, "items", "2 to 6 items"),
    ({}, "items", "2 to 6 items"),
    ({"items": ",".join(f"pt:121.4{i}:31.2" for i in range(7))}, "items", "2 to 6 items"),
    ({"items": TWO, "r": "199"}, "r", "from 200 to 5000"),
    ({"items": TWO, "r": "5000.5"}, "r", "from 200 to 5000"),
    ({"items": TWO, "r": "1e3x"}, "r", "not a number"),
    ({"items": TWO, "crs": "bd09"}, "crs", "wgs84"),
    ({"items": "place:modu-space,pt:121.49;31.24"}, "items", "pt:LON:LAT"),
    ({"items": "place:modu-space,pt:abc:31.24"}, "items", "not a decimal number"),
    ({"items": "place:modu-space,pt:31.24:121.49"}, "items", "swapped"),
    ({"items": "place:modu-space,pt:116.39:39.91"}, "items", "outside every district"),
    ({"items": "place:modu-space,pt:121.49:31.24,pt:121.49:31.24"}, "items", "given twice"),
]


@pytest.fixture(scope="module")
def four(app):
    response = app.test_client().get("/api/compare", query_string={"items": FOUR, "r": "1000", "lang": "en"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_json_has_one_column_per_item_and_the_pyproj_distance(client):
    response = client.get("/api/compare", query_string={"items": TWO, "r": "1000", "crs": "wgs84"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert [i["id"] for i in data["items"]] == ["place:modu-space", "place:tanjiaqiao-road"]
    assert [c["id"] for c in data["table"]["columns"]] == ["place:modu-space", "place:tanjiaqiao-road"]
    assert all(len(row["cells"]) == 2 for row in data["table"]["rows"])
    _, _, metres = GEOD.inv(*MODU, *TANJIAQIAO)
    assert data["pairs"][0]["distance_m"] == pytest.approx(metres, abs=1.0)


def test_the_api_returns_the_geometry_the_map_draws(four):
    for item in four["items"]:
        assert item["circle"]["geometry"]["type"] == "Polygon"
        assert item["uncertainty"]["type"] == "Polygon"
    assert len(four["pairs"]) == 6 and all(p["line"]["type"] == "LineString" for p in four["pairs"])


def test_table_rows_include_every_indicator_column(four):
    keys = [row["key"] for row in four["table"]["rows"]]
    for column in four["indicator_columns"]:
        assert column["key"] in keys
    population = next(r for r in four["table"]["rows"] if r["key"] == "population_2020")
    assert population["cells"][3]["value"] == 662030  # 黄浦区, 2020 census


def test_csv_twin_has_a_bom_and_the_same_distances(client, four):
    response = client.get("/api/compare.csv", query_string={"items": FOUR, "r": "1000"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1] == ["id", *(i["id"] for i in four["items"])]
    header = rows.index(["两点", "a", "b", "distance_m", "bearing_deg", "back_bearing_deg"])
    pairs = {(r[1], r[2]): float(r[3]) for r in rows[header + 1:header + 7]}
    for p in four["pairs"]:
        assert pairs[(p["a"], p["b"])] == p["distance_m"]


def test_geojson_twin_has_items_circles_and_lines_with_properties(client):
    response = client.get("/api/compare.geojson", query_string={"items": FOUR})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    roles = [f["properties"]["role"] for f in features]
    assert roles.count("item") == 4 and roles.count("circle") == 4 and roles.count("distance") == 6
    line = next(f for f in features if f["properties"]["role"] == "distance")
    assert line["geometry"]["type"] == "LineString" and line["properties"]["distance_m"] > 0
    circle = next(f for f in features if f["properties"]["role"] == "circle")
    assert circle["properties"]["districts"] and circle["properties"]["area_m2"] > 0


def test_print_view_has_the_table_and_a_map(client):
    response = client.get("/compare/print", query_string={"items": FOUR, "lang": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<svg" in html and html.count('class="cmp-svg__item"') == 4
    assert "Huangpu District" in html and "Tanjiaqiao Road estate" in html
    assert re.search(r"size:\s*A4 landscape", client.get("/static/css/compare.css").get_data(as_text=True))


def test_ui_strings_come_with_the_map_page_data(client):
    def page_data(lang):
        html = client.get("/", query_string={"lang": lang}).get_data(as_text=True)
        block = re.search(r'<script type="application/json" id="storymap-data">(.*?)</script>', html, re.S).group(1)
        return json.loads(block)["compare_strings"]

    zh, en = page_data("zh"), page_data("en")
    assert zh["compare"] == "对比" and en["compare"] == "Compare"
    assert set(zh) == set(en)


@pytest.mark.parametrize("path", ["/api/compare", "/api/compare.csv", "/api/compare.geojson"])
@pytest.mark.parametrize("query, parameter, words", BAD_REQUESTS)
def test_bad_requests_get_400_json_naming_parameter_value_and_expectation(client, path, query, parameter, words):
    response = client.get(path, query_string=query)
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert words in error["message"]
    assert error["expected"] and "Expected" in error["message"]
    given = query.get({"r": "r", "crs": "crs"}.get(parameter, "items"))
    if given is not None and parameter != "items":
        assert error["value"] == given


def test_print_view_of_a_bad_request_is_a_400_page(client):
    response = client.get("/compare/print", query_string={"items": "place:modu-space"})
    assert response.status_code == 400
    assert "2 to 6 items" in response.get_data(as_text=True)


CLI_BAD = [
    (["place:modu-spce", "place:tanjiaqiao-road"], "ITEM 'place:modu-spce'", "place:modu-space"),
    (["place:modu-space"], "ITEM", "2 to 6 items"),
    ([f"pt:121.4{i}:31.2" for i in range(7)], "ITEM", "2 to 6 items"),
    (["place:modu-space", "changning", "--radius-m", "100"], "--radius-m '100'", "from 200 to 5000"),
    (["place:modu-space", "changning", "--radius-m", "far"], "--radius-m 'far'", "not a number"),
    (["place:modu-space", "changning", "--crs", "bd09"], "--crs 'bd09'", "gcj02"),
    (["place:modu-space", "pt:121.4x:31.2"], "ITEM 'pt:121.4x:31.2'", "not a decimal number"),
    (["place:modu-space", "pt:31.24:121.49"], "ITEM 'pt:31.24:121.49'", "swapped"),
    (["place:modu-space", "pt:116.39:39.91"], "ITEM 'pt:116.39:39.91'", "outside every district"),
    (["place:modu-space", "district:999999"], "ITEM 'district:999999'", "no such district"),
]


@pytest.mark.parametrize("args, named, words", CLI_BAD)
def test_cli_bad_input_exits_1_with_one_clear_line(cli, args, named, words):
    result = cli("compare", *args)
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: " + named) and words in lines[0] and "Expected" in lines[0]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "geojson"])
def test_cli_formats(cli, fmt):
    result = cli("compare", "place:modu-space", "place:tanjiaqiao-road", "--format", fmt, "--radius-m", "1500")
    assert result.exit_code == 0, result.output
    _, _, metres = GEOD.inv(*MODU, *TANJIAQIAO)
    if fmt == "json":
        data = json.loads(result.output)
        assert data["pairs"][0]["distance_m"] == pytest.approx(metres, abs=1.0) and data["radius_m"] == 1500
    elif fmt == "geojson":
        assert json.loads(result.output)["type"] == "FeatureCollection"
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.output)))
        line = next(r for r in rows if r[:3] == ["AB", "place:modu-space", "place:tanjiaqiao-road"])
        assert float(line[3]) == pytest.approx(metres, abs=1.0)
    else:
        assert f"{metres / 1000:.2f} km" in result.output


def test_cli_gcj02_points(cli):
    result = cli("compare", "pt:121.4912:31.2387", "place:modu-space", "--crs", "gcj02", "--format", "json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)["items"][0]
    assert item["typed"] == {"lon": 121.4912, "lat": 31.2387, "crs": "gcj02"}
    assert abs(item["lon"] - 121.4912) > 0.003  # converted from GCJ-02, not read as WGS-84


def test_broken_indicator_file_is_a_clear_json_error_and_the_map_still_serves(story_copy, make_client):
    import storymap

    csv_path = story_copy.geodata_dir / "district_indicators.csv"
    csv_path.write_text(csv_path.read_text("utf-8").replace("662030", "lots"), "utf-8")
    client = make_client(storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(story_copy.stories_dir), "GEODATA_DIR": str(story_copy.geodata_dir)}))
    response = client.get("/api/compare", query_string={"items": TWO})
    assert response.status_code == 500
    message = response.get_json()["error"]["message"]
    assert "district_indicators.csv:2: population_2020 is 'lots'" in message
    assert client.get("/api/districts").status_code == 200

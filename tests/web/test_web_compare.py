"""/api/compare, its CSV and GeoJSON twins, the print view, and `storymap compare`, on every bad input."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from pyproj import Geod

from ._helpers import page_data

GEOD = Geod(ellps="WGS84")
MODU = (121.459000, 31.162300)  # gazetteer.csv, WGS-84
TANJIAQIAO = (121.457267, 31.265283)
TWO = "place:modu-space,place:tanjiaqiao-road"
FOUR = "place:modu-space,place:tanjiaqiao-road,pt:121.4868:31.2406,district:310101"  # a point on the Bund

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


def csv_table(client, table=None, **query):
    response = client.get("/api/compare.csv", query_string={"items": FOUR, "r": "1000", **query,
                                                               **({"table": table} if table else {})})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert f'filename="storymap-compare-{table or "items"}.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_items_table_has_one_row_per_item_and_names_the_nearest_place(client, four):
    rows = csv_table(client)  # the default table
    assert [r["item"] for r in rows] == [i["id"] for i in four["items"]]
    assert [r["letter"] for r in rows] == ["A", "B", "C", "D"]
    for row, item in zip(rows, four["items"]):
        assert float(row["lon"]) == item["lon"] and row["district_code"] == item["district"]["code"]
        assert row["nearest_place"] == item["nearest_place"]["id"]
        assert row["nearest_place_name"] == item["nearest_place"]["name"]  # Chinese by default
        assert float(row["nearest_place_distance_m"]) == item["nearest_place"]["distance_m"]
        assert float(row["population_2020"]) == item["district"]["indicators"]["population_2020"]
    assert rows[2]["district_name"] == "黄浦区"  # the point on the Bund
    english = csv_table(client, lang="en")
    assert english[0]["nearest_place_name"] == four["items"][0]["nearest_place"]["name_en"]


def test_csv_pairs_table_has_one_row_per_pair_and_the_json_distances(client, four):
    rows = csv_table(client, "pairs")
    assert [(r["a"], r["b"]) for r in rows] == [(p["a"], p["b"]) for p in four["pairs"]]
    for row, pair in zip(rows, four["pairs"]):
        assert float(row["distance_m"]) == pair["distance_m"] and float(row["bearing_deg"]) == pair["bearing_deg"]
    assert all(float(r["circle_overlap_m2"]) == 0 for r in rows)  # no two of the four are within 2 km
    # two points 1 km apart: their 1 km circles overlap, by the same area seen from either
    (near,) = csv_table(client, "pairs", items=f"{FOUR.split(',')[2]},pt:121.4800:31.2340")
    overlap, share_a, share_b = (float(near[k]) for k in ("circle_overlap_m2", "circle_overlap_share_a",
                                                           "circle_overlap_share_b"))
    assert 900 < float(near["distance_m"]) < 1100 and overlap > 1e6
    assert 0 < share_a < 1 and share_a == pytest.approx(share_b, abs=1e-4)


def test_csv_shares_table_has_one_row_per_item_and_district(client, four):
    rows = csv_table(client, "shares")
    for item in four["items"]:
        own = [r for r in rows if r["item"] == item["id"]]
        assert {r["district_code"] for r in own if r["district_code"]} == {d["code"] for d in item["circle"]["districts"]}
        assert sum(float(r["share"]) for r in own) == pytest.approx(1.0, abs=1e-4)


def test_csv_of_an_unknown_table_is_a_400_naming_it(client):
    response = client.get("/api/compare.csv", query_string={"items": FOUR, "table": "wide"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "table" and error["value"] == "wide" and "pairs" in error["message"]


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


def test_ui_strings_come_with_the_map_page_data_and_its_reading_content(client):
    def strings(lang):
        html = client.get("/", query_string={"lang": lang}).get_data(as_text=True)
        data = page_data(html)
        # the first view has the compare buttons' words; the rest comes when compare mode opens
        return data["compare_strings"], client.get(data["content_url"]).get_json()["compare_strings"]

    (zh_entry, zh), (en_entry, en) = strings("zh"), strings("en")
    assert zh_entry["compare"] == zh["compare"] == "对比" and en_entry["compare"] == en["compare"] == "Compare"
    assert set(zh_entry) == set(en_entry) < set(zh) == set(en)
    assert zh["limits"]["max_items"] == en["limits"]["max_items"]


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
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert [r["item"] for r in rows] == ["place:modu-space", "place:tanjiaqiao-road"]
        assert float(rows[0]["circle_radius_m"]) == 1500
    else:
        assert f"{metres / 1000:.2f} km" in result.output


def test_cli_gcj02_points(cli):
    result = cli("compare", "pt:121.4912:31.2387", "place:modu-space", "--crs", "gcj02", "--format", "json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)["items"][0]
    assert item["typed"] == {"lon": 121.4912, "lat": 31.2387, "crs": "gcj02"}
    assert abs(item["lon"] - 121.4912) > 0.003  # converted from GCJ-02, not read as WGS-84


def test_a_broken_indicator_file_is_a_validate_error_and_a_running_site_keeps_its_figures(
        story_copy, make_client, cli):
    import storymap

    app = storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(story_copy.stories_dir), "GEODATA_DIR": str(story_copy.geodata_dir)})
    client = make_client(app)
    good = client.get("/api/compare", query_string={"items": TWO}).get_json()
    csv_path = story_copy.geodata_dir / "district_indicators.csv"
    csv_path.write_text(csv_path.read_text("utf-8").replace("662030", "lots"), "utf-8")

    result = cli("validate", *story_copy.args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{csv_path}:2: population_2020 is 'lots'; expected a number (or empty)" in result.output

    holder = app.extensions["storymap"]
    holder.refresh()
    assert f"{csv_path}:2: population_2020 is 'lots'" in holder.last_error
    assert client.get("/api/compare", query_string={"items": TWO}).get_json() == good
    with pytest.raises(storymap.errors.InvalidInputError, match="population_2020 is 'lots'"):
        storymap.create_app({"TESTING": True, "STORIES_DIR": str(story_copy.stories_dir),
                             "GEODATA_DIR": str(story_copy.geodata_dir)})


@pytest.fixture
def counted_compare(monkeypatch):
    """How many times the blueprint computes a comparison."""
    import storymap.web.compare as blueprint

    calls = []
    real = blueprint.compare

    def counting(model, checked):
        calls.append([item.token for item in checked.items])
        return real(model, checked)

    monkeypatch.setattr(blueprint, "compare", counting)
    return calls


def test_a_comparison_is_computed_once_per_model_whatever_its_spelling(story_copy, make_client, counted_compare):
    import storymap

    app = storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(story_copy.stories_dir), "GEODATA_DIR": str(story_copy.geodata_dir)})
    client = make_client(app)
    first = client.get("/api/compare", query_string={"items": TWO, "r": "1000"})
    again = client.get("/api/compare", query_string={"items": " place:modu-space , tanjiaqiao-road", "r": "1000.0",
                                                     "crs": "wgs84"})
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data() and first.headers["ETag"] == again.headers["ETag"]
    assert counted_compare == [["place:modu-space", "place:tanjiaqiao-road"]]
    # the CSV and GeoJSON twins of the same request reuse it; a new radius is a new comparison
    assert client.get("/api/compare.csv", query_string={"items": TWO}).status_code == 200
    assert client.get("/api/compare", query_string={"items": TWO, "r": "800"}).get_json()["radius_m"] == 800
    assert len(counted_compare) == 2
    # a repeat with the ETag is answered 304, without a body
    cached = client.get("/api/compare", query_string={"items": TWO}, headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.get_data() == b""
    # a rebuilt model starts with no answers: nothing computed on the old one is served
    holder = app.extensions["storymap"]
    holder.snapshot = type(holder.snapshot)(holder.snapshot.model, ("rebuilt",))
    assert client.get("/api/compare", query_string={"items": TWO}).status_code == 200
    assert len(counted_compare) == 3


def test_bad_requests_are_never_cached(client, counted_compare):
    for _ in range(2):
        assert client.get("/api/compare", query_string={"items": "place:modu-spce,place:tanjiaqiao-road"}).status_code == 400
    assert counted_compare == []


def test_the_answer_cache_keeps_the_most_recently_used():
    from storymap.web.lru import BoundedCache

    cache = BoundedCache(2)
    made = []

    def make(key):
        return lambda: made.append(key) or key.upper()

    assert cache.get("a", make("a")) == "A"
    cache.get("b", make("b"))
    cache.get("a", make("a"))  # a is used again: b is now the oldest
    cache.get("c", make("c"))
    assert len(cache) == 2
    assert cache.get("a", make("a")) == "A" and made == ["a", "b", "c"]
    cache.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]
    cache.replace("b", "better")  # held: replaced; evicted (c): stays out
    cache.replace("c", "better")
    assert cache.get("b", make("b")) == "better" and len(cache) == 2
    assert cache.get("c", make("c")) == "C" and made[-1] == "c"


def test_cli_takes_names_as_the_issue_typed_them(cli):
    result = cli("compare", "模速空间", "谈家桥路小区", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [i["id"] for i in json.loads(result.output)["items"]] == ["place:modu-space", "place:tanjiaqiao-road"]
    ambiguous = cli("compare", "长宁区", "模速空间")
    assert ambiguous.exit_code == 1 and "place:changning and district:310105" in ambiguous.output


@pytest.mark.parametrize("env, flag, words, not_words", [
    ({"LANG": "zh_CN.UTF-8"}, [], ["类型", "两两距离", "谈家桥路小区"], ["Kind"]),
    ({"LANG": "en_US.UTF-8"}, [], ["Kind", "Pairwise distances"], ["类型"]),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, [], ["类型"], ["Kind"]),  # LC_ALL wins
    ({"LANG": "zh_CN.UTF-8"}, ["--lang", "en"], ["Kind"], ["类型"]),  # the option wins
    ({"LANG": "C"}, [], ["Kind"], ["类型"]),
])
def test_cli_language_follows_lang_and_the_locale(cli, env, flag, words, not_words):
    full = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None, **env}
    result = cli("compare", "place:modu-space", "place:tanjiaqiao-road", *flag, env=full)
    assert result.exit_code == 0, result.output
    assert all(w in result.output for w in words) and not any(w in result.output for w in not_words), result.output


def test_cli_csv_tables(cli):
    pairs = cli("compare", "模速空间", "谈家桥路", "黄浦区", "--format", "csv", "--table", "pairs", "--lang", "zh")
    rows = list(csv.DictReader(io.StringIO(pairs.output)))
    assert [r["pair"] for r in rows] == ["AB", "AC", "BC"] and rows[0]["a_name"] == "模速空间"
    shares = cli("compare", "模速空间", "谈家桥路", "--format", "csv", "--table", "shares")
    assert {r["item"] for r in csv.DictReader(io.StringIO(shares.output))} == {"place:modu-space", "place:tanjiaqiao-road"}


def test_offline_data_carries_the_full_resolution_polygons(client, app):
    data = client.get("/api/compare/offline.json").get_json()
    model = app.extensions["storymap"].snapshot.model
    full = model.geodata.full.set_index("code")
    for district in data["districts"]:
        shape = full.loc[district["code"], "geometry"]
        vertices = sum(len(ring) for polygon in district["shape"] for ring in polygon)
        assert vertices == sum(len(ring.coords) for p in getattr(shape, "geoms", [shape])
                               for ring in (p.exterior, *p.interiors))
    assert {p["id"] for p in data["places"]} == {p["id"] for p in model.places}
    assert data["reference_point"]["name_zh"] == "人民广场"


def test_facts_are_printed_as_the_newspaper_prints_them_in_both_languages(story_copy, make_client):
    """The comparison shows the model's figure strings (storymap.figures), never a number of its own: 964万户."""
    import storymap

    story = next(story_copy.stories_dir.rglob("*.yaml"))
    text = story.read_text("utf-8")
    households = '    unit_en: "households"\n    excerpt: livelihood-families\n'
    assert households in text
    story.write_text(text.replace(households, households + "    place: modu-space\n"), "utf-8")  # a fact at a place
    client = make_client(storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(story_copy.stories_dir), "GEODATA_DIR": str(story_copy.geodata_dir)}))
    for lang, words in (("zh", ("上海家庭户数 964万户", "近5万平方米")),
                        ("en", ("Households in Shanghai 9.64 million households", "about 50,000 m²"))):
        answer = client.get("/api/compare", query_string={"items": TWO, "lang": lang}).get_json()
        facts = next(r for r in answer["table"]["rows"] if r["key"] == "facts")["cells"][0]["text"]
        for word in words:
            assert word in facts, (lang, facts)
        assert "9,640,000" not in facts and "9640000" not in facts
        printed = client.get("/compare/print", query_string={"items": TWO, "lang": lang}).get_data(as_text=True)
        assert words[0] in printed

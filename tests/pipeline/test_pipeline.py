"""The story model built from the real bundled story, gazetteer and geodata."""

from __future__ import annotations

import csv

import geopandas as gpd
import pytest
import shapely
import yaml
from pyproj import Geod

from storymap import coords

from tests.reference import SHANGHAI_DISTRICTS

from ._helpers import squash

GEOD = Geod(ellps="WGS84")
STORY = "stories/shanghai/people-city-shanghai.yaml"

# Where the article itself puts each place (district named in the text, the
# photo captions, or the address), as official adcodes.
STORY_POINTS = {
    "tanjiaqiao-road": "310106",  # 静安区谈家桥路小区
    "modu-space": "310104",  # 位于徐汇区的上海“模速空间”
    "changning": "310105",  # 长宁区
    "shantao-bund": "310101",  # 外滩街道的善淘慈善超市 (外滩街道 is in 黄浦区)
    "miao-town": "310151",  # 崇明区庙镇
}
MENTIONED = {
    "tongji-university": "310110",  # 四平路1239号, 杨浦区
    "lujiazui": "310115",  # 浦东新区
    "shanghai-natural-history-museum": "310106",  # 北京西路510号, 静安雕塑公园
    "fanguanong": "310106",  # 上海市静安区蕃瓜弄 (photo 4)
}


@pytest.fixture(scope="module")
def model(bundled_model):
    return bundled_model


@pytest.fixture(scope="module")
def story_yaml(repo_root) -> dict:
    """The story file read with plain PyYAML, independently of storymap's reader."""
    return yaml.safe_load((repo_root / STORY).read_text("utf-8"))


@pytest.fixture(scope="module")
def source_text(repo_root, story_yaml) -> str:
    return (repo_root / STORY).parent.joinpath(story_yaml["source"]["file"]).read_text("utf-8")


@pytest.fixture(scope="module")
def gazetteer_rows(bundled_geodata_dir) -> dict[str, dict]:
    with open(bundled_geodata_dir / "gazetteer.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def full_polygons(bundled_geodata_dir):
    frame = gpd.read_file(bundled_geodata_dir / "districts.full.geojson")
    return dict(zip(frame["code"].astype(str), frame.geometry))


@pytest.mark.parametrize("place_id, code", [*STORY_POINTS.items(), *MENTIONED.items()])
def test_place_is_in_the_district_the_article_gives(model, full_polygons, place_id, code):
    place = model.place(place_id)
    assert place is not None, place_id
    assert place["district_code"] == code
    assert place["district_name"] == SHANGHAI_DISTRICTS[code][0]
    # Independent point-in-polygon on the file, not storymap's join.
    assert full_polygons[code].contains(shapely.Point(place["lon"], place["lat"]))


def test_story_points_are_exactly_the_five(model):
    assert {p["id"] for p in model.places if p["role"] == "story"} == set(STORY_POINTS)


def test_every_place_is_inside_its_own_district(model, full_polygons, story_yaml):
    assert len(model.places) == len(story_yaml["places"])
    for place in model.places:
        point = shapely.Point(place["lon"], place["lat"])
        inside = [code for code, polygon in full_polygons.items() if polygon.contains(point)]
        assert inside == [place["district_code"]], place["id"]


def test_gcj02_gazetteer_row_is_converted(model, gazetteer_rows):
    row = gazetteer_rows["shanghai-natural-history-museum"]
    assert row["crs"] == "gcj02"
    csv_lon, csv_lat = float(row["lon"]), float(row["lat"])
    place = model.place("shanghai-natural-history-museum")
    assert place["crs_in"] == "gcj02"
    shift = GEOD.inv(place["lon"], place["lat"], csv_lon, csv_lat)[2]
    assert 300 < shift < 700
    # Converting the model's WGS-84 point forward gives the CSV's GCJ-02 numbers back.
    assert coords.wgs84_to_gcj02(place["lon"], place["lat"]) == pytest.approx((csv_lon, csv_lat), abs=1e-6)


def test_wgs84_gazetteer_rows_are_used_unchanged(model, gazetteer_rows, story_yaml):
    checked = 0
    for entry in story_yaml["places"]:
        row = gazetteer_rows[entry["gazetteer"]]
        if row["crs"] != "wgs84":
            continue
        place = model.place(entry["id"])
        assert (place["lon"], place["lat"]) == pytest.approx((float(row["lon"]), float(row["lat"])), abs=1e-9)
        checked += 1
    assert checked == sum(gazetteer_rows[e["gazetteer"]]["crs"] == "wgs84" for e in story_yaml["places"]) > 5


def test_places_match_the_story_file(model, story_yaml):
    assert [p["id"] for p in model.places] == [p["id"] for p in story_yaml["places"]]
    for entry in story_yaml["places"]:
        place = model.place(entry["id"])
        assert place["district_code"] == str(entry["district"])
        assert place["geocoder"] == "gazetteer"
        assert place["stories"] == [story_yaml["id"]]


def test_every_excerpt_is_verbatim_from_the_source(model, source_text):
    source = squash(source_text)
    assert len(model.excerpts) == 20
    for excerpt in model.excerpts:
        assert excerpt["text"].strip()
        assert squash(excerpt["text"]) in source, excerpt["id"]


def test_editor_note_and_lede_are_verbatim_from_the_source(model, source_text):
    source = squash(source_text)
    story = model.stories[0]
    for key in ("editor_note", "lede"):
        for paragraph in story[key].split("\n\n"):
            assert squash(paragraph) in source, (key, paragraph[:20])


def test_excerpts_are_in_article_order(model, source_text):
    source = squash(source_text)
    positions = [source.index(squash(e["text"])) for e in model.excerpts]
    assert positions == sorted(positions)
    assert [e["order"] for e in model.excerpts] == list(range(len(model.excerpts)))


def test_duplicated_ecology_paragraph_appears_once(model, source_text):
    paragraphs = [p.strip() for p in source_text.split("\n\n") if p.strip()]
    duplicated = {p for p in paragraphs if paragraphs.count(p) > 1}
    # The print page repeats exactly one paragraph: the opening of the ecology passage.
    assert len(duplicated) == 1
    (paragraph,) = duplicated
    assert paragraph.startswith("发展的最终目的是造福于民")
    assert sum(squash(e["text"]).count(squash(paragraph)) for e in model.excerpts) == 1


def test_truncated_renewal_passage_is_marked(model, source_text):
    # In the source the renewal paragraph breaks off at "推动城" and the next starts mid-sentence.
    assert "推动城\n\n区域规划" in source_text
    breaks_off = [e for e in model.excerpts if e["text"].endswith("推动城")]
    resumes = [e for e in model.excerpts if e["text"].startswith("区域规划")]
    assert len(breaks_off) == len(resumes) == 1
    truncated = {e["id"] for e in model.excerpts if e["truncated"]}
    assert truncated == {breaks_off[0]["id"], resumes[0]["id"]}


def test_untruncated_excerpts_end_a_sentence(model):
    for excerpt in model.excerpts:
        if not excerpt["truncated"]:
            assert excerpt["text"][-1] in "。！？”", excerpt["id"]


def test_every_fact_quote_is_in_its_excerpt(model):
    texts = {e["id"]: e["text"] for e in model.excerpts}
    assert len(model.facts) == 20
    for fact in model.facts:
        assert fact["quote"] in texts[fact["excerpt"]], fact["id"]


def test_excerpt_districts_follow_their_place(model):
    for excerpt in model.excerpts:
        expected = model.place(excerpt["place"])["district_code"] if excerpt["place"] else None  # None: city-wide
        assert excerpt["district_code"] == expected
        for mention in excerpt["mentions"]:
            assert model.place(mention) is not None


def test_tour_follows_the_article(model, source_text):
    source = squash(source_text)

    def first_position(place_id):
        return min(source.index(squash(e["text"])) for e in model.excerpts if e["place"] == place_id)

    assert model.tour == sorted(STORY_POINTS, key=first_position)
    # Reading the article: 谈家桥路 -> 模速空间 -> 长宁 -> 外滩 善淘 -> 崇明 庙镇.
    assert model.tour == ["tanjiaqiao-road", "modu-space", "changning", "shantao-bund", "miao-town"]


def test_district_counts_add_up(model):
    assert {d["code"] for d in model.districts} == set(SHANGHAI_DISTRICTS)
    assert sum(d["place_count"] for d in model.districts) == len(model.places)
    city_wide = [e for e in model.excerpts if e["place"] is None]
    assert sum(d["excerpt_count"] for d in model.districts) == len(model.excerpts) - len(city_wide)
    assert sorted(i for g in model.city_sections for i in g["excerpts"]) == sorted(e["id"] for e in city_wide)
    for district in model.districts:
        assert district["place_count"] == sum(p["district_code"] == district["code"] for p in model.places)

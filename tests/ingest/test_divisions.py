"""The township list: the vendored division data matched to a region's polygons, and its errors."""

from __future__ import annotations

import pytest

from storymap.errors import StorymapError
from storymap.ingest import divisions

ROWS = [
    {"code": "990101001", "name": "竹溪街道", "district_code": "990101", "district_name": "青溪区"},
    {"code": "990102100", "name": "松风镇", "district_code": "990102", "district_name": "松风区"},
    {"code": "990199100", "name": "远山镇", "district_code": "990199", "district_name": "远山县"},  # no polygon
    {"code": "990201001", "name": "白鹭街道", "district_code": "990201", "district_name": "白鹭区"},  # another city
]


@pytest.fixture()
def rows(monkeypatch):
    monkeypatch.setattr(divisions, "_vendored_rows", lambda: ROWS)


def test_a_city_gets_its_townships_matched_to_its_polygons(rows):
    townships = divisions.region_townships("990100", [("990101", "青溪区"), ("990102", "松风区")])
    assert [(t.name, t.district_code) for t in townships] == [("竹溪街道", "990101"), ("松风镇", "990102")]


def test_a_district_code_that_differs_is_matched_by_name(rows):
    [township, *_] = divisions.region_townships("990100", [("990111", "青溪区"), ("990102", "松风区")])
    assert (township.name, township.district_code) == ("竹溪街道", "990111")


def test_a_province_gets_townships_by_city(rows):
    townships = divisions.region_townships("990000", [("990100", "青溪市"), ("990200", "白鹭市")])
    assert {t.name: t.district_code for t in townships}["白鹭街道"] == "990200"


def test_a_city_the_dataset_lacks_is_a_clear_error(rows):
    with pytest.raises(StorymapError, match="no 街道/镇/乡 for adcode 980100"):
        divisions.region_townships("980100", [("980101", "某区")])


def test_the_region_file_round_trips_and_bad_rows_name_their_line(tmp_path, rows):
    districts = [("990101", "青溪区"), ("990102", "松风区")]
    townships = divisions.region_townships("990100", districts)
    (tmp_path / "divisions.csv").write_text(divisions.divisions_csv(townships), "utf-8")
    assert divisions.read_divisions(tmp_path, "990100", districts) == townships
    (tmp_path / "divisions.csv").write_text("code,name,district_code,district_name\n1,某镇,990177,某区\n", "utf-8")
    with pytest.raises(StorymapError, match=r"divisions.csv:2: .*district_code"):
        divisions.read_divisions(tmp_path, "990100", districts)


def test_the_vendored_data_is_read_and_names_outside_the_region():
    townships = divisions.region_townships("310000", [("310101", "黄浦区")])
    assert townships and {t.district_code for t in townships} == {"310101"}
    outside = divisions.names_outside("310000")
    assert {"北京", "北京市", "浙江", "日本"} <= outside and "上海" not in outside


def test_units_named_before_places_leave_out_the_world_and_the_home_province():
    before = divisions.units_named_before_places("330200")  # a city of 浙江
    assert {"北京", "上海市", "杭州"} <= before
    assert not {"浙江", "浙江省", "日本", "中国"} & before  # its 浙江大学 is in the region; 中国… is national


def test_a_placeholder_row_is_no_unit_outside():
    # the dataset lists a municipality's counties under a row named 县: no one-character name is a unit
    assert all(len(name) >= 2 for name in divisions.units_named_before_places("650100"))


def test_county_level_cities_outside_by_their_short_names():
    # cities of no benchmark page
    outside = divisions.county_cities_outside("140900")  # 忻州市, in 山西
    assert {"介休", "兴化", "福安"} <= outside  # 介休市 of 山西's 晋中市, 兴化市 of 江苏, 福安市 of 福建
    assert "原平" not in outside  # 原平市 is 忻州市's own
    assert "兴化" not in divisions.county_cities_outside("321200")  # 兴化市 is 泰州市's own

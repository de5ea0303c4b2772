"""Broken story, gazetteer and geodata files, each through ``storymap validate`` on a copy.

Every failure must exit 1 without a traceback and say FILE:LINE: what is wrong
and what was expected. Expected line numbers are computed from the text the
test wrote, never copied from the output.
"""

from __future__ import annotations

import re

import pytest
import yaml

from ._helpers import assert_clean_error, line_no, minimal_story, replace_once


def validate(cli, data):
    return cli("validate", *data.args)


def problem_count(output: str) -> int:
    match = re.search(r"^(\d+) problems? found$", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


def add_story(data, name: str, text: str):
    path = data.stories_dir / "shanghai" / name
    path.write_text(text, "utf-8")
    return path


# --- unreadable files -------------------------------------------------------------


def test_malformed_yaml(cli, story_copy):
    text = replace_once(story_copy.story_file, "newspaper: 中国城市报\n", "newspaper: 中国城市报: 副刊\n")
    line = line_no(text, r"^newspaper:")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: invalid YAML" in output


def test_yaml_bad_indentation(cli, story_copy):
    text = replace_once(story_copy.story_file, "  - id: modu-space\n", "  - id: modu-space\n   bad: indent\n")
    line = line_no(text, r"^   bad: indent")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: invalid YAML" in output


@pytest.mark.parametrize("content", ["", "\n\n   \n"], ids=["empty", "blank-lines"])
def test_empty_file(cli, story_copy, content):
    story_copy.story_file.write_text(content, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}: empty file; expected a YAML mapping" in output


@pytest.mark.parametrize(
    "content", ["# nothing here yet\n", "# nothing here yet\n---\n"], ids=["comment", "comment-and-marker"]
)
def test_comment_only_file(cli, story_copy, content):
    story_copy.story_file.write_text(content, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    where = re.escape(str(story_copy.story_file))
    assert re.search(rf"^{where}(:\d+)?: .*expected a YAML mapping", output, re.MULTILINE), output


def test_binary_file(cli, story_copy):
    story_copy.story_file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}: binary file; expected UTF-8 YAML text" in output


def test_gbk_encoded_file(cli, story_copy):
    raw = story_copy.story_file.read_text("utf-8").encode("gbk", errors="replace")
    story_copy.story_file.write_bytes(raw)
    first_non_ascii = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:first_non_ascii].count(b"\n") + 1
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: not UTF-8 text" in output
    assert "expected UTF-8" in output


def test_top_level_list_instead_of_mapping(cli, story_copy):
    story_copy.story_file.write_text("# a list\n- id: x\n", "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:2: expected a YAML mapping" in output


# --- schema -----------------------------------------------------------------------


def test_missing_required_field(cli, story_copy):
    text = story_copy.story_file.read_text("utf-8")
    title = line_no(text, r"^title:")
    text = "\n".join(line for n, line in enumerate(text.splitlines(), 1) if n != title) + "\n"
    story_copy.story_file.write_text(text, "utf-8")
    mapping_line = line_no(text, r"^id:")  # a missing key is reported where its mapping starts
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{mapping_line}: missing required field 'title'" in output
    assert problem_count(output) == 1


def test_missing_field_of_a_place(cli, story_copy):
    text = replace_once(story_copy.story_file, '    name: "同济大学"\n', "")
    item = line_no(text, r"^  - id: tongji-university$")
    output = assert_clean_error(validate(cli, story_copy))
    places = yaml.safe_load(text)["places"]
    index = next(i for i, p in enumerate(places) if p["id"] == "tongji-university")
    assert f"{story_copy.story_file}:{item}: missing required field 'places[{index}].name'" in output


def test_wrong_type_and_bad_choice(cli, story_copy):
    text = replace_once(story_copy.story_file, "    theme: ecology\n", "    theme: greenery\n")
    line = line_no(text, r"^    theme: greenery")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: field 'sections[3].theme' is 'greenery'" in output
    assert "expected one of renewal, innovation, livelihood, ecology" in output


def test_list_field_given_as_text(cli, story_copy):
    text = replace_once(story_copy.story_file, "photos:\n", "photos: none\nold_photos:\n")
    line = line_no(text, r"^photos: none$")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: field 'photos' is 'none'; expected a list" in output


def test_mention_that_is_a_mapping(cli, story_copy):
    text = replace_once(story_copy.story_file, "mentions: [lujiazui]", "mentions: [{id: lujiazui}]")
    line = line_no(text, r"mentions: \[\{id: lujiazui\}\]")
    index = next(i for i, e in enumerate(yaml.safe_load(text)["excerpts"]) if e.get("mentions") == [{"id": "lujiazui"}])
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: field 'excerpts[{index}].mentions' is " in output
    assert "expected a list of place ids" in output


def test_fact_quote_not_in_excerpt(cli, story_copy):
    text = replace_once(story_copy.story_file, 'quote: "964万户家庭"', 'quote: "965万户家庭"')
    line = line_no(text, r'quote: "965万户家庭"')
    index = next(i for i, f in enumerate(yaml.safe_load(text)["facts"]) if f["id"] == "households")
    output = assert_clean_error(validate(cli, story_copy))
    assert (
        f"{story_copy.story_file}:{line}: facts[{index}].quote '965万户家庭' does not occur in excerpt "
        "'livelihood-families'; a quote must be verbatim"
    ) in output


def test_all_problems_in_a_file_are_listed_at_once(cli, story_copy):
    replace_once(story_copy.story_file, 'date: "2025-12"', 'date: "December 2025"')
    text = replace_once(story_copy.story_file, 'quote: "六大行动"', 'quote: "七大行动"')
    date_line = line_no(text, r"^date:")
    quote_line = line_no(text, r'quote: "七大行动"')
    output = assert_clean_error(validate(cli, story_copy))
    assert (
        f"{story_copy.story_file}:{date_line}: field 'date' is 'December 2025'; expected YYYY-MM-DD or YYYY-MM"
    ) in output
    assert f"{story_copy.story_file}:{quote_line}: " in output and "'七大行动' does not occur" in output
    assert problem_count(output) == 2


def test_schema_and_district_problems_are_listed_at_once(cli, story_copy):
    # A schema problem and a spatial-join problem in one file: both in one run.
    replace_once(story_copy.story_file, 'date: "2025-12"', 'date: "December 2025"')
    text = replace_once(story_copy.story_file, "    gazetteer: tanjiaqiao-road\n    district: 310106\n",
                        "    gazetteer: tanjiaqiao-road\n    district: 310101\n")
    date_line = line_no(text, r"^date:")
    district_line = line_no(text, r"^    district: 310101$", start=line_no(text, r"^  - id: tanjiaqiao-road$"))
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{date_line}: field 'date' is 'December 2025'" in output
    assert f"{story_copy.story_file}:{district_line}: place 'tanjiaqiao-road'" in output
    assert "field 'district' says 310101" in output
    assert problem_count(output) == 2


def test_gazetteer_and_story_problems_are_listed_at_once(cli, story_copy):
    gazetteer = replace_once(story_copy.gazetteer, ",121.419182,31.216619,", ",31.216619,121.419182,")
    story = replace_once(story_copy.story_file, 'quote: "六大行动"', 'quote: "七大行动"')
    row_line = line_no(gazetteer, r"^changning,")
    quote_line = line_no(story, r'quote: "七大行动"')
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:{row_line}: lon=31.216619, lat=121.419182 look swapped" in output
    assert f"{story_copy.story_file}:{quote_line}: " in output and "'七大行动' does not occur" in output


# --- ids across files -----------------------------------------------------------


PLACE = """\
  - id: the-place
    name: 人民广场
    role: story
    lon: 121.4737
    lat: 31.2304
    crs: wgs84
    source: test fixture
    precision: point
    district: 310101
"""


def test_valid_second_story_is_accepted(cli, story_copy):
    # The fixture story itself is valid, so the failures below are the intended ones.
    add_story(story_copy, "second.yaml", minimal_story("second-story", PLACE))
    result = validate(cli, story_copy)
    assert result.exit_code == 0, result.output
    assert "2 stories" in result.output


def test_duplicate_story_id_across_files(cli, story_copy):
    second = add_story(story_copy, "zz-second.yaml", minimal_story("people-city-shanghai", PLACE))
    first_line = line_no(story_copy.story_file.read_text("utf-8"), r"^id:")
    second_line = line_no(second.read_text("utf-8"), r"^id:")
    output = assert_clean_error(validate(cli, story_copy))
    assert (
        f"{second}:{second_line}: duplicate story id 'people-city-shanghai' "
        f"(first defined at {story_copy.story_file}:{first_line})"
    ) in output


def test_duplicate_place_id_across_files(cli, story_copy):
    place = PLACE.replace("id: the-place", "id: modu-space")
    text = minimal_story("second-story", place).replace("place: the-place", "place: modu-space")
    second = add_story(story_copy, "zz-second.yaml", text)
    first_line = line_no(story_copy.story_file.read_text("utf-8"), r"^  - id: modu-space$")
    second_line = line_no(text, r"^  - id: modu-space$")
    output = assert_clean_error(validate(cli, story_copy))
    assert (
        f"{second}:{second_line}: duplicate place id 'modu-space' "
        f"(first defined at {story_copy.story_file}:{first_line})"
    ) in output


def test_duplicate_place_id_in_one_file(cli, story_copy):
    text = replace_once(story_copy.story_file, "  - id: fanguanong\n", "  - id: lujiazui\n")
    first = line_no(text, r"^  - id: lujiazui$")
    second = line_no(text, r"^  - id: lujiazui$", start=first + 1)
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{second}: duplicate place id 'lujiazui'" in output
    assert f"first defined at {story_copy.story_file}:{first}" in output


# --- geocoding and the spatial join ----------------------------------------------


def test_unknown_place(cli, story_copy):
    place = "  - id: the-place\n    name: 不存在的虚构地点\n    role: story\n    district: 310101\n"
    text = minimal_story("second-story", place)
    second = add_story(story_copy, "second.yaml", text)
    line = line_no(text, r"^  - id: the-place$")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{second}:{line}: unknown place '不存在的虚构地点' (id 'the-place'): not in the gazetteer" in output
    assert "add it to the gazetteer or give lon/lat/crs/source/precision" in output


def test_unknown_gazetteer_id(cli, story_copy):
    text = replace_once(story_copy.story_file, "    gazetteer: fanguanong\n", "    gazetteer: fanguanong-typo\n")
    item = line_no(text, r"^  - id: fanguanong$")
    output = assert_clean_error(validate(cli, story_copy))
    assert (
        f"{story_copy.story_file}:{item}: place 'fanguanong': gazetteer id 'fanguanong-typo' is not in the gazetteer"
    ) in output


def test_place_outside_every_district(cli, story_copy):
    place = PLACE.replace("lon: 121.4737", "lon: 123.0").replace("lat: 31.2304", "lat: 31.0")
    text = minimal_story("second-story", place)
    second = add_story(story_copy, "second.yaml", text)
    line = line_no(text, r"^  - id: the-place$")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{second}:{line}: place 'the-place' (人民广场) at 123.000000, 31.000000 WGS-84 [explicit]" in output
    assert "lies outside every district of 上海市; check the coordinates and their CRS" in output


def test_district_field_disagrees_with_the_point(cli, story_copy):
    text = replace_once(
        story_copy.story_file,
        "    gazetteer: tanjiaqiao-road\n    district: 310106\n",
        "    gazetteer: tanjiaqiao-road\n    district: 310101\n",
    )
    item = line_no(text, r"^  - id: tanjiaqiao-road$")
    line = line_no(text, r"^    district: 310101$", start=item)
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: place 'tanjiaqiao-road'" in output
    assert "falls in 静安区 (310106), but field 'district' says 310101 (黄浦区)" in output
    assert problem_count(output) == 1


def test_explicit_gcj02_point_is_converted_before_the_join(cli, story_copy):
    # A GCJ-02 point just east of the Huangpu border: as WGS-84 it would be in 浦东.
    place = PLACE.replace("lon: 121.4737", "lon: 121.4905").replace("lat: 31.2304", "lat: 31.2397")
    add_story(story_copy, "second.yaml", minimal_story("second-story", place.replace("crs: wgs84", "crs: gcj02")))
    assert validate(cli, story_copy).exit_code == 0
    add_story(story_copy, "second.yaml", minimal_story("second-story", place))
    output = assert_clean_error(validate(cli, story_copy))
    assert "falls in 浦东新区 (310115), but field 'district' says 310101" in output


def test_swapped_lon_lat_in_story(cli, story_copy):
    place = PLACE.replace("lon: 121.4737", "lon: 31.2").replace("lat: 31.2304", "lat: 121.4")
    text = minimal_story("second-story", place)
    second = add_story(story_copy, "second.yaml", text)
    line = line_no(text, r"^    lon: 31.2$")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{second}:{line}: places[0].lon=31.2, lat=121.4 look swapped" in output
    assert "a longitude in China is 73..136 and a latitude 3..54" in output


def test_swapped_lon_lat_in_gazetteer(cli, story_copy):
    text = replace_once(story_copy.gazetteer, ",121.419182,31.216619,", ",31.216619,121.419182,")
    line = line_no(text, r"^changning,")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:{line}: lon=31.216619, lat=121.419182 look swapped" in output


@pytest.mark.parametrize(
    "row_id, old, new, message",
    [
        ("fanguanong", ",121.457939,", ",abc,", "column 'lon' is 'abc'; expected a decimal number of degrees"),
        ("lujiazui", ",wgs84,subdistrict,", ",bd09,subdistrict,", "column 'crs' is 'bd09'; expected wgs84 or gcj02"),
        (
            "lujiazui", ",subdistrict,310115,", ",subdistrict,31011,",
            "column 'district_code' is '31011'; expected a six-digit adcode",
        ),
    ],
    ids=["lon-not-a-number", "unknown-crs", "short-adcode"],
)
def test_broken_gazetteer_row(cli, story_copy, row_id, old, new, message):
    text = story_copy.gazetteer.read_text("utf-8")
    line = line_no(text, rf"^{row_id},")
    lines = text.splitlines(keepends=True)
    assert lines[line - 1].count(old) == 1
    lines[line - 1] = lines[line - 1].replace(old, new)
    story_copy.gazetteer.write_text("".join(lines), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:{line}: {message}" in output


def test_truncated_gazetteer_row(cli, story_copy):
    text = story_copy.gazetteer.read_text("utf-8")
    line = line_no(text, r"^tongji-university,")
    lines = text.splitlines(keepends=True)
    lines[line - 1] = "tongji-university,同济大学\n"
    story_copy.gazetteer.write_text("".join(lines), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:{line}: column 'crs' is ''; expected wgs84 or gcj02" in output
    assert f"{story_copy.gazetteer}:{line}: column 'lon' is ''; expected a decimal number of degrees" in output


def test_gazetteer_missing_column(cli, story_copy):
    text = story_copy.gazetteer.read_text("utf-8")
    header = text.replace("id,name,aliases,lon,lat,crs,", "id,name,aliases,lon,lat,", 1)
    story_copy.gazetteer.write_text(header, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:1: missing column(s) crs; expected header id,name,aliases,lon,lat,crs," in output


def test_misspelt_key_is_reported_not_ignored(cli, story_copy):
    text = story_copy.story_file.read_text("utf-8").replace("    truncated: true\n", "    truncted: true\n", 1)
    story_copy.story_file.write_text(text, "utf-8")
    line = line_no(text, r"^    truncted: true")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: unknown field 'excerpts[" in output
    assert "truncted'; expected one of id, section, place, text, text_en, truncated, mentions" in output


def test_gazetteer_row_numbers_count_only_csv_line_breaks(cli, story_copy):
    # U+2028 inside a quoted note is text to CSV (and to editors' line numbers), not a line break.
    rows = story_copy.gazetteer.read_text("utf-8").splitlines(keepends=True)
    assert rows[1].rstrip("\n").endswith('"'), "expected the first row to end with a quoted note"
    rows[1] = rows[1].rstrip("\n")[:-1] + '\u2028continued"\n'
    rows[2] = rows[2].replace(",wgs84,", ",mercator,", 1)
    story_copy.gazetteer.write_text("".join(rows), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:3: column 'crs' is 'mercator'; expected wgs84 or gcj02" in output


def test_source_file_that_is_not_there(cli, story_copy):
    text = replace_once(story_copy.story_file, "  file: source-000_9ef9a491ed0e4555.txt\n", "  file: missing.txt\n")
    line = line_no(text, r"^  file: missing.txt")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: field 'source.file' is 'missing.txt'" in output


def test_impossible_date(cli, story_copy):
    text = replace_once(story_copy.story_file, 'date: "2025-12"\n', "date: 2025-13-01\n")
    line = line_no(text, r"^date: 2025-13-01")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: invalid value '2025-13-01'" in output


def test_gazetteer_district_code_is_checked_against_the_polygons(cli, story_copy):
    rows = story_copy.gazetteer.read_text("utf-8").splitlines(keepends=True)
    index = next(i for i, row in enumerate(rows) if row.startswith("changning,"))
    assert ",310105," in rows[index]
    rows[index] = rows[index].replace(",310105,", ",310104,", 1)
    story_copy.gazetteer.write_text("".join(rows), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    # Changning's point is in 长宁区 (310105), whatever the row claims.
    assert f"{story_copy.gazetteer}:{index + 1}: row 'changning': column 'district_code' is 310104" in output
    assert "falls in 长宁区 (310105)" in output


def test_one_bad_place_is_reported_once_not_for_every_reference(cli, story_copy):
    # miao-town is referenced by excerpts, facts and photos; a bad role is one problem, not many.
    text = story_copy.story_file.read_text("utf-8")
    start = line_no(text, r"^  - id: miao-town$")
    lines = text.splitlines(keepends=True)
    role = next(i for i in range(start, len(lines)) if lines[i].startswith("    role: "))
    lines[role] = "    role: yes\n"
    story_copy.story_file.write_text("".join(lines), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert problem_count(output) == 1
    assert f"{story_copy.story_file}:{role + 1}: " in output and "role" in output


def test_story_for_another_city(cli, story_copy):
    replace_once(story_copy.story_file, "city: 310000\n", "city: 440300\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}: field 'city' is 440300; the geodata is for region 310000" in output


def test_missing_geodata_folder(cli, story_copy, tmp_path):
    missing = tmp_path / "nowhere"
    result = cli("validate", "--stories", story_copy.stories_dir, "--geodata", missing)
    output = assert_clean_error(result)
    assert f"{missing / 'manifest.json'}: file not found" in output


def test_broken_district_file(cli, story_copy):
    full = story_copy.geodata_dir / "districts.full.geojson"
    full.write_text('{"type": "FeatureCollection", "features": [\n', "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{full}:" in output and "invalid JSON" in output

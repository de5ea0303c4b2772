"""Malformed geodata files, each through ``storymap validate`` on a copy of the Shanghai data.

Every case must exit 1 without a traceback and say ``FILE: feature N (code …):
what is wrong; what was expected``. The broken values are written by the test;
the expected message names the file, the feature and the value written.
"""

from __future__ import annotations

import json

import pytest

from ._helpers import assert_clean_error

FULL = "districts.full.geojson"
DISPLAY = "districts.display.geojson"


def edit_json(path, change):
    data = json.loads(path.read_text("utf-8"))
    change(data)
    # A number too large for a float is written as such (json.dumps would write Infinity).
    # An integer beyond any float ("BIGINT") is valid JSON, and Python reads it as an int.
    text = json.dumps(data, ensure_ascii=False).replace('"HUGE"', "1e400").replace('"BIGINT"', "1" + "0" * 400)
    path.write_text(text, "utf-8")


def first_feature(data):
    return data["features"][0]


def set_property(name, value):
    return lambda data: first_feature(data)["properties"].__setitem__(name, value)


def set_geometry(value):
    return lambda data: first_feature(data).__setitem__("geometry", value)


BOWTIE = {"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.5, 31.3], [121.5, 31.2], [121.4, 31.3], [121.4, 31.2]]]}

FEATURE_CASES = {
    # name: (change, words the problem must contain)
    "code markup": (set_property("code", "</script><script>window.__x=13</script>"),
                    ["'</script><script>window.__x=13</script>'", "expected a six-digit adcode"]),
    "code number": (set_property("code", 310101), ["property 'code' is 310101", "six-digit adcode as a string"]),
    "code short": (set_property("code", "3101"), ["property 'code' is '3101'"]),
    "name_en missing": (lambda d: first_feature(d)["properties"].pop("name_en"),
                        ["property 'name_en' is null; expected text"]),
    "name_zh empty": (set_property("name_zh", "  "), ["property 'name_zh' is '  '; expected a non-empty name"]),
    "name_zh control": (set_property("name_zh", "黄浦\x07区"), ["'黄浦\\x07区'", "without control characters"]),
    "name_en list": (set_property("name_en", ["Huangpu"]), ["property 'name_en' is ['Huangpu']; expected text"]),
    "area null": (set_property("area_km2", None), ["property 'area_km2' is null; expected a positive, finite"]),
    "area text": (set_property("area_km2", "20.4"), ["property 'area_km2' is '20.4'"]),
    "area negative": (set_property("area_km2", -3), ["property 'area_km2' is -3"]),
    "area huge": (set_property("area_km2", "HUGE"), ["property 'area_km2' is inf"]),
    "area big integer": (set_property("area_km2", "BIGINT"), ["property 'area_km2' is 1000000", "finite"]),
    "properties missing": (lambda d: first_feature(d).pop("properties"), ["properties is null; expected an object"]),
    "geometry null": (set_geometry(None), ["geometry is null; expected a Polygon or MultiPolygon"]),
    "geometry point": (set_geometry({"type": "Point", "coordinates": [121.4, 31.2]}),
                       ["geometry type is 'Point'; expected one of Polygon, MultiPolygon"]),
    "geometry empty": (set_geometry({"type": "MultiPolygon", "coordinates": []}),
                       ["MultiPolygon coordinates: [] where a non-empty list was expected"]),
    "geometry string coordinate": (set_geometry({"type": "Polygon", "coordinates": [[["121.4", 31.2]]]}),
                                   ["position ['121.4', 31.2]; expected [lon, lat] numbers"]),
    "geometry out of range": (set_geometry({"type": "Polygon", "coordinates": [[[31.2, 121.4], [31.3, 121.4],
                                                                                 [31.3, 121.5], [31.2, 121.4]]]}),
                              ["position [31.2, 121.4]; expected finite WGS-84 degrees"]),
    "geometry big integer": (set_geometry({"type": "Polygon", "coordinates": [[["BIGINT", 31.2], [121.5, 31.2],
                                                                               [121.5, 31.3], ["BIGINT", 31.2]]]}),
                             ["position [1000000", "expected finite WGS-84 degrees"]),
    "geometry boolean coordinate": (set_geometry({"type": "Polygon", "coordinates": [[[121.4, True], [121.5, 31.2],
                                                                                      [121.5, 31.3], [121.4, True]]]}),
                                    ["position [121.4, True]; expected [lon, lat] numbers"]),
    "geometry bad hole": (set_geometry({"type": "MultiPolygon", "coordinates": [[
        [[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]], [[121.45, 31.22], [121.46, None], [121.45, 31.22]],
    ]]}), ["position [121.46, None]; expected [lon, lat] numbers"]),
    "geometry open ring": (set_geometry({"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.5, 31.2]]]}),
                           ["Polygon cannot be read", "closed rings"]),
    "geometry self-intersecting": (set_geometry(BOWTIE), ["Polygon is not valid (Self-intersection"]),
    "feature not an object": (lambda d: d["features"].__setitem__(0, "district"),
                              ["feature 1: is 'district'; expected a GeoJSON Feature"]),
}


@pytest.mark.parametrize("kind", [FULL, DISPLAY])
@pytest.mark.parametrize("case", FEATURE_CASES)
def test_bad_feature_is_named_with_its_value(cli, story_copy, kind, case):
    change, words = FEATURE_CASES[case]
    path = story_copy.geodata_dir / kind
    edit_json(path, change)
    output = assert_clean_error(cli("validate", *story_copy.args))
    line = next((l for l in output.splitlines() if l.startswith(f"{path}: feature 1")), None)
    assert line, output
    for word in words:
        assert word in line, (word, line)


def test_nan_is_refused_as_json(cli, story_copy):
    path = story_copy.geodata_dir / FULL
    text = path.read_text("utf-8")
    path.write_text(text.replace('"area_km2": 20.452', '"area_km2": NaN', 1), "utf-8")
    output = assert_clean_error(cli("validate", *story_copy.args))
    assert f"{path}: invalid JSON: NaN is not a JSON number" in output


def test_duplicate_code(cli, story_copy):
    path = story_copy.geodata_dir / DISPLAY
    edit_json(path, lambda d: d["features"][1]["properties"].__setitem__("code", "310101"))
    output = assert_clean_error(cli("validate", *story_copy.args))
    assert f"{path}: feature 2 (code '310101'): code '310101' is used again (first by feature 1)" in output


def test_display_and_full_must_hold_the_same_districts(cli, story_copy):
    path = story_copy.geodata_dir / DISPLAY
    edit_json(path, lambda d: d["features"].pop())
    missing = json.loads((story_copy.geodata_dir / FULL).read_text("utf-8"))["features"][-1]["properties"]["code"]
    output = assert_clean_error(cli("validate", *story_copy.args))
    assert f"{path}: codes {missing} of {FULL} are missing here" in output


def test_empty_collection(cli, story_copy):
    path = story_copy.geodata_dir / FULL
    path.write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    output = assert_clean_error(cli("validate", *story_copy.args))
    assert f"{path}: 'features' is []; expected a non-empty list of districts" in output


def test_utf8_bom_is_accepted(cli, story_copy):
    path = story_copy.geodata_dir / DISPLAY
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = cli("validate", *story_copy.args)
    assert result.exit_code == 0, result.output


MANIFEST_CASES = {
    "not an object": (lambda m: ["x"], "the manifest is a list; expected a JSON object"),
    "region missing": (lambda m: m.pop("region") and m, "'region' is null; expected an object"),
    "region adcode markup": (lambda m: m["region"].update(adcode="<b>") or m,
                             "region.adcode is '<b>'; expected a six-digit adcode"),
    "region name number": (lambda m: m["region"].update(name_en=7) or m, "region.name_en is 7; expected text"),
    "crs": (lambda m: m.update(crs="EPSG:3857") or m, "crs is 'EPSG:3857'; expected 'EPSG:4326'"),
    "files missing": (lambda m: m.pop("files") and m, "'files' is null; expected an object"),
    "files escape": (lambda m: m["files"].update(full="../../etc/passwd") or m,
                     "files.full is '../../etc/passwd'; expected a file inside the region folder"),
    "reference point bad": (lambda m: m.update(reference_point={"name_zh": "人民广场", "name_en": "People's Square",
                                                                "lon": "121.47", "lat": 31.23}) or m,
                            "reference_point.lon is '121.47'; expected degrees within ±180"),
}


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_bad_manifest(cli, story_copy, case):
    change, words = MANIFEST_CASES[case]
    path = story_copy.geodata_dir / "manifest.json"
    path.write_text(json.dumps(change(json.loads(path.read_text("utf-8"))), ensure_ascii=False), "utf-8")
    output = assert_clean_error(cli("validate", *story_copy.args))
    assert f"{path}: {words}" in output


def test_manifest_accepts_optional_extra_keys(cli, story_copy):
    path = story_copy.geodata_dir / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["reference_point"] = {"name_zh": "人民广场", "name_en": "People's Square", "lon": 121.4737,
                                   "lat": 31.2304, "crs": "EPSG:4326", "source": "test"}
    manifest["notes"] = {"anything": ["kept"]}
    path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    result = cli("validate", *story_copy.args)
    assert result.exit_code == 0, result.output


def test_the_checks_build_the_shapes_geojson_describes(bundled_geodata_dir):
    """The fast path (ring arrays) builds exactly what shapely reads from the same GeoJSON."""
    import shapely.geometry

    from storymap.geodata_checks import check_districts

    for name in (FULL, DISPLAY):
        collection = json.loads((bundled_geodata_dir / name).read_text("utf-8"))
        problems, checked = check_districts(bundled_geodata_dir / name, collection)
        assert problems == [] and len(checked) == len(collection["features"])
        for district, feature in zip(checked, collection["features"]):
            assert district.properties == feature["properties"]
            assert district.shape.equals_exact(shapely.geometry.shape(feature["geometry"]), 0), district.properties

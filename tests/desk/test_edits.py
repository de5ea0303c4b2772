"""The desk's saves: gazetteer row and story together, history kept, serialised, inside the project."""

from __future__ import annotations

import csv
import errno
import math
import os
import threading

import pytest
import yaml

from storymap import coords
from storymap.desk import edits, scan
from storymap.desk.files import HISTORY_DIR, OutsideProject, write_with_history
from storymap.errors import StorymapError
from storymap.geodata import load_geodata

from .draft_project import FALSE_CANDIDATE, REGION, STORY_ID, TODO_PLACES, gazetteer_path, story_path


def rows(root) -> dict[str, dict]:
    with open(gazetteer_path(root), newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def places(root) -> dict[str, dict]:
    return {p["id"]: p for p in yaml.safe_load(story_path(root).read_text("utf-8"))["places"]}


def snapshot(root) -> dict:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def labels(repo_root) -> dict[str, tuple[float, float]]:
    """A WGS-84 point inside each district (shapely's representative point of its polygon)."""
    geodata = load_geodata(repo_root / "geodata" / REGION)
    return {d.code: (d.label_lon, d.label_lat) for d in geodata.districts}


def place_all(root, labels):
    for place_id, (_, district) in TODO_PLACES.items():
        lon, lat = labels[district]
        edits.place_point(root, REGION, STORY_ID, place_id, lon=lon, lat=lat, crs="wgs84",
                          precision="street", source="test: a point inside the district")


def test_the_scan_counts_what_is_left(project):
    [region] = scan.project_summary(project)
    [story] = region["stories"]
    assert (story["exact"], story["approximate"], story["todo"]) == (1, 1, 3)
    assert story["problems"] == 3  # two unknown places and one place without a district
    assert story["english_missing"] > 0


def test_placing_writes_the_row_and_the_story_and_validate_passes(project, labels):
    place_all(project, labels)
    saved = edits.reject(project, REGION, STORY_ID, FALSE_CANDIDATE)
    assert saved.checks.ok, saved.checks.problems
    table = rows(project)
    for place_id, (name, district) in TODO_PLACES.items():
        assert table[place_id]["name"] == name and table[place_id]["district_code"] == district
        assert table[place_id]["crs"] == "wgs84" and table[place_id]["source"].startswith("test:")
        assert places(project)[place_id]["gazetteer"] == place_id
    assert FALSE_CANDIDATE not in places(project)
    # The whole pipeline agrees: each place in its district.
    from storymap.pipeline import build_model

    model = build_model(project / "stories" / REGION, project / "geodata" / REGION)
    located = {p["id"]: p["district_code"] for p in model.places}
    assert {k: located[k] for k in TODO_PLACES} == {k: v[1] for k, v in TODO_PLACES.items()}


def test_each_save_keeps_the_previous_versions(project, labels):
    before_story, before_gazetteer = story_path(project).read_text("utf-8"), gazetteer_path(project).read_text("utf-8")
    lon, lat = labels["310104"]
    saved = edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs="wgs84",
                              precision="point", source="test")
    kept = saved.history
    assert kept.parent == project.resolve() / HISTORY_DIR
    assert (kept / "stories" / REGION / "draft.yaml").read_text("utf-8") == before_story
    assert (kept / "geodata" / REGION / "gazetteer.csv").read_text("utf-8") == before_gazetteer
    assert story_path(project).read_text("utf-8") != before_story
    # No temporary file is left beside the targets.
    assert not [p for p in project.rglob(".*.tmp")]


def test_placing_again_replaces_the_places_own_row(project, labels):
    lon, lat = labels["310104"]
    for precision in ("street", "point"):
        edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs="wgs84",
                          precision=precision, source=f"test {precision}")
    table = rows(project)
    assert list(table) == ["waitan", "mo-su-kongjian"]
    assert table["mo-su-kongjian"]["precision"] == "point" and table["mo-su-kongjian"]["source"] == "test point"


@pytest.mark.parametrize("crs, forward", [("gcj02", coords.wgs84_to_gcj02), ("bd09", coords.wgs84_to_bd09)])
def test_chinese_web_map_coordinates_are_stored_as_wgs84(project, labels, crs, forward):
    lon, lat = labels["310106"]
    given = forward(lon, lat)
    edits.place_point(project, REGION, STORY_ID, "tan-jia-qiao-lu-xiaoqu", lon=given[0], lat=given[1], crs=crs,
                      precision="point", source="test")
    row = rows(project)["tan-jia-qiao-lu-xiaoqu"]
    assert row["crs"] == "wgs84" and (float(row["lon"]), float(row["lat"])) == (
        pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))
    assert row["note"].startswith("converted from") and f"{given[0]}, {given[1]}" in row["note"]


@pytest.mark.parametrize("lon, lat, crs, precision, source, reason", [
    (math.nan, 31.2, "wgs84", "point", "s", "lon is nan; expected a finite number"),
    ("NaN", 31.2, "wgs84", "point", "s", "lon is 'NaN'; expected a finite number"),
    (121.4, math.inf, "wgs84", "point", "s", "lat is inf; expected a finite number"),
    (221.4, 31.2, "wgs84", "point", "s", "outside China"),
    (31.2, 121.4, "wgs84", "point", "s", "look swapped"),
    (120.15, 30.28, "wgs84", "point", "s", "outside every district of"),  # 杭州: in China, not in Shanghai
    ("x", 31.2, "wgs84", "point", "s", "lon is 'x'; expected a number"),
    (None, 31.2, "wgs84", "point", "s", "lon is None"),
    (121.4, 31.2, "epsg3857", "point", "s", "crs is 'epsg3857'; expected one of wgs84, gcj02, bd09"),
    (121.4, 31.2, "wgs84", "exact", "s", "precision is 'exact'"),
    (121.4, 31.2, "wgs84", "point", "  ", "source is empty"),
])
def test_bad_points_are_refused_with_the_reason_and_change_no_file(project, lon, lat, crs, precision, source, reason):
    before = snapshot(project)
    with pytest.raises(StorymapError, match=reason.replace("(", r"\(").replace(".", r"\.")):
        edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs=crs,
                          precision=precision, source=source)
    after = snapshot(project)
    assert {p: b for p, b in after.items() if HISTORY_DIR not in p.parts} == before


def test_concurrent_saves_lose_nothing(project, labels):
    """Saves from many threads at once: every one of them is in the files afterwards."""
    names = {place_id: f"Place {n}" for n, place_id in enumerate(places(project))}
    jobs = [lambda pid=pid, name=name: edits.update(project, REGION, STORY_ID, pid, {"name_en": name})
            for pid, name in names.items()]
    for place_id, (_, district) in TODO_PLACES.items():
        lon, lat = labels[district]
        jobs.append(lambda pid=place_id, lon=lon, lat=lat: edits.place_point(
            project, REGION, STORY_ID, pid, lon=lon, lat=lat, crs="wgs84", precision="street", source="t"))
    errors = []
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        try:
            job()
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    final = places(project)
    assert {pid: final[pid].get("name_en") for pid in names} == names
    assert all(final[pid]["gazetteer"] == pid for pid in TODO_PLACES)
    assert set(rows(project)) == {"waitan", *TODO_PLACES}
    assert len([p for p in (project / HISTORY_DIR).iterdir() if p.is_dir()]) == len(jobs)  # one folder per save


def test_region_and_story_names_cannot_leave_the_project(project):
    for region, story in [("..", STORY_ID), ("../..", "etc"), (REGION, "../../secret"), ("shanghai/..", STORY_ID)]:
        with pytest.raises(scan.UnknownItem):
            edits.reject(project, region, story, FALSE_CANDIDATE)


def test_a_story_file_linked_from_outside_is_not_edited(project, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(story_path(project).read_text("utf-8").replace(STORY_ID, "linked-story"), "utf-8")
    os.symlink(outside, project / "stories" / REGION / "linked.yaml")
    before = outside.read_bytes()
    with pytest.raises(scan.UnknownItem):
        edits.reject(project, REGION, "linked-story", FALSE_CANDIDATE)
    assert outside.read_bytes() == before


def test_a_gazetteer_outside_the_project_is_refused(project, tmp_path, labels):
    manifest = project / "geodata" / REGION / "manifest.json"
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(gazetteer_path(project).read_text("utf-8"), "utf-8")
    manifest.write_text(manifest.read_text("utf-8").replace('"gazetteer": "gazetteer.csv"',
                                                            f'"gazetteer": "{os.path.relpath(outside, manifest.parent)}"'),
                        "utf-8")
    assert str(outside.name) in manifest.read_text("utf-8")
    before = outside.read_bytes()
    lon, lat = labels["310104"]
    # The region loader refuses such a manifest already; the desk's own check stands behind it.
    with pytest.raises(StorymapError, match="inside"):
        edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs="wgs84",
                          precision="point", source="t")
    assert outside.read_bytes() == before


def test_write_with_history_refuses_paths_outside(project, tmp_path):
    with pytest.raises(OutsideProject):
        write_with_history(project, {tmp_path / "escape.txt": "x"})
    assert not (tmp_path / "escape.txt").exists()


class _FailingOs:
    """Stands in for the ``os`` module of storymap.fileio: the Nth call of ``fail`` raises (a full disk, say)."""

    def __init__(self, fail: str, on: int):
        self.fail, self.on, self.calls = fail, on, 0

    def __getattr__(self, name):
        real = getattr(os, name)
        if name != self.fail:
            return real

        def call(*args, **kwargs):
            self.calls += 1
            if self.calls == self.on:
                raise OSError(errno.ENOSPC, "No space left on device", str(args[-1]))
            return real(*args, **kwargs)

        return call


@pytest.mark.parametrize("fail, on", [("fdopen", 2), ("replace", 2)], ids=["staging-second-file", "second-rename"])
@pytest.mark.parametrize("gazetteer_exists", [True, False], ids=["gazetteer", "no-gazetteer-yet"])
def test_a_save_that_fails_part_way_changes_no_file(project, labels, monkeypatch, fail, on, gazetteer_exists):
    """A point writes the story and the gazetteer: if the second cannot be written, the first is put back."""
    import storymap.fileio

    if not gazetteer_exists:
        gazetteer_path(project).unlink()
    before = {p: b for p, b in snapshot(project).items() if HISTORY_DIR not in p.parts}
    monkeypatch.setattr(storymap.fileio, "os", _FailingOs(fail, on))
    lon, lat = labels["310104"]
    with pytest.raises(StorymapError, match="No space left on device.*nothing was changed"):
        edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs="wgs84",
                          precision="point", source="test")
    after = {p: b for p, b in snapshot(project).items() if HISTORY_DIR not in p.parts}
    assert after == before


def test_a_new_file_is_taken_away_again_when_a_later_one_fails(project, monkeypatch):
    import storymap.fileio

    new, old = project / "stories" / REGION / "new.txt", story_path(project)
    before = old.read_bytes()
    monkeypatch.setattr(storymap.fileio, "os", _FailingOs("replace", 2))
    with pytest.raises(StorymapError, match="nothing was changed"):
        write_with_history(project, {new: "new\n", old: "changed\n"})
    assert not new.exists() and old.read_bytes() == before


def test_a_point_in_another_district_than_the_draft_said_is_reported(project, labels):
    """The draft put 模速空间 in 徐汇区 (from the text); the editor's point is in 静安区: the save says so."""
    lon, lat = labels["310106"]
    saved = edits.place_point(project, REGION, STORY_ID, "mo-su-kongjian", lon=lon, lat=lat, crs="wgs84",
                              precision="point", source="test")
    assert saved.point["district"]["code"] == "310106" and saved.point["story_district"] == "310104"
    assert "in 静安区 (310106) (the story said 310104)" in saved.message
    assert places(project)["mo-su-kongjian"]["district"] == "310106"

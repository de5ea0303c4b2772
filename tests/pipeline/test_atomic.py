"""Nothing half-written: importer output and the geocode cache are replaced atomically.

A write is made to fail part-way (as on a full disk) by wrapping ``os.fdopen``
in storymap.fileio: the handle writes half its text, then raises ENOSPC.
"""

from __future__ import annotations

import errno
import json
import os

import pytest

import storymap.fileio
from storymap.errors import StorymapError
from storymap.geocode import GeocodeCache, Point

from ._helpers import assert_clean_error


class _HalfWriter:
    def __init__(self, handle):
        self._handle = handle

    def write(self, text):
        self._handle.write(text[: len(text) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()
        return False


class _DiskFillsUp:
    """Stands in for the ``os`` module in storymap.fileio; the Nth opened file fails mid-write."""

    def __init__(self, fail_on: int):
        self.fail_on = fail_on
        self.opened = 0

    def __getattr__(self, name):
        return getattr(os, name)

    def fdopen(self, fd, *args, **kwargs):
        self.opened += 1
        handle = os.fdopen(fd, *args, **kwargs)
        return _HalfWriter(handle) if self.opened == self.fail_on else handle


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fail_on", [1, 3, 4], ids=["first-file", "third-file", "last-file"])
def test_failed_import_leaves_existing_folder_unchanged(cli, story_copy, monkeypatch, fail_on):
    out = story_copy.geodata_dir
    # Make the old content recognisably different from what an import would write.
    (out / "districts.display.geojson").write_text('{"type": "FeatureCollection", "features": []}\n', "utf-8")
    before = snapshot(out)
    disk = _DiskFillsUp(fail_on)
    monkeypatch.setattr(storymap.fileio, "os", disk)
    result = cli("geodata", "import", "310000", "--out", out)
    assert disk.opened == fail_on  # the failure really was injected
    output = assert_clean_error(result)
    assert str(out) in output and "No space left on device" in output
    assert snapshot(out) == before  # same files, same bytes, no leftover temporary files


def test_successful_import_replaces_every_file(cli, story_copy):
    out = story_copy.geodata_dir
    (out / "districts.display.geojson").write_text('{"type": "FeatureCollection", "features": []}\n', "utf-8")
    result = cli("geodata", "import", "310000", "--out", out)
    assert result.exit_code == 0, result.output
    display = json.loads((out / "districts.display.geojson").read_text("utf-8"))
    assert len(display["features"]) == 16
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert (out / "gazetteer.csv").exists()  # files the importer does not own are left alone


def test_import_onto_a_regular_file_leaves_it_unchanged(cli, tmp_path):
    target = tmp_path / "districts"
    target.write_text("not a folder\n", "utf-8")
    result = cli("geodata", "import", "310000", "--out", target)
    assert result.exit_code != 0
    assert target.read_text("utf-8") == "not a folder\n"
    assert [p.name for p in tmp_path.iterdir()] == ["districts"]


def test_import_onto_a_regular_file_fails_cleanly(cli, tmp_path):
    target = tmp_path / "districts"
    target.write_text("not a folder\n", "utf-8")
    output = assert_clean_error(cli("geodata", "import", "310000", "--out", target))
    assert str(target) in output and "expected a writable folder" in output


POINT = Point(121.4737, 31.2304, "wgs84", "street", "stub geocoder")


def test_geocode_cache_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "geocode-cache.json"
    cache = GeocodeCache(path)
    cache.put("人民广场", POINT)
    cache.save()
    old = path.read_bytes()
    assert GeocodeCache(path).get("人民广场") == POINT

    cache.put("外滩", Point(121.4860, 31.2417, "gcj02", "street", "stub geocoder"))
    disk = _DiskFillsUp(1)
    monkeypatch.setattr(storymap.fileio, "os", disk)
    with pytest.raises(StorymapError, match="No space left on device"):
        cache.save()
    assert disk.opened == 1
    assert path.read_bytes() == old  # the old cache is intact and still readable
    assert GeocodeCache(path).get("外滩") is None
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_unreadable_geocode_cache_is_a_clean_error(tmp_path):
    from storymap.errors import InvalidInputError

    path = tmp_path / "geocode-cache.json"
    path.write_text('{"人民广场": {"lon": 121.4', "utf-8")
    with pytest.raises(InvalidInputError, match="unreadable geocode cache"):
        GeocodeCache(path)

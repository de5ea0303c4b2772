"""Rebuilds never stall the site: requests are answered from the last good model while one runs.

The slow and the exploding builds are injected through the ``MODEL_BUILDER``
setting (module-level functions: the rebuild runs them in a child process).
The slow build waits until the test releases it, so "answered while a rebuild
runs" is a fact the test arranges, not a timing it hopes for.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

import storymap
from storymap.pipeline import build_model

RELEASE_WAIT_SECONDS = 120.0
ORIGINAL_PHRASE = "初冬的上海,阳光透过梧桐叶"


def slow_build(stories_dir, geodata_dir):
    """The real build, once the file named by STORYMAP_TEST_RELEASE exists (the test creates it)."""
    release = os.environ.get("STORYMAP_TEST_RELEASE")
    deadline = time.monotonic() + RELEASE_WAIT_SECONDS
    while release and not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.02)
    return build_model(stories_dir, geodata_dir)


def hungry_build(stories_dir, geodata_dir):
    """A build that asks for far more memory than its budget."""
    if os.environ.get("STORYMAP_TEST_HUNGRY_BUILD") == "1":
        hoard = bytearray(2 * 1024**3)
        return hoard
    return build_model(stories_dir, geodata_dir)


def make_app(copy, **config):
    return storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(copy.stories_dir), "GEODATA_DIR": str(copy.geodata_dir),
        "RELOAD_CHECK_SECONDS": 0, **config,
    })


def sun_ayi_text(client) -> str:
    sections = client.get("/api/districts/310106").get_json()["sections"]
    return next(e["text"] for group in sections for e in group["excerpts"] if e["id"] == "renewal-sun-ayi")


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_requests_are_answered_from_the_last_good_model_while_a_slow_rebuild_runs(
        story_copy, make_client, monkeypatch, tmp_path):
    release = tmp_path / "release-the-build"
    app = make_app(story_copy, MODEL_BUILDER=slow_build)  # no release file set yet: start-up builds at once
    holder = app.extensions["storymap"]
    client = make_client(app)
    paths = ("/", "/api/districts/310106", "/?lang=en", "/api/districts.geojson")
    for path in paths:
        client.get(path)  # render and serialise once, as a running site has
    monkeypatch.setenv("STORYMAP_TEST_RELEASE", str(release))  # inherited by the rebuild's child process
    text = story_copy.story_file.read_text("utf-8")
    story_copy.story_file.write_text(text.replace(ORIGINAL_PHRASE, "重建中:" + ORIGINAL_PHRASE), "utf-8")

    client.get("/")  # notices nothing yet; starts the background check
    wait_for(lambda: holder.checks.lock.locked())
    for index in range(20):
        path = paths[index % len(paths)]
        assert client.get(path).status_code == 200, path
    # Every answer came while the build was still held back: none of them waited for it.
    assert not release.exists() and holder.checks.lock.locked()
    assert ORIGINAL_PHRASE in sun_ayi_text(client) and not sun_ayi_text(client).startswith("重建中")

    release.touch()
    wait_for(lambda: sun_ayi_text(client).startswith("重建中:"))
    assert holder.last_error is None


def test_a_build_over_its_memory_budget_is_stopped_and_the_site_keeps_serving(
        story_copy, make_client, monkeypatch):
    monkeypatch.setenv("STORYMAP_TEST_HUNGRY_BUILD", "0")
    app = make_app(story_copy, MODEL_BUILDER=hungry_build, REBUILD_MEMORY_MB=1024)
    client = make_client(app)
    original = sun_ayi_text(client)
    monkeypatch.setenv("STORYMAP_TEST_HUNGRY_BUILD", "1")
    story_copy.story_file.write_text(story_copy.story_file.read_text("utf-8") + "\n", "utf-8")
    app.extensions["storymap"].refresh()
    assert "memory budget of 1024 MB" in app.extensions["storymap"].last_error
    assert sun_ayi_text(client) == original


def test_a_build_over_its_time_budget_is_stopped(story_copy, make_client, monkeypatch, tmp_path):
    app = make_app(story_copy, MODEL_BUILDER=slow_build, REBUILD_TIMEOUT_SECONDS=0.5)
    client = make_client(app)
    original = sun_ayi_text(client)
    monkeypatch.setenv("STORYMAP_TEST_RELEASE", str(tmp_path / "never-created"))  # the build waits for ever
    story_copy.story_file.write_text(story_copy.story_file.read_text("utf-8") + "\n", "utf-8")
    app.extensions["storymap"].refresh()
    assert "longer than the budget of 0.5 s" in app.extensions["storymap"].last_error
    assert sun_ayi_text(client) == original


def test_an_edit_keeping_size_and_modification_time_is_noticed(story_copy, make_client):
    app = make_app(story_copy)
    client = make_client(app)
    path = story_copy.story_file
    before = path.stat()
    text = path.read_text("utf-8")
    changed = text.replace("初冬的上海", "初秋的上海", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    app.extensions["storymap"].refresh()
    assert sun_ayi_text(client).startswith("初秋的上海")


@pytest.mark.parametrize("check_seconds", [None])
def test_no_background_checks_when_reloading_is_off(story_copy, make_client, check_seconds):
    app = make_app(story_copy, RELOAD_CHECK_SECONDS=check_seconds)
    client = make_client(app)
    before = threading.active_count()
    for _ in range(5):
        client.get("/api/districts")
    assert threading.active_count() == before

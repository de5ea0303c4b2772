"""Built models kept between starts: used only for the same files and code, never when unsafe or broken."""

from __future__ import annotations

import logging
import os

import pytest

import storymap
from storymap import modelcache
from storymap.web import state

pytestmark = pytest.mark.skipif(os.name != "posix", reason="models are kept only where ownership can be checked")


@pytest.fixture
def builds(monkeypatch):
    """Every build of the pipeline, counted."""
    calls = []
    real = state.build_model

    def counting(stories_dir, geodata_dir):
        calls.append(stories_dir)
        return real(stories_dir, geodata_dir)

    monkeypatch.setattr(state, "build_model", counting)
    return calls


def start(copy, cache_dir, make_client):
    app = storymap.create_app({"TESTING": True, "STORIES_DIR": str(copy.stories_dir),
                               "GEODATA_DIR": str(copy.geodata_dir), "MODEL_CACHE_DIR": str(cache_dir)})
    return make_client(app)


def test_a_restart_on_the_same_files_reads_the_model_instead_of_building_it(story_copy, tmp_path, builds,
                                                                           make_client):
    cache_dir = tmp_path / "cache"
    first = start(story_copy, cache_dir, make_client).get("/api/stories").get_json()
    assert len(builds) == 1
    stored = list(cache_dir.glob("shanghai-*.pickle"))
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    assert start(story_copy, cache_dir, make_client).get("/api/stories").get_json() == first
    assert len(builds) == 1  # read back, not built

    story = story_copy.story_file
    story.write_text(story.read_text("utf-8").replace("初冬的上海", "初秋的上海", 1), "utf-8")
    changed = start(story_copy, cache_dir, make_client).get("/api/stories").get_json()
    assert len(builds) == 2 and changed != first  # other files, other key: built again


def test_other_code_is_another_key(story_copy, tmp_path, builds, make_client, monkeypatch):
    cache_dir = tmp_path / "cache"
    start(story_copy, cache_dir, make_client)
    monkeypatch.setattr(modelcache, "code_fingerprint", lambda: "another version of storymap")
    start(story_copy, cache_dir, make_client)
    assert len(builds) == 2


def test_an_unreadable_stored_model_is_ignored_and_built_again(story_copy, tmp_path, builds, make_client, caplog):
    cache_dir = tmp_path / "cache"
    start(story_copy, cache_dir, make_client)
    (stored,) = cache_dir.glob("shanghai-*.pickle")
    stored.write_bytes(b"\x80\x05 not a pickle")
    with caplog.at_level(logging.WARNING):
        client = start(story_copy, cache_dir, make_client)
    assert client.get("/").status_code == 200 and len(builds) == 2
    assert f"ignoring the stored model {stored}" in caplog.text


def test_a_directory_others_can_write_is_never_read(story_copy, tmp_path, builds, make_client, caplog):
    cache_dir = tmp_path / "cache"
    start(story_copy, cache_dir, make_client)
    cache_dir.chmod(0o777)
    with caplog.at_level(logging.WARNING):
        start(story_copy, cache_dir, make_client)
    assert len(builds) == 2
    assert f"not using stored models in {cache_dir}" in caplog.text


def test_tests_and_injected_builders_keep_nothing(story_copy, make_client):
    app = storymap.create_app({"TESTING": True, "STORIES_DIR": str(story_copy.stories_dir),
                               "GEODATA_DIR": str(story_copy.geodata_dir)})
    assert app.config["MODEL_CACHE_DIR"] is None and app.extensions["storymap"].cache is None


def test_without_a_home_directory_nothing_is_kept(monkeypatch):
    monkeypatch.delenv("STORYMAP_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(modelcache.Path, "home", staticmethod(no_home))
    assert modelcache.default_cache_dir() is None

"""Fixtures shared by every test package (pipeline, web, browser).

Keep this file generic: paths to the bundled data, a writable copy of it, a
CLI runner and the story model built from the bundled data. Helpers that only
one test package needs live in that package's own conftest.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.reference import SHANGHAI_DISTRICTS, STORY_RELPATH

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_model_cache(tmp_path_factory):
    """Servers the tests start keep their built models in a test folder, never in the user's cache."""
    os.environ["STORYMAP_CACHE_DIR"] = str(tmp_path_factory.mktemp("model-cache"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def bundled_stories_dir(repo_root) -> Path:
    """``stories/``: every story file, searched recursively by the pipeline."""
    return repo_root / "stories"


@pytest.fixture(scope="session")
def bundled_geodata_dir(repo_root) -> Path:
    """``geodata/shanghai/``: district polygons, manifest and gazetteer."""
    return repo_root / "geodata" / "shanghai"


@pytest.fixture(scope="session")
def bundled_model(bundled_stories_dir, bundled_geodata_dir):
    """The story model built once from the bundled data. Read it; never mutate it."""
    from storymap.pipeline import build_model

    return build_model(bundled_stories_dir, bundled_geodata_dir)


@dataclass(frozen=True)
class DataCopy:
    """A private copy of the bundled stories and Shanghai geodata under tmp_path."""

    root: Path
    stories_dir: Path
    geodata_dir: Path

    @property
    def story_file(self) -> Path:
        """The Shanghai story (the one bundled story file)."""
        return self.stories_dir / "shanghai" / "people-city-shanghai.yaml"

    @property
    def gazetteer(self) -> Path:
        return self.geodata_dir / "gazetteer.csv"

    @property
    def args(self) -> list[str]:
        """``--stories DIR --geodata DIR`` for a CLI command reading this copy."""
        return ["--stories", str(self.stories_dir), "--geodata", str(self.geodata_dir)]


@pytest.fixture
def story_copy(tmp_path, bundled_stories_dir, bundled_geodata_dir) -> DataCopy:
    """Copy ``stories/`` and ``geodata/shanghai/`` into tmp_path, so a test can break files."""
    stories = tmp_path / "stories"
    geodata = tmp_path / "geodata" / "shanghai"
    shutil.copytree(bundled_stories_dir, stories, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(bundled_geodata_dir, geodata)
    return DataCopy(tmp_path, stories, geodata)


@pytest.fixture
def cli():
    """Invoke the ``storymap`` command in-process: ``cli("validate", "--stories", d)``.

    Returns click's Result. Exceptions are caught (``result.exception``), so a
    crash shows up as a non-SystemExit exception rather than as output text.
    """
    from storymap.cli import main

    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(main, [str(a) for a in args], **kwargs)

    return invoke


@pytest.fixture(scope="session")
def official_districts() -> dict[str, tuple[str, str]]:
    """adcode -> (Chinese name, English name) of Shanghai's 16 districts."""
    return dict(SHANGHAI_DISTRICTS)


@pytest.fixture(scope="session")
def story_file(bundled_stories_dir) -> Path:
    return bundled_stories_dir.joinpath(*STORY_RELPATH)


@pytest.fixture(scope="session")
def story(story_file) -> dict:
    """The bundled story file as plain data (PyYAML; independent of storymap's reader)."""
    return yaml.safe_load(story_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def excerpts_by_id(story) -> dict:
    return {e["id"]: e for e in story["excerpts"]}


@pytest.fixture(scope="session")
def places_by_id(story) -> dict:
    return {p["id"]: p for p in story["places"]}


@pytest.fixture(scope="session")
def expected_tour(story) -> list[str]:
    """Story points in the order their first excerpt appears in the article."""
    first = {}
    for index, excerpt in enumerate(story["excerpts"]):
        if "place" in excerpt:  # city-wide passages have none
            first.setdefault(excerpt["place"], index)
    story_points = [p["id"] for p in story["places"] if p["role"] == "story" and p["id"] in first]
    return sorted(story_points, key=first.__getitem__)

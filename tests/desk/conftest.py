"""Fixtures for the map desk's pure logic: a fresh draft project folder per test."""

from __future__ import annotations

import pytest

from .draft_project import make_project


@pytest.fixture
def project(tmp_path, repo_root):
    """A project folder (stories/shanghai/draft.yaml, geodata/shanghai/) under tmp_path."""
    return make_project(tmp_path / "project", repo_root)

"""Where the bundled data lives: in the source tree, or inside the installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent.parent  # src/storymap -> repository root


def bundled_path(name: str) -> Path:
    """Path of a bundled top-level folder: 'geodata', 'stories' or 'templates'.

    A wheel carries them under ``storymap/bundled/`` (hatchling force-include);
    a source checkout or editable install reads them from the repository root.
    """
    installed = _PACKAGE_DIR / "bundled" / name
    if installed.is_dir():
        return installed
    return _SOURCE_ROOT / name


def default_geodata_dir() -> Path:
    return bundled_path("geodata") / "shanghai"


def default_stories_dir() -> Path:
    return bundled_path("stories")


def configured_region_dirs() -> tuple[Path, Path]:
    """(stories, geodata) of a one-region app: ``STORYMAP_STORIES_DIR``, ``STORYMAP_GEODATA_DIR``, else bundled."""
    return (Path(os.environ.get("STORYMAP_STORIES_DIR") or default_stories_dir()),
            Path(os.environ.get("STORYMAP_GEODATA_DIR") or default_geodata_dir()))


def configured_series_roots() -> tuple[Path, Path]:
    """(geodata root, stories root) of the series site: ``STORYMAP_GEODATA_ROOT``, ``STORYMAP_STORIES_ROOT``, else
    bundled."""
    return (Path(os.environ.get("STORYMAP_GEODATA_ROOT") or bundled_path("geodata")),
            Path(os.environ.get("STORYMAP_STORIES_ROOT") or default_stories_dir()))

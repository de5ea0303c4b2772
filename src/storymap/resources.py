"""Where the bundled data lives: in the source tree, or inside the installed wheel.

The bundled data is the example project (see :mod:`storymap.project`); a newsroom's own
project folder is found by :func:`storymap.project.resolve_project`.
"""

from __future__ import annotations

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

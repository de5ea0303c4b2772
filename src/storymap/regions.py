"""The regions of the series: ``stories/<region>/`` beside ``geodata/<region>/``.

A region is a folder written by ``storymap geodata import`` (it has a
manifest.json) with a folder of story files of the same name. ``validate`` and
the server read every region present; each gets its own story model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInputError, Problem
from .model import StoryModel
from .pipeline import build_model


@dataclass(frozen=True)
class Region:
    name: str  # the folder name, also the region's path on the site (/shanghai/)
    geodata_dir: Path
    stories_dir: Path


def discover_regions(geodata_root: Path, stories_root: Path) -> list[Region]:
    """Every region that has both geodata and stories, in name order.

    Raises
    ------
    InvalidInputError
        A story folder without the geodata of its region, or no region at all.
    """
    geodata_root, stories_root = Path(geodata_root), Path(stories_root)
    regions, problems = [], []
    story_folders = sorted(p for p in stories_root.iterdir() if p.is_dir()) if stories_root.is_dir() else []
    for folder in story_folders:
        geodata_dir = geodata_root / folder.name
        if (geodata_dir / "manifest.json").is_file():
            regions.append(Region(folder.name, geodata_dir, folder))
        else:
            problems.append(Problem(
                folder, None, f"story folder for region {folder.name!r} but no {geodata_dir}/manifest.json; "
                f"expected the region's polygons: storymap geodata import ADCODE --out {geodata_dir}",
            ))
    if not regions and not problems:
        problems.append(Problem(stories_root, None, f"no region found; expected stories/<region>/ beside "
                                                    f"{geodata_root}/<region>/"))
    if problems:
        raise InvalidInputError(problems)
    return regions


def build_region_models(regions: list[Region], **options) -> dict[str, StoryModel]:
    """One story model per region; every problem of every region is reported together."""
    models, problems = {}, []
    for region in regions:
        try:
            models[region.name] = build_model(region.stories_dir, region.geodata_dir, **options)
        except InvalidInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInputError(problems)
    return models

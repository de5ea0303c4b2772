"""The regions of the series: ``stories/<region>/`` beside ``geodata/<region>/``.

A region is a folder written by ``storymap geodata import`` (it has a
manifest.json) with a folder of story files of the same name. ``validate`` and
the server read every region present; each gets its own story model.
"""

from __future__ import annotations

from .errors import InvalidInputError
from .model import StoryModel
from .pipeline import build_model
from .project import Region


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

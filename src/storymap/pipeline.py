"""stories + geodata -> validate -> geocode -> spatial join -> story model."""

from __future__ import annotations

from pathlib import Path

from .errors import InvalidInputError, Problem
from .gazetteer import load_gazetteer
from .gcpause import cycle_collection_paused
from .geocode import GeocodeCache, OnlineGeocoder, geocode_places
from .geodata import load_geodata
from .indicators import Indicators, load_indicators
from .join import gazetteer_problems, join_places
from .model import StoryModel, assemble_model
from .stories import Story, load_stories


def build_model(
    stories_dir: Path,
    geodata_dir: Path,
    cache_path: Path | None = None,
    online: OnlineGeocoder | None = None,
) -> StoryModel:
    """Run the whole pipeline on the given folders.

    Parameters
    ----------
    stories_dir : Path
        Folder of story files (searched recursively for ``*.yaml``).
    geodata_dir : Path
        A region folder written by ``storymap geodata import`` plus its gazetteer.
    cache_path : Path, optional
        JSON file of earlier online geocoder answers.
    online : OnlineGeocoder, optional
        Asked only for places that neither the story nor the gazetteer locate.

    Raises
    ------
    InvalidInputError
        Every problem found, each naming its file and line.
    """
    with cycle_collection_paused():  # a build makes long-lived objects and no cycles
        return _build(stories_dir, geodata_dir, cache_path, online)


def _build(stories_dir: Path, geodata_dir: Path, cache_path: Path | None, online: OnlineGeocoder | None) -> StoryModel:
    problems: list[Problem] = []

    def checked(stage, *args):
        """Run a stage; note its problems and go on with what it could read."""
        try:
            return stage(*args)
        except InvalidInputError as exc:
            problems.extend(exc.problems)
            if exc.partial is None:
                raise InvalidInputError(problems) from exc
            return exc.partial

    geodata = load_geodata(geodata_dir)
    try:
        indicators = load_indicators(geodata.directory, {d.code for d in geodata.districts})
    except InvalidInputError as exc:  # noted; the stories are still checked in the same run
        problems.extend(exc.problems)
        indicators = Indicators()
    gazetteer = checked(load_gazetteer, geodata.gazetteer_path)
    problems.extend(gazetteer_problems(gazetteer, geodata))
    stories = checked(load_stories, stories_dir)
    problems.extend(_region_problems(stories, geodata))
    cache = GeocodeCache(cache_path) if cache_path else None
    places = [place for story in stories for place in story.places]
    geocoded = checked(geocode_places, places, gazetteer, cache, online, geodata.region_name_zh)
    joined = checked(join_places, geocoded, geodata)
    if problems:
        raise InvalidInputError(problems)
    return assemble_model(stories, joined, geodata, indicators)


def _region_problems(stories: list[Story], geodata) -> list[Problem]:
    """Stories for another region, and district-wide figures naming no district of this one."""
    problems = [
        Problem(s.file, None, f"field 'city' is {s.city}; the geodata is for region {geodata.region_code}")
        for s in stories if s.city and s.city != geodata.region_code
    ]
    problems += [
        Problem(s.file, f.district_line,
                f"fact {f.id!r}: field 'district' is {f.district}; expected an adcode of {geodata.region_name_zh}")
        for s in stories for f in s.facts if f.district and geodata.district(f.district) is None
    ]
    return problems

"""The project as the desk sees it: regions, story files, each place's state, what is left to do.

A place is located *exactly* (a point or a street), *approximately* (a
subdistrict or a whole district) or not at all (*todo*), by its own
coordinates, its gazetteer row, or a gazetteer row of its name, as the
pipeline's geocoder finds it. The problems are those of ``storymap validate``
(the same pipeline), the English gaps its warnings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import coords
from ..errors import InvalidInputError, StorymapError
from ..gazetteer import Gazetteer, load_gazetteer
from ..geodata import Geodata, load_geodata
from ..join import district_codes
from ..project import Project, Region
from ..yamlfile import read_yaml
from . import storyfile
from .files import OutsideProject, inside

EXACT = ("point", "street")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
EVIDENCE_LIMIT = 5


class UnknownItem(StorymapError):
    """A region, story or place the project does not have (the web layer answers 404)."""


@dataclass(frozen=True)
class StoryRef:
    region: Region
    story_id: str
    path: Path

    @property
    def gazetteer_path(self) -> Path:
        return region_geodata(self.region).gazetteer_path


def project_regions(root: Path) -> list[Region]:
    """The project's regions (``stories/<region>/`` beside ``geodata/<region>/``); none is an empty list."""
    project = Project.at(Path(root).resolve())
    try:
        return project.regions()
    except InvalidInputError:  # a story folder without geodata, say: the others are still editable
        stories = project.stories_root
        found = sorted(p.name for p in stories.iterdir() if p.is_dir()) if stories.is_dir() else []
        return [Region(name, project.geodata_root / name, stories / name) for name in found
                if (project.geodata_root / name / "manifest.json").is_file()]


def story_refs(root: Path, region: Region) -> list[StoryRef]:
    """The region's story files the desk may edit: a link to a file outside the project is not one of them."""
    refs = []
    for path in sorted(region.stories_dir.rglob("*.y*ml")):
        try:
            inside(root, path)
            data = read_yaml(path)
        except (InvalidInputError, OutsideProject):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            refs.append(StoryRef(region, data["id"], inside(root, path)))
    return refs


def find_story(root: Path, region_name: str, story_id: str) -> StoryRef:
    """The story file of ``story_id`` in region ``region_name``, checked to lie inside the project."""
    regions = {r.name: r for r in project_regions(root)}
    if region_name not in regions:
        raise UnknownItem(f"no region {region_name!r} in {root}; expected one of {', '.join(regions) or 'none'}")
    refs = {ref.story_id: ref for ref in story_refs(root, regions[region_name])}
    if story_id not in refs:
        raise UnknownItem(f"no story {story_id!r} in region {region_name!r}; expected one of {', '.join(refs) or 'none'}")
    ref = refs[story_id]
    inside(root, ref.gazetteer_path)
    return ref


def region_geodata(region: Region) -> Geodata:
    full = region.geodata_dir / "districts.full.geojson"
    stamp = full.stat().st_mtime_ns if full.exists() else 0
    return _geodata(str(region.geodata_dir.resolve()), stamp)


@functools.lru_cache(maxsize=8)
def _geodata(directory: str, _stamp: int) -> Geodata:
    """Polygons change only when a region is imported again: loaded once per file version."""
    try:
        return load_geodata(Path(directory))
    except InvalidInputError as exc:
        raise StorymapError(str(exc.problems[0])) from exc


def region_gazetteer(region: Region) -> Gazetteer:
    try:
        return load_gazetteer(region_geodata(region).gazetteer_path)
    except InvalidInputError as exc:  # a bad row elsewhere: show what could be read
        return exc.partial or Gazetteer([])


@dataclass(frozen=True)
class Checks:
    """What ``storymap validate`` says about one region."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def for_file(self, path: Path) -> "Checks":
        prefix = str(path)
        return Checks(tuple(p for p in self.problems if p.startswith(prefix)),
                      tuple(w for w in self.warnings if w.startswith(prefix)))

    def as_json(self, root: Path | None = None) -> dict:
        """The verdict as JSON; with ``root``, file names relative to the project folder."""
        prefix = f"{Path(root).resolve()}/" if root else ""

        def short(text: str) -> str:
            return text[len(prefix):] if prefix and text.startswith(prefix) else text

        return {"ok": self.ok, "problems": [short(p) for p in self.problems],
                "warnings": [short(w) for w in self.warnings]}


def check_region(region: Region) -> Checks:
    """Run the region through the pipeline, as ``storymap validate`` does."""
    from ..pipeline import build_model
    from ..stories import load_stories

    try:
        build_model(region.stories_dir, region.geodata_dir)
        problems = ()
    except InvalidInputError as exc:
        problems = tuple(str(p) for p in exc.problems)
    # The gaps validate warns about, of every story that could be read even when the region has problems.
    try:
        stories = load_stories(region.stories_dir)
    except InvalidInputError as exc:
        stories = exc.partial or []
    return Checks(problems, tuple(str(gap) for story in stories for gap in story.english_gaps))


def load_story(ref: StoryRef):
    """The story file as round-trip data (its comments say which places the editor accepted)."""
    return storyfile.load(ref.path.read_text("utf-8"))


def places_of(data, gazetteer: Gazetteer, geodata: Geodata) -> list[dict]:
    """Each place of a story (round-trip data) with its state, point, districts, evidence, whether accepted,
    and whether it is a draft's candidate still to be accepted."""
    accepted, candidates = storyfile.checked(data), storyfile.unchecked(data)
    rows = []
    for place in data.get("places") or []:
        if not isinstance(place, dict):
            continue
        rows.append({**_place_row(place, gazetteer, geodata), "accepted": place.get("id") in accepted,
                     "candidate": place.get("id") in candidates})
    joined = district_codes([r["lon"] if r["lon"] is not None else 0.0 for r in rows],
                            [r["lat"] if r["lat"] is not None else 0.0 for r in rows], geodata)
    passages = _passages(data)
    for row, code in zip(rows, joined):
        row["joined_district"] = _district_json(geodata, code) if row["lon"] is not None else None
        row["evidence"] = evidence(row["name"], passages)
    return rows


def _place_row(place: dict, gazetteer: Gazetteer, geodata: Geodata) -> dict:
    name = str(place.get("name") or "")
    row = {"id": str(place.get("id")), "name": name, "name_en": place.get("name_en"),
           "role": place.get("role"), "status": "todo", "precision": None, "located_by": None,
           "gazetteer": place.get("gazetteer"), "lon": None, "lat": None, "source": None,
           "district": _district_json(geodata, str(place["district"])) if place.get("district") else None}
    entry = gazetteer.by_id(str(place["gazetteer"])) if place.get("gazetteer") else gazetteer.by_name(name)
    try:
        if "lon" in place and "lat" in place:
            lon, lat = coords.to_wgs84(float(place["lon"]), float(place["lat"]), str(place.get("crs", coords.WGS84)))
            row.update(lon=lon, lat=lat, precision=place.get("precision"), source=place.get("source"),
                       located_by="story")
        elif entry is not None:
            row.update(lon=entry.lon, lat=entry.lat, precision=entry.precision, source=entry.source,
                       located_by="gazetteer", gazetteer=entry.id)
    except (TypeError, ValueError):  # a broken point is validate's to report; here it is to do
        pass
    if row["lon"] is not None:
        row["status"] = "exact" if row["precision"] in EXACT else "approximate"
    return row


def _district_json(geodata: Geodata, code: str | None) -> dict | None:
    district = geodata.district(code) if code else None
    if district is None:
        return {"code": code, "name_zh": None, "name_en": None} if code else None
    return {"code": district.code, "name_zh": district.name_zh, "name_en": district.name_en}


def _passages(data) -> list[str]:
    texts = [str(e.get("text") or "") for e in data.get("excerpts") or [] if isinstance(e, dict)]
    texts += [str(p.get("caption") or "") for p in data.get("photos") or [] if isinstance(p, dict)]
    return texts


def evidence(name: str, passages: list[str]) -> list[str]:
    """The sentences of the story that name the place (the first few, each once)."""
    found: list[str] = []
    for text in passages:
        for sentence in SENTENCE_END.split(text):
            sentence = sentence.strip()
            if name and name in sentence and sentence not in found:
                found.append(sentence)
                if len(found) == EVIDENCE_LIMIT:
                    return found
    return found


def highlighted(text: str, names: dict[str, str]) -> list[list]:
    """``text`` cut into [piece, place id or None]: every occurrence of a place name marked, longest first."""
    if not names:
        return [[text, None]]
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n))
    segments, at = [], 0
    for match in pattern.finditer(text):
        if match.start() > at:
            segments.append([text[at:match.start()], None])
        segments.append([match.group(), names[match.group()]])
        at = match.end()
    if at < len(text):
        segments.append([text[at:], None])
    return segments


def source_text(root: Path, ref: StoryRef, data) -> str:
    """The raw page text the story was drafted from (``source.file``), else its passages."""
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    name = source.get("file")
    if isinstance(name, str) and name:
        try:
            path = inside(root, ref.path.parent / name)
            return path.read_text("utf-8")
        except (StorymapError, OSError, UnicodeDecodeError):
            pass
    return "\n\n".join(_passages(data))


def story_summary(ref: StoryRef, data, gazetteer: Gazetteer, geodata: Geodata, checks: Checks) -> dict:
    """One line of the desk's index: the story's counts."""
    places = places_of(data, gazetteer, geodata)
    own = checks.for_file(ref.path)
    return {
        "region": ref.region.name, "story_id": ref.story_id, "title": str(data.get("title") or ref.story_id),
        "file": ref.path.name,
        "exact": sum(p["status"] == "exact" for p in places),
        "approximate": sum(p["status"] == "approximate" for p in places),
        "todo": sum(p["status"] == "todo" for p in places),
        "unchecked": sum(p["candidate"] for p in places),
        "problems": len(own.problems), "english_missing": len(own.warnings),
    }


def project_summary(root: Path) -> list[dict]:
    """Every region with its story files and their counts."""
    regions = []
    for region in project_regions(root):
        geodata = region_geodata(region)
        gazetteer = region_gazetteer(region)
        checks = check_region(region)
        stories, listed = [], []
        for ref in story_refs(root, region):
            try:
                stories.append(story_summary(ref, load_story(ref), gazetteer, geodata, checks))
                listed.append(str(ref.path))
            except StorymapError:  # not a story the desk can edit: its problems are listed with the region's
                continue
        # What validate finds outside the listed stories (a broken file, the gazetteer, geodata) is shown too.
        others = Checks(tuple(p for p in checks.problems if not p.startswith(tuple(listed))), ())
        regions.append({"name": region.name, "name_zh": geodata.region_name_zh, "name_en": geodata.region_name_en,
                        "ok": checks.ok, "problems": len(checks.problems), "stories": stories,
                        "other_problems": others.as_json(root)["problems"]})
    return regions

"""Each save of the desk: check the input, edit, write atomically with history, run validate's checks.

Every recipe holds the project's lock from reading the files to writing them,
so concurrent saves serialise; a bad input raises StorymapError before any
file is touched. A point is stored as a gazetteer row written by the same
checks as ``storymap gazetteer add`` (:func:`storymap.ingest.gazetteer_add.build_row`),
and the story's place then names that row.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from .. import coords
from ..checks import PRECISIONS, Checker
from ..errors import OutsideDistrictsError, StorymapError
from ..gazetteer import COLUMNS, Gazetteer
from ..ingest.gazetteer_add import build_row
from ..ingest.ids import slug
from . import storyfile
from .files import project_lock, write_with_history
from .scan import (Checks, StoryRef, UnknownItem, check_region, find_story, project_regions, region_gazetteer,
                   region_geodata)

INPUT_CRS = (*coords.CRS_NAMES, coords.BD09)


@dataclass(frozen=True)
class Saved:
    """What a save did: its message, the history folder of the previous versions, validate's verdict.

    ``point`` is the stored point of a place (what the message says, as data the page words in its language).
    """

    message: str
    history: Path | None
    checks: Checks
    point: dict | None = None

    def as_json(self, root: Path) -> dict:
        return {"message": self.message, "point": self.point,
                "history": str(self.history.relative_to(Path(root).resolve())) if self.history else None,
                "checks": self.checks.as_json(root)}


def number(value, field: str) -> float:
    """A finite number from JSON (a number or a numeric string); anything else is a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise StorymapError(f"{field} is {value!r}; expected a number of degrees")
    try:
        result = float(value)
    except ValueError:
        raise StorymapError(f"{field} is {value!r}; expected a number of degrees") from None
    if not math.isfinite(result):
        raise StorymapError(f"{field} is {value!r}; expected a finite number of degrees")
    return result


def to_input_crs(lon: float, lat: float, crs: str) -> tuple[float, float, str, str]:
    """(lon, lat, crs) the gazetteer check takes, and a note: BD-09 becomes WGS-84 here, exactly."""
    if crs not in INPUT_CRS:
        raise StorymapError(f"crs is {crs!r}; expected one of {', '.join(INPUT_CRS)}")
    if crs == coords.BD09:
        w_lon, w_lat = coords.bd09_to_wgs84(lon, lat)
        return w_lon, w_lat, coords.WGS84, f"converted from BD-09 {lon}, {lat} by storymap edit"
    return lon, lat, crs, ""


def locate(root: Path, region_name: str, lon, lat, crs: str) -> dict:
    """The district a point falls in (what a save would store), or StorymapError saying why not."""
    regions = {r.name: r for r in project_regions(root)}
    if region_name not in regions:
        raise UnknownItem(f"no region {region_name!r}; expected one of {', '.join(regions) or 'none'}")
    geodata = region_geodata(regions[region_name])
    lon, lat = number(lon, "lon"), number(lat, "lat")
    district, w_lon, w_lat = _district_of(geodata, *to_input_crs(lon, lat, crs)[:3])
    return {"district": {"code": district.code, "name_zh": district.name_zh, "name_en": district.name_en},
            "lon": round(w_lon, 7), "lat": round(w_lat, 7)}


def _district_of(geodata, lon: float, lat: float, crs: str):
    """(district, WGS-84 lon, lat) of a point in ``crs``; StorymapError saying why not (in the desk's words)."""
    check = Checker("lon/lat")
    if not check.lon_lat(lon, lat, None):
        raise StorymapError(check.problems[0].message)
    try:
        return geodata.locate(lon, lat, crs)
    except OutsideDistrictsError as exc:
        raise StorymapError(f"{exc}; expected a point inside {geodata.region_name_zh}") from exc


def place_point(root: Path, region: str, story_id: str, place_id: str, *, lon, lat, crs: str,
                precision: str, source: str) -> Saved:
    """Store a point for a place: a gazetteer row (new, or its own row replaced) and the story naming it."""
    lon, lat = number(lon, "lon"), number(lat, "lat")
    if precision not in PRECISIONS:
        raise StorymapError(f"precision is {precision!r}; expected one of {', '.join(PRECISIONS)}")
    if not isinstance(source, str) or not source.strip():
        raise StorymapError("source is empty; expected where the coordinate came from (a map, a survey, a URL)")
    in_lon, in_lat, in_crs, note = to_input_crs(lon, lat, crs)
    with project_lock(root):
        ref = find_story(root, region, story_id)
        text = ref.path.read_text("utf-8")
        data = storyfile.load(text)
        place = storyfile.find_place(data, place_id)
        before = str(place.get("district") or "") or None  # the district the draft gave (the save replaces it)
        geodata = region_geodata(ref.region)
        _district_of(geodata, in_lon, in_lat, in_crs)  # refused here in the desk's words, before the row is built
        gazetteer = region_gazetteer(ref.region)
        name = str(place.get("name") or place_id)
        own = gazetteer.by_id(str(place["gazetteer"])) if place.get("gazetteer") else gazetteer.by_name(name)
        others = Gazetteer([e for e in gazetteer.entries if own is None or e.id != own.id])
        row = build_row(geodata, others, name, in_lon, in_lat, in_crs, precision, source,
                        entry_id=own.id if own else place_id,
                        aliases=own.aliases if own else (), note=note)
        storyfile.set_gazetteer_point(data, place_id, row["id"], row["district_code"])
        files = {ref.path: storyfile.dump(data),
                 geodata.gazetteer_path: _gazetteer_text(geodata.gazetteer_path, row, own)}
        history = write_with_history(root, files)
    district = geodata.district(row["district_code"])
    moved = f" (the story said {before})" if before and before != row["district_code"] else ""
    point = {"name": name, "lon": row["lon"], "lat": row["lat"], "precision": row["precision"], "row": row["id"],
             "district": {"code": district.code, "name_zh": district.name_zh, "name_en": district.name_en},
             "story_district": before if moved else None}
    return _saved(ref, f"{name}: {row['lon']}, {row['lat']} WGS-84, {row['precision']}, in {district.name_zh} "
                       f"({district.code}){moved}; gazetteer row {row['id']!r}", history, point)


def reject(root: Path, region: str, story_id: str, place_id: str) -> Saved:
    return _story_edit(root, region, story_id, lambda data: storyfile.reject(data, place_id),
                       f"rejected {place_id!r}: removed with its anchors and mentions")


def accept(root: Path, region: str, story_id: str, place_id: str) -> Saved:
    return _story_edit(root, region, story_id, lambda data: storyfile.accept(data, place_id),
                       f"accepted {place_id!r}: marked checked on the desk in the story file")


def update(root: Path, region: str, story_id: str, place_id: str, changes: dict) -> Saved:
    """Rename a place (``name``, ``name_en``) or change its ``role``."""
    unknown = sorted(set(changes) - {"name", "name_en", "role"})
    if unknown or not changes:
        raise StorymapError(f"fields {unknown or 'none'}; expected any of name, name_en, role")
    for key, value in changes.items():
        if not isinstance(value, str):
            raise StorymapError(f"{key} is {value!r}; expected text")

    def edit(data):
        if "name" in changes or "name_en" in changes:
            storyfile.rename(data, place_id, changes.get("name"), changes.get("name_en"))
        if "role" in changes:
            storyfile.set_role(data, place_id, changes["role"])

    message = f"{place_id}: " + ", ".join(f"{key} {value!r}" for key, value in changes.items())
    return _story_edit(root, region, story_id, edit, message)


def add(root: Path, region: str, story_id: str, name, role) -> Saved:
    """A place the draft missed (its id from its name, like the draft's), to be placed like the others."""
    if not isinstance(name, str) or not isinstance(role, str):
        raise StorymapError(f"name is {name!r} and role {role!r}; expected the place's name and story or mentioned")
    place_id = slug(name)

    def edit(data):
        storyfile.add_place(data, place_id, name, role)

    return _story_edit(root, region, story_id, edit, f"added {name.strip()!r} as {place_id!r} ({role})")


def merge(root: Path, region: str, story_id: str, place_id: str, into) -> Saved:
    if not isinstance(into, str):
        raise StorymapError(f"into is {into!r}; expected the id of the place to keep")
    return _story_edit(root, region, story_id, lambda data: storyfile.merge(data, place_id, into),
                       f"merged {place_id!r} into {into!r}")


def _story_edit(root: Path, region: str, story_id: str, edit, message: str) -> Saved:
    with project_lock(root):
        ref = find_story(root, region, story_id)
        data = storyfile.load(ref.path.read_text("utf-8"))
        edit(data)
        history = write_with_history(root, {ref.path: storyfile.dump(data)})
    return _saved(ref, message, history)


def _saved(ref: StoryRef, message: str, history: Path | None, point: dict | None = None) -> Saved:
    return Saved(message, history, check_region(ref.region), point)


def _gazetteer_text(path: Path, row: dict, replaced) -> str:
    """The gazetteer with ``row`` appended, or in place of the row ``replaced`` (other rows as written)."""
    text = path.read_text("utf-8") if path.exists() else ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writerow(row)
    line = buffer.getvalue()
    if not text.strip():
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(COLUMNS)
        return header.getvalue() + line
    if replaced is not None:
        records = list(csv.reader(io.StringIO(text, newline="")))
        ids = [r[0] if r else "" for r in records]
        if replaced.id in ids[1:]:
            lines = _record_texts(text)
            lines[ids.index(replaced.id)] = line
            return "".join(lines)
    return text + ("" if text.endswith("\n") else "\n") + line


def _record_texts(text: str) -> list[str]:
    """The CSV text cut into one string per record (a quoted cell may span lines)."""
    records, current = [], ""
    for piece in text.splitlines(keepends=True):
        current += piece
        if current.count('"') % 2 == 0:
            records.append(current if current.endswith("\n") else current + "\n")
            current = ""
    if current:
        records.append(current)
    return records

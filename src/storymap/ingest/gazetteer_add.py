"""``storymap gazetteer add``: append one checked row to a region's gazetteer.

The row is checked the way the pipeline checks every row -- CRS and precision
known, the point in China, its district found by the spatial join on the
full-resolution polygons (and compared with ``--district`` when given), its
name and aliases new to the gazetteer -- then stored in WGS-84 (a GCJ-02 input
is converted, and the row's note says so) and written atomically. Only the
public functions of :mod:`storymap.gazetteer` and :mod:`storymap.geodata` are
used.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .. import coords
from ..checks import PRECISIONS, SLUG, Checker
from ..errors import OutsideDistrictsError, StorymapError
from ..fileio import write_files_atomically
from ..gazetteer import COLUMNS, load_gazetteer
from ..geodata import Geodata, load_geodata
from .ids import slug


@dataclass(frozen=True)
class NewEntry:
    path: Path
    line: int
    row: dict
    district_name: str
    converted_from: str | None


def add_gazetteer_entry(
    geodata_dir: Path, name: str, lon: float, lat: float, crs: str, precision: str, source: str,
    *, district: str | None = None, entry_id: str | None = None, aliases: tuple[str, ...] = (), note: str = "",
) -> NewEntry:
    """Append a checked row to ``geodata_dir``'s gazetteer.

    Raises
    ------
    StorymapError
        A bad value, a duplicate id, name or alias, a point outside the
        region or in another district than ``district``. Nothing is written.
    """
    from . import _one_line

    geodata = _one_line(load_geodata, Path(geodata_dir))
    gazetteer = _one_line(load_gazetteer, geodata.gazetteer_path)
    row = build_row(geodata, gazetteer, name, lon, lat, crs, precision, source,
                    district=district, entry_id=entry_id, aliases=aliases, note=note)
    path = geodata.gazetteer_path
    text = path.read_text("utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    if not text:
        writer.writeheader()
    writer.writerow(row)
    new_text = text + buffer.getvalue()
    write_files_atomically(path.parent, {path.name: new_text})
    line = new_text.rstrip("\n").count("\n") + 1
    district_name = geodata.district(row["district_code"]).name_zh
    return NewEntry(path, line, row, district_name, None if crs == coords.WGS84 else crs)


def build_row(geodata: Geodata, gazetteer, name: str, lon: float, lat: float, crs: str, precision: str,
              source: str, *, district: str | None = None, entry_id: str | None = None,
              aliases: tuple[str, ...] = (), note: str = "") -> dict:
    """The checked CSV row (pure given the loaded region and gazetteer)."""
    name = name.strip()
    aliases = tuple(a.strip() for a in aliases if a.strip())
    if not name:
        raise StorymapError("NAME is empty; expected the place's name as the stories print it")
    if crs not in coords.CRS_NAMES:
        raise StorymapError(f"--crs is {crs!r}; expected {' or '.join(coords.CRS_NAMES)}")
    if precision not in PRECISIONS:
        raise StorymapError(f"--precision is {precision!r}; expected one of {', '.join(PRECISIONS)}")
    if not source.strip():
        raise StorymapError("--source is empty; expected where the coordinate came from (a URL, a map, a survey)")
    check = Checker("--lon/--lat")
    if not check.lon_lat(lon, lat, None):
        raise StorymapError(check.problems[0].message)
    for candidate in (name, *aliases):
        existing = gazetteer.by_name(candidate)
        if existing is not None:
            raise StorymapError(
                f"{candidate!r} is already in the gazetteer ({existing.file.name}:{existing.line}, id {existing.id!r}); "
                "expected a new name (edit that row instead)"
            )
    entry_id = entry_id or slug(name)  # the id the draft gives the same name
    if not SLUG.match(entry_id):
        raise StorymapError(f"--id is {entry_id!r}; expected lowercase letters, digits and hyphens")
    if gazetteer.by_id(entry_id) is not None:
        raise StorymapError(f"id {entry_id!r} is already in the gazetteer; pass another --id")
    try:
        found, w_lon, w_lat = geodata.locate(lon, lat, crs)
    except OutsideDistrictsError as exc:
        raise StorymapError(f"{exc}; check --lon/--lat and --crs") from exc
    if district:
        stated = _district(geodata, district)
        if stated.code != found.code:
            raise StorymapError(
                f"the point {w_lon:.6f}, {w_lat:.6f} (WGS-84) falls in {found.name_zh} ({found.code}), "
                f"not in {stated.name_zh} ({stated.code}) as --district says; check the coordinates, --crs and --district"
            )
    converted = "" if crs == coords.WGS84 else f"converted from {crs.upper()} {lon}, {lat} by storymap gazetteer add"
    return {
        "id": entry_id, "name": name, "aliases": "|".join(aliases),
        "lon": f"{w_lon:.6f}", "lat": f"{w_lat:.6f}", "crs": coords.WGS84, "precision": precision,
        "district_code": found.code, "source": source.strip(),
        "note": "; ".join(x for x in (note.strip(), converted) if x),
    }


def _district(geodata: Geodata, value: str):
    """A district by adcode or by name (long or short form)."""
    value = value.strip()
    for d in geodata.districts:
        if value in (d.code, d.name_zh, d.name_en) or (len(value) >= 2 and d.name_zh.startswith(value)
                                                        and len(d.name_zh) - len(value) <= 2):
            return d
    names = ", ".join(f"{d.code} {d.name_zh}" for d in geodata.districts)
    raise StorymapError(f"--district is {value!r}; expected a district of {geodata.region_name_zh}: {names}")

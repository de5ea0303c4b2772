"""The city gazetteer: hand-edited, sourced coordinates for the places stories name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import coords
from .checks import ADCODE, PRECISIONS, SLUG, UNPRINTABLE, Checker, shown
from .errors import InvalidInputError, Problem

COLUMNS = ("id", "name", "aliases", "lon", "lat", "crs", "precision", "district_code", "source", "note")


@dataclass(frozen=True)
class GazetteerEntry:
    """One row, with its coordinate converted to WGS-84 on input."""

    id: str
    name: str
    aliases: tuple[str, ...]
    lon: float
    lat: float
    crs: str  # the CRS the row declared; lon/lat above are always WGS-84
    precision: str
    district_code: str
    source: str
    note: str
    file: Path
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Gazetteer:
    """Lookup by id or by any name/alias."""

    def __init__(self, entries: list[GazetteerEntry]):
        self.entries = entries
        self._by_id = {e.id: e for e in entries}
        self._by_name = {name: e for e in entries for name in e.names}

    def by_id(self, entry_id: str) -> GazetteerEntry | None:
        return self._by_id.get(entry_id)

    def by_name(self, name: str) -> GazetteerEntry | None:
        return self._by_name.get(name.strip())


def load_gazetteer(path: Path) -> Gazetteer:
    """Read and validate ``gazetteer.csv``; a missing file is an empty gazetteer.

    Raises
    ------
    InvalidInputError
        Listing every bad row as FILE:LINE: message.
    """
    path = Path(path)
    if not path.exists():
        return Gazetteer([])
    try:
        text = path.read_text("utf-8-sig")  # Excel saves UTF-8 CSV with a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read gazetteer as UTF-8 CSV: {exc}")]) from exc
    check = Checker(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[dict, float, float, int]] = []
    start = 1  # where the next record starts; a quoted cell may span lines
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInputError(
                [Problem(path, 1, f"missing column(s) {', '.join(missing)}; expected header {','.join(COLUMNS)}")]
            )
        start = reader.line_num + 1
        for row in reader:
            read = _read_row(check, row, reader.line_num)
            if read is not None:
                rows.append(read)
            start = reader.line_num + 1
    except csv.Error as exc:
        check.problem(start, f"unreadable CSV ({exc}); {_CSV_HINT}")
        raise InvalidInputError(check.problems) from exc
    entries = _entries(rows, path)
    seen_ids: dict = {}
    seen_names: dict = {}
    for entry in entries:
        check.unique(seen_ids, entry.id, entry.line, "gazetteer id")
        for name in entry.names:
            check.unique(seen_names, name, entry.line, "gazetteer name or alias")
    if check.problems:
        raise InvalidInputError(check.problems, partial=Gazetteer(entries))
    return Gazetteer(entries)


_CSV_HINT = (
    f"expected cells of at most {csv.field_size_limit():,} characters; "
    "an unclosed quote makes one cell of everything after it"
)


def _entries(rows: list[tuple[dict, float, float, int]], path: Path) -> list[GazetteerEntry]:
    """Entries with their coordinates converted to WGS-84, all rows in one array operation."""
    lon, lat = coords.to_wgs84_many([r[1] for r in rows], [r[2] for r in rows], [r[0]["crs"] for r in rows])
    return [
        GazetteerEntry(
            values["id"], values["name"], tuple(a.strip() for a in values["aliases"].split("|") if a.strip()),
            w_lon, w_lat, values["crs"], values["precision"], values["district_code"], values["source"],
            values["note"], path, line,
        )
        for (values, _, _, line), w_lon, w_lat in zip(rows, lon.tolist(), lat.tolist())
    ]


def _read_row(check: Checker, row: dict, line: int) -> tuple[dict, float, float, int] | None:
    """A row's checked values and its declared lon, lat; None (with problems noted) if bad."""
    def bad(column: str, expected: str) -> None:
        check.problem(line, f"column '{column}' is {shown(values[column])}; expected {expected}")

    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    ok = True
    for column, value in values.items():
        if (bad_character := UNPRINTABLE.search(value)) is not None:
            check.problem(line, f"column '{column}' contains the unprintable character "
                          f"U+{ord(bad_character.group()):04X}; expected printable text")
            ok = False
    if not SLUG.match(values["id"]):
        bad("id", "lowercase letters, digits and hyphens"); ok = False
    if not values["name"]:
        bad("name", "a name"); ok = False
    if values["crs"] not in coords.CRS_NAMES:
        bad("crs", " or ".join(coords.CRS_NAMES)); ok = False
    if values["precision"] not in PRECISIONS:
        bad("precision", "one of " + ", ".join(PRECISIONS)); ok = False
    if not ADCODE.match(values["district_code"]):
        bad("district_code", "a six-digit adcode"); ok = False
    if not values["source"]:
        bad("source", "where the coordinate came from"); ok = False
    try:
        lon, lat = float(values["lon"]), float(values["lat"])
    except ValueError:
        bad("lon" if not _is_number(values["lon"]) else "lat", "a decimal number of degrees")
        return None
    if not ok or not check.lon_lat(lon, lat, line):
        return None
    return values, lon, lat, line


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

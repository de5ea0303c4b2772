"""District indicators of a region, as data.

``geodata/<region>/district_indicators.csv`` has a ``code`` column and one
column per indicator; ``district_indicators.json`` beside it describes each
column (label_zh, label_en, unit_zh, unit_en, year, source; optional source_en, the
source note in English: ``source`` is the Chinese one). Nothing here
knows which indicators exist: whatever columns a region ships are shown.
A region without the files simply has no indicators.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInputError, Problem

CSV_NAME = "district_indicators.csv"
SIDECAR_NAME = "district_indicators.json"
REQUIRED_META = ("label_zh", "label_en", "unit_zh", "unit_en", "year", "source")


@dataclass(frozen=True)
class Indicators:
    """Column descriptions in file order and values by district code."""

    columns: list[dict] = field(default_factory=list)  # [{key, label_zh, ...}]
    values: dict[str, dict[str, float]] = field(default_factory=dict)

    def for_district(self, code: str) -> dict[str, float | None]:
        row = self.values.get(code, {})
        return {c["key"]: row.get(c["key"]) for c in self.columns}


def load_indicators(geodata_dir: Path, district_codes: set[str] | None = None) -> Indicators:
    """Read a region's indicator table and its sidecar.

    Raises
    ------
    InvalidInputError
        A file is unreadable, a column lacks its description (or the other way
        round), a value is not a number, or a code is not one of the region's
        districts; every problem names its file and line.
    """
    csv_path = Path(geodata_dir) / CSV_NAME
    sidecar_path = Path(geodata_dir) / SIDECAR_NAME
    if not csv_path.exists() and not sidecar_path.exists():
        return Indicators()
    meta = _read_sidecar(sidecar_path)
    header, rows = _read_csv(csv_path)
    problems = _check_columns(csv_path, sidecar_path, header, meta)
    values: dict[str, dict[str, float]] = {}
    for line, row in rows:
        if None in row:  # more fields than the header names
            problems.append(Problem(csv_path, line, f"row has {len(header) + len(row[None])} fields; "
                                                    f"expected {len(header)} ({', '.join(header)})"))
            continue
        code = (row.get("code") or "").strip()
        if district_codes is not None and code not in district_codes:
            problems.append(Problem(csv_path, line, f"code {code!r} is not a district of this region; "
                                                    f"expected one of {', '.join(sorted(district_codes))}"))
            continue
        if code in values:
            problems.append(Problem(csv_path, line, f"code {code!r} appears twice; expected one row per district"))
            continue
        values[code] = {}
        for key in header[1:]:
            raw = (row.get(key) or "").strip()
            if raw == "":
                continue  # not published for this district: shown as a dash
            try:
                number = float(raw)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                problems.append(Problem(csv_path, line, f"{key} is {raw!r}; expected a number (or empty)"))
                continue
            values[code][key] = int(number) if number.is_integer() and "." not in raw else number
    if problems:
        raise InvalidInputError(problems)
    columns = [{"key": key, **{k: meta[key][k] for k in meta[key]}} for key in header[1:]]
    return Indicators(columns, values)


def _read_sidecar(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError([Problem(path, None, f"file not found; expected it beside {CSV_NAME}")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError([Problem(path, exc.lineno, f"invalid JSON: {exc.msg}")]) from exc
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise InvalidInputError([Problem(path, None, "no 'columns' object; expected {\"columns\": {name: {...}}}")])
    return columns


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = [(reader.line_num, row) for row in reader]
            header = list(reader.fieldnames or [])
    except FileNotFoundError as exc:
        raise InvalidInputError([Problem(path, None, f"file not found; expected it beside {SIDECAR_NAME}")]) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read: {exc}")]) from exc
    if not header or header[0] != "code":
        raise InvalidInputError([Problem(path, 1, f"first column is {header[0] if header else None!r}; expected 'code'")])
    return header, rows


def _check_columns(csv_path: Path, sidecar_path: Path, header: list[str], meta: dict) -> list[Problem]:
    problems = [
        Problem(sidecar_path, None, f"column {key!r} of {CSV_NAME} is not described; expected an entry with "
                                    f"{', '.join(REQUIRED_META)}")
        for key in header[1:] if key not in meta
    ]
    problems += [
        Problem(csv_path, 1, f"column {key!r} is described in {SIDECAR_NAME} but missing here")
        for key in meta if key not in header
    ]
    for key in header[1:]:
        missing = [k for k in REQUIRED_META if k not in meta.get(key, {k: None for k in REQUIRED_META})]
        if missing:
            problems.append(Problem(sidecar_path, None, f"column {key!r} lacks {', '.join(missing)}"))
    return problems

"""Field checks shared by the story and gazetteer readers.

A :class:`Checker` collects every problem in a file instead of stopping at the
first, so an editor sees the whole list at once.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from .errors import Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ADCODE = re.compile(r"^\d{6}$")
PRECISIONS = ("point", "street", "subdistrict", "district")
# Mainland China and its waters; a point outside is a typo or a swapped pair.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
_MISSING = object()
# Never text: C0/C1 controls (but tab and line breaks, and NEL, which YAML allows),
# DEL, lone surrogates (which cannot even be written out as UTF-8), non-characters.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class Checker:
    """Collects problems for one file; each check returns the value or None."""

    def __init__(self, path: Path | str):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def get(self, mapping, key: str, kind: type | tuple, *, required: bool = True, where: str = ""):
        """mapping[key] if present and of ``kind``; records a problem otherwise."""
        value = mapping.get(key, _MISSING)
        if value.__class__ is kind:  # the common case first: most fields are as expected
            if kind is str:
                if value:
                    return value
            elif kind is not float or math.isfinite(value):
                return value
        if value is _MISSING or value is None or value == "":
            if required:
                self.problem(_line_of(mapping, key), f"missing required field '{where}{key}'")
            return None
        line = _line_of(mapping, key)
        label = f"{where}{key}"
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        expected = _KIND_NAMES.get(expected, expected)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(line, f"field '{label}' is {value}; expected {'a finite number' if kind is float else expected}")
            return None
        try:
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if kind is str and isinstance(value, (int, float, date)) and not isinstance(value, bool):
                value = value.isoformat() if isinstance(value, date) else str(value)
        except (OverflowError, ValueError):  # float(10**400); str() of a number over 4,300 digits
            self.problem(line, f"field '{label}' is {describe(value)}; expected {expected}")
            return None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.problem(line, f"field '{label}' is {describe(value)}; expected {expected}")
            return None
        return value

    def slug(self, mapping, key: str, *, required: bool = True, where: str = ""):
        value = self.get(mapping, key, str, required=required, where=where)
        if value is not None and not SLUG.match(value):
            self.problem(
                mapping.line_of(key),
                f"field '{where}{key}' is {shown(value)}; expected lowercase letters, digits and hyphens",
            )
            return None
        return value

    def adcode(self, mapping, key: str, *, where: str = ""):
        value = self.get(mapping, key, str, where=where)
        if value is not None and not ADCODE.match(value):
            self.problem(mapping.line_of(key), f"field '{where}{key}' is {shown(value)}; expected a six-digit adcode")
            return None
        return value

    def choice(self, mapping, key: str, choices, *, required: bool = True, where: str = ""):
        value = self.get(mapping, key, str, required=required, where=where)
        if value is not None and value not in choices:
            self.problem(
                mapping.line_of(key),
                f"field '{where}{key}' is {shown(value)}; expected one of {', '.join(choices)}",
            )
            return None
        return value

    def known_keys(self, mapping, allowed: tuple[str, ...], where: str = "") -> None:
        """Report keys the format does not define: usually a typo that would be ignored."""
        for key in mapping:
            if key not in allowed:
                self.problem(
                    mapping.line_of(key),
                    f"unknown field '{where}{key}'; expected one of {', '.join(allowed)}",
                )

    def lon_lat(self, lon, lat, line: int | None, where: str = "") -> bool:
        """Check a longitude/latitude pair lies in China; spot a swapped pair."""
        lon_ok = CHINA_LON[0] <= lon <= CHINA_LON[1]
        lat_ok = CHINA_LAT[0] <= lat <= CHINA_LAT[1]
        if lon_ok and lat_ok:
            return True
        if CHINA_LON[0] <= lat <= CHINA_LON[1] and CHINA_LAT[0] <= lon <= CHINA_LAT[1]:
            self.problem(
                line,
                f"{where}lon={lon}, lat={lat} look swapped: a longitude in China is "
                f"{CHINA_LON[0]:g}..{CHINA_LON[1]:g} and a latitude {CHINA_LAT[0]:g}..{CHINA_LAT[1]:g}",
            )
        else:
            self.problem(
                line,
                f"{where}lon={lon}, lat={lat} is outside China; expected lon "
                f"{CHINA_LON[0]:g}..{CHINA_LON[1]:g}, lat {CHINA_LAT[0]:g}..{CHINA_LAT[1]:g}",
            )
        return False

    def unique(self, seen: dict, value: str, line: int | None, what: str) -> None:
        """Record ``value`` as seen at (file, line); report a repeat with both places."""
        if value in seen:
            first_file, first_line = seen[value]
            self.problem(line, f"duplicate {what} {shown(value)} (first defined at {first_file}:{first_line})")
        else:
            seen[value] = (self.path, line)


def _line_of(mapping, key: str) -> int | None:
    return mapping.line_of(key) if hasattr(mapping, "line_of") else None


_KIND_NAMES = {"str": "text", "float": "a number", "int": "a whole number", "list": "a list", "LocatedList": "a list", "Located": "a mapping"}


def describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"a number of {len(str(abs(value))) if value.bit_length() < 14000 else 'over 4,000'} digits"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return shown(value)


def shown(value, limit: int = 80) -> str:
    """``repr(value)``, shortened: a message quotes a value, not a whole file."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"

"""Domain errors. The CLI turns them into clean messages, the web layer into JSON."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what was expected."""

    file: Path | str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


class StorymapError(Exception):
    """Base class for errors a user can act on (never shown as a traceback)."""


class InvalidInputError(StorymapError):
    """One or more problems found in story, gazetteer or geodata files."""

    def __init__(self, problems: list[Problem], partial=None):
        self.problems = list(problems)
        # What could still be read despite the problems, so later stages can
        # check it too and an editor sees every problem in one run.
        self.partial = partial
        super().__init__("\n".join(str(p) for p in self.problems))


class OutsideDistrictsError(StorymapError):
    """A coordinate falls in none of the loaded districts."""

    def __init__(self, lon: float, lat: float, region: str):
        self.lon, self.lat = lon, lat
        super().__init__(
            f"({lon:.6f}, {lat:.6f}) WGS-84 lies outside every district of {region}"
        )

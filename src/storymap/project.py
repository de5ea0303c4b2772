"""A project folder: where a newsroom keeps its stories and geodata.

A project folder holds ``stories/<region>/`` beside ``geodata/<region>/`` and
is marked by a ``storymap.toml`` file at its top (``storymap init DIR`` writes
all three). Every command reads one project: the folder given as ``--root``
(or ``STORYMAP_ROOT``), else the project folder the working directory is in
(the nearest parent with the marker, as git finds its repository), else the
example that ships inside the package (Shanghai). The bundled example is read,
never written: the commands that write (``ingest``, ``gazetteer add``,
``geodata import``) ask for a project folder first.

Pure: no click, no Flask, nothing heavy, so the command line can resolve a
project before it imports the pipeline.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInputError, Problem, StorymapError
from .resources import bundled_path

MARKER = "storymap.toml"
ROOT_ENV = "STORYMAP_ROOT"
# Written by `storymap init`; the format number lets a later storymap read an older folder.
MARKER_TEXT = """\
# A storymap project folder: stories/<region>/ beside geodata/<region>/.
# Commands run inside this folder (or given --root) read and write here.
[project]
format = 1
"""
PROVINCES_FILE = Path("china") / "provinces.geojson"  # the series index's locator, under geodata/


@dataclass(frozen=True)
class Region:
    name: str  # the folder name, also the region's path on the site (/shanghai/)
    geodata_dir: Path
    stories_dir: Path

    @property
    def has_geodata(self) -> bool:
        return (self.geodata_dir / "manifest.json").is_file()


@dataclass(frozen=True)
class Project:
    """The folders every command reads (and the writing commands write)."""

    root: Path
    stories_root: Path
    geodata_root: Path
    is_bundled: bool  # the example inside the package: read-only

    @classmethod
    def at(cls, root: Path, *, is_bundled: bool = False) -> Project:
        root = Path(root)
        return cls(root, root / "stories", root / "geodata", is_bundled)

    def regions(self) -> list[Region]:
        """Every region with both stories and geodata (see :func:`discover_regions`)."""
        return discover_regions(self.geodata_root, self.stories_root)

    def region_dirs(self) -> list[tuple[Path, Path]]:
        """(stories/<region>, geodata/<region>) of every region present."""
        return [(region.stories_dir, region.geodata_dir) for region in self.regions()]

    def region(self, name: str | None = None) -> Region:
        """The region ``name``, or the only one when ``name`` is None.

        Raises
        ------
        StorymapError
            No such region, or several and no name to choose by.
        """
        has_stories = self.stories_root.is_dir() and any(p.is_dir() for p in self.stories_root.iterdir())
        return _pick(self.regions() if has_stories else [], name, self.describe(),
                     "a region is stories/NAME/ beside geodata/NAME/manifest.json: `storymap geodata import "
                     "ADCODE`, then `storymap ingest ARTICLE.txt --city ADCODE`")

    def geodata_dir(self, name: str | None = None) -> Path:
        """The geodata folder ``name`` (one ``geodata import`` wrote), or the only one when ``name`` is None.

        A region's geodata comes before its stories, so this needs no story folder.
        """
        folders = [Region(path.parent.name, path.parent, self.stories_root / path.parent.name)
                   for path in sorted(self.geodata_root.glob("*/manifest.json"))]
        return _pick(folders, name, self.describe(),
                     "a region's geodata is geodata/NAME/manifest.json, written by "
                     "`storymap geodata import ADCODE`").geodata_dir

    def region_geodata_for(self, adcode: str) -> Path:
        """The geodata folder whose manifest is of the region ``adcode`` (an imported city or province)."""
        if not (len(adcode) == 6 and adcode.isdigit()):
            raise StorymapError(f"expected a six-digit adcode, e.g. 440300 for 深圳市; got {adcode!r}")
        known = {}
        for manifest in sorted(self.geodata_root.glob("*/manifest.json")):
            try:
                known.setdefault(json.loads(manifest.read_text("utf-8"))["region"]["adcode"], manifest.parent)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # `storymap validate` names a broken manifest
        if adcode not in known:
            have = ", ".join(f"{code} ({path.name})" for code, path in known.items()) or "none"
            raise StorymapError(
                f"no region folder for adcode {adcode} under {self.geodata_root} (found: {have}); "
                f"expected one written by `storymap geodata import {adcode}` in the project folder, or --geodata DIR"
            )
        return known[adcode]

    def writable(self, what: str) -> Project:
        """This project, if commands may write into it; the bundled example is the package's own copy.

        Raises
        ------
        StorymapError
            The project is the bundled example.
        """
        if self.is_bundled:
            raise StorymapError(
                f"{what} writes into a project folder, but {Path.cwd()} is not in one (no {MARKER} here or above); "
                "expected `storymap init DIR` then `cd DIR`, or --root DIR"
            )
        return self

    def describe(self) -> str:
        return "the bundled example" if self.is_bundled else f"the project {self.root}"


def bundled_project() -> Project:
    """The example shipped in the package (the repository root in a source checkout)."""
    return Project(bundled_path("stories").parent, bundled_path("stories"), bundled_path("geodata"), True)


def resolve_project(root: Path | None = None, cwd: Path | None = None) -> Project:
    """The project a command reads: ``root``, else the project the working directory is in, else the bundled one.

    Raises
    ------
    StorymapError
        ``root`` is given but is not a project folder.
    """
    if root is not None:
        root = Path(root)
        if not is_project_folder(root):
            what = "no such folder" if not root.exists() else "not a folder" if not root.is_dir() else f"no {MARKER}"
            raise StorymapError(f"--root {root}: {what}; expected a project folder made by `storymap init DIR` "
                                f"({MARKER} beside stories/ and geodata/)")
        return Project.at(root.resolve())
    start = Path(cwd) if cwd is not None else Path.cwd()
    for folder in (start.resolve(), *start.resolve().parents):
        if is_project_folder(folder):
            return Project.at(folder)
    return bundled_project()


def configured_project() -> Project:
    """The project of the web app's defaults: ``STORYMAP_ROOT``, else as :func:`resolve_project` finds it."""
    return resolve_project(os.environ.get(ROOT_ENV) or None)


def is_project_folder(folder: Path) -> bool:
    return (Path(folder) / MARKER).is_file()


def configured_region_dirs() -> tuple[Path, Path]:
    """(stories, geodata) of a one-region web app: ``STORYMAP_STORIES_DIR`` and ``STORYMAP_GEODATA_DIR``, else the
    region ``STORYMAP_REGION`` (or the only one) of :func:`configured_project`."""
    stories, geodata = os.environ.get("STORYMAP_STORIES_DIR"), os.environ.get("STORYMAP_GEODATA_DIR")
    if not (stories and geodata):
        region = configured_project().region(os.environ.get("STORYMAP_REGION") or None)
        stories, geodata = stories or region.stories_dir, geodata or region.geodata_dir
    return Path(stories), Path(geodata)


def provinces_path(geodata_root: Path) -> Path:
    """China's provinces for the series index's locators: the project's own copy, else the bundled one."""
    own = Path(geodata_root) / PROVINCES_FILE
    return own if own.is_file() else bundled_path("geodata") / PROVINCES_FILE


EXAMPLES = ("shanghai", "empty")


def init_project(directory: Path, example: str = "shanghai") -> Project:
    """Make the project folder ``directory``: the marker, stories/ and geodata/, and a README.

    ``example`` 'shanghai' copies the bundled Shanghai region; 'empty' leaves
    the folders empty. Both get geodata/china (the series index's locator).
    The folder is assembled beside its target and renamed into place, so a
    failure leaves nothing half-made.

    Raises
    ------
    StorymapError
        ``directory`` exists and is not an empty folder, or cannot be written.
    """
    directory = Path(directory)
    if example not in EXAMPLES:
        raise StorymapError(f"unknown example {example!r}; expected one of: {', '.join(EXAMPLES)}")
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        what = "a folder that is not empty" if directory.is_dir() else "a file"
        raise StorymapError(f"{directory} is {what}; expected a new or empty folder for the project")
    source = bundled_project()
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            (staging / "stories").mkdir()
            shutil.copytree(source.geodata_root / PROVINCES_FILE.parent, staging / "geodata" / PROVINCES_FILE.parent,
                            ignore=ignore)
            if example == "shanghai":
                for region in source.regions():
                    shutil.copytree(region.stories_dir, staging / "stories" / region.name, ignore=ignore)
                    shutil.copytree(region.geodata_dir, staging / "geodata" / region.name, ignore=ignore)
            (staging / MARKER).write_text(MARKER_TEXT, "utf-8")
            (staging / "README.md").write_text(_readme(directory.name, example), "utf-8")
            staging.chmod(0o755)  # mkdtemp makes it private; a project folder is like any other
            os.replace(staging, directory)  # an empty target folder is replaced too (POSIX)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise StorymapError(f"cannot make the project folder {directory}: {exc.strerror or exc}; "
                            "expected a writable place for a new folder") from exc
    return Project.at(directory.resolve())


def _readme(name: str, example: str) -> str:
    content = "the Shanghai example to start from" if example == "shanghai" else "no region yet"
    return (
        f"# {name}\n\n"
        f"A storymap project folder ({MARKER}), made by `storymap init` with {content}:\n"
        "stories/<region>/ beside geodata/<region>/. Every `storymap` command run in this folder\n"
        "(or given `--root` it) reads and writes it. Next: `storymap geodata import ADCODE`,\n"
        "`storymap ingest ARTICLE.txt --city ADCODE`, `storymap validate`, `storymap serve`.\n"
    )


def _pick(regions: list[Region], name: str | None, where: str, what_a_region_is: str) -> Region:
    names = ", ".join(r.name for r in regions)
    if not regions:
        raise StorymapError(f"{where} has no region yet; expected one ({what_a_region_is})")
    if name is None:
        if len(regions) == 1:
            return regions[0]
        raise StorymapError(f"{where} has {len(regions)} regions ({names}); "
                            "expected --region NAME (or STORYMAP_REGION, for the web app) to say which one")
    for region in regions:
        if region.name == name:
            return region
    raise StorymapError(f"no region {name!r} in {where}; expected one of: {names} ({what_a_region_is})")


def discover_regions(geodata_root: Path, stories_root: Path) -> list[Region]:
    """Every region that has both geodata and stories, in name order.

    Raises
    ------
    InvalidInputError
        A story folder without the geodata of its region, or no region at all.
    """
    geodata_root, stories_root = Path(geodata_root), Path(stories_root)
    regions, problems = [], []
    for region in paired_folders(geodata_root, stories_root):
        if region.has_geodata:
            regions.append(region)
        else:
            problems.append(Problem(
                region.stories_dir, None, f"story folder for region {region.name!r} but no "
                f"{region.geodata_dir}/manifest.json; expected the region's polygons: "
                f"storymap geodata import ADCODE --out {region.geodata_dir}",
            ))
    if not regions and not problems:
        problems.append(Problem(stories_root, None, f"no region found; expected stories/<region>/ beside "
                                                    f"{geodata_root}/<region>/ (`storymap geodata import ADCODE`, "
                                                    "then `storymap ingest ARTICLE.txt --city ADCODE`)"))
    if problems:
        raise InvalidInputError(problems)
    return regions


def paired_folders(geodata_root: Path, stories_root: Path) -> list[Region]:
    """Each story folder with the geodata folder of its name (which may not exist yet), in name order."""
    folders = sorted(p for p in Path(stories_root).iterdir() if p.is_dir()) if Path(stories_root).is_dir() else []
    return [Region(folder.name, Path(geodata_root) / folder.name, folder) for folder in folders]

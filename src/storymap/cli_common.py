"""What every ``storymap`` command shares: error handling, options, the project, output.

``storymap/cli.py`` and each capability's ``cli.py`` import from here, never
from each other, so the command modules' imports run one way. Kept light:
listing the commands (``storymap --help``) loads no numpy, geopandas, Flask
or folium.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from .errors import InvalidInputError, StorymapError
from .project import ROOT_ENV, Project, resolve_project


class UserError(click.ClickException):
    """Exit 1 with the message as written (one or more FILE:LINE: lines)."""

    def show(self, file=None):
        click.echo(self.format_message(), err=True)


def domain_errors(command):
    """Turn storymap's domain errors into clean CLI errors."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidInputError as exc:
            count = len(exc.problems)
            raise UserError(f"{exc}\n{count} problem{'s' if count != 1 else ''} found") from exc
        except StorymapError as exc:
            raise UserError(f"Error: {exc}") from exc

    return wrapper


root_option = click.option(
    "--root", "root", type=click.Path(path_type=Path), default=None, envvar=ROOT_ENV, show_envvar=True,
    help="Project folder (made by `storymap init`) [default: the project the working directory is in, "
         "else the bundled example].",
)
region_option = click.option(
    "--region", "region", default=None, metavar="NAME",
    help="Region of the project: stories/NAME/ beside geodata/NAME/ [default: the only one].",
)
stories_option = click.option(
    "--stories", "stories_dir", type=click.Path(path_type=Path), default=None,
    help="Folder of story files [default: the region's stories/ folder in the project].",
)
geodata_option = click.option(
    "--geodata", "geodata_dir", type=click.Path(path_type=Path), default=None,
    help="Region geodata folder [default: the region's geodata/ folder in the project].",
)
online_option = click.option(
    "--online-geocoder", "online", is_flag=True, default=False,
    help="Ask OpenStreetMap Nominatim for places the stories and gazetteer do not locate (off by default).",
)
cache_option = click.option(
    "--geocode-cache", "cache_path", type=click.Path(path_type=Path), default=None,
    help="JSON file that keeps online geocoder answers between runs.",
)


def region_options(command):
    """--root, --region, --stories and --geodata: the folders of one region (see :func:`region_folders`)."""
    for option in reversed((root_option, region_option, stories_option, geodata_option)):
        command = option(command)
    return command


def region_folders(root: Path | None, region: str | None, stories_dir: Path | None,
                   geodata_dir: Path | None) -> tuple[Path, Path]:
    """(stories, geodata) of one region: --stories and --geodata win; the rest comes from the project.

    With --geodata alone, the stories are the project's folder of the same
    name; otherwise the region is --region, else the project's only region.
    """
    if stories_dir is not None and geodata_dir is not None:
        return stories_dir, geodata_dir
    project = resolve_project(root)
    if geodata_dir is not None:
        return project.stories_root / (region or geodata_dir.name), geodata_dir
    chosen = project.region(region)
    return stories_dir or chosen.stories_dir, chosen.geodata_dir


def _build(stories_dir: Path, geodata_dir: Path, online: bool = False, cache_path: Path | None = None):
    """The story model of one region's folders."""
    from .pipeline import build_model

    return build_model(stories_dir, geodata_dir, cache_path=cache_path, online=_online(online))


def _online(online: bool):
    from .geocode import OnlineGeocoder

    return OnlineGeocoder() if online else None


def app_config(stories_dir: Path, geodata_dir: Path, **settings) -> dict:
    """``create_app`` settings for one region's folders."""
    return {**settings, "STORIES_DIR": str(stories_dir), "GEODATA_DIR": str(geodata_dir)}


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _echo_table(columns, rows) -> None:
    cells = [[str(r[c]) for c in columns] for r in rows]
    widths = [max(_width(x) for x in [c, *(row[i] for row in cells)]) for i, c in enumerate(columns)]
    for row in [list(columns), *cells]:
        click.echo("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

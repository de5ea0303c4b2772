"""``storymap edit``: the map desk, a local editing server for a project folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import UserError, domain_errors

LOOPBACK = "127.0.0.1"


@click.command()
@click.option("--root", "root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Project folder holding stories/ and geodata/ [default: the working directory].")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--tiles", default="", help="Optional tile layers, comma-separated: osm, amap (GCJ-02, shifted), cartodb.")
@domain_errors
def edit(root, port, tiles):
    """Confirm and place a draft's places in the browser (serves 127.0.0.1 only)."""
    from .. import serving
    from ..web.desk import create_desk_app

    root = project_folder(root or Path.cwd())
    app = create_desk_app(root, tuple(t.strip() for t in tiles.split(",") if t.strip()))
    listening = serving.waitress_server(app, LOOPBACK, port, 4)
    click.echo(f"storymap edit: {root}\n  the desk at http://{LOOPBACK}:{port}/edit/  (Ctrl+C to stop)")
    try:
        listening.run()
    except KeyboardInterrupt:
        click.echo("stopped")


def project_folder(root: Path) -> Path:
    """The project folder to edit: it has stories/ and geodata/, and is not the installed package's example."""
    import storymap

    root = Path(root).resolve()
    package = Path(storymap.__file__).resolve().parent
    if root == package or package in root.parents:
        raise UserError(f"Error: {root} is inside the installed storymap package; expected a project folder "
                        "of your own (copy the stories/ and geodata/ you want to edit, then pass --root)")
    missing = [name for name in ("stories", "geodata") if not (root / name).is_dir()]
    if missing:
        raise UserError(f"Error: {root} has no {' or '.join(n + '/' for n in missing)}; expected a project folder "
                        "with stories/<region>/ beside geodata/<region>/ (pass --root DIR)")
    return root

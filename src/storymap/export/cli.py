"""``storymap export``: the whole site as plain files."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import app_config, domain_errors, region_folders, region_options
from . import EXPORT_COUNT, EXPORT_SEED


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write (replaced as a whole once everything is ready).")
@click.option("--base-url", default="/", show_default=True,
              help="Where the copy will be served, e.g. /sub/path/ or https://example.org/map/ "
                   "(links are relative, so the copy works anywhere; a full address goes in the handout's QR code).")
@click.option("--quiz-seed", type=click.IntRange(min=0), default=EXPORT_SEED, show_default=True,
              help="The question set of the copy's quiz (a static copy cannot draw new sets).")
@click.option("--quiz-n", type=click.IntRange(min=1), default=EXPORT_COUNT, show_default=True,
              help="Number of questions in the copy's quiz.")
@click.option("--no-pdf", is_flag=True, default=False, help="Leave out the handout PDF (needs no Chromium).")
@region_options
@domain_errors
def export(out_dir, base_url, quiz_seed, quiz_n, no_pdf, root, region, stories_dir, geodata_dir):
    """Write every page, the API's JSON and all assets to the --out folder: a copy that needs no server."""
    from ..web import create_app
    from .site import export_site

    config = app_config(*region_folders(root, region, stories_dir, geodata_dir), RELOAD_CHECK_SECONDS=None)
    plan = export_site(create_app(config), out_dir, base_url, pdf=not no_pdf, seed=quiz_seed, count=quiz_n)
    files = sum(1 for p in out_dir.rglob("*") if p.is_file())
    click.echo(f"wrote {out_dir}/ ({files} files); open {out_dir / 'index.html'}")
    for endpoint, reason in plan.server_only.items():
        click.echo(f"  not in the copy (needs the server): {endpoint}: {reason}")
    for line in plan.left_out():
        click.echo(f"  warning: not in the copy: {line}", err=True)

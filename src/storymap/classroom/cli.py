"""``storymap quiz`` and ``storymap handout``: the classroom kit on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli_common import _build, app_config, domain_errors, region_folders, region_options
from .quiz import DEFAULT_COUNT, MAX_SEED, build_quiz, quiz_markdown


@click.command()
@click.option("--seed", type=click.IntRange(min=0), required=True, help="The question set: the same seed gives the same questions.")
@click.option("--n", "count", type=click.IntRange(min=1), default=DEFAULT_COUNT, show_default=True, help="Number of questions.")
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@region_options
@domain_errors
def quiz(seed, count, fmt, lang, root, region, stories_dir, geodata_dir):
    """A quiz with its answer key, generated from the story model (the set /quiz?seed=&n= shows)."""
    generated = build_quiz(_build(*region_folders(root, region, stories_dir, geodata_dir)), seed, count, lang)
    if fmt == "json":
        click.echo(json.dumps(generated, ensure_ascii=False, indent=2))
    else:
        click.echo(quiz_markdown(generated))


@click.command()
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="PDF file to write.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--url", "public_url", default=None, help="Public address of the live map: printed as a QR code.")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), default=None,
              help="The worksheet's question set, printed on it (default: the fixed set 1).")
@click.option("--key", is_flag=True, help="Add a third page: the answer key for the teacher.")
@region_options
@domain_errors
def handout(out, lang, public_url, seed, key, root, region, stories_dir, geodata_dir):
    """The two-page A4 handout (map and worksheet) as PDF, printed by headless Chromium."""
    from ..web import create_app
    from .handout import WORKSHEET_SEED, check_public_url, print_pdf, write_bytes_atomically

    check_public_url(public_url)
    app = create_app(app_config(*region_folders(root, region, stories_dir, geodata_dir)))
    with app.test_request_context():
        from flask import url_for

        path = url_for("classroom.handout", lang=lang, url=public_url,
                       seed=WORKSHEET_SEED if seed is None else seed, key=1 if key else None)
    write_bytes_atomically(out, print_pdf(app, path))
    click.echo(f"wrote {out} (A4, {3 if key else 2} pages)")

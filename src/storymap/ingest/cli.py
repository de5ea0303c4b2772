"""``storymap ingest`` and ``storymap gazetteer add``: the editor's commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import domain_errors


@click.command()
@click.argument("raw", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--city", required=True, help="Adcode of the region the article is about, e.g. 440300 (深圳市).")
@click.option("--geodata", "geodata_dir", type=click.Path(path_type=Path), default=None,
              help="Region folder [default: the project's geodata/ folder for that adcode].")
@click.option("--id", "story_id", default=None, help="Story id (slug) [default: REGION-DATE].")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Story file to write [default: stories/REGION/ID.yaml].")
@click.option("--force", is_flag=True, default=False, help="Replace the output file if it exists.")
@domain_errors
def ingest(raw, city, geodata_dir, story_id, out_path, force):
    """Draft a story file from the raw page text RAW of an article.

    Cleans the print text, finds the places (with their evidence) and figures,
    and writes a draft that `storymap validate` checks like any story: the
    places it cannot locate are left for the editor, marked TODO.
    """
    from . import ingest_article

    result = ingest_article(raw, city, geodata_dir=geodata_dir, story_id=story_id, out_path=out_path, force=force)
    for line in report_lines(result):
        click.echo(line)


def report_lines(result) -> list[str]:
    """What ingest did and what is left to decide, for the terminal."""
    draft = result.draft
    article = draft.article
    lines = [f"wrote {result.out_path} (source text: {result.source_path.name})"]
    if result.encoding not in ("utf-8", "utf-8-sig"):
        lines.append(f"  the text was {result.encoding.upper()}: converted to UTF-8")
    lines.append(f"  title {article.title or '?'} | {len(draft.sections)} section(s), {len(draft.excerpts)} excerpt(s), "
                 f"{len(draft.facts)} figure(s), {len(draft.photos)} photo(s)")
    lines.append(f"  cleaning ({len(article.notes)} intervention(s), recorded in source.note):")
    lines += [f"    - {note}" for note in article.notes]
    lines.append(f"  places ({len(draft.places)}):")
    for place in draft.places:
        found = place.found
        located = (f"gazetteer {found.gazetteer}" if found.gazetteer else "district polygon" if place.point
                   else "NOT LOCATED")
        first = found.mentions[0]
        lines.append(f"    {place.role:9} {found.name}  district {found.district or '?'}  [{located}]  "
                     f"{len(found.mentions)}x, first in {first.passage}[{first.start}:{first.end}]")
    if result.todo:
        lines.append(f"to do ({len(result.todo)}; `storymap validate` reports the same):")
        lines += [f"  {problem}" for problem in result.todo]
    else:
        lines.append("to do: nothing the validator can see; read the draft against the source")
    return lines

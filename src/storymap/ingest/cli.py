"""``storymap ingest`` and ``storymap gazetteer add``: the editor's commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import domain_errors, region_option, root_option
from ..project import resolve_project


@click.command()
@click.argument("raw", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--city", required=True, help="Adcode of the region the article is about, e.g. 440300 (深圳市).")
@click.option("--geodata", "geodata_dir", type=click.Path(path_type=Path), default=None,
              help="Region folder [default: the project's geodata/ folder for that adcode].")
@click.option("--id", "story_id", default=None, help="Story id (slug) [default: REGION-DATE].")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Story file to write [default: stories/REGION/ID.yaml in the project].")
@click.option("--force", is_flag=True, default=False, help="Replace the output file if it exists.")
@root_option
@domain_errors
def ingest(raw, city, geodata_dir, story_id, out_path, force, root):
    """Draft a story file from the raw page text RAW of an article.

    Cleans the print text, finds the places (with their evidence) and figures,
    and writes a draft that `storymap validate` checks like any story: the
    places it cannot locate are left for the editor, marked TODO.
    """
    from . import ingest_article

    project = resolve_project(root) if out_path else resolve_project(root).writable("ingest")
    result = ingest_article(raw, city, geodata_dir=geodata_dir or project.region_geodata_for(city),
                            story_id=story_id, out_path=out_path, force=force, stories_root=project.stories_root)
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


@click.group()
def gazetteer():
    """Edit a region's gazetteer (sourced coordinates for the places stories name)."""


@gazetteer.command("add")
@click.argument("name")
@click.option("--lon", type=float, required=True, help="Longitude in --crs.")
@click.option("--lat", type=float, required=True, help="Latitude in --crs.")
@click.option("--crs", type=click.Choice(["wgs84", "gcj02"]), required=True,
              help="CRS of --lon/--lat: wgs84 (GPS, OpenStreetMap) or gcj02 (Amap); stored as WGS-84.")
@click.option("--precision", type=click.Choice(["point", "street", "subdistrict", "district"]), required=True,
              help="What the coordinate stands for.")
@click.option("--source", required=True, help="Where the coordinate came from.")
@click.option("--district", default=None, help="District it is in (adcode or name); checked by the spatial join.")
@click.option("--id", "entry_id", default=None, help="Row id (slug) [default: from the name's pinyin].")
@click.option("--alias", "aliases", multiple=True, help="Another name the stories use (repeatable).")
@click.option("--note", default="", help="Anything an editor should know about the point.")
@click.option("--geodata", "geodata_dir", type=click.Path(path_type=Path), default=None,
              help="Region folder [default: the project's geodata/REGION folder].")
@root_option
@region_option
@domain_errors
def gazetteer_add(name, lon, lat, crs, precision, source, district, entry_id, aliases, note, geodata_dir, root,
                  region):
    """Append a checked row for NAME to the region's gazetteer.csv."""
    from .gazetteer_add import add_gazetteer_entry

    geodata_dir = geodata_dir or resolve_project(root).writable("gazetteer add").geodata_dir(region)
    entry = add_gazetteer_entry(geodata_dir, name, lon, lat, crs, precision, source,
                                district=district, entry_id=entry_id, aliases=aliases, note=note)
    row = entry.row
    converted = f" (converted from {entry.converted_from.upper()})" if entry.converted_from else ""
    click.echo(f"added {row['name']} (id {row['id']}) at {entry.path}:{entry.line}: {row['lon']}, {row['lat']} "
               f"WGS-84{converted}, in {entry.district_name} ({row['district_code']})")

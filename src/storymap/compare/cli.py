"""``storymap compare ITEM...``: the comparison without the browser."""

from __future__ import annotations

import os
import sys

import click

from ..cli_common import (
    UserError,
    _build,
    _echo_json,
    _echo_table,
    _width,
    domain_errors,
    region_folders,
    region_options,
)
from .formats import CSV_TABLES, table, to_csv, to_geojson
from .items import DEFAULT_RADIUS_M, CompareInputError, parse_request

# How each request parameter is called on the command line.
PARAMETER_NAMES = {"items": "ITEM", "radius": "--radius-m", "crs": "--crs"}
CELL_WIDTH = 34  # terminal columns per item in the table format


@click.command()
@click.argument("items", nargs=-1, metavar="ITEM...")
# Radius and CRS are checked by the comparison itself so that a bad value gives
# the same one-line message (exit 1) here and in the API.
@click.option("--radius-m", "radius", default=str(int(DEFAULT_RADIUS_M)), show_default=True, metavar="METRES",
              help="Walking circle radius, 200-5000 m.")
@click.option("--crs", default="wgs84", show_default=True, metavar="wgs84|gcj02",
              help="CRS of pt: items: wgs84 (GPS, OpenStreetMap) or gcj02 (Amap).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "geojson"]), default="table",
              show_default=True)
@click.option("--table", "table_name", type=click.Choice(CSV_TABLES), default="items", show_default=True,
              help="With --format csv: one row per item, per pair of items, or per item and district.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of labels and names [default: zh when the locale (LC_ALL, LC_MESSAGES, LANG) is zh*, else en].")
@region_options
@domain_errors
def compare(items, radius, crs, fmt, table_name, lang, root, region, stories_dir, geodata_dir):
    """Compare 2-6 places, districts or points side by side.

    ITEM is place:ID, district:ADCODE, pt:LON:LAT, or a place's or district's name (Chinese, English,
    a gazetteer alias or pinyin: 模速空间, 谈家桥路, mosukongjian, 黄浦). Prints the
    table (one column per item), geodesic distances and bearings, and each
    item's walking circle by district.
    """
    lang = lang or locale_lang()
    from .compute import compare as compute_comparison

    model = _build(*region_folders(root, region, stories_dir, geodata_dir))
    try:
        result = compute_comparison(model, parse_request(model, list(items), radius, crs))
    except CompareInputError as exc:
        raise UserError(f"Error: {exc.describe(PARAMETER_NAMES[exc.parameter])}") from exc
    if fmt == "json":
        _echo_json(result)
    elif fmt == "geojson":
        _echo_json(to_geojson(result))
    elif fmt == "csv":
        sys.stdout.buffer.write(to_csv(result, lang, table_name).encode("utf-8"))
    else:
        _echo_view(table(result, lang))


def locale_lang(environ=os.environ) -> str:
    """'zh' when the user's locale is Chinese (the first set of LC_ALL, LC_MESSAGES, LANG), else 'en'."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _echo_view(view: dict) -> None:
    columns = ["", *(_clip(f"{c['letter']} {c['name']}") for c in view["columns"])]
    rows = [dict(zip(columns, [r["label"], *(c["text"] for c in r["cells"])])) for r in view["rows"]]
    _echo_table(columns, [{k: _clip(v) for k, v in r.items()} for r in rows])
    click.echo("")
    click.echo(view["labels"]["distances"])
    labels = view["labels"]
    names = [labels["pair"], labels["distance"], "distance_m", labels["bearing"], labels["back_bearing"]]
    _echo_table(names, [dict(zip(names, [p["letters"], p["distance_text"], p["distance_m"], f"{p['bearing_deg']:.1f}°",
                                         f"{p['back_bearing_deg']:.1f}°"])) for p in view["pairs"]])


def _clip(text: str) -> str:
    """Shorten a cell to CELL_WIDTH terminal columns."""
    out, width = "", 0
    for ch in str(text):
        width += _width(ch)
        if width > CELL_WIDTH - 1:
            return out + "…"
        out += ch
    return out

"""HTML views: the map, its chrome-less embed, and the plain reading view."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, make_response, render_template, request, url_for

from ..mapbuilder import PLACE_COUNT_CLASSES, build_map, render_parts
from .i18n import HTML_LANG, STRINGS, pick_lang
from .security import inline_script_hashes
from .state import current_snapshot

bp = Blueprint("pages", __name__)


@bp.app_template_filter("figure")
def figure(value: float) -> str:
    """A quoted figure as readers write it: 9640000 -> 9,640,000; 25.3 -> 25.3."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@bp.get("/")
def index():
    return _map_page(embed=False)


@bp.get("/embed")
def embed():
    return _map_page(embed=True)


@bp.get("/stories")
def stories():
    """Every excerpt, city-wide and by district, as plain HTML: for screen readers and printing."""
    lang = pick_lang(request.args.get("lang"))

    def render(model):
        return render_template(
            "stories.html", model=model, lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang],
            city=model.city_detail()["sections"],
            districts=[model.district_detail(d["code"]) for d in model.districts if d["excerpt_count"]],
        )

    return _cached_page(("stories", lang), render)


def _map_page(embed: bool):
    lang = pick_lang(request.args.get("lang"))

    def render(model):
        fmap = build_map(
            model, lambda path: url_for("static", filename=path), lang, tuple(current_app.config["TILES"])
        )
        return render_template(
            "map.html",
            map=render_parts(fmap), lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang], embed=embed,
            model=model, legend=PLACE_COUNT_CLASSES,
            data={**model.client_data(), "lang": lang, "strings": STRINGS[lang]},
        )

    return _cached_page(("map", lang, embed), render)


def _cached_page(key: tuple, render):
    """A page rendered once per model (with its CSP hashes and ETag); requests only read it."""
    snapshot = current_snapshot()
    if key not in snapshot.pages:
        html = render(snapshot.model)
        snapshot.pages[key] = (html, inline_script_hashes(html), hashlib.sha1(html.encode()).hexdigest())
    html, hashes, etag = snapshot.pages[key]
    g.csp_script_hashes = hashes
    response = make_response(html)
    response.set_etag(etag)
    return response

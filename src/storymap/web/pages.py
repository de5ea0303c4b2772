"""HTML views: the map, its chrome-less embed, and the plain reading view."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, make_response, render_template, request, url_for

from ..mapbuilder import PLACE_COUNT_CLASSES, THEME_COLOURS, build_map, render_parts
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
    """Every excerpt by district, as plain HTML: for screen readers and printing."""
    lang = pick_lang(request.args.get("lang"))
    model = current_snapshot().model
    districts = [model.district_detail(d["code"]) for d in model.districts if d["excerpt_count"]]
    excerpts = {e["id"]: e for e in model.excerpts}
    city = [
        {"section": next(s for s in model.story(g["story"])["sections"] if s["id"] == g["section"]),
         "excerpts": [excerpts[i] for i in g["excerpts"]]}
        for g in model.city_sections
    ]
    return render_template(
        "stories.html", model=model, districts=districts, city=city, lang=lang,
        html_lang=HTML_LANG[lang], t=STRINGS[lang],
    )


def _map_page(embed: bool):
    lang = pick_lang(request.args.get("lang"))
    snapshot = current_snapshot()
    key = ("map", lang, embed)
    if key not in snapshot.pages:
        # Rendered once per model and language; requests only read the cache.
        model = snapshot.model
        fmap = build_map(
            model, lambda path: url_for("static", filename=path), lang, tuple(current_app.config["TILES"])
        )
        html = render_template(
            "map.html",
            map=render_parts(fmap), lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang], embed=embed,
            model=model, legend=PLACE_COUNT_CLASSES,
            data={**model.client_data(), "lang": lang, "strings": STRINGS[lang], "themeColours": {
                k: v for k, v in THEME_COLOURS.items() if k}},
        )
        snapshot.pages[key] = (html, inline_script_hashes(html), hashlib.sha1(html.encode()).hexdigest())
    html, hashes, etag = snapshot.pages[key]
    g.csp_script_hashes = hashes
    response = make_response(html)
    response.set_etag(etag)  # computed once with the page, not hashed again per request
    return response

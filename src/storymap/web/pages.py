"""HTML views: the map, its chrome-less embed, and the plain reading view."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Blueprint, current_app, g, make_response, render_template, request, url_for

from ..mapbuilder import SHADE_THRESHOLDS, build_map, render_parts
from .api import content_url
from .compare import STRINGS as COMPARE_STRINGS
from .i18n import HTML_LANG, STRINGS, pick_lang
from .security import csp_hash, element_hashes
from .state import current_snapshot

bp = Blueprint("pages", __name__)
COMPARE_ENTRY_STRINGS = ("compare", "add_to_compare", "in_compare")


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
        parts = render_parts(fmap)
        html = render_template(
            "map.html",
            map=parts, lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang], embed=embed,
            model=model, legend=SHADE_THRESHOLDS,
            data={**model.first_view_data(lang), "lang": lang, "strings": STRINGS[lang],
                  # The compare buttons' words; compare.js and the rest of its strings load when it opens.
                  "compare_strings": {k: COMPARE_STRINGS[lang][k] for k in COMPARE_ENTRY_STRINGS},
                  "content_url": content_url(lang)},
        )
        # map.html wraps folium's script part in a plain <script>; the header holds folium's own
        # small scripts and styles. None of them holds a data-file value (data is in JSON blocks).
        return TrustedPage(
            html,
            scripts=(csp_hash(parts["script"]), *element_hashes(parts["header"], "script")),
            styles=tuple(element_hashes(parts["header"], "style")),
        )

    return _cached_page(("map", lang, embed), render)


@dataclass(frozen=True)
class TrustedPage:
    """Rendered HTML and the CSP hashes of the inline scripts and styles the app itself put in it."""

    html: str
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()


def _cached_page(key: tuple, render):
    """A page rendered once per model (with its CSP hashes and ETag); requests only read it.

    ``render(model)`` returns the HTML, or a :class:`TrustedPage` when the page has inline code.
    """
    snapshot = current_snapshot()
    if key not in snapshot.pages:
        page = render(snapshot.model)
        page = page if isinstance(page, TrustedPage) else TrustedPage(page)
        body = page.html.encode("utf-8")  # once: encoding a 100 KB page was a third of a request's time
        snapshot.pages[key] = (page, body, hashlib.sha1(body).hexdigest())
    page, body, etag = snapshot.pages[key]
    g.csp_script_hashes, g.csp_style_hashes = page.scripts, page.styles
    response = make_response(body)
    response.set_etag(etag)
    return response

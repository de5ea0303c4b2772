"""Classroom views: presenter mode, quiz (with its answer key and JSON twin), handout and its PDF.

UI strings live in :mod:`storymap.classroom.strings` (shared with the CLI).
Quiz and handout content come from the pure generators in
:mod:`storymap.classroom`; pages with a map reuse the map page's folium parts.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, current_app, g, jsonify, make_response, render_template, request, url_for

from ..classroom import handout as handout_kit
from ..classroom.quiz import DEFAULT_COUNT, MAX_SEED, QuizError, build_quiz
from ..classroom.strings import STRINGS as CLASSROOM_STRINGS
from ..classroom.svgmap import district_map_svg
from ..errors import StorymapError
from ..mapbuilder import SHADE_THRESHOLDS, build_map, render_parts
from .errors import error_response
from .security import csp_hash, element_hashes
from .i18n import HTML_LANG, STRINGS as MAP_STRINGS, pick_lang
from .state import current_snapshot

bp = Blueprint("classroom", __name__)


def strings(lang: str) -> dict:
    """The map's strings (shared front-end modules use them) plus the classroom views' own."""
    return {**MAP_STRINGS[lang], **CLASSROOM_STRINGS[lang]}


@bp.get("/classroom")
def hub():
    """The classroom entry: presenter, quiz and handout, each with what it is for."""
    lang = pick_lang(request.args.get("lang"))
    story = current_snapshot().model.stories[0]
    return _page("classroom.html", lang, title=story["title_en"] if lang == "en" and story.get("title_en") else story["title"])


@bp.get("/present")
def present():
    """Slides for a projector: title, one per tour stop, closing."""
    return _map_view("present.html", "present")


@bp.get("/quiz")
def quiz():
    """A quiz of ``?n=`` questions; ``?seed=`` gives a whole class the same set (random without)."""
    lang = pick_lang(request.args.get("lang"))
    seed, count = _parse_quiz_args(required_seed=False)
    generated = build_quiz(current_snapshot().model, seed, count, lang)
    response = _map_view("quiz.html", "quiz", quiz=generated)
    if "seed" not in request.args:
        response.headers["Cache-Control"] = "no-store"  # a fresh set each time
    return response


@bp.get("/quiz/key")
def quiz_key():
    """The answer key of ``?seed=&n=`` for the teacher to print."""
    lang = pick_lang(request.args.get("lang"))
    seed, count = _parse_quiz_args(required_seed=True)
    generated = build_quiz(current_snapshot().model, seed, count, lang)
    return _page("quiz_key.html", lang, quiz=generated)


@bp.get("/api/quiz")
def quiz_json():
    """JSON twin of the quiz and its key: ``?seed=&n=&lang=``."""
    lang = pick_lang(request.args.get("lang"))
    try:
        seed, count = _parse_quiz_args(required_seed=True)
        return jsonify(build_quiz(current_snapshot().model, seed, count, lang))
    except QuizError as exc:
        return error_response(400, str(exc))


@bp.get("/handout")
def handout():
    """Two A4 pages: the map with the numbered stops and excerpts, then a worksheet.

    ``?seed=`` picks the worksheet's question set (printed on it); ``?key=1`` adds a
    third page, the answer key for the teacher.
    """
    lang = pick_lang(request.args.get("lang"))
    seed, key = _handout_args()
    url = handout_kit.check_public_url(request.args.get("url") or None)
    model = current_snapshot().model
    t = strings(lang)
    story = model.stories[0]
    title = story["title_en"] if lang == "en" and story.get("title_en") else story["title"]
    return _page(
        "handout.html", lang,
        content=handout_kit.handout_content(model, lang, seed), key=key,
        # each copy of a map has its own id prefix: the key page repeats the named map
        map_named=_handout_map(model, lang, True, t["handout_map"], "named-"),
        map_blank=_handout_map(model, lang, False, t["worksheet"], "blank-"),
        map_key=_handout_map(model, lang, True, t["handout_map"], "key-") if key else None,
        qr=handout_kit.qr_svg(url) if url else None, url=url, title=title,
    )


@bp.get("/handout.pdf")
def handout_pdf():
    """The handout printed by headless Chromium (``?seed=``, ``?key=1`` as on the page).

    The default set is made once per model and language; another seed is printed on request.
    """
    lang = pick_lang(request.args.get("lang"))
    seed, key = _handout_args()
    app = current_app._get_current_object()
    path = url_for("classroom.handout", lang=lang, seed=seed, key=1 if key else None)
    make = lambda: handout_kit.print_pdf(app, path, request.script_root)  # noqa: E731
    try:
        pdf = _once(("handout.pdf", lang, key), make) if seed == handout_kit.WORKSHEET_SEED else make()
    except StorymapError as exc:  # no Chromium or no CJK font on this server
        return render_template("error.html", code=503, name=str(exc), lang=lang), 503
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.set_etag(hashlib.sha1(pdf).hexdigest())
    return response.make_conditional(request)


# --- helpers


def _handout_map(model, lang: str, names: bool, title: str, id_prefix: str) -> str:
    """One copy of the handout's SVG map, made once per model (its ids start with ``id_prefix``)."""
    return _once(("svg", lang, names, id_prefix),
                 lambda: district_map_svg(model, lang, names=names, title=title, id_prefix=id_prefix))


def _parse_quiz_args(required_seed: bool) -> tuple[int, int]:
    values = {}
    for name, default, low, high in (("seed", None, 0, MAX_SEED), ("n", DEFAULT_COUNT, 1, None)):
        raw = request.args.get(name, "").strip()
        if not raw:
            if name == "seed" and required_seed:
                raise QuizError("missing query parameter 'seed'; expected a whole number such as ?seed=12")
            values[name] = default if default is not None else secrets.randbelow(10_000)
            continue
        values[name] = _whole_number(name, raw, low, high)
    return values["seed"], values["n"]


def _handout_args() -> tuple[int, bool]:
    """The handout's question set (``?seed=``, default the fixed one) and whether it has its key page."""
    raw = request.args.get("seed", "").strip()
    seed = _whole_number("seed", raw, 0, MAX_SEED) if raw else handout_kit.WORKSHEET_SEED
    return seed, request.args.get("key") == "1"


def _whole_number(name: str, raw: str, low: int, high: int | None) -> int:
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        expected = f"a whole number from {low}" + (f" to {high}" if high else " up")
        raise QuizError(f"{name} is {raw!r}; expected {expected}")
    return int(raw)


@bp.errorhandler(StorymapError)
def bad_request(exc: StorymapError):
    """A request these views cannot answer (e.g. ?n=500): 400 with the reason on the page."""
    return render_template("error.html", code=400, name=str(exc), lang=pick_lang(request.args.get("lang"))), 400


def _once(key: tuple, make):
    """A value derived from the model, made once per model (kept with the model's rendered pages)."""
    pages = current_snapshot().pages
    key = ("classroom", *key)
    if key not in pages:
        pages[key] = make()
    return pages[key]


def _map_parts(lang: str) -> dict:
    """folium's parts of the region map, built once per model and language."""
    model = current_snapshot().model
    static_url = lambda path: url_for("static", filename=path)  # noqa: E731
    return _once(("map", lang), lambda: render_parts(
        build_map(model, static_url, lang, tuple(current_app.config["TILES"]))))


def _map_view(template: str, view: str, **context):
    lang = pick_lang(request.args.get("lang"))
    model = current_snapshot().model
    data = {**model.client_data(), "lang": lang, "strings": strings(lang), "view": view,
            "shade_thresholds": list(SHADE_THRESHOLDS)}
    if "quiz" in context:
        data["quiz"] = context["quiz"]
    parts = _map_parts(lang)
    response = _page(template, lang, map=parts, data=data, **context)
    # The templates add folium's script part as one plain <script>; its header brings folium's
    # own scripts and styles. None holds a data-file value (data travels in the JSON block).
    g.csp_script_hashes = [csp_hash(parts["script"]), *element_hashes(parts["header"], "script")]
    g.csp_style_hashes = element_hashes(parts["header"], "style")
    return response


def _page(template: str, lang: str, **context):
    """Render a view (no inline code of its own: only _map_view's folium parts)."""
    model = current_snapshot().model
    html = render_template(
        template, lang=lang, html_lang=HTML_LANG[lang], t=strings(lang), model=model,
        story=model.stories[0], other_lang="zh" if lang == "en" else "en", **context,
    )
    return make_response(html)


"""The static copy: every GET route of the app written as plain files.

Driven by the app's own route map, so routes added later are exported too
(or the test that compares the export with ``app.url_map`` fails):

- a route without arguments is fetched once (HTML pages twice: Chinese, and
  English at its own path under ``en/``, since a static host or ``file://``
  cannot choose a language from ``?lang=en``);
- a route with arguments is fetched for each value :data:`ARGUMENT_VALUES`
  lists for it (every static file, every district);
- routes in :data:`SERVER_ONLY` are left out, each with its reason.

Pages are fetched through the app's test client; every link between them is
rewritten to a relative file path (so the copy works from a USB stick and
under any sub-path), and module scripts are replaced by a classic build
(:mod:`.classic`), because browsers do not load modules from ``file://``.
A page that fetches its reading content on demand (the map page's
``content_url``) gets it inline instead, since ``file://`` fetches nothing;
such a page also gets the comparison's data and scripts
(:data:`storymap.web.compare.OFFLINE_SCRIPTS`), so that its comparison is
computed in the page: the block's presence is what tells compare.js that
there is no server.
The copy is written to a temporary folder beside the target and renamed
into place: a failure leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
from html import unescape
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask, url_for
from jinja2.utils import htmlsafe_json_dumps
from werkzeug.exceptions import HTTPException

from ..errors import StorymapError
from ..web.compare import OFFLINE_SCRIPTS
from . import EXPORT_COUNT, EXPORT_SEED
from .classic import bundle

# Endpoint -> why it cannot work without the server.
SERVER_ONLY = {
    "api.locate": "looks up any point in the full-resolution polygons (a query, not a document)",
    "api.unknown": "the JSON 404 for unknown /api/ paths (a static host answers those itself)",
    # The planner's comparisons are computed per request for the places named in the query; the
    # copy's map pages compute them in the page instead (with their CSV and GeoJSON).
    "compare.compare_json": "compares the places named in ?items= (the copy's map page computes it itself)",
    "compare.compare_csv": "compares the places named in ?items= (the copy's map page writes the CSV itself)",
    "compare.compare_geojson": "compares the places named in ?items= (the copy's map page writes the GeoJSON itself)",
    "compare.print_view": "prints the comparison named in ?items= (the copy hides its print button)",
}
LANG_VARIANTS = ("en",)  # besides the default (Chinese) at the top level


def _static_files(app: Flask, model) -> list[dict]:
    root = Path(app.static_folder)
    return [{"filename": p.relative_to(root).as_posix()} for p in sorted(root.rglob("*")) if p.is_file()]


def _district_codes(app: Flask, model) -> list[dict]:
    return [{"code": d["code"]} for d in model.districts]


def _languages(app: Flask, model) -> list[dict]:
    return [{"lang": lang} for lang in ("zh", *LANG_VARIANTS)]


# Endpoint -> the argument values to export it with.
ARGUMENT_VALUES = {
    "static": _static_files,
    "api.district": _district_codes,
    "api.content": _languages,
}


@dataclass
class ExportPlan:
    """The URLs to fetch, and what the route map has that the export leaves out."""

    urls: list[str] = field(default_factory=list)
    server_only: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # endpoints with arguments nobody can enumerate
    refused: dict[str, str] = field(default_factory=dict)  # URL -> why the app answered 4xx (e.g. a query is needed)
    skipped: frozenset = frozenset()  # endpoints left out on request

    def left_out(self) -> list[str]:
        """What the copy lacks beyond the server-only routes, one line each."""
        return [f"{endpoint}: no argument values to export it with" for endpoint in self.missing] + [
            f"{url}: {reason}" for url, reason in self.refused.items()]


def plan_export(app: Flask, model, query: dict[str, dict] | None = None, skip: frozenset = frozenset()) -> ExportPlan:
    """Every URL to export, from the app's GET routes.

    ``query`` gives fixed query arguments per endpoint (e.g. the quiz's seed);
    endpoints in ``skip`` are left out on request (e.g. the PDF without Chromium).
    """
    plan = ExportPlan()
    query = query or {}
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods:
                continue
            if rule.endpoint in SERVER_ONLY:
                plan.server_only[rule.endpoint] = SERVER_ONLY[rule.endpoint]
                continue
            if rule.endpoint in skip:
                plan.skipped = plan.skipped | {rule.endpoint}
                continue
            if rule.arguments:
                values = ARGUMENT_VALUES.get(rule.endpoint)
                if values is None:
                    plan.missing.append(f"{rule.endpoint} ({rule.rule})")
                    continue
                plan.urls += [url_for(rule.endpoint, **v) for v in values(app, model)]
            else:
                plan.urls.append(url_for(rule.endpoint, **query.get(rule.endpoint, {})))
    return plan


@dataclass
class Fetched:
    url: str
    file: str  # path inside the export, '/'-separated
    mimetype: str
    body: bytes


class _Unanswered(Exception):
    """The app did not answer a URL with 200."""

    def __init__(self, url: str, response):
        self.status = response.status_code
        if response.is_json:
            reason = (response.get_json().get("error") or {}).get("message", "")
        else:
            found = re.search(r"<h1>(.*?)</h1>", response.get_data(as_text=True), re.S)
            reason = unescape(found.group(1).strip()) if found else ""
        self.reason = f"the app answered {self.status}{': ' + reason if reason else ''}"
        super().__init__(f"exporting {url}: {self.reason}; expected 200")


class _Crawler:
    """Fetches planned and linked URLs through the test client and maps them to files."""

    def __init__(self, app: Flask):
        self.client = app.test_client()
        self.by_url: dict[str, Fetched] = {}

    def fetch(self, url: str) -> Fetched:
        key = _normal(url)
        if key in self.by_url:
            return self.by_url[key]
        response = self.client.get(key, headers={"Accept-Encoding": "identity"})
        if response.status_code != 200:
            raise _Unanswered(url, response)
        fetched = Fetched(key, _file_for(key, response.mimetype), response.mimetype, response.get_data())
        self.by_url[key] = fetched
        return fetched


def export_site(app: Flask, out_dir: Path, base_url: str = "/", pdf: bool = True,
                seed: int = EXPORT_SEED, count: int = EXPORT_COUNT) -> ExportPlan:
    """Write the static copy of ``app`` to ``out_dir`` (replaced as a whole).

    Raises
    ------
    StorymapError
        A page the app could not render, a module the classic build cannot
        reproduce, or a target folder that cannot be written.
    """
    base_url = check_base_url(base_url)
    out_dir = Path(out_dir).absolute()
    model = app.extensions["storymap"].snapshot.model
    quiz_query = {"seed": seed, "n": count}
    query = {"classroom.quiz": quiz_query, "classroom.quiz_key": quiz_query, "classroom.quiz_json": quiz_query}
    if base_url.startswith(("http://", "https://")):
        query["classroom.handout"] = {"url": base_url}
    skip = frozenset() if pdf else frozenset({"classroom.handout_pdf"})
    plan = plan_export(app, model, query, skip=skip)
    staging = _staging_folder(out_dir)  # fail at once if the target cannot be written
    try:
        _crawl_and_write(app, plan, staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return plan


def _crawl_and_write(app: Flask, plan: ExportPlan, staging: Path, out_dir: Path) -> None:
    skip = plan.skipped
    crawler = _Crawler(app)
    pages: list[Fetched] = []
    queue = list(plan.urls)
    adapter = app.url_map.bind("localhost")
    left_out = set(SERVER_ONLY) | skip
    copied = set()  # (path, language) of each page in the copy: one file holds one variant
    while queue:
        url = queue.pop(0)
        if _variant(url) in copied and _normal(url) not in crawler.by_url:
            continue  # another variant (/quiz without ?seed=, /handout?key=1): linked to the one copied
        try:
            if adapter.match(urlsplit(url).path)[0] in left_out:  # a link to a route left out
                continue
        except HTTPException:
            pass  # no such route: fetching it reports the 404
        try:
            fetched = crawler.fetch(url)
        except _Unanswered as exc:
            if exc.status >= 500:  # a page that fails to render (or a PDF without Chromium) stops the export
                raise StorymapError(str(exc)) from exc
            plan.refused[_normal(url)] = exc.reason  # e.g. a JSON route that needs query arguments
            continue
        copied.add(_variant(url))
        if fetched.mimetype == "text/html" and fetched not in pages:
            pages.append(fetched)
            text = fetched.body.decode("utf-8")
            queue += [u for u in _links(text, fetched.url) if _normal(u) not in crawler.by_url]
            if "lang=" not in fetched.url:
                queue += [_with_lang(fetched.url, lang) for lang in LANG_VARIANTS]
    files = {f.file: f.body for f in crawler.by_url.values()}
    for page in pages:
        html = page.body.decode("utf-8")
        html = _inline_content(html, page, crawler)
        html = _classic_scripts(html, page, crawler, files)
        files[page.file] = _relative_links(html, page, crawler).encode("utf-8")
    _write_folder(staging, out_dir, files)


def check_base_url(base_url: str) -> str:
    """``/sub/path/`` or ``https://host/sub/path/``, with the final slash added if missing."""
    parts = urlsplit(base_url)
    if not (base_url.startswith("/") or (parts.scheme in ("http", "https") and parts.netloc)) or parts.query:
        raise StorymapError(f"the base URL is {base_url!r}; expected a path such as /sub/path/ "
                            "or an address such as https://example.org/sub/path/")
    return base_url if base_url.endswith("/") else base_url + "/"


# --- URLs and files


def _normal(url: str) -> str:
    """The request for ``url``: its path and query without the fragment."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _variant(url: str) -> tuple[str, str | None]:
    """What decides a URL's file in the copy: its path and language (its other arguments do not)."""
    parts = urlsplit(url)
    lang = dict(parse_qsl(parts.query)).get("lang")
    return parts.path, lang if lang in LANG_VARIANTS else None


def _with_lang(url: str, lang: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return f"{parts.path}?{urlencode(query)}"


def _file_for(url: str, mimetype: str) -> str:
    """Where a URL's response goes: /stories?lang=en -> en/stories.html; /api/districts -> api/districts.json."""
    parts = urlsplit(url)
    lang = dict(parse_qsl(parts.query)).get("lang")
    path = parts.path.lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    elif "." not in posixpath.basename(path):
        path += {"text/html": ".html", "application/json": ".json", "application/geo+json": ".geojson"}.get(mimetype, "")
    return f"{lang}/{path}" if lang in LANG_VARIANTS else path


_ATTR = re.compile(r"""(?P<attr>\b(?:href|src))=(?P<q>["'])(?P<url>[^"']*)(?P=q)""")


def _links(html: str, page_url: str) -> list[str]:
    """Same-site URLs the page refers to (fragments and other hosts left out)."""
    found = []
    for m in _ATTR.finditer(html):
        url = unescape(m["url"])
        if not url or url.startswith(("#", "data:", "mailto:", "javascript:")) or urlsplit(url).netloc:
            continue
        found.append(urljoin(page_url, url))
    return found


def _relative_links(html: str, page: Fetched, crawler: _Crawler) -> str:
    """Every same-site link as a path relative to the page's own file."""

    def rewrite(m: re.Match) -> str:
        url = unescape(m["url"])
        if not url or url.startswith(("#", "data:", "mailto:", "javascript:")) or urlsplit(url).netloc:
            return m.group(0)
        target = crawler.by_url.get(_normal(_drop_unexported_query(urljoin(page.url, url), crawler)))
        if target is None:
            return m.group(0)
        fragment = urlsplit(url).fragment
        relative = posixpath.relpath(target.file, posixpath.dirname(page.file) or ".")
        return f'{m["attr"]}={m["q"]}{relative}{"#" + fragment if fragment else ""}{m["q"]}'

    return _ATTR.sub(rewrite, html)


def _drop_unexported_query(url: str, crawler: _Crawler) -> str:
    """A link with query arguments the export fixed (?seed=&n=) points at the exported variant."""
    if _normal(url) in crawler.by_url:
        return url
    for candidate in crawler.by_url.values():
        if _variant(candidate.url) == _variant(url):
            return candidate.url
    return url


_PAGE_DATA = re.compile(r"""<script type="application/json" id="storymap-data">(?P<json>.*?)</script>""", re.S)


def _inline_content(html: str, page: Fetched, crawler: _Crawler) -> str:
    """The reading content a page would fetch (its data's ``content_url``), as a JSON block beside its data.

    Such a page (the map) also gets the comparison's data as a JSON block and its scripts, deferred
    before the page's own: its comparison then runs in the page.
    """
    found = _PAGE_DATA.search(html)
    url = json.loads(found["json"]).get("content_url") if found else None
    if not url:
        return html
    content = json.loads(crawler.fetch(urljoin(page.url, url)).body)
    with crawler.client.application.test_request_context():
        compare_url = url_for("compare.offline_json")
        scripts = [crawler.fetch(url_for("static", filename=name)).url for name in OFFLINE_SCRIPTS]
    compare_data = json.loads(crawler.fetch(compare_url).body)
    blocks = (
        f'<script type="application/json" id="storymap-content">{htmlsafe_json_dumps(content)}</script>\n'
        f'<script type="application/json" id="storymap-compare-data">{htmlsafe_json_dumps(compare_data)}</script>\n'
        + "".join(f'<script defer src="{src}"></script>\n' for src in scripts)
    )
    return html[:found.start()] + blocks + html[found.start():]


_MODULE_SCRIPT = re.compile(r"""<script\b[^>]*\btype=(["'])module\1[^>]*>\s*</script>""")
_SRC = re.compile(r"""\bsrc=(["'])(?P<url>[^"']+)\1""")


def _classic_scripts(html: str, page: Fetched, crawler: _Crawler, files: dict[str, bytes]) -> str:
    """Module scripts -> deferred classic scripts (modules run deferred too, so the order holds)."""

    def replace(m: re.Match) -> str:
        src = _SRC.search(m.group(0))
        if src is None:
            raise StorymapError(f"{page.url}: an inline module script; expected <script type=module src=...>")
        entry = _normal(urljoin(page.url, src["url"]))
        entry_file = crawler.fetch(entry).file
        classic_file = re.sub(r"\.m?js$", "", entry_file) + ".classic.js"
        if classic_file not in files:  # one build per entry module, shared by every page
            build = bundle(entry, lambda u: _module_source(crawler, u)).encode("utf-8")
            files[classic_file] = crawler.client.application.extensions["storymap_assets"].served(classic_file, build)
        classic_url = urljoin(entry, posixpath.basename(classic_file))
        crawler.by_url[classic_url] = Fetched(classic_url, classic_file, "text/javascript", files[classic_file])
        return f'<script defer src="{classic_url}"></script>'

    # Module preloads and import maps only serve module scripts, which the copy no longer has.
    html = re.sub(r"""<link\b[^>]*\brel=(["'])modulepreload\1[^>]*>\s*""", "", html)
    html = re.sub(r"""<script\b[^>]*\btype=(["'])importmap\1[^>]*>.*?</script>\s*""", "", html, flags=re.S)
    return _MODULE_SCRIPT.sub(replace, html)


def _module_source(crawler: _Crawler, url: str) -> str:
    """A module as written: the classic build reads import and export lines, which minifying joins."""
    app = crawler.client.application
    try:
        endpoint, args = app.url_map.bind("localhost").match(urlsplit(url).path)
    except HTTPException:
        endpoint, args = None, {}
    asset = app.extensions["storymap_assets"].get(args["filename"]) if endpoint == "static" else None
    return (asset.source if asset else crawler.fetch(url).body).decode("utf-8")


def _staging_folder(out_dir: Path) -> Path:
    """A fresh temporary folder beside ``out_dir`` (same file system, so the final rename is atomic)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise StorymapError(f"{out_dir} is a file; expected a folder (or nothing) there")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    except OSError as exc:
        raise StorymapError(f"cannot write to {out_dir.parent}: {exc.strerror or exc}; expected a writable folder") from exc


def _write_folder(staging: Path, out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file into ``staging``, then swap it into place of ``out_dir``."""
    old = None
    try:
        for name, body in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        os.chmod(staging, 0o755)
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
    except OSError as exc:
        if old is not None and old.exists() and not out_dir.exists():
            os.replace(old, out_dir)  # put the previous copy back
        raise StorymapError(f"cannot write to {out_dir}: {exc.strerror or exc}; expected a writable folder") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

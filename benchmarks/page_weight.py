#!/usr/bin/env python3
"""First-view page weight and load time: storymap vs. a naive folium export.

(a) storymap: the real site (``create_site()``, what ``storymap serve``
    serves) on 127.0.0.1; ``/`` redirects to the region's map page, which is
    loaded in headless Chromium, in Chinese and with ``?lang=en``, without
    interception. Every response of the first view (until the network is
    quiet after the load event) counts at the body bytes the server really
    sent (headers not counted): once from a browser that accepts only gzip
    (a context sending ``Accept-Encoding: gzip``; the budget counts this;
    loaded after the server's one-off zopfli pass over the static files)
    and once from Chromium as it is (Brotli). Small bodies and images go
    uncompressed, as the server sends them. Then the Brotli context loads
    the page again: the repeat view, with what the server sent for it.
(b) naive folium: the same data exported the obvious way (default tiles and
    CDN assets, full-resolution district polygons with a name tooltip, one
    marker per place with its excerpts, Chinese text, in a popup) to a
    temporary HTML file. The machine running this may have no internet
    access, so the CDN assets are measured from local copies of the same
    files, fetched from the npm registry with ``npm pack`` and cached in
    ``~/.cache/storymap-bench``. Chromium loads the file with route
    interception serving those copies for the CDN URLs and aborting map tile
    requests, so CDN latency is excluded (it would only make the naive page
    slower). Map tiles and web fonts are not counted in the totals; they come
    on top. Files not on npm are listed as n/a.

Timing: every load uses a fresh browser context (cold cache); the two pages
are loaded alternately (after ``--warmup`` untimed loads each) and the median
of ``--runs`` loads is reported, from ``performance`` navigation timing.

The naive page's gzip figures are computed here (level 6, a typical CDN's),
since its assets do not come from our server.

Prints a side-by-side table and checks the budget: storymap's first view, in
each language, must stay under ``--budget-kb`` (default 80, issue 10's target)
KB gzip as sent; exits 1 on FAIL.

    python benchmarks/page_weight.py [--runs 5] [--budget-kb 80] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import html.parser
import json
import mimetypes
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "storymap-bench"
KB = 1024  # KB and MB in the output are binary (KiB)

CATEGORIES = ("html", "js", "css", "data", "images", "fonts", "other")
CATEGORY_LABELS = {
    "html": "html", "js": "js", "css": "css", "data": "data/json",
    "images": "images", "fonts": "fonts", "other": "other",
}
# Not part of the "first view" totals of the naive page: they come on top.
EXCLUDED_FROM_NAIVE_TOTAL = ("fonts",)

TILE_HOST_RE = re.compile(
    r"(^|\.)(tile\.openstreetmap\.org|basemaps\.cartocdn\.com|autonavi\.com|"
    r"tile\.opentopomap\.org|arcgisonline\.com|stamen-tiles.*|tiles\.stadiamaps\.com)$"
)
NAV_TIMING_JS = "JSON.stringify(performance.getEntriesByType('navigation')[0])"
LOAD_DONE_JS = (
    "() => { const n = performance.getEntriesByType('navigation')[0];"
    " return n && n.loadEventEnd > 0; }"
)


# --------------------------------------------------------------------------- helpers


def _compressible(url: str, content_type: str | None) -> bool:
    ct = (content_type or "").split(";")[0].strip().lower() or content_type_for(url)
    return not url or (
        ct.startswith("text/") or any(k in ct for k in ("javascript", "json", "xml", "svg"))
        or ct in ("font/ttf", "application/vnd.ms-fontobject")
    )


def gzip_size(body: bytes, url: str = "", content_type: str | None = None) -> int:
    """Bytes a gzip (level 6) transfer would take. Already-compressed formats
    (PNG, JPEG, WOFF2...) are not gzipped by servers, so they count as raw."""
    if not _compressible(url, content_type):
        return len(body)
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def fmt_kb(n: int | float | None) -> str:
    if n is None:
        return "n/a"
    return f"{n / KB:.1f} KB"


def fmt_ms(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f} ms"


def category_of(url: str, resource_type: str | None = None, content_type: str | None = None) -> str:
    """html / js / css / data / images / fonts / other, from Chromium's type, MIME or extension."""
    by_type = {
        "document": "html", "script": "js", "stylesheet": "css", "fetch": "data",
        "xhr": "data", "image": "images", "font": "fonts",
    }
    if resource_type in by_type:
        return by_type[resource_type]
    ct = (content_type or "").split(";")[0].strip().lower()
    if not ct:
        ct = mimetypes.guess_type(urlparse(url).path)[0] or ""
    if ct in ("text/html", "application/xhtml+xml"):
        return "html"
    if "javascript" in ct or ct == "text/ecmascript":
        return "js"
    if ct == "text/css":
        return "css"
    if "json" in ct or ct in ("text/csv", "application/xml", "text/xml", "text/plain"):
        return "data"
    if ct.startswith("image/"):
        return "images"
    if ct.startswith("font/") or "font" in ct or urlparse(url).path.endswith((".woff", ".woff2", ".ttf", ".otf", ".eot")):
        return "fonts"
    return "other"


def content_type_for(path: str) -> str:
    ext = Path(urlparse(path).path).suffix.lower()
    return {
        ".js": "application/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
        ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject",
        ".json": "application/json", ".html": "text/html",
    }.get(ext, mimetypes.guess_type(path)[0] or "application/octet-stream")


def is_tile(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return bool(TILE_HOST_RE.search(host))


@dataclass
class Resource:
    url: str
    category: str
    raw: int | None  # None: size unknown (asset unavailable offline)
    gz: int | None
    note: str = ""
    br: int | None = None

    def as_dict(self) -> dict:
        return {"url": self.url, "category": self.category, "raw": self.raw, "gzip": self.gz, "brotli": self.br,
                "note": self.note}


@dataclass
class PageResult:
    name: str
    resources: list[Resource] = field(default_factory=list)  # counted in the first view
    on_top: list[Resource] = field(default_factory=list)  # fonts, tiles: requested but not in totals
    dcl_ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timing_valid: bool = True
    # What the server itself sent, per view: (path, status, body bytes, Content-Encoding).
    sent_first: list[tuple[str, int, int, str]] = field(default_factory=list)
    sent_repeat: list[tuple[str, int, int, str]] = field(default_factory=list)

    def totals(self) -> dict:
        out = {c: {"count": 0, "raw": 0, "gzip": 0, "brotli": 0, "unknown": 0} for c in CATEGORIES}
        for r in self.resources:
            slot = out[r.category]
            slot["count"] += 1
            if r.raw is None:
                slot["unknown"] += 1
            else:
                slot["raw"] += r.raw
                slot["gzip"] += r.gz or 0
                slot["brotli"] += r.br or 0
        return out

    def total(self, key: str) -> int:
        values = {"raw": lambda r: r.raw, "gzip": lambda r: r.gz, "brotli": lambda r: r.br}[key]
        return sum(values(r) or 0 for r in self.resources if r.raw is not None)

    def unknown(self) -> list[Resource]:
        return [r for r in self.resources if r.raw is None]

    @staticmethod
    def _median(xs: list[float]) -> float | None:
        return statistics.median(xs) if xs else None

    def as_dict(self) -> dict:
        return {
            "requests": len(self.resources),
            "by_type": self.totals(),
            "total_raw": self.total("raw"),
            "total_gzip": self.total("gzip"),
            "total_brotli": self.total("brotli") if self.sent_first else None,
            "sent_first_view": self.sent_first,
            "sent_repeat_view": self.sent_repeat,
            "unmeasured": [r.url for r in self.unknown()],
            "dom_content_loaded_ms": {"median": self._median(self.dcl_ms), "runs": self.dcl_ms},
            "load_event_ms": {"median": self._median(self.load_ms), "runs": self.load_ms},
            "timing_valid": self.timing_valid,
            "resources": [r.as_dict() for r in self.resources],
            "on_top": [r.as_dict() for r in self.on_top],
            "notes": self.notes,
        }


class NetworkQuiet:
    """Waits until a page has had no request in flight for ``quiet_ms``.

    Playwright's "networkidle" load state is occasionally never reported for
    a page that is in fact idle, so the first view ends with this instead.
    """

    def __init__(self, page):
        self.page = page
        self.inflight: set = set()
        self.last_change = time.monotonic()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, req):
        self.inflight.add(req)
        self.last_change = time.monotonic()

    def _end(self, req):
        self.inflight.discard(req)
        self.last_change = time.monotonic()

    def wait(self, quiet_ms: int = 500, timeout_s: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.inflight and (time.monotonic() - self.last_change) * 1000 >= quiet_ms:
                return True
            self.page.wait_for_timeout(50)  # lets Playwright dispatch events
        print(f"warning: {len(self.inflight)} request(s) still in flight after {timeout_s:g} s", file=sys.stderr)
        return False


def navigation_timing(page) -> tuple[float, float]:
    page.wait_for_function(LOAD_DONE_JS, timeout=30_000)
    nav = json.loads(page.evaluate(NAV_TIMING_JS))
    return nav["domContentLoadedEventEnd"], nav["loadEventEnd"]


# --------------------------------------------------------------------------- (a) storymap


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """The real storymap site on 127.0.0.1:<free port>, in a background thread."""

    def __init__(self):
        import logging

        from werkzeug.serving import make_server

        from storymap.web.site import create_site

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request log lines
        self.app = create_site()
        self.sent: list[tuple[str, int, int, str]] = []
        self.app.wsgi_app = _SentBytes(self.app.wsgi_app, self.sent)
        self.server = make_server("127.0.0.1", free_port(), self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def map_path(self) -> str:
        """Where ``/`` leads: the region's map page (one region: its map, not the series index)."""
        with urllib.request.urlopen(self.url, timeout=60) as response:
            return urlparse(response.url).path

    def recompressed(self) -> None:
        """Wait for the server's background recompression of static files (zopfli) to finish."""
        from storymap.web.compression import RECOMPRESSION

        RECOMPRESSION.join()

    def sent_sizes(self) -> dict[str, tuple[int, str]]:
        """Path -> (body bytes, Content-Encoding) of the 200 responses since the last ``sent.clear()``."""
        return {path: (size, coding) for path, status, size, coding in self.sent if status == 200}

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


class _SentBytes:
    """WSGI middleware recording (path, status, body bytes, coding) of every response the app sends."""

    def __init__(self, app, sent: list):
        self.app, self.sent = app, sent

    def __call__(self, environ, start_response):
        meta = {}

        def start(status, headers, *args):
            meta["status"] = int(status.split()[0])
            meta["coding"] = dict((k.lower(), v) for k, v in headers).get("content-encoding", "identity")
            return start_response(status, headers, *args)

        # Read before the call: the region dispatcher moves the prefix from PATH_INFO to SCRIPT_NAME.
        path = environ.get("SCRIPT_NAME", "") + environ["PATH_INFO"] + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        body = list(self.app(environ, start))  # small bodies, all in memory already
        self.sent.append((path, meta.get("status", 0), sum(len(chunk) for chunk in body), meta.get("coding", "")))
        return body


class StorymapPage:
    """(a) One storymap page (path and query) from the shared server, loaded without any interception."""

    GZIP_ONLY = {"Accept-Encoding": "gzip"}

    def __init__(self, browser, server: AppServer, path: str):
        self.browser, self.srv, self.path = browser, server, path
        self.result = PageResult(f"storymap {path}")
        self.origin = server.url.rstrip("/")

    def close(self) -> None:
        if self.result.on_top:
            self.result.notes.append(
                f"storymap requested {len(self.result.on_top)} external URL(s), listed above, not counted")

    def _visit(self, page, quiet: NetworkQuiet) -> tuple[float, float]:
        page.goto(self.origin + self.path, wait_until="load")
        timing = navigation_timing(page)
        quiet.wait()  # requests made after the load event still belong to the first view
        return timing

    def load(self, run: int) -> None:
        """One cold load (fresh context); run < 0 is an untimed warm-up, run 0 also records weights."""
        origin, result = self.origin, self.result
        context = self.browser.new_context()
        page = context.new_page()
        responses = []
        external: list[str] = []
        # No route interception: the page is measured exactly as a visitor gets it. Requests
        # leaving 127.0.0.1 (tiles, if STORYMAP_TILES is set) are listed, not counted.
        # (Handlers take keyword-only extras: Playwright passes as many positionals as declared.)
        page.on("request", lambda req, *, external=external: (
            None if req.url.startswith((origin, "data:", "blob:")) else external.append(req.url)))
        page.on("response", lambda resp, *, responses=responses: responses.append(resp))
        quiet = NetworkQuiet(page)
        self.srv.sent.clear()
        dcl, load = self._visit(page, quiet)
        if run >= 0:
            result.dcl_ms.append(dcl)
            result.load_ms.append(load)
        if run == 0:
            result.sent_first = list(self.srv.sent)
            brotli_sent = self.srv.sent_sizes()
            bodies = []
            for resp in responses:
                if resp.url.startswith(origin):
                    try:
                        bodies.append((resp, resp.body()))
                    except Exception:  # redirects and the like have no body
                        bodies.append((resp, b""))
            # The repeat view: the same context (same HTTP cache) loads the page again.
            self.srv.sent.clear()
            self._visit(page, quiet)
            result.sent_repeat = list(self.srv.sent)
            gzip_sent = self._gzip_only_load()
            for resp, body in bodies:
                path = resp.url[len(origin):]
                gz, br = gzip_sent.get(path), brotli_sent.get(path)
                missing = [name for name, sent in (("gzip-only", gz), ("Brotli", br)) if sent is None]
                result.resources.append(Resource(
                    path, category_of(resp.url, resp.request.resource_type, resp.headers.get("content-type")),
                    len(body), gz[0] if gz else None, br=br[0] if br else None,
                    note=f"not sent in the {' and '.join(missing)} load" if missing else f"sent {gz[1]} / {br[1]}",
                ))
                if missing:
                    result.notes.append(f"{path}: not sent in the {' and '.join(missing)} load, counted as 0")
            for url in external:
                kind = "tiles" if is_tile(url) else category_of(url)
                result.on_top.append(Resource(url, kind, None, None, "external, not measured"))
        context.close()

    def _gzip_only_load(self) -> dict[str, tuple[int, str]]:
        """What the server sends a browser that accepts only gzip, per path; checks that it was not Brotli.

        Two cold loads: the server redoes a static file's gzip with zopfli in the
        background after its first gzip request, so the second load gets what every
        visitor but the first after a start gets. The first load's total goes in a note.
        """
        loads = []
        for _ in range(2):
            context = self.browser.new_context(extra_http_headers=self.GZIP_ONLY)
            page = context.new_page()
            quiet = NetworkQuiet(page)
            self.srv.sent.clear()
            self._visit(page, quiet)
            loads.append(self.srv.sent_sizes())
            context.close()
            self.srv.recompressed()
        codings = {coding for load in loads for _, coding in load.values()}
        if "br" in codings:
            raise RuntimeError(f"the gzip-only load got Brotli ({sorted(codings)}): Chromium did not send "
                               "Accept-Encoding: gzip alone, so the budget would count the wrong bytes")
        first, sent = (sum(size for size, _ in load.values()) for load in loads)
        if first != sent:
            self.result.notes.append(f"gzip: the first gzip visitor after a start got {fmt_kb(first)} "
                                     f"(level 9, before the one-off zopfli pass), later ones {fmt_kb(sent)}")
        return loads[1]


# --------------------------------------------------------------------------- (b) naive folium


def build_naive_html(out_dir: Path) -> Path:
    """The same data exported the obvious way with folium: defaults everywhere."""
    import folium

    from storymap.pipeline import build_model
    from storymap.resources import default_geodata_dir, default_stories_dir

    geodata_dir = default_geodata_dir()
    model = build_model(default_stories_dir(), geodata_dir)
    full = json.loads((geodata_dir / "districts.full.geojson").read_text(encoding="utf-8"))

    lats = [p["lat"] for p in model.places]
    lons = [p["lon"] for p in model.places]
    fmap = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], zoom_start=9)
    folium.GeoJson(
        full, name="districts",
        tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en"], aliases=["区", "District"]),
    ).add_to(fmap)
    for place in model.places:
        texts = [e["text"] for e in model.excerpts if e["place"] == place["id"]]
        body = f"<b>{place['name']}</b> {place['name_en']}" + "".join(f"<p>{t}</p>" for t in texts)
        folium.Marker(
            [place["lat"], place["lon"]], tooltip=place["name"],
            popup=folium.Popup(body, max_width=400),
        ).add_to(fmap)
    path = out_dir / "naive_folium.html"
    fmap.save(str(path))
    return path


class _AssetLinks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.urls.append(a["href"])


def referenced_assets(html_text: str) -> list[str]:
    parser = _AssetLinks()
    parser.feed(html_text)
    return [u for u in parser.urls if urlparse(u).scheme in ("http", "https")]


# CDN URL -> (npm spec, path inside the packed tarball) or None when the file is
# not published on npm. jsDelivr's /npm/<pkg>@<version>/<path> maps one to one.
JSDELIVR_NPM = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/]+/)?[^/@]+)@([^/]+)/(.+)$")
CDNJS_AWESOME = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/(.+)$")
# leaflet.awesome-markers on npm has 2.0.0/2.0.4/2.0.5 only; this package republishes the 2.0.2 release.
AWESOME_MARKERS_NPM = "drmonty-leaflet-awesome-markers@2.0.2"
NOT_ON_NPM = "n/a (not on npm)"


def npm_source(url: str) -> tuple[str, str] | None:
    m = JSDELIVR_NPM.match(url)
    if m:
        return f"{m.group(1)}@{m.group(2)}", m.group(3)
    m = re.match(r"^https://code\.jquery\.com/jquery-(\d+\.\d+\.\d+)(\.min)?\.js$", url)
    if m:
        return f"jquery@{m.group(1)}", f"dist/jquery{m.group(2) or ''}.js"
    m = CDNJS_AWESOME.match(url)
    if m:
        rest = m.group(1)
        if rest.startswith("images/"):
            return AWESOME_MARKERS_NPM, f"css/{rest}"
        sub = "js" if rest.endswith(".js") else "css"
        return AWESOME_MARKERS_NPM, f"{sub}/{rest}"
    return None


def _npm_error(proc: subprocess.CompletedProcess) -> tuple[str, str]:
    """(code, summary) of a failed ``npm pack --json``."""
    try:
        err = json.loads(proc.stdout)["error"]
        return str(err.get("code") or ""), str(err.get("summary") or "").strip().splitlines()[0]
    except Exception:
        lines = (proc.stderr or proc.stdout or "npm pack failed").strip().splitlines()
        return "", lines[-1] if lines else "npm pack failed"


class NpmAssets:
    """Local copies of CDN files: ``npm pack <spec>`` once, cached and unpacked."""

    def __init__(self, cache_dir: Path, enabled: bool = True):
        self.cache_dir = cache_dir
        self.enabled = enabled and shutil.which("npm") is not None
        self.failed: dict[str, str] = {}
        self._dirs: dict[str, Path] = {}
        self.problem = None if self.enabled else ("npm disabled" if not enabled else "npm not installed")

    def _package_dir(self, spec: str) -> Path | None:
        if spec in self._dirs:
            return self._dirs[spec]
        if spec in self.failed or not self.enabled:
            return None
        dest = self.cache_dir / "unpacked" / spec.replace("/", "__")
        if not (dest / "package").is_dir():
            tgz_dir = self.cache_dir / "tarballs"
            tgz_dir.mkdir(parents=True, exist_ok=True)
            try:
                proc = subprocess.run(
                    ["npm", "pack", spec, "--json", "--silent", "--pack-destination", str(tgz_dir),
                     "--fetch-retries=1", "--fetch-timeout=30000"],
                    capture_output=True, text=True, timeout=180, cwd=tgz_dir,
                )
                if proc.returncode != 0:
                    code, message = _npm_error(proc)
                    if code not in ("E404", "ETARGET"):
                        # unreachable registry: do not wait for it once per package
                        self.enabled = False
                    raise RuntimeError(f"{code}: {message}" if code else message)
                filename = json.loads(proc.stdout)[0]["filename"]
                # npm names scoped tarballs "scope-name-ver.tgz" (without the @)
                tgz = tgz_dir / filename.lstrip("@").replace("/", "-")
                tmp = dest.with_name(dest.name + ".tmp")
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                with tarfile.open(tgz) as tar:
                    try:
                        tar.extractall(tmp, filter="data")
                    except TypeError:  # Python < 3.11.4: no extraction filters
                        tar.extractall(tmp)
                shutil.rmtree(dest, ignore_errors=True)
                tmp.rename(dest)
            except Exception as exc:  # offline, 404, timeout, bad JSON
                if isinstance(exc, subprocess.TimeoutExpired):
                    self.enabled = False
                self.failed[spec] = str(exc)
                self.problem = self.problem or f"npm pack {spec}: {exc}"
                return None
        self._dirs[spec] = dest / "package"
        return self._dirs[spec]

    def fetch(self, url: str) -> tuple[bytes | None, str]:
        """(body, note): body None when there is no local copy; note says why."""
        src = npm_source(url)
        if src is None:
            return None, NOT_ON_NPM
        spec, inner = src
        pkg = self._package_dir(spec)
        if pkg is None:
            return None, "unavailable (npm not reachable)" if not self.enabled or spec in self.failed else "unavailable"
        path = (pkg / inner).resolve()
        if not path.is_file() or pkg.resolve() not in path.parents:
            return None, f"not found in {spec}"
        note = f"npm {spec}"
        return path.read_bytes(), note


class NaivePage:
    """(b) The naive folium export, loaded from a temp file; CDN URLs served from npm copies."""

    def __init__(self, browser, assets: NpmAssets, keep_html: Path | None):
        self.browser, self.assets = browser, assets
        self.result = PageResult("naive folium")
        self._tmp = tempfile.TemporaryDirectory(prefix="storymap-bench-")
        self.html_path = build_naive_html(Path(self._tmp.name))
        if keep_html:
            shutil.copyfile(self.html_path, keep_html)
        html_bytes = self.html_path.read_bytes()
        self.result.resources.append(Resource(
            self.html_path.name, "html", len(html_bytes), gzip_size(html_bytes, self.html_path.name), "temp file"))
        self.links = referenced_assets(html_bytes.decode("utf-8"))
        # Everything the HTML references, measured whether or not Chromium gets that far.
        self.counted: dict[str, Resource] = {}
        for url in self.links:
            body, note = assets.fetch(url)
            self.counted[url] = Resource(
                url, category_of(url), None if body is None else len(body),
                None if body is None else gzip_size(body, url), note,
            )
        self.missing_lib = any(r.raw is None and r.note != NOT_ON_NPM for r in self.counted.values())

    def _route(self, route, *, seen):
        url, rtype = route.request.url, route.request.resource_type
        if url.startswith("file:"):
            route.continue_()
        elif is_tile(url):
            seen.append((url, rtype, "tile"))
            route.abort()
        else:
            body, note = self.assets.fetch(url)
            seen.append((url, rtype, note))
            if body is None:
                route.abort()
            else:
                route.fulfill(status=200, body=body, headers={
                    "content-type": content_type_for(url), "access-control-allow-origin": "*",
                })

    def load(self, run: int) -> None:
        result = self.result
        context = self.browser.new_context()
        page = context.new_page()
        seen: list[tuple[str, str, str]] = []  # (url, resource type, outcome)
        page.route("**/*", lambda route, *, seen=seen: self._route(route, seen=seen))
        quiet = NetworkQuiet(page)
        page.goto(self.html_path.as_uri(), wait_until="load")
        dcl, load = navigation_timing(page)
        quiet.wait()
        if run >= 0:
            result.dcl_ms.append(dcl)
            result.load_ms.append(load)
        if run == 0:
            tiles = [u for u, _, o in seen if o == "tile"]
            if tiles:
                hosts = sorted({urlparse(u).hostname for u in tiles})
                result.on_top.append(Resource(
                    f"{len(tiles)} map tiles ({', '.join(hosts)})", "tiles", None, None, "aborted (offline)"))
            for url, rtype, note in seen:
                if note == "tile" or url in self.counted:
                    continue
                cat = category_of(url, rtype)
                body, _ = self.assets.fetch(url)
                res = Resource(url, cat, None if body is None else len(body),
                               None if body is None else gzip_size(body, url), note)
                if cat in EXCLUDED_FROM_NAIVE_TOTAL:
                    result.on_top.append(res)
                else:  # e.g. Leaflet's default marker images, requested at run time
                    self.counted[url] = res
        context.close()

    def close(self) -> None:
        result = self.result
        result.resources.extend(self.counted.values())
        self._tmp.cleanup()
        if self.assets.problem and self.missing_lib:
            result.notes.append(f"CDN assets unavailable ({self.assets.problem}): naive sizes are the HTML alone")
            result.timing_valid = False  # without Leaflet the page does not render; its timing means nothing
        else:
            result.notes.append(
                "CDN assets measured from local npm copies and served by route interception; "
                "CDN latency is excluded (it would only make the naive page slower)")
        if not any(r.category == "fonts" for r in result.on_top):
            fa = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2"
            body, _ = self.assets.fetch(fa) if any(fa.rsplit("/", 2)[0] in u for u in self.links) else (None, "")
            size = f" (fa-solid-900.woff2 alone is {fmt_kb(len(body))})" if body else ""
            result.notes.append(
                "Font Awesome / glyphicons web fonts are linked but not fetched until an icon is drawn; "
                f"they come on top then{size}")


# --------------------------------------------------------------------------- output


def print_table(ours: list[PageResult], b: PageResult, runs: int) -> None:
    """storymap's pages side by side with the naive page; gzip for ours is what the server sent."""
    columns = [*ours, b]
    w0, w1 = 32, 36

    def row(label, *cells):
        print(f"{label:<{w0}}" + "".join(f"{c:<{w1}}" for c in cells[:-1]) + cells[-1])

    def pair(slot, with_brotli=False):
        if slot["count"] == 0:
            return "-"
        if slot["unknown"] == slot["count"]:
            return "unavailable"
        text = f"{fmt_kb(slot['raw'])} / {fmt_kb(slot['gzip'])}"
        if with_brotli:
            text += f" / {fmt_kb(slot['brotli'])}"
        if slot["unknown"]:
            text += f" (+{slot['unknown']} n/a)"
        return text

    def cat_cell(res: PageResult, totals: dict, cat: str) -> str:
        if res is b and cat in EXCLUDED_FROM_NAIVE_TOTAL:
            fonts = [r for r in b.on_top if r.category == cat]
            if not fonts:
                return "- (on top, if used)"
            size = sum(r.gz or 0 for r in fonts)
            return f"on top: {len(fonts)} files, {fmt_kb(size)} gz"
        cell = pair(totals[cat], with_brotli=res is not b)
        return f"{cell} [{totals[cat]['count']}]" if totals[cat]["count"] else "-"

    totals = [res.totals() for res in columns]
    unk_b = len(b.unknown())
    naive_unknown = f" + {unk_b} n/a" if unk_b else ""
    print()
    row("first view", *(res.name for res in ours), "naive folium")
    row("-" * (w0 - 2), *("-" * (w1 - 2) for _ in columns))
    row("requests", *(str(len(res.resources)) for res in columns))
    for cat in CATEGORIES:
        if cat == "other" and not any(t[cat]["count"] for t in totals):
            continue
        row(f"{CATEGORY_LABELS[cat]} raw/gzip(/br) [n]", *(cat_cell(res, t, cat) for res, t in zip(columns, totals)))
    row("total raw", *(fmt_kb(res.total("raw")) for res in ours), fmt_kb(b.total("raw")) + naive_unknown)
    row("total gzip", *(fmt_kb(res.total("gzip")) + " sent" for res in ours),
        fmt_kb(b.total("gzip")) + " (level 6)" + naive_unknown)
    row("total brotli", *(fmt_kb(res.total("brotli")) + " sent" for res in ours), "n/a (CDN codings vary)")

    def med(res: PageResult, xs):
        return fmt_ms(statistics.median(xs)) if xs and res.timing_valid else "n/a"

    row(f"DOMContentLoaded (median of {runs})", *(med(res, res.dcl_ms) for res in columns))
    row(f"load event (median of {runs})", *(med(res, res.load_ms) for res in columns))
    print()
    for res in ours:
        for label, sent in (("first view", res.sent_first), ("repeat view", res.sent_repeat)):
            statuses = {}
            for _, status, _, coding in sent:
                key = f"{status}" + (f" {coding}" if coding not in ("identity", "") else "")
                statuses[key] = statuses.get(key, 0) + 1
            detail = ", ".join(f"{n}x {key}" for key, n in sorted(statuses.items()))
            print(f"{res.name} server sent (Brotli browser), {label}: {len(sent)} responses, "
                  f"{fmt_kb(sum(size for _, _, size, _ in sent))} of bodies ({detail})")
    print()

    if unk_b:
        print("naive assets not measured:")
        for r in b.unknown():
            print(f"  {r.note:<32} {r.url}")
    print("on top of the totals (not counted):")
    for res in columns:
        for r in res.on_top:
            size = f"{fmt_kb(r.raw)} / {fmt_kb(r.gz)} gz" if r.raw is not None else r.note
            print(f"  {res.name}: {r.category:<6} {size:<26} {r.url}")
    if not any(r.category == "tiles" for r in b.on_top):
        print("  naive folium: map tiles (OpenStreetMap) once the map renders")
    for res in columns:
        for n in res.notes:
            print(f"note ({res.name}): {n}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per page for the timing median (default 5)")
    ap.add_argument("--budget-kb", type=float, default=80.0,
                    help="storymap first-view budget per language, KB gzip as sent (default 80)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed loads per page before the timed runs (default 1)")
    ap.add_argument("--json", action="store_true", help="also print machine-readable results as JSON")
    ap.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help=f"npm pack cache (default {CACHE_DIR})")
    ap.add_argument("--no-npm", action="store_true", help="do not call npm; naive CDN assets become 'unavailable'")
    ap.add_argument("--keep-naive-html", type=Path, metavar="PATH", help="also save the naive folium export here")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.warmup < 0:
        ap.error("--warmup must be 0 or more")

    from playwright.sync_api import sync_playwright

    assets = NpmAssets(args.cache_dir, enabled=not args.no_npm)
    with sync_playwright() as p, AppServer() as server:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        try:
            map_path = server.map_path()
            pages += [StorymapPage(browser, server, map_path), StorymapPage(browser, server, map_path + "?lang=en")]
            pages.append(NaivePage(browser, assets, args.keep_naive_html))
            # Interleaved, so a change in background load hits every page alike.
            for run in range(-args.warmup, args.runs):  # run < 0: untimed warm-up
                for page in pages:
                    page.load(run)
        finally:
            for page in pages:
                page.close()
            browser.close()
    *ours, naive = (page.result for page in pages)

    print_table(ours, naive, args.runs)
    verdicts = {}
    for res in ours:
        total_kb = res.total("gzip") / KB
        ok = total_kb < args.budget_kb
        verdicts[res.name] = {"storymap_kb_gzip": round(total_kb, 1), "kb_brotli": round(res.total("brotli") / KB, 1),
                              "pass": ok}
        print(f"budget: {res.name} first view {total_kb:.1f} KB gzip sent {'<' if ok else '>='} "
              f"{args.budget_kb:g} KB: {'PASS' if ok else 'FAIL'} (Brotli sent: {res.total('brotli') / KB:.1f} KB)")
    passed = all(v["pass"] for v in verdicts.values())
    if args.json:
        print(json.dumps({
            "units": {"size": "bytes", "time": "ms", "naive_gzip_level": 6,
                      "storymap": "body bytes sent (gzip-only browser / Chromium with Brotli)"},
            "runs": args.runs,
            "budget": {"kb_gzip": args.budget_kb, "pages": verdicts, "pass": passed},
            "storymap": {res.name: res.as_dict() for res in ours},
            "naive_folium": naive.as_dict(),
        }, indent=2, ensure_ascii=False))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

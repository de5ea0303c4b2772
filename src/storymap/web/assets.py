"""Static assets from memory, under content-hashed URLs.

Every file of the package's static folder is read once (and again only if it
changes on disk), with its ETag and MIME type. ``url_for('static', ...)``
appends ``?v=<content hash>``; a request carrying the current hash is answered
with ``Cache-Control: public, max-age=31536000, immutable``, so a repeat view
fetches none of them. Without the hash (or with an old one) the response must
be revalidated (``no-cache``) and a repeat request gets 304 Not Modified.
Compression is the compression module's, once per body.

What is served is minified, once, when the file is read: comments and
whitespace out of JavaScript (rjsmin) and CSS (rcssmin), about a third less
after gzip. The files on disk stay readable ES modules with their import
specifiers; files that are minified already are served as they are (their
licence headers stay). The content hash and ETag are of the served bytes.
``MINIFY_ASSETS = False`` (the default under ``--debug``) serves the files as
written, for reading them in the browser's devtools.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

import rcssmin
import rjsmin
from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Types the standard library may not know on every system.
MIME_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
              ".json": "application/json", ".woff2": "font/woff2", ".png": "image/png"}
MINIFIERS = {".js": rjsmin.jsmin, ".mjs": rjsmin.jsmin, ".css": rcssmin.cssmin}
# A vendored build may be minified without saying so in its name (leaflet.js):
# nobody writes lines this long by hand.
MINIFIED_NAME = re.compile(r"[.-]min\.[a-z]+$")
MINIFIED_MEAN_LINE = 500


def minify(filename: str, body: bytes) -> bytes:
    """The served form of a static file: JS and CSS without comments and spare whitespace.

    Other files, and files minified already, come back unchanged.
    """
    minifier = MINIFIERS.get(Path(filename).suffix.lower())
    if minifier is None or MINIFIED_NAME.search(filename):
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:  # not text we can minify safely: served as written
        return body
    if len(text) > MINIFIED_MEAN_LINE * (text.count("\n") + 1):
        return body
    return minifier(text).encode("utf-8")


@dataclass(frozen=True)
class Asset:
    body: bytes
    digest: str  # hex sha256 of the body: the URL's version and the ETag
    mimetype: str
    source: bytes  # the file as written (the body is its minified form)
    stat: tuple[int, int]  # size and mtime_ns when read


class StaticAssets:
    """The static folder's files in memory, keyed by their path under it."""

    def __init__(self, folder: Path, minified: bool = True):
        self.folder = Path(folder)
        self.minified = minified
        self._assets: dict[str, Asset] = {}
        self._lock = Lock()

    def get(self, filename: str) -> Asset | None:
        path = safe_join(str(self.folder), filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL byte in the name, which no file has
            return None
        if not stat.S_ISREG(info.st_mode):  # a folder, a device: not an asset
            return None
        key = (info.st_size, info.st_mtime_ns)
        asset = self._assets.get(filename)
        if asset is None or asset.stat != key:  # first use, or edited on disk
            source = Path(path).read_bytes()
            body = self.served(filename, source)
            suffix = Path(filename).suffix.lower()
            mimetype = MIME_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            asset = Asset(body, hashlib.sha256(body).hexdigest(), mimetype, source, key)
            with self._lock:
                self._assets[filename] = asset
        return asset

    def served(self, filename: str, source: bytes) -> bytes:
        """What this app serves for ``source`` under ``filename`` (e.g. a script built from its modules)."""
        return minify(filename, source) if self.minified else source

    def version(self, filename: str) -> str | None:
        asset = self.get(filename)
        return asset.digest[:16] if asset else None


def init_app(app: Flask) -> None:
    app.config.setdefault("MINIFY_ASSETS", not app.debug)
    assets = StaticAssets(Path(app.static_folder), minified=app.config["MINIFY_ASSETS"])
    app.extensions["storymap_assets"] = assets

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = assets.version(values.get("filename", ""))
            if version:
                values["v"] = version

    def serve(filename: str):
        asset = assets.get(filename)
        if asset is None:
            abort(404)
        response = Response(asset.body, mimetype=asset.mimetype)
        response.set_etag(asset.digest[:32])
        versioned = request.args.get("v") == asset.digest[:16]
        response.headers["Cache-Control"] = IMMUTABLE if versioned else REVALIDATE
        return response.make_conditional(request)

    app.view_functions["static"] = serve

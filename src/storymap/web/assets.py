"""Static assets from memory, under content-hashed URLs.

Every file of the package's static folder is read once (and again only if it
changes on disk), with its ETag and MIME type. ``url_for('static', ...)``
appends ``?v=<content hash>``; a request carrying the current hash is answered
with ``Cache-Control: public, max-age=31536000, immutable``, so a repeat view
fetches none of them. Without the hash (or with an old one) the response must
be revalidated (``no-cache``) and a repeat request gets 304 Not Modified.
Compression is the compression module's, once per body.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Types the standard library may not know on every system.
MIME_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
              ".json": "application/json", ".woff2": "font/woff2", ".png": "image/png"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    digest: str  # hex sha256 of the body: the URL's version and the ETag
    mimetype: str
    stat: tuple[int, int]  # size and mtime_ns when read


class StaticAssets:
    """The static folder's files in memory, keyed by their path under it."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._assets: dict[str, Asset] = {}
        self._lock = Lock()

    def get(self, filename: str) -> Asset | None:
        path = safe_join(str(self.folder), filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        key = (stat.st_size, stat.st_mtime_ns)
        asset = self._assets.get(filename)
        if asset is None or asset.stat != key:  # first use, or edited on disk
            body = Path(path).read_bytes()
            suffix = Path(filename).suffix.lower()
            mimetype = MIME_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            asset = Asset(body, hashlib.sha256(body).hexdigest(), mimetype, key)
            with self._lock:
                self._assets[filename] = asset
        return asset

    def version(self, filename: str) -> str | None:
        asset = self.get(filename)
        return asset.digest[:16] if asset else None


def init_app(app: Flask) -> None:
    assets = StaticAssets(Path(app.static_folder))
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

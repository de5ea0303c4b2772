"""gzip for text responses, compressed once per distinct body.

The first view is mostly text (HTML with the district polygons, Leaflet, the
front-end script); gzip cuts it to under a third. Bodies are keyed by their
ETag, so the map page, static files and API documents are compressed once and
then served from memory; repeat visitors get 304 Not Modified.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from threading import Lock

from flask import Flask, request

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript", "image/svg+xml")
MIN_SIZE = 1024
CACHE_ENTRIES = 256


class GzipCache:
    """A bounded map from ETag to compressed body (least recently used out first)."""

    def __init__(self, size: int = CACHE_ENTRIES):
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def compressed(self, etag: str, body: bytes) -> bytes:
        with self._lock:
            if etag in self._items:
                self._items.move_to_end(etag)
                return self._items[etag]
        data = gzip.compress(body, compresslevel=6, mtime=0)
        with self._lock:
            self._items[etag] = data
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return data


def init_app(app: Flask) -> None:
    cache = GzipCache()

    @app.after_request
    def compress(response):
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or "Range" in request.headers
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
        ):
            return response
        response.direct_passthrough = False  # static files: read the body to hash and compress it
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        if not response.get_etag()[0]:
            response.add_etag()
        response.vary.add("Accept-Encoding")
        etag = response.get_etag()[0]
        use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        if use_gzip:
            # The compressed bytes differ from the identity body, so they get their own validator.
            response.set_etag(etag + "-gz")
        response.make_conditional(request)
        if response.status_code == 304 or not use_gzip:
            return response
        response.set_data(cache.compressed(etag, body))
        response.headers["Content-Encoding"] = "gzip"
        return response

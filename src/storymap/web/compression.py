"""Brotli and gzip for text responses, compressed once per distinct body.

The first view is mostly text (HTML with the page data, Leaflet, the
front-end scripts); Brotli cuts it to about a quarter, gzip to under a third.
Bodies are keyed by their ETag, so the map page, static files and API
documents are compressed once and then served from memory; repeat visitors
get 304 Not Modified. The coding follows the request's ``Accept-Encoding``
with its q-values (RFC 9110): ``gzip;q=0`` refuses gzip.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from threading import Lock

import brotli
from flask import Flask, request

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript", "image/svg+xml")
MIN_SIZE = 1024
CACHE_ENTRIES = 256
# Preferred first when a client accepts both equally.
CODINGS = ("br", "gzip")
SUFFIX = {"br": "-br", "gzip": "-gz"}


def accepted_codings(header: str | None) -> dict[str, float]:
    """Content codings and their q-values from an Accept-Encoding header; malformed parts are ignored."""
    accepted: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also NaN
                    q = 0.0
        accepted[name] = q
    return accepted


def choose_coding(header: str | None) -> str | None:
    """The best coding we can send for this Accept-Encoding, or None for the identity body."""
    accepted = accepted_codings(header)
    wildcard = accepted.get("*", 0.0)
    best, best_q = None, 0.0
    for coding in CODINGS:
        q = accepted.get(coding, wildcard if coding not in accepted else 0.0)
        if q > best_q:
            best, best_q = coding, q
    return best


def _compress(coding: str, body: bytes) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=11)
    return gzip.compress(body, compresslevel=9, mtime=0)


class CompressionCache:
    """A bounded map from (ETag, coding) to compressed body (least recently used out first)."""

    def __init__(self, size: int = CACHE_ENTRIES):
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def compressed(self, etag: str, coding: str, body: bytes) -> bytes:
        key = (etag, coding)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        data = _compress(coding, body)
        with self._lock:
            self._items[key] = data
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return data


def init_app(app: Flask) -> None:
    cache = CompressionCache()

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
        coding = choose_coding(request.headers.get("Accept-Encoding"))
        if coding:
            # The compressed bytes differ from the identity body, so they get their own validator.
            response.set_etag(etag + SUFFIX[coding])
        response.make_conditional(request)
        if response.status_code == 304 or not coding:
            return response
        response.set_data(cache.compressed(etag, coding, body))
        response.headers["Content-Encoding"] = coding
        return response

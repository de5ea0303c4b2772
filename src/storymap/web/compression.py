"""Brotli and gzip for text responses, compressed once per distinct body.

The first view is mostly text (HTML with the page data, Leaflet, the
front-end scripts); Brotli cuts it to about a quarter, gzip to under a third.
Bodies are keyed by their ETag, so the map page, static files and API
documents are compressed once and then served from memory; repeat visitors
get 304 Not Modified. The coding follows the request's ``Accept-Encoding``
with its q-values (RFC 9110): ``gzip;q=0`` refuses gzip.

Static files never change under their URL, so their gzip body is worth more
effort: zopfli makes it about 4 % smaller (leaflet.js: 42.4 -> 40.8 KB), for
about 0.5 s of CPU on leaflet.js. That runs in one background thread (zopfli
releases the GIL), after a file's first gzip request; until it is done the
level-9 body is served, so no request waits for it. Browsers send gzip alone
over plain HTTP (Brotli only over HTTPS), e.g. a classroom server on a LAN.
"""

from __future__ import annotations

import gzip
import logging
import os
import queue
import sys
from collections.abc import Callable
from threading import Lock, Thread, get_native_id

import brotli
import zopfli.gzip
from flask import Flask, request

from .lru import BoundedCache

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript", "image/svg+xml")
MIN_SIZE = 1024
QUICK_BROTLI, QUICK_GZIP = 5, 6  # levels for bodies computed per request (see compute_once)
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


def _compress(coding: str, body: bytes, quick: bool = False) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=QUICK_BROTLI if quick else 11)
    return gzip.compress(body, compresslevel=QUICK_GZIP if quick else 9, mtime=0)


def compute_once(response):
    """Mark a body computed for one request's parameters (a comparison, a located point).

    Few such bodies are asked for twice, so they are compressed at a quick level: Brotli's
    best costs about 70 ms on a 32 KB comparison, against 1 ms at quality 5 for 20 % more bytes.
    """
    response.quick_compression = True
    return response


class Background:
    """One daemon thread running jobs in turn, started with the first job."""

    def __init__(self):
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread: Thread | None = None
        self._lock = Lock()

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():  # also in a forked worker
                self._thread = Thread(target=self._run, name="storymap-zopfli", daemon=True)
                self._thread.start()
        self._jobs.put(job)

    def join(self) -> None:
        """Wait until every job submitted so far has run."""
        self._jobs.join()

    def _run(self) -> None:
        _lowest_priority()
        while True:
            job = self._jobs.get()
            try:
                job()
            except Exception:  # a failed recompression only costs bytes: the level-9 body stays
                logging.getLogger(__name__).exception("background recompression failed")
            finally:
                self._jobs.task_done()


def _lowest_priority() -> None:
    """Let the calling thread run only when the cores are free of requests (Linux: nice 19 per thread).

    zopfli releases the GIL, so without this it competes with request threads for the cores
    and shows as slow answers (p99) in the first seconds after a start.
    """
    if sys.platform.startswith("linux"):  # elsewhere a thread has no id setpriority() accepts
        try:
            os.setpriority(os.PRIO_PROCESS, get_native_id(), 19)
        except OSError:  # not allowed here: it only costs some latency while zopfli runs
            pass


# One per process: the regions of a site take turns rather than compete for the cores.
RECOMPRESSION = Background()


class CompressionCache:
    """Compressed bodies by (ETag, coding), bounded (least recently used out first)."""

    def __init__(self, size: int = CACHE_ENTRIES, background: Background | None = None):
        self._bodies = BoundedCache(size)
        self.background = background or RECOMPRESSION

    def compressed(self, etag: str, coding: str, body: bytes, lasting: bool = False, quick: bool = False) -> bytes:
        """The body in ``coding``; a ``lasting`` body's gzip is redone with zopfli in the background,
        a ``quick`` one is compressed at a quick level."""
        key = (etag, coding)
        made = []
        data = self._bodies.get(key, lambda: made.append(key) or _compress(coding, body, quick))
        if made and lasting and coding == "gzip":
            self.background.submit(lambda: self._bodies.replace(key, zopfli.gzip.compress(body)))
        return data


def init_app(app: Flask) -> None:
    cache = CompressionCache()
    app.extensions["storymap_compression"] = cache

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
        # Both gzip bodies of a static file decode to the same bytes and keep its "-gz" validator.
        response.set_data(cache.compressed(etag, coding, body, lasting=request.endpoint == "static",
                                           quick=getattr(response, "quick_compression", False)))
        response.headers["Content-Encoding"] = coding
        return response

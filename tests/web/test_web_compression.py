"""gzip and conditional requests: the first view is mostly text, repeat views cost nothing."""

from __future__ import annotations

import gzip
import os
import sys
import threading
from pathlib import Path

import brotli
import pytest

from storymap.web.compression import Background, CompressionCache

TEXT_URLS = ["/", "/stories", "/static/vendor/leaflet/leaflet.js", "/static/css/storymap.css",
             "/api/districts.geojson", "/api/stories"]


@pytest.mark.parametrize("url", TEXT_URLS)
def test_gzip_body_is_the_identity_body_compressed(client, url):
    identity = client.get(url)
    compressed = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert identity.status_code == compressed.status_code == 200
    assert "Content-Encoding" not in identity.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.data) == identity.data
    assert len(compressed.data) < len(identity.data) / 2


@pytest.mark.parametrize("encoding", ["gzip", None])
@pytest.mark.parametrize("url", TEXT_URLS)
def test_repeat_request_with_its_etag_is_not_modified(client, url, encoding):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_gzip_and_identity_bodies_have_different_validators(client):
    # A cache must never answer an identity request with gzip bytes, or the reverse.
    plain = client.get("/api/districts.geojson").headers["ETag"]
    packed = client.get("/api/districts.geojson", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert plain != packed
    assert client.get("/api/districts.geojson", headers={"If-None-Match": packed}).status_code == 200


def test_small_and_error_responses_are_left_alone(client):
    small = client.get("/api/locate?lon=121.4868&lat=31.2406", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
    missing = client.get("/api/districts/999999", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers



LEAFLET = Path(__file__).resolve().parents[2] / "src/storymap/static/vendor/leaflet/leaflet.js"


def test_a_lasting_gzip_body_is_redone_with_zopfli_in_the_background():
    body = LEAFLET.read_bytes()
    cache = CompressionCache(background=Background())
    first = cache.compressed("leaflet", "gzip", body, lasting=True)
    assert first == gzip.compress(body, compresslevel=9, mtime=0)  # answered at once, level 9
    page = cache.compressed("page", "gzip", body)
    cache.background.join()
    later = cache.compressed("leaflet", "gzip", body, lasting=True)
    assert gzip.decompress(later) == body
    assert len(later) < len(first) * 0.98
    assert cache.compressed("page", "gzip", body) == page  # not lasting: level 9 stays
    assert cache.compressed("leaflet", "br", body, lasting=True) == brotli.compress(body, quality=11)


def test_static_files_get_the_zopfli_body_under_the_same_validator(client, app):
    url = "/static/vendor/leaflet/leaflet.js"
    identity = client.get(url).data
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    app.extensions["storymap_compression"].background.join()
    later = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(later.data) == identity
    assert len(later.data) < len(gzip.compress(identity, compresslevel=9, mtime=0)) * 0.98
    assert later.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}).status_code == 304


def test_computed_answers_are_compressed_quickly_and_documents_at_the_best_level(client):
    """A comparison is computed per request: Brotli 5 (1 ms), not 11 (70 ms); a page is compressed once, at 11."""
    import brotli

    for path, quality in (("/api/compare?items=place:modu-space,place:tanjiaqiao-road,district:310101", 5),
                          ("/", 11)):
        identity = client.get(path, headers={"Accept-Encoding": "identity"}).get_data()
        sent = client.get(path, headers={"Accept-Encoding": "br"})
        assert sent.headers["Content-Encoding"] == "br" and len(identity) > 1024
        assert sent.get_data() == brotli.compress(identity, quality=quality), path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_recompression_runs_at_the_lowest_priority():
    """zopfli releases the GIL: at normal priority it would take cores from the request threads."""
    seen = []
    background = Background()
    background.submit(lambda: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    background.join()
    assert seen == [19]

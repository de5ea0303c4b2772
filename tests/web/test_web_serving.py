"""Serving: content codings by q-value, Brotli, hashed immutable static URLs, documents from memory, headers."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import brotli
import pytest

from storymap.web.compression import choose_coding

TEXT_URLS = ["/", "/stories", "/api/districts.geojson", "/api/stories", "/api/districts"]


@pytest.mark.parametrize("header, expected", [
    ("gzip;q=0, identity", None),
    ("gzip;q=0", None),
    ("GZIP;Q=0.0", None),
    ("identity", None),
    ("", None),
    ("gzip", "gzip"),
    ("gzip, deflate", "gzip"),
    ("gzip, deflate, br", "br"),
    ("br;q=0.5, gzip", "gzip"),
    ("br;q=0, gzip;q=0.1", "gzip"),
    ("*", "br"),
    ("*;q=0", None),
    ("br;q=0, *", "gzip"),
    ("gzip;q=nan, br;q=2", None),
    ("gzip;q=abc", None),
    (";;,,", None),
])
def test_coding_follows_the_q_values(header, expected):
    assert choose_coding(header) == expected


@pytest.mark.parametrize("url", TEXT_URLS)
def test_refused_gzip_is_never_sent(client, url):
    response = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == client.get(url).data


@pytest.mark.parametrize("url", TEXT_URLS)
def test_brotli_body_is_the_identity_body_compressed(client, url):
    identity = client.get(url).data
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert brotli.decompress(packed.data) == identity
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"}).data
    assert len(packed.data) < len(zipped)
    etags = {client.get(url, headers={"Accept-Encoding": c}).headers["ETag"] for c in ("br", "gzip", "identity")}
    assert len(etags) == 3, "each coding has its own validator"


def static_urls(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_static_urls_carry_the_content_hash(client, app):
    urls = static_urls(client)
    assert any("leaflet.js" in url for url in urls)
    for url in urls:
        path, _, query = url.partition("?")
        body = client.get(path).data
        assert query == "v=" + hashlib.sha256(body).hexdigest()[:16], url


def test_hashed_static_urls_are_immutable_and_plain_ones_revalidate(client):
    for url in static_urls(client):
        hashed = client.get(url)
        assert hashed.status_code == 200
        assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        plain = client.get(url.split("?")[0])
        assert plain.headers["Cache-Control"] == "no-cache"
        again = client.get(url.split("?")[0], headers={"If-None-Match": plain.headers["ETag"]})
        assert again.status_code == 304
    stale = client.get("/static/vendor/leaflet/leaflet.js?v=0000000000000000")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"


def test_static_assets_in_every_coding(client):
    plain = client.get("/static/vendor/leaflet/leaflet.js").data
    assert gzip.decompress(client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"}).data) \
        == plain
    assert brotli.decompress(client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "br"}).data) \
        == plain


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/web/state.py", "/static/js/",
                                  "/static/nope.js"])
def test_static_paths_outside_or_missing_are_404(client, path):
    assert client.get(path).status_code == 404


def test_import_map_points_modules_at_their_hashed_urls(client):
    html = client.get("/").get_data(as_text=True)
    body = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    imports = json.loads(body)["imports"]
    assert {"/static/js/main.js", "/static/js/dom.js", "/static/js/data.js"} <= set(imports)
    for plain, hashed in imports.items():
        assert hashed.startswith(plain + "?v=")
        assert client.get(hashed).headers["Cache-Control"].endswith("immutable")


@pytest.mark.parametrize("url", ["/api/districts.geojson", "/api/places.geojson", "/api/districts", "/api/stories"])
def test_api_documents_are_serialised_once_per_model(client, app, url):
    first = client.get(url)
    snapshot = app.extensions["storymap"].snapshot
    assert any(body == first.data for body, _ in snapshot.documents.values())
    assert client.get(url).headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", ["/", "/embed", "/?lang=en", "/stories", "/api/districts"])
def test_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy
    csp = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-inline'" not in csp["script-src"]


def test_map_page_has_no_inline_style_attributes_and_its_style_elements_are_hashed(client):
    from storymap.web.security import csp_hash

    response = client.get("/")
    html = response.get_data(as_text=True)
    assert not re.search(r"<[^>]+\sstyle=", html)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert styles
    allowed = response.headers["Content-Security-Policy"]
    for body in styles:
        assert csp_hash(body) in allowed


def test_data_stays_out_of_the_inline_script(client, app):
    """The map's inline script holds code only: districts and places come from JSON blocks."""
    model = app.extensions["storymap"].snapshot.model
    html = client.get("/").get_data(as_text=True)
    script = html[html.rindex("<script>") + len("<script>"):html.rindex("</script>")]
    for district in model.districts:
        assert district["code"] not in script and district["name_zh"] not in script
    for place in model.places:
        assert place["id"] not in script
    for block in ("storymap-districts", "storymap-places"):
        data = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S).group(1)
        json.loads(data)


def test_districts_travel_as_topojson_once(client, app):
    html = client.get("/").get_data(as_text=True)
    topology = json.loads(re.search(r'id="storymap-districts">(.*?)</script>', html, re.S).group(1))
    assert topology["type"] == "Topology"
    codes = [g["properties"]["code"] for g in topology["objects"]["districts"]["geometries"]]
    assert sorted(codes) == sorted(d["code"] for d in app.extensions["storymap"].snapshot.model.districts)
    page_data = re.search(r'id="storymap-data">(.*?)</script>', html, re.S).group(1)
    assert '"coordinates"' not in page_data and '"arcs"' not in page_data
    assert html.count('"transform"') == 1  # one topology on the page

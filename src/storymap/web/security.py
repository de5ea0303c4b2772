"""Response headers: a Content-Security-Policy that trusts only the app's own inline code.

The hashes a page's CSP lists are computed from the inline scripts and styles
the app's own templates and folium's own elements emit, which hold no value
from any data file (data travels in JSON blocks). They are never taken from
the finished page, so a script that data smuggled into it is refused.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, g, request

from ..mapbuilder import TILE_SOURCES

# Features the map never uses, refused for the page and anything it frames.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
))


FIXED_HEADERS = (("Permissions-Policy", PERMISSIONS_POLICY), ("X-Content-Type-Options", "nosniff"),
                 ("Referrer-Policy", "same-origin"))


def csp_hash(body: str) -> str:
    """The CSP source expression allowing an inline ``<script>`` or ``<style>`` with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def element_hashes(fragment: str, tag: str) -> list[str]:
    """Hashes of every inline ``<script>`` (classic or import map) or ``<style>`` in a fragment the app
    generated itself; JSON data blocks are never run, so they need none."""
    attributes = '(?: type="importmap")?' if tag == "script" else ""
    return [csp_hash(body) for body in re.findall(rf"<{tag}{attributes}>(.*?)</{tag}>", fragment, re.S)]


def tile_hosts(tiles) -> list[str]:
    """img-src entries for the configured tile layers; a {s} subdomain becomes '*'."""
    hosts = set()
    for key in tiles:
        netloc = urlsplit(TILE_SOURCES[key].url).netloc
        labels = ["*" if "{s}" in label else label for label in netloc.split(".")]
        hosts.add("https://" + ".".join(labels))
    return sorted(hosts)


def init_app(app: Flask) -> None:
    images = " ".join(["'self'", "data:", *tile_hosts(app.config["TILES"])])

    @functools.lru_cache(maxsize=256)
    def policy(scripts: tuple[str, ...], styles: tuple[str, ...], framing: str) -> str:
        """The CSP for a page's own inline code; a page's hashes are fixed per model, so this is built once."""
        # Leaflet positions its elements through the DOM (element.style), which style-src does not restrict.
        script_src = " ".join(["'self'", *scripts])
        style_src = " ".join(["'self'", *styles])
        return (
            f"default-src 'self'; script-src {script_src}; style-src {style_src}; img-src {images}; "
            f"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {framing}"
        )

    @app.after_request
    def set_headers(response):
        framing = "*" if request.endpoint == "pages.embed" else "'self'"
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = policy(
                tuple(getattr(g, "csp_script_hashes", ())), tuple(getattr(g, "csp_style_hashes", ())), framing)
        for name, value in FIXED_HEADERS:
            if name not in headers:
                headers[name] = value
        return response

"""Response headers: a Content-Security-Policy that allows only the app's own scripts."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, g, request

from ..mapbuilder import TILE_SOURCES

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for every inline <script> of a rendered page.

    Pages are rendered once per model, so the hashes are computed once too;
    any script injected later (e.g. through story text) matches none of them.
    """
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


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

    @app.after_request
    def set_headers(response):
        scripts = " ".join(["'self'", *getattr(g, "csp_script_hashes", [])])
        framing = "*" if request.endpoint == "pages.embed" else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            f"img-src {images}; font-src 'self'; connect-src 'self'; object-src 'none'; "
            f"base-uri 'none'; form-action 'self'; frame-ancestors {framing}",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

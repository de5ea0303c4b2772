"""Small helpers the web tests share: reading what a served page carries."""

from __future__ import annotations

import json
import re

_PAGE_DATA = re.compile(r'<script type="application/json" id="storymap-data">(.*?)</script>', re.S)


def page_data(html: str) -> dict:
    """The JSON data block a map, presenter or quiz page carries."""
    match = _PAGE_DATA.search(html)
    assert match, "page data block missing"
    return json.loads(match.group(1))


def json_keys(value):
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_keys(item)

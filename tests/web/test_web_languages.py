"""Each language's pages are in that language: the source notes of the comparison's print view."""

from __future__ import annotations

import re
from html import unescape

import pytest

ITEMS = "place:modu-space,district:310101"
LATIN_WORDS = re.compile(r"\b[A-Za-z]{4,}\b")
HAN = re.compile(r"[\u3400-\u9fff]")


def _footer(client, lang: str) -> list[str]:
    html = client.get("/compare/print", query_string={"items": ITEMS, "lang": lang}).get_data(as_text=True)
    footer = re.search(r'<footer class="cmp-print__foot">(.*?)</footer>', html, re.S)[1]
    return [unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in re.findall(r"<p>(.*?)</p>", footer, re.S)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_view_source_notes_are_in_the_pages_language(client, lang):
    notes = _footer(client, lang)
    assert notes
    for note in notes:
        if lang == "zh":  # a Chinese page once printed "The 16 districts sum to …" and "Computed: …"
            assert not LATIN_WORDS.findall(note), note
        else:
            assert not HAN.search(note.split(":", 1)[1]), note

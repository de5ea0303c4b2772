"""The map page's first view carries what it shows; the reading content is a document of its own."""

from __future__ import annotations

import json
import re

import pytest

from ._helpers import json_keys, page_data

# Records whose English names the Chinese page keeps: Latin search finds places and districts there too.
NAME_RECORDS = ("districts", "places", "region")


def page(client, lang: str) -> tuple[str, dict]:
    response = client.get("/", query_string={"lang": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, page_data(html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_view_holds_no_passage_text(client, story, lang):
    html, data = page(client, lang)
    for excerpt in story["excerpts"]:
        for text in (excerpt["text"], excerpt.get("text_en")):
            if text:
                # any stretch of a passage, escaped as JSON or not
                assert text.strip()[:24] not in html and json.dumps(text.strip()[:24])[1:-1] not in html, excerpt["id"]
    assert {e["id"] for e in data["excerpts"]} == {e["id"] for e in story["excerpts"]}
    records = {k: v for k, v in data.items() if k not in ("strings", "compare_strings")}  # UI words, not records
    assert not {"text", "text_en", "editor_note", "editor_note_en", "note", "note_en", "source"} & set(json_keys(records))
    assert "photos" not in data
    # the contents panel lists the city-wide figures; the rest wait
    city_facts = [f["id"] for f in story["facts"] if not f.get("place") and not f.get("district")]
    assert city_facts and [f["id"] for f in data["facts"]] == city_facts
    assert len(data["facts"]) < len(story["facts"])


def test_chinese_page_carries_no_english_but_the_names(client):
    _, data = page(client, "zh")
    for name, value in data.items():
        english = [k for k in json_keys(value) if k.endswith("_en")]
        if name in NAME_RECORDS:
            assert set(english) <= {"name_en"}, name
        else:
            assert not english, (name, english)
    assert data["strings"]["search_label"] == "搜索"


def test_english_page_carries_the_chinese_only_where_untranslated(client, story):
    _, data = page(client, "en")
    record = data["stories"][0]
    assert record["title_en"] == story["title_en"] and "title" not in record
    assert record["series_en"] == story["series_en"] and "series" not in record
    for fact in data["facts"]:
        assert "label" not in fact and fact["label_en"], fact["id"]
        assert fact["quote"]  # the source's own words: shown as the original


def _content(client, data):
    response = client.get(data["content_url"])
    assert response.status_code == 200 and response.is_json
    return response


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_content_document_has_every_passage_in_the_page_language(client, story, lang):
    _, data = page(client, lang)
    content = _content(client, data).get_json()
    assert content["lang"] == lang
    for excerpt in story["excerpts"]:
        got = content["excerpts"][excerpt["id"]]
        assert got["text"] == excerpt["text"]  # in English: the original under each translation
        assert got.get("text_en") == (excerpt.get("text_en") if lang == "en" else None)
    assert {f["id"] for f in content["facts"]} == {f["id"] for f in story["facts"]}
    assert {p["id"] for p in content["photos"]} == {p["id"] for p in story["photos"]}
    assert content["compare_strings"]["compare"] == ("对比" if lang == "zh" else "Compare")
    english = [k for k in json_keys(content) if k.endswith("_en")]
    assert (not english) if lang == "zh" else ("text_en" in english and "caption_en" in english)


def test_content_url_is_content_hashed_and_immutable(client):
    _, data = page(client, "zh")
    url = data["content_url"]
    assert re.fullmatch(r"/api/content/zh\.json\?v=[0-9a-f]{16}", url), url
    response = _content(client, data)
    etag = response.headers["ETag"].strip('"')
    assert url.endswith(etag[:16])
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    # without the hash, or with an old one, the client must revalidate
    for stale in ("/api/content/zh.json", "/api/content/zh.json?v=0000000000000000"):
        again = client.get(stale)
        assert again.status_code == 200 and again.headers["Cache-Control"] == "no-cache", stale
        assert again.headers["ETag"].strip('"') == etag
    _, en = page(client, "en")
    assert en["content_url"] != url


@pytest.mark.parametrize("lang", ["fr", "ZH", "zh-CN"])
def test_content_in_an_unknown_language_is_a_json_404(client, lang):
    response = client.get(f"/api/content/{lang}.json")
    assert response.status_code == 404 and response.is_json
    message = response.get_json()["error"]["message"]
    assert repr(lang) in message and "zh, en" in message

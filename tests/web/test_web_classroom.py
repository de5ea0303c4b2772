"""Classroom views through the test client: presenter, quiz, answer key, handout."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from ._helpers import page_data


def _data(response) -> dict:
    return page_data(response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/present", "/present?lang=en", "/quiz?seed=3", "/quiz?seed=3&lang=en"])
def test_views_with_a_map_embed_data_and_pin_their_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert 'type="module"' in html and ("present.js" in html or "quiz.js" in html)
    data = _data(response)
    assert data["lang"] == ("en" if "lang=en" in path else "zh")
    assert len(data["districts"]) == 16 and data["tour"]


def test_quiz_page_carries_the_set_of_its_seed(client):
    page = _data(client.get("/quiz?seed=12&n=5&lang=en"))["quiz"]
    api = client.get("/api/quiz?seed=12&n=5&lang=en").get_json()
    assert page == api and len(page["questions"]) == 5 and page["seed"] == 12
    assert client.get("/api/quiz?seed=12&n=5&lang=en").headers["Access-Control-Allow-Origin"] == "*"


def test_quiz_without_a_seed_draws_one_and_is_not_cached(client):
    response = client.get("/quiz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert len(_data(response)["quiz"]["questions"]) == 8


def test_answer_key_lists_the_answers(client):
    quiz = client.get("/api/quiz?seed=4&n=6").get_json()
    html = unescape(client.get("/quiz/key?seed=4&n=6").get_data(as_text=True))
    for q in quiz["questions"]:
        assert f"<strong>{q['answer_label']} ✔</strong>" in html
    assert html.count("✔") == 6


@pytest.mark.parametrize("path, message", [
    ("/quiz?n=0", "n is &#39;0&#39;; expected a whole number from 1 up"),
    ("/quiz?seed=abc", "seed is &#39;abc&#39;; expected a whole number from 0 to"),
    ("/quiz?seed=1&n=500", "the number of questions is 500; expected a whole number from 1 to"),
    ("/quiz/key", "missing query parameter &#39;seed&#39;"),
    ("/handout?url=javascript:alert(1)", "the public URL is &#39;javascript:alert(1)&#39;; expected an http"),
])
def test_bad_arguments_are_a_400_that_says_why(client, path, message):
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_quiz_json_errors_are_json(client):
    response = client.get("/api/quiz?seed=1&n=-2")
    assert response.status_code == 400
    assert "expected a whole number" in response.get_json()["error"]["message"]


def test_handout_has_two_sheets_with_maps_stops_and_worksheet(client, story, expected_tour):
    html = client.get("/handout").get_data(as_text=True)
    assert html.count('<section class="sheet') == 2
    assert html.count("<svg") == 2 and "<script" not in html
    names = {p["id"]: p["name"] for p in story["places"]}
    for place_id in expected_tour:
        assert names[place_id] in html
    assert html.count('class="answer-line"') >= 3
    assert "扫码" not in html  # no QR code without a public URL


def test_handout_qr_code_for_a_public_url(client):
    html = client.get("/handout?lang=en&url=https://example.org/map/").get_data(as_text=True)
    assert html.count("<svg") == 3 and "https://example.org/map/" in html and "Scan to open the live map" in html


@pytest.mark.parametrize("query", ["key=1", "key=1&lang=en", "key=1&url=https://example.org/map/"])
def test_handout_with_its_key_page_has_no_duplicate_id(client, query):
    """The key page repeats the map: every copy names its own ids (a repeated id is invalid HTML)."""
    html = client.get(f"/handout?{query}").get_data(as_text=True)
    assert html.count("<svg") >= 3  # the named map, the worksheet's, the key's
    ids = re.findall(r"""\sid=["']([^"']+)["']""", html)
    assert ids, "the maps' inset has a clip path with an id"
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    for ref in re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids, ref  # each copy clips with its own clip path


def test_handout_pdf_is_printed_once_per_model_and_language(client):
    first = client.get("/handout.pdf?lang=en")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", first.data)) == 2
    again = client.get("/handout.pdf?lang=en", headers={"If-None-Match": first.headers["ETag"].strip('"')})
    assert again.status_code == 304


def test_answer_key_numbers_options_as_the_keys_students_press(client):
    """Students answer with 1-4: the key (and the handout) number the options 1-4 too, never A-D."""
    for path in ("/quiz/key?seed=4&n=6", "/handout?key=1"):
        html = client.get(path).get_data(as_text=True)
        assert 'type="A"' not in html and "type='A'" not in html


def test_handout_seed_is_on_the_sheet_and_the_key_page_is_asked_for(client):
    plain = client.get("/handout?seed=7").get_data(as_text=True)
    assert "题组 7" in plain and plain.count('<section class="sheet') == 2
    keyed = client.get("/handout?seed=7&key=1&lang=en").get_data(as_text=True)
    assert keyed.count('<section class="sheet') == 3 and "Answer key for the teacher · Question set 7" in keyed
    assert client.get("/handout?seed=x").status_code == 400


@pytest.mark.parametrize("path, hub", [("/", "/classroom?lang=zh"), ("/?lang=en", "/classroom?lang=en"),
                                       ("/stories", "/classroom?lang=zh"), ("/stories?lang=en", "/classroom?lang=en")])
def test_map_and_reading_view_link_to_the_classroom(client, path, hub):
    html = unescape(client.get(path).get_data(as_text=True))
    label = "Classroom" if "lang=en" in path else "课堂"
    assert f'<a href="{hub}">{label}</a>' in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_classroom_entry_leads_to_present_quiz_and_handout(client, lang):
    response = client.get(f"/classroom?lang={lang}")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    titles = {"zh": ("课堂演示", "课堂测验", "课堂讲义"),
              "en": ("Classroom presentation", "Classroom quiz", "Classroom handout")}[lang]
    for path, title in zip(("/present", "/quiz", "/handout"), titles):
        assert f'<a href="{path}?lang={lang}">{title}</a>' in html
    for path in ("/present", "/quiz", "/handout", "/handout.pdf"):
        assert f'href="{path}?lang={lang}"' in html
        assert client.get(f"{path}?lang={lang}").status_code == 200 or path.endswith(".pdf")
    assert f'href="/handout?lang={lang}&key=1"' in html
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", html.split("<main", 1)[1].replace("中文", ""))


def _visible_text(html: str) -> str:
    """The page's words: no script or style blocks, no tags, no attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("path", ["/quiz/key?seed=7&n=8&lang=en", "/handout?lang=en&seed=7&key=1",
                                  "/classroom?lang=en"])
def test_english_classroom_pages_are_in_english(client, path):
    """Masthead, series, reporters (in pinyin), figures, explanations: nothing in Chinese but the switch to it."""
    text = _visible_text(client.get(path).get_data(as_text=True)).replace("中文", "")
    han = re.findall(r"[\u3400-\u9fff]+", text)
    assert not han, han[:10]


def test_english_quiz_data_is_in_english(client):
    quiz = client.get("/api/quiz?seed=7&n=8&lang=en").get_json()
    text = json.dumps(quiz, ensure_ascii=False)
    assert not re.findall(r"[\u3400-\u9fff]+", text)

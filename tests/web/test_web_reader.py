"""The reader's map, server side: the API's 404s, English story fields and the partial-English warning."""

from __future__ import annotations

import html as html_module
import re

import pytest

from ._helpers import page_data


# ---------- the API answers JSON for any path under it ----------


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/nope", "/api/nope/deeper", "/api/districts.json"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_api_paths_are_json_404(client, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 404, (method, path)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == 404
    assert path in body["error"]["message"] and "/api/districts" in body["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_known_endpoint_with_another_method_is_still_405(client):
    response = client.post("/api/districts")
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405


# ---------- English ----------


def test_english_page_title_and_header(client, story):
    html = client.get("/?lang=en").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", title), title
    assert story["series_en"] in html_module.unescape(html)
    zh = client.get("/").get_data(as_text=True)
    assert story["title"] in re.search(r"<title>(.*?)</title>", zh, re.S).group(1)


def test_map_data_carries_the_english_fields(client, story):
    html = client.get("/?lang=en").get_data(as_text=True)
    data = page_data(html)
    record = data["stories"][0]
    for key in ("series_en", "newspaper_en", "subtitle_en", "reporters_en"):
        assert record[key] == story[key], key
    # the contents panel shows the lede's first paragraph; the rest waits in the reading content
    assert record["lede_en"] and story["lede_en"].startswith(record["lede_en"]) and "\n\n" not in record["lede_en"]
    content = client.get(data["content_url"]).get_json()
    assert content["stories"][story["id"]]["editor_note_en"] == story["editor_note_en"]
    photos = {p["id"]: p for p in content["photos"]}
    for photo in story["photos"]:
        assert photos[photo["id"]]["caption_en"] == photo["caption_en"]
        assert photos[photo["id"]]["credit_en"] == photo["credit_en"]
    facts = {f["id"]: f for f in content["facts"]}
    for fact in story["facts"]:
        assert facts[fact["id"]].get("unit_en") == fact.get("unit_en"), fact["id"]
        assert facts[fact["id"]].get("period_en") == fact.get("period_en"), fact["id"]


def test_bundled_story_english_is_complete(cli, story_copy):
    result = cli("validate", *story_copy.args)
    assert result.exit_code == 0, result.output
    assert "English missing" not in result.output


def test_partial_english_is_a_listed_warning_not_a_failure(cli, story_copy):
    text = story_copy.story_file.read_text(encoding="utf-8")
    lines = text.splitlines()
    dropped = {"lede_en", "reporters_en"}
    kept, skipping = [], False
    for line in lines:
        key = line.split(":", 1)[0]
        if key in dropped:
            skipping = True
            continue
        if skipping and (line.startswith("  ") or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    # and one photo credit
    credit = next(i for i, line in enumerate(kept) if line.strip().startswith("credit_en:"))
    del kept[credit]
    story_copy.story_file.write_text("\n".join(kept) + "\n", encoding="utf-8")
    kept_lines = story_copy.story_file.read_text(encoding="utf-8").splitlines()

    result = cli("validate", *story_copy.args)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "English missing" in line]
    assert len(warnings) == 3, warnings
    expected_lines = {
        next(i for i, line in enumerate(kept_lines, 1) if line.startswith("lede:")),
        next(i for i, line in enumerate(kept_lines, 1) if line.startswith("reporters:")),
        next(i for i, line in enumerate(kept_lines, 1) if line.strip().startswith("credit:")),
    }
    found = {int(re.search(r"\.yaml:(\d+):", w).group(1)) for w in warnings}
    assert found == expected_lines, warnings
    assert all(str(story_copy.story_file) in w for w in warnings)

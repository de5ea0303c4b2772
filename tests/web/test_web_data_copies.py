"""Apps made on a private copy of the data: reloading, last good data, env config, escaping."""

from __future__ import annotations

import re

import pytest
import yaml

import storymap
from storymap.errors import InvalidInputError, StorymapError

from ._helpers import page_data

ORIGINAL_PHRASE = "初冬的上海,阳光透过梧桐叶"
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"


def make_app(copy, **config):
    return storymap.create_app({
        "TESTING": True, "STORIES_DIR": str(copy.stories_dir), "GEODATA_DIR": str(copy.geodata_dir),
        "RELOAD_CHECK_SECONDS": 0, **config,
    })


def settle(app) -> None:
    """Wait for the background check of the changed files (requests never wait for it)."""
    app.extensions["storymap"].refresh()


def sun_ayi_text(client) -> str:
    response = client.get("/api/districts/310106")
    assert response.status_code == 200
    excerpts = [e for group in response.get_json()["sections"] for e in group["excerpts"]]
    return next(e["text"] for e in excerpts if e["id"] == "renewal-sun-ayi")


def embedded_data(client, path="/") -> dict:
    response = client.get(path)
    assert response.status_code == 200
    data = page_data(response.get_data(as_text=True))
    # the excerpt texts come with the reading content the page fetches when a reader opens them
    content = client.get(data["content_url"])
    assert content.status_code == 200
    for excerpt in data["excerpts"]:
        excerpt.update(content.get_json()["excerpts"][excerpt["id"]])
    return data


def rewrite(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------- last good data ----------


@pytest.fixture
def live_copy(story_copy, make_client):
    """An app on a copy of the data that re-checks its files on every request."""
    app = make_app(story_copy)
    return story_copy, app, make_client(app)


def test_invalid_yaml_keeps_serving_the_last_good_data(live_copy):
    copy, app, client = live_copy
    original = sun_ayi_text(client)
    assert ORIGINAL_PHRASE in original
    before = copy.story_file.read_bytes()
    broken = before.decode("utf-8") + "\nexcerpts: [unclosed, {\n"
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(broken)
    copy.story_file.write_text(broken, encoding="utf-8")
    assert copy.story_file.stat().st_size != len(before)
    settle(app)

    for path in ("/", "/?lang=en", "/embed", "/stories", "/api/districts.geojson", "/api/stories"):
        assert client.get(path).status_code == 200, path
    assert sun_ayi_text(client) == original
    assert ORIGINAL_PHRASE in embedded_data(client)["excerpts"][0]["text"]
    assert "people-city-shanghai.yaml" in app.extensions["storymap"].last_error


def test_impossible_date_keeps_serving_the_last_good_data(live_copy):
    # YAML reads an unquoted 2025-13-01 as a date, and datetime rejects it: still no 500.
    copy, app, client = live_copy
    original = sun_ayi_text(client)
    rewrite(copy.story_file, 'date: "2025-12"', "date: 2025-13-01")
    settle(app)
    assert sun_ayi_text(client) == original
    assert client.get("/").status_code == 200
    assert "2025-13-01" in app.extensions["storymap"].last_error


def test_invalid_story_keeps_serving_the_last_good_data(live_copy):
    """Valid YAML that breaks a story rule (an excerpt at an unknown place) is refused too."""
    copy, app, client = live_copy
    original = sun_ayi_text(client)
    rewrite(copy.story_file, "    place: tanjiaqiao-road\n    text: |-\n      初冬",
            "    place: no-such-place\n    text: |-\n      初冬")
    settle(app)
    assert client.get("/").status_code == 200
    assert sun_ayi_text(client) == original


def test_a_valid_change_is_served_and_survives_a_later_breakage(live_copy):
    copy, app, client = live_copy
    assert ORIGINAL_PHRASE in sun_ayi_text(client)
    embedded_data(client)  # render and cache the page of the first model
    rewrite(copy.story_file, ORIGINAL_PHRASE, "初冬的上海,改过的句子,阳光透过梧桐叶")
    settle(app)

    assert "改过的句子" in sun_ayi_text(client)
    assert "改过的句子" in embedded_data(client)["excerpts"][0]["text"], "cached page of the old model served"
    assert "改过的句子" in client.get("/stories").get_data(as_text=True)
    assert app.extensions["storymap"].last_error is None

    copy.story_file.write_text("id: [", encoding="utf-8")
    settle(app)
    assert client.get("/").status_code == 200
    assert "改过的句子" in sun_ayi_text(client)


def test_recovers_when_a_broken_file_is_fixed(live_copy):
    copy, app, client = live_copy
    good = copy.story_file.read_text(encoding="utf-8")
    copy.story_file.write_text(good + "\n  - broken: [\n", encoding="utf-8")
    settle(app)
    assert ORIGINAL_PHRASE in sun_ayi_text(client)
    copy.story_file.write_text(good.replace(ORIGINAL_PHRASE, "修好之后:" + ORIGINAL_PHRASE), encoding="utf-8")
    settle(app)
    assert sun_ayi_text(client).startswith("修好之后:")


def test_create_app_on_a_broken_story_raises_invalid_input(story_copy):
    story_copy.story_file.write_text(story_copy.story_file.read_text(encoding="utf-8") + "\n: [\n",
                                     encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        make_app(story_copy)
    assert info.value.problems
    assert "people-city-shanghai.yaml" in str(info.value)


def test_create_app_on_a_missing_folder_raises_invalid_input(story_copy):
    with pytest.raises(InvalidInputError):
        storymap.create_app({"STORIES_DIR": str(story_copy.root / "missing"),
                             "GEODATA_DIR": str(story_copy.geodata_dir)})


def test_create_app_with_an_unknown_tile_layer_raises(story_copy):
    with pytest.raises(StorymapError, match="foo"):
        make_app(story_copy, TILES=("foo",))


# ---------- configuration from the environment ----------


def test_environment_variables_choose_the_data(story_copy, monkeypatch, make_client):
    rewrite(story_copy.story_file, ORIGINAL_PHRASE, "环境变量:" + ORIGINAL_PHRASE)
    manifest = story_copy.geodata_dir / "manifest.json"
    rewrite(manifest, '"name_en": "Shanghai"', '"name_en": "Shanghai (env copy)"')
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(story_copy.stories_dir))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(story_copy.geodata_dir))
    monkeypatch.setenv("STORYMAP_TILES", "osm")
    app = storymap.create_app()
    client = make_client(app)
    assert sun_ayi_text(client).startswith("环境变量:")
    assert client.get("/api/stories").get_json()["region"]["name_en"] == "Shanghai (env copy)"
    # STORYMAP_TILES: the OpenStreetMap layer is offered, and only its host is allowed for images
    page = client.get("/")
    assert "tile.openstreetmap.org" in page.get_data(as_text=True)
    img_src = next(d for d in page.headers["Content-Security-Policy"].split(";") if d.strip().startswith("img-src"))
    assert "https://*.tile.openstreetmap.org" in img_src.split()


def test_test_config_wins_over_the_environment(story_copy, monkeypatch, bundled_stories_dir, make_client):
    rewrite(story_copy.story_file, ORIGINAL_PHRASE, "环境变量:" + ORIGINAL_PHRASE)
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(story_copy.stories_dir))
    app = storymap.create_app({"STORIES_DIR": str(bundled_stories_dir)})
    assert sun_ayi_text(make_client(app)).startswith(ORIGINAL_PHRASE)


# ---------- markup in story text is text ----------


@pytest.fixture
def markup_client(story_copy, make_client):
    rewrite(story_copy.story_file, "      初冬的上海,", f"      {IMG}{SCRIPT}初冬的上海,")
    rewrite(story_copy.story_file, 'name: "谈家桥路小区"', f"name: '谈家桥路小区{IMG}'")
    return make_client(make_app(story_copy))


def test_markup_in_story_text_is_escaped_in_the_reading_view(markup_client):
    html = markup_client.get("/stories").get_data(as_text=True)
    assert "<img src=x" not in html and "window.__xss=2</script>" not in html
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in html
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in html


@pytest.mark.parametrize("path", ["/", "/embed", "/?lang=en"])
def test_markup_in_story_text_stays_inside_the_json_data_block(markup_client, path):
    response = markup_client.get(path)
    html = response.get_data(as_text=True)
    assert "<img src=x" not in html
    assert html.count("</script>") == len(re.findall(r"<script\b", html)), "a story text closed a script element"
    data = embedded_data(markup_client, path)
    assert data["excerpts"][0]["text"].startswith(IMG + SCRIPT)
    assert next(p for p in data["places"] if p["id"] == "tanjiaqiao-road")["name"] == "谈家桥路小区" + IMG


def test_markup_in_story_text_is_plain_json_in_the_api(markup_client):
    response = markup_client.get("/api/districts/310106")
    assert response.is_json
    assert sun_ayi_text(markup_client).startswith(IMG + SCRIPT)

"""HTML views: the map page, its embed, the reading view, error pages and headers."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from storymap.web.assets import minify

from ._helpers import json_keys

MAP_PAGES = ["/", "/?lang=en", "/embed", "/embed?lang=en"]
HTML_PAGES = [*MAP_PAGES, "/stories", "/stories?lang=en"]


class Page(HTMLParser):
    """What the tests need from a rendered page, read with the standard HTML parser."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.body_classes: list[str] = []
        self.scripts: list[tuple[dict, str]] = []  # (attributes, text)
        self.links: list[dict] = []
        self.elements: list[tuple[str, dict]] = []
        self.ids: dict[str, dict] = {}
        self.sections: dict[str, str] = {}  # <section id> -> its text
        self.headings: dict[str, str] = {}  # <h2 id> -> its text
        self.text_by_id: dict[str, str] = {}
        self._script: tuple[dict, list] | None = None
        self._open: list[tuple[str, str | None, list]] = []  # (tag, id, text parts)
        self._all_text: list[str] = []
        self.feed(html)
        self.close()
        self.text = "".join(self._all_text)

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "body":
            self.body_classes = attrs.get("class", "").split()
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self._script = (attrs, [])
        if tag not in ("link", "meta", "input", "br", "img", "script"):
            self._open.append((tag, attrs.get("id"), []))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
            return
        while self._open:
            open_tag, element_id, parts = self._open.pop()
            if element_id:
                text = "".join(parts)
                self.text_by_id[element_id] = text
                if open_tag == "section":
                    self.sections[element_id] = text
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
            return
        self._all_text.append(data)
        for _, _, parts in self._open:
            parts.append(data)

    @property
    def inline_scripts(self) -> list[str]:
        """Bodies of the inline scripts a browser would run (not JSON data blocks)."""
        return [
            body for attrs, body in self.scripts
            if "src" not in attrs and attrs.get("type", "text/javascript") in ("", "text/javascript", "module")
        ]

    def asset_urls(self) -> list[str]:
        urls = [attrs["src"] for attrs, _ in self.scripts if "src" in attrs]
        for attrs in self.links:
            rels = set(attrs.get("rel", "").lower().split())
            if rels & {"stylesheet", "icon", "preload", "modulepreload", "manifest"}:
                urls.append(attrs["href"])
        urls += [attrs["src"] for tag, attrs in self.elements if tag in ("img", "iframe", "source", "video", "audio")
                 and "src" in attrs]
        return urls


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0]] = tokens[1:]
    return directives


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.strip().split("\n\n") if p.strip()]


def get_page(client, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    assert response.mimetype == "text/html"
    assert response.mimetype_params.get("charset", "").lower() == "utf-8"
    return Page(response.get_data(as_text=True))


# ---------- the map page ----------


def test_index_is_a_chinese_html_page_with_the_sidebar(client):
    page = get_page(client, "/")
    assert page.html_lang == "zh-CN"
    for element_id in ("sidebar", "sm-panel", "sm-search-input", "sm-tour-prev", "sm-tour-next", "sm-tour-status"):
        assert element_id in page.ids, element_id
    assert any(attrs.get("class", "").startswith("folium-map") for _, attrs in page.elements), "no Leaflet map div"


def test_index_embeds_the_story_data_as_json(client, story, expected_tour, official_districts):
    page = get_page(client, "/")
    blocks = [body for attrs, body in page.scripts if attrs.get("id") == "storymap-data"]
    assert len(blocks) == 1
    attrs = next(attrs for attrs, _ in page.scripts if attrs.get("id") == "storymap-data")
    assert attrs.get("type") == "application/json"
    data = json.loads(blocks[0])
    assert data["lang"] == "zh"
    assert len(data["districts"]) == 16
    assert {d["code"]: (d["name_zh"], d["name_en"]) for d in data["districts"]} == official_districts
    assert [e["id"] for e in data["excerpts"]] == [e["id"] for e in story["excerpts"]]
    assert {p["id"] for p in data["places"]} == {p["id"] for p in story["places"]}
    assert data["tour"] == expected_tour
    assert data["stories"][0]["title"] == story["title"]
    # data only: the geometry is drawn by the map layers, not shipped a second time
    assert not set(json_keys(data)) & {"geometry", "coordinates"}


@pytest.mark.parametrize("path", [*HTML_PAGES, "/nope", "/api/stories", "/api/places.geojson",
                                  "/api/districts/310106", "/api/nope"])
def test_no_response_reveals_server_paths(client, path, repo_root):
    body = client.get(path).get_data(as_text=True)
    assert str(repo_root) not in body


def test_english_page_has_english_ui(client):
    en = get_page(client, "/?lang=en")
    zh = get_page(client, "/")
    assert en.html_lang == "en"
    label_en = en.text_by_id.get("sm-tour-next", "")
    assert "Next" in label_en and "下一个" not in label_en
    assert "下一个" in zh.text_by_id["sm-tour-next"]
    # the language switch offers the other language
    assert en.text_by_id["sm-lang-switch"].strip() == "中文"
    assert zh.text_by_id["sm-lang-switch"].strip() == "English"
    placeholder = en.ids["sm-search-input"]["placeholder"]
    assert placeholder and placeholder.isascii()
    assert not zh.ids["sm-search-input"]["placeholder"].isascii()
    data = json.loads(next(body for attrs, body in en.scripts if attrs.get("id") == "storymap-data"))
    assert data["lang"] == "en"


@pytest.mark.parametrize("lang", ["xx", "", "EN", "zh-CN", "en'><script>alert(1)</script>"])
def test_unknown_lang_falls_back_to_chinese(client, lang):
    response = client.get("/", query_string={"lang": lang})
    assert response.status_code == 200
    assert Page(response.get_data(as_text=True)).html_lang == "zh-CN"
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_pages_rendered_per_language_do_not_leak_into_each_other(client):
    # pages are cached per model, language and embed flag; interleave them
    assert get_page(client, "/?lang=en").html_lang == "en"
    assert get_page(client, "/").html_lang == "zh-CN"
    assert get_page(client, "/embed?lang=en").html_lang == "en"
    embed = get_page(client, "/embed")
    assert embed.html_lang == "zh-CN"
    assert "sm--embed" in embed.body_classes
    assert "sm--embed" not in get_page(client, "/").body_classes


def test_embed_is_chromeless(client):
    page = get_page(client, "/embed")
    assert "sm-search-input" not in page.ids
    assert "sidebar" in page.ids and "sm-panel" in page.ids


# ---------- assets: all served by the app itself ----------


@pytest.mark.parametrize("path", [*HTML_PAGES, "/nope"])
def test_every_asset_is_same_origin_and_served(client, path):
    response = client.get(path)
    page = Page(response.get_data(as_text=True))
    urls = page.asset_urls()
    assert urls, "a page with no stylesheet at all"
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and not url.startswith("//"), f"{path} loads {url} from another host"
        asset = client.get(urljoin("http://localhost" + path, url))
        assert asset.status_code == 200, (path, url, asset.status_code)
        assert asset.get_data(), url


def test_map_page_uses_vendored_leaflet(client):
    paths = [urlsplit(url).path for url in Page(client.get("/").get_data(as_text=True)).asset_urls()]
    assert any(path.endswith("/vendor/leaflet/leaflet.js") for path in paths)
    assert any(path.endswith("/vendor/leaflet/leaflet.css") for path in paths)
    assert any(path.endswith("/js/main.js") for path in paths)


@pytest.mark.parametrize("css", ["/static/vendor/leaflet/leaflet.css", "/static/css/storymap.css",
                                 "/static/css/reading.css"])
def test_stylesheets_reference_only_served_same_origin_files(client, css):
    response = client.get(css)
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    text = response.get_data(as_text=True)
    assert "@import" not in text
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
        if ref.startswith(("data:", "#")):
            continue
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc, f"{css} references {ref}"
        assert client.get(urljoin("http://localhost" + css, ref)).status_code == 200, ref


def test_vendored_leaflet_licence_and_integrity(client, repo_root):
    licence = client.get("/static/vendor/leaflet/LICENSE")
    assert licence.status_code == 200
    text = licence.get_data(as_text=True)
    assert "BSD" in text and "Agafonkin" in text
    vendor = json.loads((repo_root / "src/storymap/static/vendor/VENDOR.json").read_text(encoding="utf-8"))
    leaflet = vendor["leaflet"]
    assert set(leaflet["files"]) >= {"LICENSE", "leaflet.js", "leaflet.css"}
    for name, digest in leaflet["files"].items():
        vendored = (repo_root / "src/storymap/static/vendor/leaflet" / name).read_bytes()
        assert hashlib.sha256(vendored).hexdigest() == digest, f"{name} differs from VENDOR.json"
        served = client.get(f"/static/vendor/leaflet/{name}")
        assert served.status_code == 200, name
        assert served.get_data() == minify(name, vendored), f"{name} is served as vendored (CSS minified)"
    assert leaflet["version"] in client.get("/static/vendor/leaflet/leaflet.js").get_data(as_text=True)[:2000]


# ---------- Content-Security-Policy ----------


def sha256_source(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


@pytest.mark.parametrize("path", MAP_PAGES)
def test_csp_allows_exactly_the_pages_own_inline_scripts(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    scripts = directives["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'self'" in scripts
    assert not any(s == "*" or "://" in s or s in ("http:", "https:", "data:") for s in scripts), scripts
    inline = Page(response.get_data(as_text=True)).inline_scripts
    assert any("window.StoryMapLayers" in body for body in inline), "the map's start-up script is missing"
    for body in inline:
        assert sha256_source(body) in scripts, f"inline script not allowed by CSP: {body[:80]!r}"
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_csp_hash_would_reject_a_changed_script(client):
    # the check above is only meaningful if one changed byte changes the hash
    response = client.get("/")
    scripts = csp_directives(response)["script-src"]
    body = next(b for b in Page(response.get_data(as_text=True)).inline_scripts if "window.StoryMapLayers" in b)
    assert sha256_source(body + " ") not in scripts


@pytest.mark.parametrize("path", ["/stories", "/stories?lang=en", "/nope", "/api/districts"])
def test_csp_on_pages_without_inline_scripts(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    if response.mimetype == "text/html":
        assert Page(response.get_data(as_text=True)).inline_scripts == []


def test_only_the_embed_may_be_framed(client):
    assert csp_directives(client.get("/embed"))["frame-ancestors"] == ["*"]
    assert csp_directives(client.get("/embed?lang=en"))["frame-ancestors"] == ["*"]
    for path in ("/", "/?lang=en", "/stories", "/nope"):
        framing = csp_directives(client.get(path))["frame-ancestors"]
        assert "*" not in framing, path
        assert framing == ["'self'"], path


# ---------- the reading view ----------


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, [n for n, at in zip(needles, found) if at == -1]
    return found


def test_reading_view_follows_the_article_order(client, story, places_by_id):
    page = get_page(client, "/stories")
    assert page.html_lang == "zh-CN"
    assert story["title"] in page.text
    # every passage, in the order the story file gives them (the article's), not regrouped
    firsts = [paragraphs(e["text"])[0] for e in story["excerpts"]]
    at = positions(page.text, firsts)
    assert at == sorted(at)
    # sections in article order, each one holding its own passages
    for section in story["sections"]:
        text = page.sections[f"section-{section['id']}"]
        for excerpt in story["excerpts"]:
            first = paragraphs(excerpt["text"])[0]
            assert (first in text) == (excerpt["section"] == section["id"]), excerpt["id"]
    for fact in story.get("facts", []):
        assert fact["quote"] in page.text, fact["id"]


def test_reading_view_heads_each_run_of_a_place_once(client, story, places_by_id):
    html = client.get("/stories").get_data(as_text=True)
    headings = re.findall(r'<h3 class="place"[^>]*>\s*([^<]+?)\s*<', html)
    runs = []  # (section, place) runs in article order
    for excerpt in story["excerpts"]:
        key = (excerpt["section"], excerpt.get("place"))
        if not runs or runs[-1] != key:
            runs.append(key)
    expected = [places_by_id[place]["name"] if place else "全市" for _, place in runs]
    assert headings == expected
    assert len(runs) < len(story["excerpts"]), "the story has runs of several passages about one place"


def test_reading_view_links_districts_as_the_map_does(client, story, places_by_id):
    page = get_page(client, "/stories")
    codes = {str(places_by_id[e["place"]]["district"]) for e in story["excerpts"] if "place" in e}
    hrefs = [attrs.get("href", "") for tag, attrs in page.elements if tag == "a"]
    for code in codes:
        assert f"district={code}" in page.ids, f"no #district={code} anchor"
        assert f"#district={code}" in hrefs  # the contents, in the page
        assert f"/?lang=zh#district={code}" in hrefs  # the map, same fragment
    assert not any(re.search(r"#district-\d", h) for h in hrefs)


def test_reading_view_in_english_shows_translations(client, story):
    page = get_page(client, "/stories?lang=en")
    assert page.html_lang == "en"
    for excerpt in story["excerpts"]:
        section = page.sections[f"section-{excerpt['section']}"]
        if excerpt.get("text_en"):
            for para in paragraphs(excerpt["text_en"]):
                assert para in section, excerpt["id"]
            assert paragraphs(excerpt["text"])[0] not in section, f"{excerpt['id']}: Chinese shown instead"
    assert story["title_en"] in page.text
    for photo in story["photos"]:
        assert photo["caption_en"] in page.text
    assert ", ".join(story["reporters_en"]) in page.text


def test_reading_view_escapes_story_text(client, excerpts_by_id):
    html = client.get("/stories?lang=en").get_data(as_text=True)
    # The translation quotes with ASCII double quotes; the page must carry them escaped.
    para = paragraphs(excerpts_by_id["renewal-sun-ayi"]["text_en"])[0]
    assert '"' in para
    escaped = para.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace(
        "'", "&#39;")
    assert escaped in html
    assert para not in html


# ---------- errors ----------


@pytest.mark.parametrize("path", ["/nope", "/static/nope.js", "/stories/extra"])
def test_unknown_page_is_a_404_html_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in Page(response.get_data(as_text=True)).text


def test_method_not_allowed_is_clean(client):
    response = client.post("/")
    assert response.status_code == 405
    assert response.mimetype == "text/html"


@pytest.fixture(scope="module")
def crashing_client(make_client):
    import storymap

    application = storymap.create_app({"RELOAD_CHECK_SECONDS": None})

    @application.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    @application.get("/api/boom")
    def api_boom():
        raise KeyError("secret internal detail")

    return make_client(application)


def test_unexpected_exception_is_a_clean_500_page(crashing_client):
    response = crashing_client.get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "RuntimeError" not in body
    assert "500" in body


def test_unexpected_exception_in_the_api_is_clean_json(crashing_client):
    response = crashing_client.get("/api/boom")
    assert response.status_code == 500
    assert response.is_json
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "KeyError" not in body
    assert response.get_json()["error"]["status"] == 500

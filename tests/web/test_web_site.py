"""Several regions, one site: the series index, each region's map at its own path, old links."""

from __future__ import annotations

import re
from html import unescape
import shutil

import pytest
from click.testing import CliRunner

from storymap.cli import main
from storymap.errors import InvalidInputError
from storymap.project import MARKER_TEXT
from storymap.project import discover_regions
from storymap.regions import build_region_models
from storymap.web.site import create_site

# A second article, written for the test, about 深圳 (440300): one place with explicit coordinates.
SHENZHEN_STORY = """\
id: shenzhen-test
city: "440300"
series: 人民城市建设巡礼
newspaper: 中国城市报
title: 鹏城测试篇
date: "2026-01-05"
reporters: [林晓]
source: {file: raw.txt}
sections:
  - {id: renewal, title: 城市更新, theme: renewal}
places:
  - {id: huaqiangbei-road, name: 华强北路, role: story, lon: 114.0855, lat: 22.5435, crs: wgs84,
     source: test point, precision: street, district: "440304"}
excerpts:
  - {id: renewal-1, section: renewal, place: huaqiangbei-road, text: "走进福田区华强北路,街区整洁明亮。"}
"""


@pytest.fixture(scope="module")
def roots(tmp_path_factory, repo_root):
    return make_roots(tmp_path_factory.mktemp("site"), repo_root)


def make_roots(root, repo_root):
    """geodata/ and stories/ with the bundled Shanghai region plus an imported Shenzhen."""
    shutil.copytree(repo_root / "geodata", root / "geodata")
    shutil.copytree(repo_root / "stories", root / "stories")
    (root / "storymap.toml").write_text(MARKER_TEXT, "utf-8")  # a project folder
    result = CliRunner().invoke(main, ["geodata", "import", "440300", "--out", str(root / "geodata" / "shenzhen")])
    assert result.exit_code == 0, result.output
    (root / "stories" / "shenzhen").mkdir()
    (root / "stories" / "shenzhen" / "shenzhen-test.yaml").write_text(SHENZHEN_STORY, "utf-8")
    (root / "stories" / "shenzhen" / "raw.txt").write_text("走进福田区华强北路,街区整洁明亮。\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def client(roots):
    site = create_site({"GEODATA_ROOT": str(roots / "geodata"), "STORIES_ROOT": str(roots / "stories"), "TESTING": True})
    return site.test_client()


def test_regions_are_the_story_folders_beside_geodata(roots):
    regions = discover_regions(roots / "geodata", roots / "stories")
    assert [(r.name, r.geodata_dir.name, r.stories_dir.name) for r in regions] == [
        ("shanghai", "shanghai", "shanghai"), ("shenzhen", "shenzhen", "shenzhen"),
    ]
    models = build_region_models(regions)
    assert {name: m.region["code"] for name, m in models.items()} == {"shanghai": "310000", "shenzhen": "440300"}


def test_story_folder_without_geodata_is_a_problem(roots, tmp_path):
    shutil.copytree(roots / "stories", tmp_path / "stories")
    (tmp_path / "stories" / "chengdu").mkdir()
    with pytest.raises(InvalidInputError, match=r"region 'chengdu' but no .*geodata/chengdu/manifest.json"):
        discover_regions(roots / "geodata", tmp_path / "stories")


def test_validate_reads_every_region(roots):
    result = CliRunner().invoke(main, ["validate", "--root", str(roots)])
    assert result.exit_code == 0, result.output
    summaries = [line for line in result.output.splitlines() if line.startswith("OK")]
    assert summaries[0].startswith("OK: shanghai: 1 story, 11 places")
    assert summaries[1].startswith("OK: shenzhen: 1 story, 1 places") and "1 of 9 districts" in summaries[1]


def test_index_lists_every_article_with_city_date_and_locator(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    titles = re.findall(r'<h3><a href="([^"]+)">([^<]+)</a></h3>', html)
    assert titles == [("/shenzhen/", "鹏城测试篇"), ("/shanghai/", "浦江潮齐奏『人民至上』乐章")]  # newest first
    assert "深圳市" in html and "上海市" in html and "2026-01-05" in html
    locators = re.findall(r'<svg class="locator" viewBox="0 0 200 (\d+)".*?<path class="province" d="([^"]+)"/>\s*'
                          r'<circle class="region" cx="([\d.]+)" cy="([\d.]+)"', html, re.S)
    assert len(locators) == 2
    for height, province, x, y in locators:
        numbers = [float(n) for n in re.findall(r"[\d.]+", province)]
        xs, ys = numbers[0::2], numbers[1::2]
        # The region's dot lies inside its province's outline box, inside the map.
        assert min(xs) <= float(x) <= max(xs) and min(ys) <= float(y) <= max(ys)
        assert 0 < float(y) < int(height)
    assert 'id="storymap-index"' in html and "js/index.js" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_index_links_each_article_to_its_classroom(client, lang):
    html = client.get(f"/?lang={lang}" if lang == "en" else "/").get_data(as_text=True)
    suffix = "?lang=en" if lang == "en" else ""
    assert f'href="/shanghai/classroom{suffix}">{"Classroom" if lang == "en" else "课堂"}</a>' in html
    assert f'href="/shenzhen/classroom{suffix}"' in html
    assert client.get(f"/shanghai/classroom{suffix}").status_code == 200


def test_english_index_gives_newspaper_and_series_in_english(client, story):
    html = unescape(client.get("/?lang=en").get_data(as_text=True))
    assert f"{story['newspaper_en']} · {story['series_en']}" in html
    # the test's Shenzhen article has no English fields: only its line keeps the Chinese
    assert html.count(f"{story['newspaper']} · {story['series']}") == 1


def test_index_in_english_and_its_json_twin(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Story maps" in html and "Shenzhen" in html and 'href="/shenzhen/?lang=en"' in html
    regions = client.get("/api/regions").get_json()["regions"]
    assert [(r["name"], r["code"], r["url"]) for r in regions] == [
        ("shanghai", "310000", "/shanghai/"), ("shenzhen", "440300", "/shenzhen/"),
    ]
    assert regions[1]["stories"][0]["title"] == "鹏城测试篇" and "440304" in regions[1]["districts"]


def test_each_region_has_its_own_map(client):
    shanghai = client.get("/shanghai/").get_data(as_text=True)
    shenzhen = client.get("/shenzhen/").get_data(as_text=True)
    assert "谈家桥路" in shanghai and "华强北路" not in shanghai
    assert "华强北路" in shenzhen and "谈家桥路" not in shenzhen
    features = client.get("/shenzhen/api/places.geojson").get_json()["features"]
    assert [f["properties"]["district_code"] for f in features] == ["440304"]
    assert client.get("/shenzhen").status_code in (301, 308)


@pytest.mark.parametrize("old, status, new", [
    ("/stories?lang=en", 301, "/shanghai/stories?lang=en"),
    ("/embed", 301, "/shanghai/embed"),
    ("/api/places.geojson", 308, "/shanghai/api/places.geojson"),
    ("/api/districts/310106", 308, "/shanghai/api/districts/310106"),
])
def test_old_links_go_to_the_shanghai_map(client, old, status, new):
    response = client.get(old)
    assert response.status_code == status and response.headers["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("first, new", [
    ("/present?lang=en", "/shanghai/present?lang=en"),
    ("/quiz?seed=7&n=8", "/shanghai/quiz?seed=7&n=8"),
    ("/quiz/key?seed=7&n=8&lang=en", "/shanghai/quiz/key?seed=7&n=8&lang=en"),
    ("/handout", "/shanghai/handout"),
    ("/handout.pdf?lang=en", "/shanghai/handout.pdf?lang=en"),
])
def test_the_readmes_classroom_links_go_to_the_region(client, first, new):
    response = client.get(first)
    assert response.status_code == 301 and response.headers["Location"] == new


@pytest.fixture(scope="module")
def one_region_client(repo_root):
    return create_site({"GEODATA_ROOT": str(repo_root / "geodata"), "STORIES_ROOT": str(repo_root / "stories"),
                        "TESTING": True}).test_client()


def test_with_one_region_classroom_links_go_straight_to_it(one_region_client):
    response = one_region_client.get("/quiz?seed=3")
    assert response.status_code == 301 and response.headers["Location"] == "/shanghai/quiz?seed=3"
    assert one_region_client.get("/shanghai/quiz?seed=3").status_code == 200


def test_the_handout_pdf_is_printed_from_the_regions_path(one_region_client):
    """As `storymap serve` runs it: the region is mounted at /shanghai/, and the PDF prints its handout."""
    response = one_region_client.get("/shanghai/handout.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[-300:]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_with_one_region_the_index_is_its_map(repo_root):
    site = create_site({"GEODATA_ROOT": str(repo_root / "geodata"), "STORIES_ROOT": str(repo_root / "stories"),
                        "TESTING": True})
    response = site.test_client().get("/?lang=en")
    assert response.status_code == 302 and response.headers["Location"] == "/shanghai/?lang=en"


def test_index_sends_old_fragment_links_to_their_region(client):
    """The data index.js reads to send /#district=…, /#place=… on (parseHash from deeplinks.js)."""
    html = client.get("/").get_data(as_text=True)
    import json

    data = json.loads(re.search(r'<script type="application/json" id="storymap-index">(.*?)</script>', html, re.S)[1])
    assert data["default_region"] == "shanghai"
    by_name = {r["name"]: r for r in data["regions"]}
    assert "310106" in by_name["shanghai"]["districts"] and "modu-space" in by_name["shanghai"]["places"]
    assert "440304" in by_name["shenzhen"]["districts"] and "huaqiangbei-road" in by_name["shenzhen"]["places"]
    script = client.get("/static/js/index.js").get_data(as_text=True)
    assert re.search(r'import\s*\{\s*parseHash\s*\}\s*from\s*"\./deeplinks\.js"', script), script[:200]

"""The series index in Chromium: no script or CSP error, and old fragment links reach their region."""

from __future__ import annotations

import re

import pytest

from tests.web.test_web_site import make_roots


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, repo_root, start_server):
    from storymap.web.site import create_site

    roots = make_roots(tmp_path_factory.mktemp("site"), repo_root)
    return start_server(create_site({"GEODATA_ROOT": str(roots / "geodata"), "STORIES_ROOT": str(roots / "stories")}))


def test_index_shows_the_articles(page, site_url):
    page.goto(site_url + "/")
    assert page.locator(".article h3").all_inner_texts() == ["鹏城测试篇", "浦江潮齐奏『人民至上』乐章"]
    box = page.locator(".article .locator").first.bounding_box()
    assert box["width"] > 50 and box["height"] > 30  # the locator is drawn, not collapsed


@pytest.mark.parametrize("fragment, region", [
    ("#district=440304", "shenzhen"),
    ("#place=huaqiangbei-road", "shenzhen"),
    ("#district=310106", "shanghai"),
    ("#place=modu-space", "shanghai"),
    ("#place=no-such-place", "shanghai"),  # unknown: the default region's map says so
])
def test_old_fragment_links_reach_their_region(page, site_url, fragment, region):
    page.goto(site_url + "/" + fragment)
    page.wait_for_url(re.compile(rf"/{region}/{re.escape(fragment)}$"))
    page.wait_for_selector("#storymap-data", state="attached")

"""Optional tile layers: off by default, and Amap's GCJ-02 tiles drawn under WGS-84 data.

Amap tiles show a place where GCJ-02 puts it, a few hundred metres from its
WGS-84 position; the page moves the Amap layer back by the local shift so
tiles and district polygons line up. Expected shifts are computed here from
storymap.coords and the Web Mercator formula, independently of the page.
"""

from __future__ import annotations

import base64
import math

import pytest

from storymap import coords, create_app

pytestmark = pytest.mark.browser

# A 1x1 transparent PNG served for every tile request, so nothing leaves the machine.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="module")
def tiles_server(start_server) -> str:
    return start_server(create_app({"TILES": ("amap", "osm")}))


def mercator_pixels(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def test_tiles_are_off_until_chosen(page_log, tiles_server):
    page, log = page_log
    page.goto(tiles_server + "/")
    page.wait_for_function("window.StoryMap && StoryMap.app")
    assert page.locator("path.district").count() == 16
    assert page.locator(".leaflet-control-layers").count() == 1  # the layer control offers them
    assert page.locator(".leaflet-tile").count() == 0


@pytest.mark.parametrize("lon, lat", [(121.4737, 31.2304), (121.3449, 31.7148), (121.1, 30.9)])
def test_page_interpolates_the_gcj02_shift(page, tiles_server, lon, lat):
    page.goto(tiles_server + "/")
    page.wait_for_function("window.StoryMap && StoryMap.gcj02Grid")
    dlon, dlat = page.evaluate("([lon, lat]) => StoryMap.gcjOffset(StoryMap.gcj02Grid, lon, lat)", [lon, lat])
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    # The grid is coarse (0.05 degrees); 2e-5 degrees is about 2 m, a pixel or two at street zoom.
    assert abs(dlon - (g_lon - lon)) < 2e-5 and abs(dlat - (g_lat - lat)) < 2e-5


def test_amap_layer_is_moved_back_by_the_local_shift(browser, tiles_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(lambda url: "autonavi.com" in url,
                  lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG))
    context.route(lambda url: "127.0.0.1" not in url and "autonavi.com" not in url, lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(tiles_server + "/#place=shantao-bund")
        page.wait_for_function("window.StoryMap && StoryMap.app")
        page.evaluate("StoryMap.app.map.addLayer(StoryMap.gcj02Layers[0])")
        page.wait_for_function("StoryMap.gcj02Layers[0].getContainer().style.transform !== ''")
        centre, zoom, transform = page.evaluate("""() => {
            const map = StoryMap.app.map, c = map.getCenter();
            return [[c.lng, c.lat], map.getZoom(), StoryMap.gcj02Layers[0].getContainer().style.transform];
        }""")
        dx, dy = (float(v) for v in transform.removeprefix("translate(").removesuffix(")").replace("px", "").split(","))
        g_lon, g_lat = coords.wgs84_to_gcj02(*centre)
        x0, y0 = mercator_pixels(*centre, zoom)
        x1, y1 = mercator_pixels(g_lon, g_lat, zoom)
        # GCJ-02 lies east and south of WGS-84 here, so the tiles move back west and north.
        assert dx == pytest.approx(x0 - x1, abs=0.5) and dx < 0
        assert dy == pytest.approx(y0 - y1, abs=0.5) and dy < 0
    finally:
        context.close()

"""Build the Leaflet map with folium: the only module that imports folium.

The map holds the district polygons (shaded by story places), the story
points and optional tile layers. Their data travels in JSON blocks that the
layers' inline script parses (:class:`DataLayer`), never inside code;
:class:`StoryMapController` hands the layers to the front-end modules
(static/js/main.js), which add the panel, tour, search and deep links. Every asset is served by the app: folium's CDN lists are
replaced on each instance, never on the shared class lists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import folium
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from . import coords
from .model import StoryModel
from .topology import coordinate_bounds

PLACES_PANE = "storyPlaces"
SCRIPTS_DIR = Path(__file__).resolve().parent / "static" / "js"
# Lower bounds of the district shades (passages per district); the colours are
# the .sm-shade-N classes of storymap.css, applied by districts.js.
SHADE_THRESHOLDS = (0, 1, 2, 4)
# folium's header declares a viewport that forbids zooming (maximum-scale=1.0, user-scalable=no:
# WCAG 1.4.4); every page template declares its own, which allows it.
FOLIUM_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


@dataclass(frozen=True)
class TileSource:
    """An optional basemap; ``gcj02`` marks tiles drawn in China's GCJ-02 datum."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 18
    subdomains: str = "abc"
    gcj02: bool = False


TILE_SOURCES = {
    "osm": TileSource(
        "OpenStreetMap", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors', 19,
    ),
    "cartodb": TileSource(
        "CartoDB Positron", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        '&copy; OpenStreetMap contributors &copy; <a href="https://carto.com/attributions">CARTO</a>', 19, "abcd",
    ),
    "amap": TileSource(
        "高德 Amap", "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        '&copy; 高德地图 AutoNavi', 18, "1234", gcj02=True,
    ),
}


class StoryMapController(folium.MacroElement):
    """Publishes the map and its layers as ``window.StoryMapLayers`` for the front end.

    The page's module script (static/js/main.js) runs after this classic inline
    script and picks them up. The story data itself is not in this script: the
    page embeds it as JSON (``#storymap-data``) so it is parsed as data, never as code.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.StoryMapLayers = {
            map: {{ this._parent.get_name() }},
            districts: {{ this.districts.get_name() }},
            places: {{ this.places.get_name() }},
            gcj02Layers: [{% for layer in this.gcj02_layers %}{{ layer.get_name() }}{{ "," if not loop.last }}{% endfor %}],
            gcj02Grid: {{ this.gcj02_grid|tojson }},
            bounds: {{ this.bounds|tojson }}
        };
        {% endmacro %}
        """
    )

    def __init__(self, districts, places, gcj02_layers, gcj02_grid, bounds):
        super().__init__()
        self.bounds = bounds
        self._name = "StoryMapController"
        self.districts = districts
        self.places = places
        self.gcj02_layers = gcj02_layers
        self.gcj02_grid = gcj02_grid


def json_block(data) -> str:
    """``data`` as the text of a ``<script type="application/json">``: parsed as data, never run.

    NaN and Infinity are refused (they are not JSON), and ``<``, ``>``, ``&``
    and ``'`` are escaped, so no value can close the element.
    """
    return htmlsafe_json_dumps(data, dumps=partial(json.dumps, allow_nan=False, ensure_ascii=False,
                                                    separators=(",", ":")))


class DataLayer(folium.map.Layer):
    """A Leaflet GeoJSON layer filled from a JSON data block of the page.

    Data-file values (names, codes, ids, geometry) never enter inline code:
    the ``html`` part holds them in ``<script type="application/json">`` and
    the ``script`` part, the same for any data, parses that block. So the
    inline script's CSP hash depends only on this code, and markup in a value
    is text. Styles are computed in the browser from the feature's properties.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.block_id }}">{{ this.block }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var data = JSON.parse(document.getElementById({{ this.block_id|tojson }}).textContent);
            {%- if this.kind == "districts" %}
            var layer = L.geoJson(null, {
                smoothFactor: 0.5,
                // The fill is the sm-shade-N class districts.js adds (storymap.css).
                style: function () {
                    return {fillOpacity: 0.85, color: "#6b6256", weight: 1};
                }
            });
            layer.addData(topojson.feature(data, data.objects.districts));
            {%- else %}
            var layer = L.geoJson(null, {
                pointToLayer: function (feature, latlng) {
                    var p = feature.properties, story = p.role === "story";
                    // The fill comes from the theme class in storymap.css, like the legend's.
                    return L.circleMarker(latlng, {
                        color: "#ffffff", fill: true, fillOpacity: 0.95, radius: story ? 9 : 5, weight: story ? 2 : 1,
                        pane: {{ this.pane|tojson }},
                        className: "place place-" + p.id + " place-" + p.role + " sm-theme-" + (p.theme || "none")
                    });
                }
            });
            layer.addData(data);
            {%- endif %}
            return layer;  // folium's Layer adds it to the map (show=True)
        })();
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, data: dict, name: str, control: bool):
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "DataLayer"
        self.kind = kind
        self.block_id = f"storymap-{kind}"
        self.block = json_block(data)
        self.pane = PLACES_PANE


class ImportMap(folium.MacroElement):
    """Maps each front-end module's plain URL to its content-hashed URL.

    ES modules import each other by relative path (``./dom.js``); through this
    map those imports get the same versioned, immutable URLs as the entry
    script, so a repeat view fetches none of them. Its body is static file
    names only, and the page's CSP lists its hash.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <script type="importmap">{{ this.imports }}</script>
        {% endmacro %}
        """
    )

    def __init__(self, static_url: Callable[[str], str]):
        super().__init__()
        self._name = "ImportMap"
        urls = [static_url(path.relative_to(SCRIPTS_DIR.parent).as_posix()) for path in sorted(SCRIPTS_DIR.rglob("*.js"))]
        self.imports = json_block({"imports": {url.split("?")[0]: url for url in urls}})


def build_map(
    model: StoryModel,
    static_url: Callable[[str], str],
    lang: str = "zh",
    tiles: tuple[str, ...] = (),
) -> folium.Map:
    """The folium map of a story model.

    Parameters
    ----------
    model : StoryModel
    static_url : callable
        Maps a path under the package's static folder to its URL.
    lang : {'zh', 'en'}
        Language of district names in the layer control.
    tiles : tuple of str
        Keys of :data:`TILE_SOURCES` to offer as optional basemaps (off at start).
    """
    fmap = folium.Map(
        location=_centre(model), zoom_start=9, min_zoom=7, max_zoom=18, tiles=None,
        control_scale=False, zoom_control=True,  # metric scale bar added by the front end prefer_canvas=False, zoom_snap=0.25,
        keyboard=False,  # ←/→ step the tour; districts, markers and search stay keyboard-reachable
    )
    # Per instance: the class lists are shared by every folium map in the process.
    fmap.default_js = [
        ("leaflet", static_url("vendor/leaflet/leaflet.js")),
        ("topojson", static_url("vendor/topojson-client/topojson-client.min.js")),
    ]
    fmap.default_css = [
        ("leaflet_css", static_url("vendor/leaflet/leaflet.css")),
        ("storymap_css", static_url("css/storymap.css")),
    ]
    gcj02_layers = []
    for key in tiles:
        source = TILE_SOURCES[key]
        layer = folium.TileLayer(
            tiles=source.url, attr=source.attribution, name=source.name, max_zoom=source.max_zoom,
            subdomains=source.subdomains, overlay=False, control=True, show=False,
        )
        layer.add_to(fmap)
        if source.gcj02:
            gcj02_layers.append(layer)
    districts = DataLayer(
        "districts", model.districts_topojson,
        name="区界 Districts" if lang == "zh" else "Districts", control=bool(tiles),
    ).add_to(fmap)
    # Points in their own pane above the districts, so a selected district can be
    # brought to the front without covering them.
    folium.map.CustomPane(PLACES_PANE, z_index=450).add_to(fmap)
    places = DataLayer(
        "places", _slim(_drawing_order(model), ("id", "role", "theme")),
        name="故事点 Story points" if lang == "zh" else "Story points", control=bool(tiles),
    ).add_to(fmap)
    ImportMap(static_url).add_to(fmap)
    if tiles:
        folium.LayerControl(collapsed=True).add_to(fmap)
    bounds = _bounds(model)
    (south, west), (north, east) = bounds
    grid = coords.offset_grid(west - 0.1, south - 0.1, east + 0.1, north + 0.1) if gcj02_layers else None
    # The controller sets the first view: the deep link's, or the whole region.
    fmap.add_child(StoryMapController(districts, places, gcj02_layers, grid, bounds))
    return fmap


def render_parts(fmap: folium.Map) -> dict[str, str]:
    """folium's header, body and script parts, for our own page template (which sets the viewport)."""
    root = fmap.get_root()
    root.render()
    return {
        "header": FOLIUM_VIEWPORT.sub("", root.header.render(), count=1),
        "html": root.html.render(),
        "script": root.script.render(),
    }


def _slim(collection: dict, keep: tuple[str, ...]) -> dict:
    """The collection with only the properties the map layer itself uses.

    Everything a reader sees comes from the page's JSON data instead, once.
    """
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {k: f["properties"][k] for k in keep}}
            for f in collection["features"]
        ],
    }


def _drawing_order(model: StoryModel) -> dict:
    """Places with mentioned ones first and story points last in tour order.

    SVG draws later shapes on top and keyboard focus follows the same order, so
    story points stay clickable where places share a spot and Tab visits them
    in the order of the tour.
    """
    tour = {place_id: index for index, place_id in enumerate(model.tour)}
    features = sorted(
        model.places_geojson["features"],
        key=lambda f: (f["properties"]["role"] == "story", tour.get(f["properties"]["id"], -1)),
    )
    return {"type": "FeatureCollection", "features": features}


def _bounds(model: StoryModel) -> list[list[float]]:
    west, south, east, north = coordinate_bounds(model.districts_geojson)
    return [[south, west], [north, east]]


def _centre(model: StoryModel) -> list[float]:
    (south, west), (north, east) = _bounds(model)
    return [(south + north) / 2, (west + east) / 2]

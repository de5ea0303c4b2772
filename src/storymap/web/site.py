"""The series site: several regions, one site.

``create_site`` finds every region (``stories/<region>/`` beside
``geodata/<region>/``), builds one map app per region with ``create_app`` (its
own story model, rebuilt when its files change) and mounts it at
``/<region>/``. The site itself serves the series index at ``/`` (each article
with its city, date and a small locator in China) and its JSON twin
``/api/regions``; today's links (``/stories``, ``/embed``, ``/api/...``, and
``/#district=…`` fragments, by the index's script) and the classroom pages
(``/classroom``, ``/present``, ``/quiz``, ``/handout``…) go on to the region
they belong to. With one region only, ``/`` goes straight to its map.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from ..locator import load_locator
from ..regions import discover_regions
from ..resources import bundled_path, configured_series_roots, default_geodata_dir
from . import assets, compression, create_app, security
from .i18n import HTML_LANG, pick_lang

STRINGS = {
    "zh": {
        "app_title": "人民城市建设巡礼 · 故事地图",
        "heading": "故事地图",
        "intro": "每篇报道一张地图：点击文章，查看它讲述的地方。",
        "articles": "文章",
        "open_map": "地图",
        "reading": "阅读版",
        "classroom": "课堂",
        "where": "{region}在中国的位置",
        "other_lang": "English",
    },
    "en": {
        "app_title": "The people's city · story maps",
        "heading": "Story maps",
        "intro": "One map per article: open an article to see the places it reports on.",
        "articles": "Articles",
        "open_map": "Map",
        "reading": "Reading view",
        "classroom": "Classroom",
        "where": "Where {region} is in China",
        "other_lang": "中文",
    },
}

bp = Blueprint("site", __name__)


def create_site(test_config: dict | None = None) -> Flask:
    """The site for every region present.

    Configuration: ``GEODATA_ROOT`` and ``STORIES_ROOT`` (environment
    ``STORYMAP_GEODATA_ROOT``, ``STORYMAP_STORIES_ROOT``; default: the bundled
    folders), ``DEFAULT_REGION`` (where today's unprefixed links go; default
    the bundled region), ``TILES`` and any other ``create_app`` setting, passed
    on to every region's app.
    """
    site = Flask(
        __name__,
        static_folder=str(Path(__file__).resolve().parent.parent / "static"),
        template_folder=str(bundled_path("templates")),
    )
    geodata_root, stories_root = configured_series_roots()
    site.config.from_mapping(
        GEODATA_ROOT=str(geodata_root),
        STORIES_ROOT=str(stories_root),
        DEFAULT_REGION=default_geodata_dir().name,
        TILES=(),
    )
    site.config.from_mapping(test_config or {})
    site.json.ensure_ascii = False
    regions = discover_regions(Path(site.config["GEODATA_ROOT"]), Path(site.config["STORIES_ROOT"]))
    passed_on = {k: v for k, v in site.config.items()
                 if k in ("TILES", "RELOAD_CHECK_SECONDS", "TESTING", "MODEL_CACHE_DIR", "MINIFY_ASSETS")}
    apps = {
        region.name: create_app({**passed_on, "STORIES_DIR": str(region.stories_dir),
                                 "GEODATA_DIR": str(region.geodata_dir)})
        for region in regions
    }
    if site.config["DEFAULT_REGION"] not in apps:
        site.config["DEFAULT_REGION"] = regions[0].name
    site.extensions["storymap_regions"] = apps
    if len(apps) > 1:  # the series index and its locators; one region has no index (/ goes to its map)
        site.extensions["storymap_locator"] = load_locator(
            Path(site.config["GEODATA_ROOT"]) / "china" / "provinces.geojson")
    assets.init_app(site)  # the index's own script and style: hashed, minified, immutable like the maps'
    security.init_app(site)
    compression.init_app(site)
    site.register_blueprint(bp)
    site.wsgi_app = DispatcherMiddleware(site.wsgi_app, {f"/{name}": app for name, app in apps.items()})
    return site


@bp.get("/")
def index():
    apps = current_app.extensions["storymap_regions"]
    if len(apps) == 1:
        return redirect(_region_url(next(iter(apps)), ""), 302)
    lang = pick_lang(request.args.get("lang"))
    locator = current_app.extensions["storymap_locator"]
    return render_template(
        "index.html", lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang], locator=locator,
        articles=_articles(lang, locator), data=_index_data(),
        other_lang_url=url_for("site.index", lang="en" if lang == "zh" else None),
    )


@bp.get("/api/regions")
def regions_json():
    """The index as data: every region with its articles."""
    lang = pick_lang(request.args.get("lang"))
    return jsonify({"regions": [
        {k: v for k, v in region.items() if k != "locator"} for region in _regions(lang)
    ]})


@bp.get("/stories")
@bp.get("/embed")
@bp.get("/classroom")
@bp.get("/present")
@bp.get("/quiz")
@bp.get("/quiz/key")
@bp.get("/handout")
@bp.get("/handout.pdf")
def old_page():
    """Links from the one-region site (and the README's classroom links): the page of the default region."""
    return redirect(_region_url(current_app.config["DEFAULT_REGION"], request.path.lstrip("/")), 301)


@bp.route("/api/<path:rest>", methods=["GET", "HEAD", "OPTIONS"])
def old_api(rest):
    return redirect(_region_url(current_app.config["DEFAULT_REGION"], f"api/{rest}"), 308)


def _region_url(name: str, path: str) -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.script_root}/{name}/{path}" + (f"?{query}" if query else "")


def _regions(lang: str) -> list[dict]:
    result = []
    for name, app in current_app.extensions["storymap_regions"].items():
        model = app.extensions["storymap"].current().model
        region = model.region
        result.append({
            "name": name, "url": f"{request.script_root}/{name}/", "code": region["code"],
            "name_zh": region["name_zh"], "name_en": region["name_en"],
            "point": _region_point(model.districts),
            "stories": [
                {"id": s["id"], "title": s["title"] if lang == "zh" else s.get("title_en") or s["title"],
                 "title_zh": s["title"], "date": s["date"],
                 "newspaper": s["newspaper"] if lang == "zh" else s.get("newspaper_en") or s["newspaper"],
                 "reporters": s["reporters"] if lang == "zh" else s.get("reporters_en") or s["reporters"],
                 "series": s["series"] if lang == "zh" else s.get("series_en") or s["series"]}
                for s in model.stories
            ],
            "districts": [d["code"] for d in model.districts],
            "places": [p["id"] for p in model.places],
        })
    return result


def _articles(lang: str, locator) -> list[dict]:
    articles = []
    for region in _regions(lang):
        x, y = locator.point(*region["point"])
        for story in region["stories"]:
            articles.append({
                **story, "region": region["name_zh"] if lang == "zh" else region["name_en"],
                "url": region["url"] + (f"?lang={lang}" if lang != "zh" else ""),
                "reading_url": region["url"] + "stories" + (f"?lang={lang}" if lang != "zh" else ""),
                "classroom_url": region["url"] + "classroom" + (f"?lang={lang}" if lang != "zh" else ""),
                "province_path": locator.province_path(region["code"]), "x": x, "y": y,
            })
    return sorted(articles, key=lambda a: a["date"], reverse=True)


def _index_data() -> dict:
    """What the index's script needs to send an old #district=/#place= link to its region."""
    return {
        "default_region": current_app.config["DEFAULT_REGION"],
        "regions": [{k: r[k] for k in ("name", "url", "districts", "places")} for r in _regions("zh")],
    }


def _region_point(districts: list[dict]) -> tuple[float, float]:
    """The area-weighted mean of the districts' label points: where the dot goes."""
    total = sum(d["area_km2"] for d in districts) or 1.0
    lon = sum(d["label"][0] * d["area_km2"] for d in districts) / total
    lat = sum(d["label"][1] * d["area_km2"] for d in districts) / total
    return lon, lat

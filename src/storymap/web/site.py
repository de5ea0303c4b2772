"""The series site: several regions, one site.

``create_site`` finds every region (``stories/<region>/`` beside
``geodata/<region>/``), builds one map app per region with ``create_app`` (its
own story model, rebuilt when its files change) and mounts it at
``/<region>/``. The site itself serves the series index at ``/`` (each article
with its city, date and a small locator in China) and its JSON twin
``/api/regions``; today's links (``/stories``, ``/embed``, ``/api/...``, and
``/#district=…`` fragments, by the index's script) and the classroom pages
(``/classroom``, ``/present``, ``/quiz``, ``/handout``…) go on to the region
they belong to. With one region only, ``/`` goes straight to its map. A region
added to the project while the site runs is served once its app is built
(:class:`RegionApps`), as a changed file is.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from ..errors import StorymapError
from ..locator import load_locator
from ..modelcache import input_signature
from ..project import (
    Region,
    configured_project,
    discover_regions,
    paired_folders,
    provinces_path,
)
from ..resources import bundled_path
from . import assets, compression, create_app, security
from .i18n import HTML_LANG, pick_lang
from .periodic import PeriodicCheck

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

    Configuration: ``GEODATA_ROOT`` and ``STORIES_ROOT`` (default: the
    project's folders: ``STORYMAP_ROOT``, else the project the working
    directory is in, else the bundled example), ``DEFAULT_REGION`` (where
    today's unprefixed links go; default the first region), ``TILES`` and any
    other ``create_app`` setting, passed on to every region's app.
    """
    site = Flask(
        __name__,
        static_folder=str(Path(__file__).resolve().parent.parent / "static"),
        template_folder=str(bundled_path("templates")),
    )
    site.config.from_mapping(DEFAULT_REGION=None, TILES=(), RELOAD_CHECK_SECONDS=2.0)
    site.config.from_mapping(test_config or {})
    if not (site.config.get("GEODATA_ROOT") and site.config.get("STORIES_ROOT")):
        project = configured_project()
        site.config.setdefault("GEODATA_ROOT", str(project.geodata_root))
        site.config.setdefault("STORIES_ROOT", str(project.stories_root))
    site.json.ensure_ascii = False
    passed_on = {k: v for k, v in site.config.items()
                 if k in ("TILES", "RELOAD_CHECK_SECONDS", "TESTING", "MODEL_CACHE_DIR", "MINIFY_ASSETS")}

    def region_app(region: Region) -> Flask:
        return create_app({**passed_on, "STORIES_DIR": str(region.stories_dir), "GEODATA_DIR": str(region.geodata_dir)})

    regions = RegionApps(Path(site.config["GEODATA_ROOT"]), Path(site.config["STORIES_ROOT"]), region_app,
                         site.config["RELOAD_CHECK_SECONDS"], site.logger)
    site.extensions["storymap_regions"] = regions
    if len(regions.apps) > 1:  # the series index and its locators; one region has no index (/ goes to its map)
        _locator(site)
    assets.init_app(site)  # the index's own script and style: hashed, minified, immutable like the maps'
    security.init_app(site)
    compression.init_app(site)
    site.register_blueprint(bp)
    site.wsgi_app = regions.around(site.wsgi_app)
    return site


class RegionApps:
    """The region apps of a running site, kept in step with the project's region folders.

    A region added to the project (or removed) while the site runs is noticed
    as a changed file is: at most every ``check_seconds`` a request starts a
    check in a background thread, which builds a new region's app off the
    request path and then swaps the whole mapping at once. A new region whose
    files are invalid is logged and left out until they change; the regions
    already served go on serving.
    """

    def __init__(self, geodata_root: Path, stories_root: Path, make_app, check_seconds: float | None, logger):
        self.geodata_root, self.stories_root = geodata_root, stories_root
        self.make_app = make_app
        self.logger = logger
        # At start-up every region must build: bad data is one clean error before serving.
        self.apps: dict[str, Flask] = {r.name: make_app(r) for r in discover_regions(geodata_root, stories_root)}
        self._failed: dict[str, tuple] = {}  # region -> the input signature it failed with
        self.checks = PeriodicCheck(self._check, check_seconds, "storymap-regions")
        self._site_wsgi = self._dispatch = None

    def around(self, site_wsgi) -> RegionApps:
        """Become the site's WSGI app: each region's app under /<region>/, ``site_wsgi`` elsewhere."""
        self._site_wsgi = site_wsgi
        self._mount()
        return self

    def __call__(self, environ, start_response):
        self.current()
        return self._dispatch(environ, start_response)

    def current(self) -> dict[str, Flask]:
        """The regions served now, at once; starts a background check when one is due."""
        self.checks.start_if_due()
        return self.apps

    def refresh(self) -> dict[str, Flask]:
        """Check the region folders now, waiting for any new region's app (tests; never a request)."""
        self.checks.run_now()
        return self.apps

    def _check(self) -> None:
        # A story folder whose geodata is not imported yet is not a region yet (validate says so).
        regions = [r for r in paired_folders(self.geodata_root, self.stories_root) if r.has_geodata]
        if not regions:
            return  # everything gone or moved: keep serving what was there
        apps = {}  # in name order, as at start-up
        for region in regions:
            if region.name in self.apps:
                apps[region.name] = self.apps[region.name]
                continue
            signature = input_signature(region.stories_dir, region.geodata_dir)
            if self._failed.get(region.name) == signature:
                continue
            try:
                apps[region.name] = self.make_app(region)
                self.logger.info("serving the new region %s at /%s/", region.name, region.name)
            except StorymapError as exc:
                self._failed[region.name] = signature
                self.logger.error("the new region %s is not served; its files are invalid:\n%s", region.name, exc)
            except Exception:  # a bug must not take the regions already served down
                self._failed[region.name] = signature
                self.logger.exception("the new region %s is not served", region.name)
        if apps.keys() != self.apps.keys():
            self.apps = apps
            self._mount()

    def _mount(self) -> None:
        self._dispatch = DispatcherMiddleware(self._site_wsgi, {f"/{name}": app for name, app in self.apps.items()})


@bp.get("/")
def index():
    apps = current_app.extensions["storymap_regions"].apps
    if len(apps) == 1:
        return redirect(_region_url(next(iter(apps)), ""), 302)
    lang = pick_lang(request.args.get("lang"))
    locator = _locator(current_app)
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
    return redirect(_region_url(_default_region(), request.path.lstrip("/")), 301)


@bp.route("/api/<path:rest>", methods=["GET", "HEAD", "OPTIONS"])
def old_api(rest):
    return redirect(_region_url(_default_region(), f"api/{rest}"), 308)


def _default_region() -> str:
    """Where links without a region go: ``DEFAULT_REGION`` while it is served, else the first region."""
    apps = current_app.extensions["storymap_regions"].apps
    configured = current_app.config["DEFAULT_REGION"]
    return configured if configured in apps else next(iter(apps))


def _locator(app: Flask):
    """China's provinces drawn for the index's locators, loaded once (when there is an index)."""
    if "storymap_locator" not in app.extensions:
        app.extensions["storymap_locator"] = load_locator(provinces_path(Path(app.config["GEODATA_ROOT"])))
    return app.extensions["storymap_locator"]


def _region_url(name: str, path: str) -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.script_root}/{name}/{path}" + (f"?{query}" if query else "")


def _regions(lang: str) -> list[dict]:
    result = []
    for name, app in current_app.extensions["storymap_regions"].apps.items():
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
        "default_region": _default_region(),
        "regions": [{k: r[k] for k in ("name", "url", "districts", "places")} for r in _regions("zh")],
    }


def _region_point(districts: list[dict]) -> tuple[float, float]:
    """The area-weighted mean of the districts' label points: where the dot goes."""
    total = sum(d["area_km2"] for d in districts) or 1.0
    lon = sum(d["label"][0] * d["area_km2"] for d in districts) / total
    lat = sum(d["label"][1] * d["area_km2"] for d in districts) / total
    return lon, lat

"""The map desk's web layer: ``storymap edit``'s local server (pages, JSON API, the reader's-map preview).

``create_desk_app(project_root)`` serves ``/edit/`` (the project's regions and
story files with what is left to do), ``/edit/<region>/<story-id>`` (the
source text beside the map, one story's places to confirm and place) and the
JSON API the page uses, all from :mod:`storymap.desk`. Each region's reader's
map is mounted at ``/preview/<region>/`` (the reader app of
``create_app``, without its CORS headers: other sites may not read a draft),
made again after every save so it shows the saved files.

Safety: only loopback Host names are answered (a page of another site that a
DNS rebinding points at 127.0.0.1 gets 400), every write needs the CSRF token
of this server start (given in each page's ``<meta name="csrf-token">``, sent
back as ``X-CSRF-Token``; 403 without it), and every file written is checked
to lie inside the project folder.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request, url_for

from .. import coords
from ..checks import PRECISIONS
from ..desk import edits, scan
from ..desk.files import OutsideProject
from ..desk.storyfile import UnknownPlace
from ..errors import InvalidInputError, StorymapError
from ..mapbuilder import TILE_SOURCES
from ..resources import bundled_path
from . import StrictJSONProvider, assets, errors, security
from .errors import error_response
from .i18n import HTML_LANG, pick_lang

CSRF_HEADER = "X-CSRF-Token"
LOOPBACK_NAMES = ("localhost",)

STRINGS = {
    "zh": {
        "app_title": "编辑台 · 故事地图", "heading": "编辑台", "intro": "确认草稿里的地点，并在地图上为它们定位。",
        "story": "文章", "exact": "精确定位", "approximate": "大致定位", "todo": "待定位",
        "problems": "校验问题", "english_missing": "缺英文", "no_regions":
        "这个项目文件夹里没有地区：需要 stories/<地区>/ 和 geodata/<地区>/。",
        "source_text": "原文", "places": "地点", "map": "地图", "preview": "读者地图预览",
        "preview_note": "校验通过后显示读者看到的地图。", "back": "全部文章",
        "status_exact": "精确", "status_approximate": "大致", "status_todo": "待定位",
        "role_story": "故事点", "role_mentioned": "提及", "district": "区", "no_district": "未定",
        "evidence": "原文证据", "place_it": "定位", "place_hint": "在地图上点击，或输入坐标：",
        "lon": "经度", "lat": "纬度", "crs": "坐标系", "precision": "精度", "source": "来源",
        "source_placeholder": "坐标来自哪里（地图、实地、网址）", "falls_in": "落在：{district}",
        "save_point": "保存位置", "reject": "删除候选", "rename": "改名", "name": "名称", "name_en": "英文名",
        "role": "角色", "set_role": "改角色", "merge": "并入", "merge_into": "并入另一个地点",
        "confirm_reject": "从草稿中删除“{name}”及其锚点？", "checks_ok": "校验通过：storymap validate 没有问题。",
        "checks_bad": "校验问题 {n} 个：", "checks": "校验结果", "colon": "：",
        "add_place": "添加地点", "add_hint": "草稿漏掉的地点：在原文中选中它的名称，或在这里输入。",
        "request_failed": "请求没有得到回应，没有保存任何内容（编辑台的服务器还在运行吗？）：{error}",
        "other_problems": "上面文章之外的校验问题（storymap validate）：", "warnings": "英文缺失 {n} 处（提示，不影响发布）",
        "saving": "正在保存…", "saved_point": "已保存：{name} {lon}, {lat}（WGS-84，精度：{precision}），位于{district}{moved}；地名库条目 {row}",
        "saved_moved": "（草稿原先记为 {code}）", "select_place": "先在列表中选择一个地点，再点击地图。",
        "crs_wgs84": "WGS-84（GPS、OpenStreetMap）", "crs_gcj02": "GCJ-02（高德、腾讯）", "crs_bd09": "BD-09（百度）",
        "precision_point": "点", "precision_street": "道路", "precision_subdistrict": "街道/乡镇",
        "precision_district": "区", "other_lang": "English", "tiles_none": "仅区界", "edit": "改名、角色、合并",
        "accept": "确认候选", "accepted": "已确认", "unchecked": "未确认",
    },
    "en": {
        "app_title": "Editor's desk · story map", "heading": "Editor's desk",
        "intro": "Confirm the draft's places and place them on the map.",
        "story": "Story", "exact": "Located exactly", "approximate": "Located approximately",
        "todo": "To place", "problems": "Validate problems", "english_missing": "English missing",
        "no_regions": "No region in this project folder: it needs stories/<region>/ beside geodata/<region>/.",
        "source_text": "Source text", "places": "Places", "map": "Map", "preview": "Reader's map preview",
        "preview_note": "The reader's map shows here once validate passes.", "back": "All stories",
        "status_exact": "exact", "status_approximate": "approximate", "status_todo": "to place",
        "role_story": "story point", "role_mentioned": "mentioned", "district": "District", "no_district": "unknown",
        "evidence": "Evidence", "place_it": "Place", "place_hint": "Click the map, or type coordinates:",
        "lon": "Longitude", "lat": "Latitude", "crs": "CRS", "precision": "Precision", "source": "Source",
        "source_placeholder": "where the coordinate came from (a map, a survey, a URL)",
        "falls_in": "Falls in: {district}", "save_point": "Save point", "reject": "Reject",
        "rename": "Rename", "name": "Name", "name_en": "English name", "role": "Role", "set_role": "Set role",
        "merge": "Merge", "merge_into": "Merge into another place",
        "confirm_reject": "Remove “{name}” and its anchors from the draft?",
        "checks_ok": "Validate passes: storymap validate finds no problem.", "checks_bad": "{n} validate problem(s):", "checks": "Validate's verdict", "colon": ": ",
        "add_place": "Add a place", "add_hint": "A place the draft missed: select its name in the source text, or type it here.",
        "request_failed": "The request got no answer; nothing was saved (is the desk's server still running?): {error}",
        "other_problems": "Validate problems outside these stories (storymap validate):",
        "warnings": "{n} English gap(s) (warnings; publishing is not blocked)", "saving": "Saving…",
        "saved_point": "Saved: {name} at {lon}, {lat} (WGS-84, precision: {precision}) in {district}{moved}; gazetteer row {row}",
        "saved_moved": " (the draft said {code})",
        "select_place": "Choose a place in the list first, then click the map.",
        "crs_wgs84": "WGS-84 (GPS, OpenStreetMap)", "crs_gcj02": "GCJ-02 (Amap, Tencent)", "crs_bd09": "BD-09 (Baidu)",
        "precision_point": "point", "precision_street": "street", "precision_subdistrict": "subdistrict",
        "precision_district": "district", "other_lang": "中文", "tiles_none": "Districts only",
        "edit": "Rename, role, merge", "accept": "Accept", "accepted": "accepted", "unchecked": "Not yet checked",
    },
}

bp = Blueprint("desk", __name__, url_prefix="/edit")


def create_desk_app(project_root: Path, tiles: tuple[str, ...] = (), test_config: dict | None = None) -> Flask:
    """The desk server for the project folder ``project_root`` (it must hold stories/ and geodata/)."""
    root = Path(project_root).resolve()
    app = Flask(__name__, static_folder=str(Path(__file__).resolve().parent.parent / "static"),
                template_folder=str(bundled_path("templates")))
    app.config.from_mapping(PROJECT_ROOT=str(root), TILES=tuple(tiles), JSON_AS_ASCII=False,
                            DESK_CSRF_TOKEN=secrets.token_urlsafe(32))
    app.config.from_mapping(test_config or {})
    unknown = [t for t in app.config["TILES"] if t not in TILE_SOURCES]
    if unknown:
        raise StorymapError(f"unknown tile layer(s) {', '.join(map(repr, unknown))}; "
                            f"expected any of {', '.join(TILE_SOURCES)}")
    app.json = StrictJSONProvider(app)
    app.json.ensure_ascii = False
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app, page="desk_error.html", api_prefix="/edit/api/",
                    internal="internal error; the files were not changed by this request")
    app.register_blueprint(bp)

    @app.get("/")
    def home():
        return app.redirect(url_for("desk.index"))

    previews = Previews(root, app.config)
    app.extensions["desk_previews"] = previews
    app.wsgi_app = LoopbackOnly(previews.middleware(app.wsgi_app))
    return app


class LoopbackOnly:
    """WSGI: answer only requests whose Host is a loopback name (no DNS rebinding onto the desk)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not is_loopback_host(host):
            body = f"Host {host!r} is not a loopback name; expected 127.0.0.1, localhost or [::1]\n".encode()
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("Content-Length", str(len(body)))])
            return [body]
        return self.app(environ, start_response)


def is_loopback_host(host: str) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Previews:
    """Each region's reader's map at /preview/<region>/, made on first use and again when its files change.

    The desk forgets a region's map after each save; a change made by hand is
    noticed when the map page itself is asked for (its signature is checked then).
    """

    def __init__(self, root: Path, config):
        self.root = root
        self.config = config
        self.apps: dict = {}  # region -> (app, signature of its files)
        self.lock = threading.Lock()

    def forget(self, region: str) -> None:
        with self.lock:
            self.apps.pop(region, None)

    def app_for(self, region: str, page: bool):
        from ..modelcache import input_signature
        from . import create_app

        with self.lock:
            regions = {r.name: r for r in scan.project_regions(self.root)}
            if region not in regions:
                return None
            folders = (regions[region].stories_dir, regions[region].geodata_dir)
            known = self.apps.get(region)
            signature = input_signature(*folders) if page or known is None else known[1]
            if known is None or known[1] != signature:
                try:
                    app = create_app({
                        "STORIES_DIR": str(folders[0]), "GEODATA_DIR": str(folders[1]), "TILES": self.config["TILES"],
                        "RELOAD_CHECK_SECONDS": None, "MODEL_CACHE_DIR": None,
                        "TESTING": self.config.get("TESTING", False)})
                except InvalidInputError as exc:
                    return _NotReady(len(exc.problems))
                self.apps[region] = known = (app, signature)
            return known[0]

    def middleware(self, desk_wsgi):
        def dispatch(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if path.startswith("/preview/"):
                region, _, rest = path[len("/preview/"):].partition("/")
                target = self.app_for(region, page=rest == "")
                if target is not None:
                    environ = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + f"/preview/{region}",
                               "PATH_INFO": "/" + rest}
                    return target(environ, _same_origin_only(start_response))
            return desk_wsgi(environ, start_response)

        return dispatch


def _same_origin_only(start_response):
    """The reader app opens its API to every site (CORS); a draft's preview is for the desk's own pages only."""
    def start(status, headers, exc_info=None):
        kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        return start_response(status, kept, exc_info)

    return start


class _NotReady:
    """A region whose files do not validate yet: the preview says so instead of a map."""

    def __init__(self, count: int):
        self.count = count

    def __call__(self, environ, start_response):
        body = (f"<!doctype html><meta charset=utf-8><title>preview</title><p>storymap validate: {self.count} "
                "problem(s); the reader's map shows here once it passes.</p>").encode()
        start_response("409 Conflict", [("Content-Type", "text/html; charset=utf-8"),
                                        ("Content-Length", str(len(body))),
                                        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")])
        return [body]


def _root() -> Path:
    return Path(current_app.config["PROJECT_ROOT"])


@bp.before_request
def require_token():
    """Every write carries this server start's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), current_app.config["DESK_CSRF_TOKEN"].encode()):
        return error_response(403, f"missing or wrong {CSRF_HEADER} header; expected the token of the desk page "
                                   "(<meta name=\"csrf-token\">)")
    return None


@bp.get("/")
def index():
    lang = pick_lang(request.args.get("lang"))
    return render_template("desk_index.html", lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang],
                           regions=scan.project_summary(_root()), root=str(_root()),
                           csrf_token=current_app.config["DESK_CSRF_TOKEN"])


@bp.get("/api/project")
def project_json():
    return jsonify({"root": str(_root()), "regions": scan.project_summary(_root())})


@bp.get("/<region>/<story_id>")
def story_page(region, story_id):
    lang = pick_lang(request.args.get("lang"))
    ref = _story(region, story_id)
    data = _answer_or_abort(lambda: scan.load_story(ref))
    geodata = scan.region_geodata(ref.region)
    places = scan.places_of(data, scan.region_gazetteer(ref.region), geodata)
    names = {p["name"]: p["id"] for p in places if p["name"]}
    tiles = current_app.config["TILES"]
    base = f"{request.script_root}/edit/api/{region}"
    page = {
        "lang": lang, "strings": STRINGS[lang], "region": region, "story_id": story_id,
        "title": str(data.get("title") or story_id), "file": str(ref.path.relative_to(_root())),
        "places": places,
        "districts": [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en,
                       "label": [d.label_lon, d.label_lat]} for d in geodata.districts],
        "segments": scan.highlighted(scan.source_text(_root(), ref, data), names),
        "checks": scan.check_region(ref.region).as_json(_root()),
        "urls": {"places": f"{base}/{story_id}/places", "locate": f"{base}/locate",
                 "districts": f"{base}/districts.geojson", "preview": f"{request.script_root}/preview/{region}/"},
        "crs": list(edits.INPUT_CRS), "precisions": list(PRECISIONS),
        "tiles": [{"key": key, "name": TILE_SOURCES[key].name, "url": TILE_SOURCES[key].url,
                   "attribution": TILE_SOURCES[key].attribution, "max_zoom": TILE_SOURCES[key].max_zoom,
                   "subdomains": TILE_SOURCES[key].subdomains, "gcj02": TILE_SOURCES[key].gcj02} for key in tiles],
        "gcj02_grid": _gcj02_grid(geodata) if any(TILE_SOURCES[k].gcj02 for k in tiles) else None,
    }
    return render_template("desk.html", lang=lang, html_lang=HTML_LANG[lang], t=STRINGS[lang], page=page,
                           csrf_token=current_app.config["DESK_CSRF_TOKEN"], title=page["title"],
                           other_lang_url=url_for("desk.story_page", region=region, story_id=story_id,
                                                  lang="en" if lang == "zh" else None))


def _gcj02_grid(geodata) -> dict:
    west, south, east, north = geodata.full.total_bounds
    return coords.offset_grid(west - 0.1, south - 0.1, east + 0.1, north + 0.1)


@bp.get("/api/<region>/districts.geojson")
def districts_geojson(region):
    regions = {r.name: r for r in scan.project_regions(_root())}
    if region not in regions:
        abort(404, f"no region {region!r}; expected one of {', '.join(regions) or 'none'}")
    return current_app.response_class(current_app.json.dumps(scan.region_geodata(regions[region]).display),
                                      mimetype="application/geo+json")


@bp.get("/api/<region>/locate")
def locate(region):
    args = request.args
    return _answer(lambda: edits.locate(_root(), region, args.get("lon"), args.get("lat"),
                                        args.get("crs", coords.WGS84)))


@bp.get("/api/<region>/<story_id>/places")
def places_json(region, story_id):
    return _answer(lambda: {"places": _places(region, story_id)})


@bp.post("/api/<region>/<story_id>/places")
def add_place(region, story_id):
    body = _body()
    return _save(region, story_id, lambda: edits.add(_root(), region, story_id, body.get("name"), body.get("role")))


@bp.post("/api/<region>/<story_id>/places/<place_id>/point")
def place_point(region, story_id, place_id):
    body = _body()
    return _save(region, story_id, lambda: edits.place_point(
        _root(), region, story_id, place_id, lon=body.get("lon"), lat=body.get("lat"),
        crs=body.get("crs", coords.WGS84), precision=body.get("precision"), source=body.get("source")))


@bp.post("/api/<region>/<story_id>/places/<place_id>/reject")
def reject(region, story_id, place_id):
    return _save(region, story_id, lambda: edits.reject(_root(), region, story_id, place_id))


@bp.post("/api/<region>/<story_id>/places/<place_id>/accept")
def accept(region, story_id, place_id):
    return _save(region, story_id, lambda: edits.accept(_root(), region, story_id, place_id))


@bp.post("/api/<region>/<story_id>/places/<place_id>/merge")
def merge(region, story_id, place_id):
    body = _body()
    return _save(region, story_id, lambda: edits.merge(_root(), region, story_id, place_id, body.get("into")))


@bp.post("/api/<region>/<story_id>/places/<place_id>")
def update(region, story_id, place_id):
    body = _body()
    return _save(region, story_id, lambda: edits.update(_root(), region, story_id, place_id, body))


def _answer_or_abort(make):
    try:
        return make()
    except StorymapError as exc:
        abort(400, f"{exc}")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        got = (f"a JSON {type(body).__name__}" if body is not None
               else f"{request.mimetype or 'no Content-Type'} that is not JSON" if request.data else "an empty body")
        abort(400, f"the request body is {got}; expected a JSON object (Content-Type: application/json)")
    return body


def _story(region: str, story_id: str):
    try:
        return scan.find_story(_root(), region, story_id)
    except scan.UnknownItem as exc:
        abort(404, str(exc))
    except OutsideProject as exc:
        abort(403, str(exc))


def _places(region: str, story_id: str) -> list[dict]:
    ref = _story(region, story_id)
    return scan.places_of(scan.load_story(ref), scan.region_gazetteer(ref.region), scan.region_geodata(ref.region))


def _save(region: str, story_id: str, save):
    def saved():
        result = save()
        current_app.extensions["desk_previews"].forget(region)
        return {**result.as_json(_root()), "places": _places(region, story_id)}

    return _answer(saved)


def _answer(make):
    """JSON of ``make()``; a domain error is a 4xx JSON naming what was wrong (nothing was written)."""
    try:
        return jsonify(make())
    except (scan.UnknownItem, UnknownPlace) as exc:
        return error_response(404, str(exc))
    except OutsideProject as exc:
        return error_response(403, str(exc))
    except StorymapError as exc:
        return error_response(400, str(exc))

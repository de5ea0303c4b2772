"""The planner's comparison: JSON, CSV and GeoJSON twins, a print view, the view's UI strings (sent with the map page's data)
and the data a page needs to compare without the server (the static copy's, :mod:`storymap.compare.offline`).

Each request names its own items. The comparison is computed by
:func:`storymap.compare.compare` on the built model the first time a set of
items is asked for, then kept with the model (bounded, least recently used
out), as is its JSON body: a shared link opened by a class or a newsroom is
computed once. This module only parses query parameters and formats. CORS
headers come from the API blueprint's app-wide hook (every ``/api/`` path).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from ..compare import CompareInputError, compare, parse_request
from ..compare.formats import CSV_TABLES, LABELS, km, table, to_csv, to_geojson
from ..compare.items import DEFAULT_RADIUS_M, MAX_ITEMS, MAX_RADIUS_M, MIN_ITEMS, MIN_RADIUS_M
from ..compare.printmap import print_map
from .compression import compute_once
from .errors import error_response
from .i18n import HTML_LANG, pick_lang
from .state import cached_json, current_model, current_snapshot, json_response, serialised

bp = Blueprint("compare", __name__)

# What a page that compares without the server loads besides compare.js (the export adds them to its map pages).
OFFLINE_SCRIPTS = ("vendor/geographiclib-geodesic/geographiclib-geodesic.min.js",
                   "vendor/polygon-clipping/polygon-clipping.umd.min.js")

# How each request parameter is called in the query string.
PARAMETER_NAMES = {"items": "items", "radius": "r", "crs": "crs"}

STRINGS = {
    "zh": {
        "compare": "对比", "compare_title": "地点对比", "add_to_compare": "加入对比", "in_compare": "已在对比中",
        "remove": "移除", "clear": "清空", "close": "关闭对比",
        "hint": "从地点弹窗、区面板或搜索结果加入 2–6 个对比项，或在地图上点击取点，或输入坐标。",
        "pick_on_map": "在地图上取点", "picking": "点击地图选择一个点（Esc 取消）",
        "coords_label": "坐标（经度, 纬度）", "coords_placeholder": "121.4868, 31.2406", "add": "加入",
        "crs_label": "坐标系", "crs_wgs84": "WGS-84（GPS、OpenStreetMap）", "crs_gcj02": "GCJ-02（高德等国内地图）",
        "radius_label": "步行圈半径", "metres": "米",
        "need_more": "再加入 {n} 项即可对比。", "too_many": "最多对比 {max} 项。",
        "loading": "正在计算…", "error": "无法对比：{message}",
        "download_csv": "下载 CSV（{table}）", "download_geojson": "下载 GeoJSON", "print_view": "打印版",
        "csv_tables": {"items": "对比项", "pairs": "两两距离", "shares": "步行圈各区占比"},
        "tiles_off": "底图未开启：地图只显示区界。", "tiles_on": "开启底图（{name}）",
        "tiles_none": "本服务器未配置底图（storymap serve --tiles osm）。",
        "matrix": "距离矩阵", "matrix_note": "每格：行→列的测地线距离与起始方位角（正北为 0°，顺时针）。",
        "uncertainty_note": "虚线圆表示位置精度范围。",
        "print_title": "地点对比", "print_generated": "半径 {r} · 输入坐标系 {crs} · 距离为 WGS-84 椭球测地线",
        "scale": "比例尺", "north": "北",
    },
    "en": {
        "compare": "Compare", "compare_title": "Compare locations", "add_to_compare": "Add to comparison",
        "in_compare": "In the comparison", "remove": "Remove", "clear": "Clear", "close": "Close comparison",
        "hint": "Add 2–6 items from a place popup, a district panel or search, click the map to pick a point, "
                "or type coordinates.",
        "pick_on_map": "Pick a point on the map", "picking": "Click the map to pick a point (Esc cancels)",
        "coords_label": "Coordinates (lon, lat)", "coords_placeholder": "121.4868, 31.2406", "add": "Add",
        "crs_label": "CRS", "crs_wgs84": "WGS-84 (GPS, OpenStreetMap)", "crs_gcj02": "GCJ-02 (Amap, Chinese web maps)",
        "radius_label": "Walking radius", "metres": "m",
        "need_more": "Add {n} more to compare.", "too_many": "At most {max} items.",
        "loading": "Computing…", "error": "Cannot compare: {message}",
        "download_csv": "Download CSV ({table})", "download_geojson": "Download GeoJSON", "print_view": "Print view",
        "csv_tables": {"items": "items", "pairs": "pairs", "shares": "circle by district"},
        "tiles_off": "Basemap off: the map shows district borders only.", "tiles_on": "Turn on basemap ({name})",
        "tiles_none": "No basemap is configured on this server (storymap serve --tiles osm).",
        "matrix": "Distance matrix",
        "matrix_note": "Each cell: geodesic distance from the row's item to the column's, and the initial bearing "
                       "(0° = north, clockwise).",
        "uncertainty_note": "Dashed circles show each location's precision.",
        "print_title": "Location comparison",
        "print_generated": "Radius {r} · input CRS {crs} · distances are geodesic on the WGS-84 ellipsoid",
        "scale": "Scale", "north": "N",
    },
}
for _lang in STRINGS:
    STRINGS[_lang]["limits"] = {"min_items": MIN_ITEMS, "max_items": MAX_ITEMS, "min_radius": MIN_RADIUS_M,
                                "max_radius": MAX_RADIUS_M, "default_radius": DEFAULT_RADIUS_M}
    STRINGS[_lang]["table_labels"] = LABELS[_lang]  # the static copy builds the table in the page


def _comparison(snapshot):
    """(key, result, None) for the request's query parameters, or (None, None, a 400 JSON response).

    ``key`` names the checked request (items as resolved, radius, CRS), so spellings of the same
    request share one computed result. Parsing and computing use the snapshot the view took, so a
    rebuild landing meanwhile cannot mix two models in one answer or one cache.
    """
    try:
        checked = parse_request(snapshot.model, request.args.get("items"), request.args.get("r"),
                                request.args.get("crs"))
        key = (tuple(checked.items), checked.radius_m, checked.crs)
        return key, snapshot.computed.get(("compare", key), lambda: compare(snapshot.model, checked)), None
    except CompareInputError as exc:
        name = PARAMETER_NAMES[exc.parameter]
        return None, None, error_response(400, exc.describe(name), parameter=name, value=exc.value,
                                          expected=exc.expected, suggestions=exc.suggestions)


@bp.get("/api/compare")
def compare_json():
    snapshot = current_snapshot()
    key, result, error = _comparison(snapshot)
    if error:
        return error
    lang = pick_lang(request.args.get("lang"))
    return compute_once(json_response(snapshot.computed.get(
        ("compare.json", key, lang), lambda: serialised({**result, "table": table(result, lang)}))))


@bp.get("/api/compare.csv")
def compare_csv():
    """One tidy table (``?table=items|pairs|shares``, default items)."""
    table_name = request.args.get("table") or "items"
    if table_name not in CSV_TABLES:
        return error_response(400, f"table {table_name!r}: unknown CSV table. Expected one of {', '.join(CSV_TABLES)}.",
                              parameter="table", value=table_name, expected=" or ".join(CSV_TABLES))
    _, result, error = _comparison(current_snapshot())
    if error:
        return error
    body = "\ufeff" + to_csv(result, pick_lang(request.args.get("lang")), table_name)  # BOM: Excel then reads UTF-8
    return compute_once(Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="storymap-compare-{table_name}.csv"'}))


@bp.get("/api/compare/offline.json")
def offline_json():
    """What a page needs to compare without the server (the static copy inlines it in its map pages)."""
    from ..compare.offline import offline_data

    return cached_json("compare.offline", offline_data)


@bp.get("/api/compare.geojson")
def compare_geojson():
    _, result, error = _comparison(current_snapshot())
    if error:
        return error
    response = jsonify(to_geojson(result))
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = 'attachment; filename="storymap-compare.geojson"'
    return compute_once(response)


@bp.get("/compare/print")
def print_view():
    """Table plus a static map of the items, for A4 landscape."""
    lang = pick_lang(request.args.get("lang"))
    _, result, error = _comparison(current_snapshot())
    if error:
        body = error.get_json()["error"]
        return render_template("error.html", code=error.status_code, name=body["message"], lang=lang), error.status_code
    return render_template(
        "compare_print.html", lang=lang, html_lang=HTML_LANG[lang], s=STRINGS[lang], labels=LABELS[lang],
        result=result, view=table(result, lang), svg=print_map(result, current_model().districts_geojson),
        km=km, generated=STRINGS[lang]["print_generated"].format(r=km(result["radius_m"]), crs=result["crs"].upper()),
    )

"""JSON API (CORS-enabled for embedding): the twins of the HTML views."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import coords
from ..errors import OutsideDistrictsError
from .assets import IMMUTABLE, REVALIDATE
from .compare import STRINGS as COMPARE_STRINGS
from .errors import error_response
from .i18n import LANGS
from .state import cached_document, cached_json, current_model, json_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.after_app_request
def allow_cross_origin(response):
    # App-wide, so routing errors under /api/ (404, 405) carry the header too.
    if request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    return response


@bp.get("/districts.geojson")
def districts_geojson():
    """Simplified display polygons with code, names, area and story counts."""
    return cached_json("districts.geojson", lambda model: model.districts_geojson, "application/geo+json")


@bp.get("/places.geojson")
def places_geojson():
    return cached_json("places.geojson", lambda model: model.places_geojson, "application/geo+json")


@bp.get("/districts")
def districts():
    return cached_json("districts", lambda model: model.districts)


@bp.get("/districts/<code>")
def district(code: str):
    detail = current_model().district_detail(code)
    if detail is None:
        return error_response(404, f"no district with code {code!r}; expected one of the region's six-digit adcodes")
    return jsonify(detail)


@bp.get("/stories")
def stories():
    return cached_json("stories", lambda model: {
        "region": model.region,
        "stories": model.stories,
        "excerpts": model.excerpts,
        "facts": model.facts,
        "photos": model.photos,
        "tour": model.tour,
        "city_sections": model.city_sections,
    })


@bp.get("/content/<lang>.json")
def content(lang: str):
    """The map page's reading content in one language (excerpt texts, facts, photos, notes, compare strings).

    The page names it with ``?v=`` (:func:`content_url`): that URL is immutable, so a
    repeat view costs nothing; without it (or with an old one) the client revalidates.
    """
    if lang not in LANGS:
        return error_response(404, f"no content in language {lang!r}; expected one of {', '.join(LANGS)}")
    response = json_response(_content_document(lang))
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == _version(lang) else REVALIDATE
    return response


def content_url(lang: str) -> str:
    """The content-hashed URL of the reading content, for the map page's data."""
    return url_for("api.content", lang=lang, v=_version(lang))


def _content_document(lang: str) -> tuple[bytes, str]:
    return cached_document(f"content.{lang}", lambda model: {
        **model.reading_content(lang), "compare_strings": COMPARE_STRINGS[lang]})


def _version(lang: str) -> str:
    return _content_document(lang)[1][:16]


@bp.get("/locate")
def locate():
    """The district of ?lon=&lat=[&crs=wgs84|gcj02], on full-resolution polygons."""
    crs = request.args.get("crs", coords.WGS84)
    if crs not in coords.CRS_NAMES:
        return error_response(400, f"crs is {crs!r}; expected one of {', '.join(coords.CRS_NAMES)}")
    values = {}
    for name, limit in (("lon", 180.0), ("lat", 90.0)):
        raw = request.args.get(name)
        if raw is None or raw.strip() == "":
            return error_response(400, f"missing query parameter {name!r}; expected a decimal number of degrees")
        try:
            value = float(raw)
        except ValueError:
            return error_response(400, f"{name} is {raw!r}; expected a decimal number of degrees")
        if not math.isfinite(value) or abs(value) > limit:
            return error_response(400, f"{name} is {raw!r}; expected a number between -{limit:g} and {limit:g}")
        values[name] = value
    try:
        found, lon, lat = current_model().geodata.locate(values["lon"], values["lat"], crs)
    except OutsideDistrictsError as exc:
        return error_response(404, str(exc), lon=exc.lon, lat=exc.lat)
    return jsonify({
        "district_code": found.code, "district_name": found.name_zh, "district_name_en": found.name_en,
        "lon": round(lon, 7), "lat": round(lat, 7), "crs": "EPSG:4326",
    })


ENDPOINTS = ("districts", "districts/<code>", "districts.geojson", "places.geojson", "stories", "content/<lang>.json",
             "locate")
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD, strict_slashes=False)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest: str):
    """/api itself and any path under it that is no endpoint: a JSON 404 like the rest of the API."""
    try:  # a real endpoint asked with the wrong method is a 405, not a 404
        endpoint, _ = current_app.url_map.bind("localhost").match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint not in (None, "api.unknown"):
        raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])
    known = ", ".join(f"{bp.url_prefix}/{e}" for e in ENDPOINTS)
    return error_response(404, f"no API endpoint at {request.path!r}; expected one of {known}")

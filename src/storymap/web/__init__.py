"""The web layer: the only package that imports Flask.

``create_app`` builds the story model once at start-up; views read it and
never compute geography per request.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from ..modelcache import default_cache_dir
from ..project import configured_region_dirs
from ..resources import bundled_path
from . import api, assets, classroom, compare, compression, errors, pages, security
from .state import REBUILD_MEMORY_MB, REBUILD_TIMEOUT_SECONDS, ModelHolder


class StrictJSONProvider(DefaultJSONProvider):
    """JSON that is JSON: NaN and Infinity raise instead of reaching a client."""

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory.

    Configuration, later sources winning: defaults (the only region, or
    ``STORYMAP_REGION``, of the project: ``STORYMAP_ROOT``, else the working
    directory's, else the bundled example), environment variables
    ``STORYMAP_STORIES_DIR``, ``STORYMAP_GEODATA_DIR``, ``STORYMAP_TILES``
    (comma-separated: osm, cartodb, amap), ``STORYMAP_CACHE_DIR`` (where built
    models are kept between starts), then ``test_config``.
    """
    app = Flask(
        __name__,
        static_folder=str(Path(__file__).resolve().parent.parent / "static"),
        template_folder=str(bundled_path("templates")),
    )
    app.config.from_mapping(
        TILES=(),
        RELOAD_CHECK_SECONDS=2.0,
        REBUILD_TIMEOUT_SECONDS=REBUILD_TIMEOUT_SECONDS,
        REBUILD_MEMORY_MB=REBUILD_MEMORY_MB,
        MODEL_BUILDER=None,  # module-level builder(stories_dir, geodata_dir); None: the pipeline
        # Built models kept between starts (None: never); tests build every time unless they set one.
        MODEL_CACHE_DIR=None if (test_config or {}).get("TESTING") else default_cache_dir(),
        JSON_AS_ASCII=False,
    )
    if os.environ.get("STORYMAP_TILES"):
        app.config["TILES"] = tuple(t.strip() for t in os.environ["STORYMAP_TILES"].split(",") if t.strip())
    if test_config:
        app.config.from_mapping(test_config)
    if not (app.config.get("STORIES_DIR") and app.config.get("GEODATA_DIR")):
        stories_dir, geodata_dir = configured_region_dirs()
        app.config.setdefault("STORIES_DIR", str(stories_dir))
        app.config.setdefault("GEODATA_DIR", str(geodata_dir))
    app.json = StrictJSONProvider(app)
    app.json.ensure_ascii = False

    ModelHolder.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(classroom.bp)
    return app

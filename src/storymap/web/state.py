"""The story model a running server reads, rebuilt when its files change.

A failed rebuild is logged and the server keeps serving the last good model.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import Flask, current_app

from ..errors import InvalidInputError, StorymapError
from ..mapbuilder import TILE_SOURCES
from ..model import StoryModel
from ..pipeline import build_model


class Snapshot:
    """One built model plus what is derived from it once (rendered pages)."""

    def __init__(self, model: StoryModel, signature: tuple):
        self.model = model
        self.signature = signature
        self.pages: dict = {}
        self.built_at = time.time()


class ModelHolder:
    def __init__(self, stories_dir: Path, geodata_dir: Path, check_seconds: float, logger):
        self.stories_dir = Path(stories_dir)
        self.geodata_dir = Path(geodata_dir)
        self.check_seconds = check_seconds
        self.logger = logger
        self._lock = threading.Lock()
        self._last_check = time.monotonic()
        self._failed_signature = None
        self.last_error: str | None = None
        self.snapshot = Snapshot(self._build(), self._signature())

    @classmethod
    def init_app(cls, app: Flask) -> None:
        unknown = [t for t in app.config["TILES"] if t not in TILE_SOURCES]
        if unknown:
            raise StorymapError(
                f"unknown tile layer(s) {', '.join(map(repr, unknown))}; expected any of {', '.join(TILE_SOURCES)}"
            )
        app.extensions["storymap"] = cls(
            app.config["STORIES_DIR"], app.config["GEODATA_DIR"], app.config["RELOAD_CHECK_SECONDS"], app.logger,
        )

    def _build(self) -> StoryModel:
        return build_model(self.stories_dir, self.geodata_dir)

    def _signature(self) -> tuple:
        """Names, sizes and modification times of every input file."""
        files = [p for d in (self.stories_dir, self.geodata_dir) for p in sorted(d.rglob("*")) if p.is_file()]
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)

    def current(self) -> Snapshot:
        """The latest good snapshot, rebuilding first if the input files changed."""
        if self.check_seconds is None or time.monotonic() - self._last_check < self.check_seconds:
            return self.snapshot
        with self._lock:
            self._last_check = time.monotonic()
            signature = self._signature()
            if signature in (self.snapshot.signature, self._failed_signature):
                return self.snapshot
            try:
                self.snapshot = Snapshot(self._build(), signature)
                self.last_error = None
                self.logger.info("story model rebuilt from changed files")
            except (InvalidInputError, StorymapError) as exc:
                self._failed(signature, str(exc))
            except Exception as exc:  # a bug must not take the running site down either
                self.logger.exception("rebuilding the story model failed")
                self._failed(signature, f"{type(exc).__name__}: {exc}")
        return self.snapshot

    def _failed(self, signature: tuple, message: str) -> None:
        self._failed_signature = signature
        self.last_error = message
        self.logger.error("changed files are invalid; still serving the last good data:\n%s", message)


def current_snapshot() -> Snapshot:
    return current_app.extensions["storymap"].current()


def current_model() -> StoryModel:
    return current_snapshot().model

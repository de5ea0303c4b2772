"""The story model a running server reads, rebuilt in the background when its files change.

Requests always read the last good snapshot and never wait for a rebuild. A
background thread notices changed input files (names, sizes, modification
times and content hashes, so an edit that keeps size and time is noticed too)
and rebuilds the model in a separate process with a time and memory budget:
a file that makes the build explode (say a YAML alias bomb) costs that
process, not the site. A failed or over-budget rebuild is logged and the
server keeps serving the last good model.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import time
from pathlib import Path

from flask import Flask, Response, current_app, request

from ..errors import InvalidInputError, StorymapError
from ..mapbuilder import TILE_SOURCES
from ..model import StoryModel
from ..modelcache import ModelCache, checked_model, input_signature, stored_or_built
from ..pipeline import build_model
from .lru import BoundedCache
from .periodic import PeriodicCheck

REBUILD_TIMEOUT_SECONDS = 120.0
REBUILD_MEMORY_MB = 2048
# Answers to parameterised requests (comparisons) kept per model: each is a few tens of KB.
COMPUTED_ENTRIES = 512


class Snapshot:
    """One built model plus what is derived from it (rendered pages, JSON documents, computed answers).

    Everything derived goes with the snapshot, so a rebuilt model never serves a stale answer.
    """

    def __init__(self, model: StoryModel, signature: tuple):
        self.model = model
        self.signature = signature
        self.pages: dict = {}
        self.documents: dict = {}
        self.computed = BoundedCache(COMPUTED_ENTRIES)
        self.built_at = time.time()


class RebuildFailed(StorymapError):
    """A rebuild ran over its budget or crashed; the message says which and why."""


class BuildInterrupted(RebuildFailed):
    """The build process ended without an answer (e.g. a signal from outside)."""


class ModelHolder:
    """Holds the current snapshot; checks and rebuilds it off the request path.

    Parameters
    ----------
    check_seconds : float or None
        How often a request may start a check of the input files; None never.
    builder : callable
        ``builder(stories_dir, geodata_dir) -> StoryModel``, a module-level
        function (it runs in a child process). Tests inject a slow one.
    timeout_seconds, memory_mb : float, int
        Budget of one rebuild; the child process is stopped past it.
    cache : ModelCache or None
        Where built models are kept between starts; a start on unchanged
        files and code reads the model instead of building it.
    """

    def __init__(self, stories_dir: Path, geodata_dir: Path, check_seconds: float | None, logger,
                 builder=build_model, timeout_seconds: float = REBUILD_TIMEOUT_SECONDS,
                 memory_mb: int = REBUILD_MEMORY_MB, cache: ModelCache | None = None):
        self.stories_dir = Path(stories_dir)
        self.geodata_dir = Path(geodata_dir)
        self.logger = logger
        self.builder = builder
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self.cache = cache
        self.checks = PeriodicCheck(self._check, check_seconds, "storymap-rebuild")  # one check or rebuild at a time
        self._failed_signature = None
        self.last_error: str | None = None
        # At start-up there is nothing to fall back on: build here (unless stored), and fail loudly.
        signature, model = stored_or_built(self.stories_dir, self.geodata_dir, builder, cache)
        self.snapshot = Snapshot(model, signature)

    @classmethod
    def init_app(cls, app: Flask) -> None:
        unknown = [t for t in app.config["TILES"] if t not in TILE_SOURCES]
        if unknown:
            raise StorymapError(
                f"unknown tile layer(s) {', '.join(map(repr, unknown))}; expected any of {', '.join(TILE_SOURCES)}"
            )
        builder = app.config.get("MODEL_BUILDER") or build_model
        cache_dir = app.config["MODEL_CACHE_DIR"]
        # Only the real pipeline's models are kept: an injected builder is a test's.
        cache = ModelCache(cache_dir, app.config["GEODATA_DIR"], app.logger) \
            if cache_dir and builder is build_model else None
        app.extensions["storymap"] = cls(
            app.config["STORIES_DIR"], app.config["GEODATA_DIR"], app.config["RELOAD_CHECK_SECONDS"], app.logger,
            builder=builder, timeout_seconds=app.config["REBUILD_TIMEOUT_SECONDS"],
            memory_mb=app.config["REBUILD_MEMORY_MB"], cache=cache,
        )

    def current(self) -> Snapshot:
        """The latest good snapshot, at once; starts a background check when one is due."""
        self.checks.start_if_due()
        return self.snapshot

    def refresh(self) -> Snapshot:
        """Check the files and rebuild if they changed, waiting for it (CLI and tests; never a request)."""
        self.checks.run_now()
        return self.snapshot

    def _check(self) -> None:
        signature = input_signature(self.stories_dir, self.geodata_dir)
        if signature in (self.snapshot.signature, self._failed_signature):
            return
        try:
            try:
                model = self._build_isolated()
            except BuildInterrupted:  # killed from outside (a signal): not a verdict on the files
                self.logger.warning("the rebuild process was stopped from outside; trying once more")
                model = self._build_isolated()
        except (InvalidInputError, StorymapError) as exc:
            self._failed(signature, str(exc))
        except Exception as exc:  # a bug must not take the running site down either
            self.logger.exception("rebuilding the story model failed")
            self._failed(signature, f"{type(exc).__name__}: {exc}")
        else:
            self.snapshot = Snapshot(model, signature)  # one reference swap: readers see old or new
            self.last_error = None
            self.logger.info("story model rebuilt from changed files")
            if self.cache:
                self.cache.store(signature, model)

    def _build_isolated(self) -> StoryModel:
        """Build in a child process within the time and memory budget."""
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_build_in_child, name="storymap-build", daemon=True,
            args=(sender, self.builder, str(self.stories_dir), str(self.geodata_dir), self.memory_mb),
        )
        process.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout_seconds):
                if process.is_alive():
                    raise RebuildFailed(
                        f"rebuilding took longer than the budget of {self.timeout_seconds:g} s and was stopped")
                raise BuildInterrupted(f"the rebuild process ended without an answer (exit code {process.exitcode})")
            try:
                outcome, payload = receiver.recv()
            except EOFError as exc:
                process.join(5)
                raise BuildInterrupted(
                    f"the rebuild process ended without an answer (exit code {process.exitcode})") from exc
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join(5)
        if outcome == "model":
            return pickle.loads(payload)
        if outcome == "invalid":
            raise InvalidInputError(payload)
        raise RebuildFailed(payload)

    def _failed(self, signature: tuple, message: str) -> None:
        self._failed_signature = signature
        self.last_error = message
        self.logger.error("changed files are invalid; still serving the last good data:\n%s", message)


def _build_in_child(sender, builder, stories_dir: str, geodata_dir: str, memory_mb: int) -> None:
    """Child process: build within the memory budget and send back the model or why not."""
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        model = checked_model(builder(Path(stories_dir), Path(geodata_dir)))
        message = ("model", pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except InvalidInputError as exc:
        message = ("invalid", exc.problems)
    except MemoryError:
        message = ("failed", f"rebuilding ran over the memory budget of {memory_mb} MB and was stopped")
    except RecursionError:
        message = ("failed", "rebuilding stopped: an input file is nested too deeply")
    except Exception as exc:  # reported to the parent, which keeps serving the last good model
        message = ("failed", f"{type(exc).__name__}: {exc}")
    sender.send(message)
    sender.close()


def current_snapshot() -> Snapshot:
    return current_app.extensions["storymap"].current()


def current_model() -> StoryModel:
    return current_snapshot().model


def serialised(value) -> tuple[bytes, str]:
    """A JSON body and its ETag (NaN and Infinity refused)."""
    body = current_app.json.dumps(value, allow_nan=False).encode("utf-8")
    return body, hashlib.sha1(body).hexdigest()


def json_response(body_and_etag: tuple[bytes, str], mimetype: str = "application/json") -> Response:
    """A serialised body with its ETag; a request that has it already gets 304."""
    body, etag = body_and_etag
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    return response.make_conditional(request)


def cached_document(key: str, make) -> tuple[bytes, str]:
    """A JSON document of the current model and its ETag, serialised once per model."""
    snapshot = current_snapshot()
    if key not in snapshot.documents:
        snapshot.documents[key] = serialised(make(snapshot.model))
    return snapshot.documents[key]


def cached_json(key: str, make, mimetype: str = "application/json") -> Response:
    """A JSON document of the current model, served from memory with an ETag."""
    return json_response(cached_document(key, make), mimetype)

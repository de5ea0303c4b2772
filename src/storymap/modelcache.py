"""Built story models kept on disk, so a server restarted on unchanged files starts at once.

A model is stored under a key made of everything it was built from: each
input file's path, size, modification time and content hash (the server's
change signature), storymap's own source files and the versions of the
libraries whose objects it holds. Any change gives a new key, so a stored
model is never served for other inputs or other code; a file that cannot be
read back is ignored and the model is built as usual.

:func:`stored_or_built` is the one way a server gets its first model: the
app's model holder calls it, and so does the second process ``storymap
serve`` forks on a first start (:func:`storymap.serving.models_built_alongside`),
so both store and find a model under the same key, checked the same way.

The files are pickles, which run code when loaded: they are written to and
read from a directory only the current user can write (``~/.cache/storymap``
by default, or ``STORYMAP_CACHE_DIR``), and nowhere else. Only POSIX systems
have the ownership checks this needs; elsewhere nothing is cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import platform
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from .errors import InvalidInputError, Problem
from .model import StoryModel

CACHE_ENV = "STORYMAP_CACHE_DIR"
# Libraries whose objects a model holds (GeoDataFrame, shapely geometries, numpy arrays).
PICKLED_LIBRARIES = ("geopandas", "pandas", "shapely", "numpy", "pyproj")
KEEP_PER_REGION = 2  # the current model and the one before it


def default_cache_dir() -> Path | None:
    """Where models are kept: ``STORYMAP_CACHE_DIR``, else the user's cache folder; None off POSIX."""
    if os.name != "posix":
        return None
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storymap" / "models"
    except RuntimeError:  # no home directory (a service account): nothing is kept
        return None


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """storymap's source files (path, size, modification time) and the pickled libraries' versions."""
    package = Path(__file__).resolve().parent
    parts = [sys.version, platform.machine()]
    for library in PICKLED_LIBRARIES:
        try:
            parts.append(f"{library}=={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{library} missing")
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        parts.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def input_signature(stories_dir: Path, geodata_dir: Path) -> tuple:
    """Name, size, modification time and content hash of every input file: what a model is built from.

    The hash catches an edit that keeps both size and time (a copy with
    preserved times, a coarse file system clock).
    """
    entries = []
    for path in sorted(p for d in (Path(stories_dir), Path(geodata_dir)) for p in d.rglob("*")):
        try:
            if not path.is_file():
                continue
            info = path.stat()
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            entries.append((str(path), info.st_size, info.st_mtime_ns, digest))
        except OSError as exc:  # a dangling or looping link, a file removed meanwhile
            entries.append((str(path), type(exc).__name__))
    return tuple(entries)


def checked_model(model: StoryModel) -> StoryModel:
    """The model, once every document it serves is known to be valid JSON (no NaN or Infinity).

    Raises InvalidInputError, so a bad value fails the build, not a response.
    """
    for name, value in (("page data", model.client_data()), ("districts", model.districts_geojson),
                        ("places", model.places_geojson)):
        try:
            json.dumps(value, allow_nan=False)
        except ValueError as exc:
            raise InvalidInputError([Problem(f"<{name}>", None, f"not valid JSON ({exc}); expected finite numbers")]) \
                from exc
    return model


def stored_or_built(stories_dir: Path, geodata_dir: Path, builder,
                    cache: ModelCache | None) -> tuple[tuple, StoryModel]:
    """The signature of the inputs and the model a server starts with: stored, else built, checked and stored."""
    signature = input_signature(stories_dir, geodata_dir)
    model = cache.load(signature) if cache else None
    if model is None:
        model = checked_model(builder(Path(stories_dir), Path(geodata_dir)))
        if cache:
            cache.store(signature, model)
    return signature, model


class ModelCache:
    """Stored models of one region (named by its geodata folder), in a directory private to the current user."""

    def __init__(self, directory: Path, geodata_dir: Path, logger):
        self.directory = Path(directory)
        self.region = Path(geodata_dir).name
        self.logger = logger

    def is_stored(self, signature: tuple) -> bool:
        """Whether a model is stored for these inputs and this code (readable or not)."""
        return self._path(signature).is_file()

    def usable(self) -> bool:
        """Whether models can be kept here (no warning): the directory is still to be made, or private and writable."""
        try:
            info = os.stat(self.directory)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return _owned_and_unshared(info) and os.access(self.directory, os.W_OK)

    def load(self, signature: tuple) -> StoryModel | None:
        """The model stored for these inputs and this code, or None (not stored, unreadable, unsafe)."""
        path = self._path(signature)
        try:
            with open(path, "rb") as handle:
                if not self._private(os.fstat(handle.fileno()), path) or not self._private(os.stat(self.directory),
                                                                                            self.directory):
                    return None
                model = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a truncated or foreign file must never stop the server: build instead
            self.logger.warning("ignoring the stored model %s (%s: %s); building it again", path,
                                type(exc).__name__, exc)
            return None
        if not isinstance(model, StoryModel):
            self.logger.warning("ignoring the stored model %s: it holds a %s", path, type(model).__name__)
            return None
        return model

    def store(self, signature: tuple, model: StoryModel) -> None:
        """Keep the model for these inputs (written atomically); failures are logged, never raised."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self._private(os.stat(self.directory), self.directory):
                return
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".partial-")  # mode 0600
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._path(signature))
            except BaseException:
                os.unlink(temporary)
                raise
            self._prune()
        except OSError as exc:
            self.logger.warning("cannot keep the built model in %s: %s", self.directory, exc)

    def _path(self, signature: tuple) -> Path:
        key = hashlib.sha256(repr((signature, code_fingerprint())).encode()).hexdigest()[:32]
        return self.directory / f"{self.region}-{key}.pickle"

    def _prune(self) -> None:
        """Keep this region's newest models only."""
        stored = sorted(self.directory.glob(f"{self.region}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in stored[:-KEEP_PER_REGION]:
            old.unlink(missing_ok=True)

    def _private(self, info: os.stat_result, path: Path) -> bool:
        if _owned_and_unshared(info):
            return True
        self.logger.warning("not using stored models in %s: it must belong to this user and be writable by no "
                            "one else (mode %o)", path, stat.S_IMODE(info.st_mode))
        return False


def _owned_and_unshared(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else: nobody else can have planted code in it."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)

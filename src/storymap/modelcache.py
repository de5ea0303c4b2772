"""Built story models kept on disk, so a server restarted on unchanged files starts at once.

A model is stored under a key made of everything it was built from: each
input file's path, size, modification time and content hash (the server's
change signature), storymap's own source files and the versions of the
libraries whose objects it holds. Any change gives a new key, so a stored
model is never served for other inputs or other code; a file that cannot be
read back is ignored and the model is built as usual.

The files are pickles, which run code when loaded: they are written to and
read from a directory only the current user can write (``~/.cache/storymap``
by default, or ``STORYMAP_CACHE_DIR``), and nowhere else. Only POSIX systems
have the ownership checks this needs; elsewhere nothing is cached.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path

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


class ModelCache:
    """Stored models of one region, in a directory private to the current user."""

    def __init__(self, directory: Path, region: str, logger):
        self.directory = Path(directory)
        self.region = region
        self.logger = logger

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
        """Owned by this user and writable by no one else: nobody else can have planted code in it."""
        if info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return True
        self.logger.warning("not using stored models in %s: it must belong to this user and be writable by no "
                            "one else (mode %o)", path, stat.S_IMODE(info.st_mode))
        return False

"""Writing the project's files from the desk: inside the project, serialised, atomic, with history.

Every path the desk writes is checked to resolve inside the project folder
(symbolic links included). A save holds the project's lock (a thread lock for
this process and an ``flock`` on a file in the history folder for any other
desk on the same folder) from reading the files to renaming the new ones into
place, so two saves at once run one after the other and neither loses the
other's change. The new contents are all staged as temporary files beside
their targets before the first rename; the previous version of each file is
copied to ``.storymap-history/<time>/<path in the project>`` first.
"""

from __future__ import annotations

import fcntl
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import StorymapError
from ..fileio import replace_files

HISTORY_DIR = ".storymap-history"

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


class OutsideProject(StorymapError):
    """A path that would leave the project folder."""


def inside(root: Path, path: Path) -> Path:
    """``path`` resolved, if it lies inside ``root``; else OutsideProject."""
    root = Path(root).resolve()
    resolved = Path(path).resolve()
    if resolved != root and root not in resolved.parents:
        raise OutsideProject(f"{path} resolves to {resolved}, outside the project folder {root}; "
                             "expected a file inside it")
    return resolved


@contextmanager
def project_lock(root: Path):
    """Hold the project's write lock (threads of this process, then other processes)."""
    root = Path(root).resolve()
    with _locks_guard:
        lock = _locks.setdefault(root, threading.Lock())
    with lock:
        history = root / HISTORY_DIR
        history.mkdir(exist_ok=True)
        ignore = history / ".gitignore"
        if not ignore.exists():  # in a git repository the history is not part of the project's files
            ignore.write_text("*\n", "utf-8")
        with open(history / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def write_with_history(root: Path, files: dict[Path, str]) -> Path | None:
    """Replace each file with its new text, keeping the previous versions; call under :func:`project_lock`.

    Returns the history folder of this save (None when no file existed before).
    Nothing is replaced unless every new file could be staged; if a rename
    fails, the files renamed already are put back.
    """
    root = Path(root).resolve()
    targets = {inside(root, path): text for path, text in files.items()}
    changed = {path: text for path, text in targets.items() if not path.exists() or path.read_text("utf-8") != text}
    if not changed:
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    history = root / HISTORY_DIR / stamp
    done: list[Path] = []
    try:
        for path in changed:
            if path.exists():
                keep = history / path.relative_to(root)
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, keep)
        replace_files(changed, done)
    except OSError as exc:
        for path in done:  # put back what was replaced already
            kept = history / path.relative_to(root)
            if kept.exists():
                shutil.copy2(kept, path)
            else:  # it was new: nothing before it
                path.unlink(missing_ok=True)
        raise StorymapError(f"cannot write {exc.filename or root}: {exc.strerror or exc}; "
                            "expected a writable project folder (nothing was changed)") from exc
    return history if history.exists() else None

"""Writing output so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import StorymapError


def write_files_atomically(out_dir: Path, files: dict[str, str]) -> None:
    """Write every file of ``out_dir`` to a temporary name first, then rename each into place.

    All contents are produced before anything is renamed, and each rename is
    atomic, so readers see either the old file or the complete new one.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        replace_files({out_dir / name: text for name, text in files.items()})
    except OSError as exc:
        raise StorymapError(f"cannot write to {out_dir}: {exc.strerror or exc}; expected a writable folder") from exc


def replace_files(files: dict[Path, str], replaced: list[Path] | None = None) -> None:
    """Stage each file as a temporary file beside it, then rename them all into place.

    Nothing is renamed unless every file could be staged. An OSError is
    raised as it comes, with no temporary file left; ``replaced`` (if given)
    then lists the files renamed into place before it, for the caller to put back.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((path, Path(tmp)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are for everyone to read
        for path, tmp in staged:
            os.replace(tmp, path)
            if replaced is not None:
                replaced.append(path)
    finally:
        for _path, tmp in staged:
            tmp.unlink(missing_ok=True)

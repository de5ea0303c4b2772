"""Writing output so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import StorymapError


def write_files_atomically(out_dir: Path, files: dict[str, str]) -> None:
    """Write every file to a temporary name first, then rename each into place.

    All contents are produced before anything is renamed, and each rename is
    atomic, so readers see either the old file or the complete new one.
    """
    out_dir = Path(out_dir)
    staged: list[tuple[str, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are for everyone to read
        for name, tmp in staged:
            os.replace(tmp, out_dir / name)
    except OSError as exc:
        raise StorymapError(f"cannot write to {out_dir}: {exc.strerror or exc}; expected a writable folder") from exc
    finally:
        for _name, tmp in staged:
            tmp.unlink(missing_ok=True)

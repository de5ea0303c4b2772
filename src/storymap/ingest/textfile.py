"""Reading a raw page text: the bytes are checked and decoded before anything else.

Print texts reach the editor as UTF-8, sometimes with a BOM, and from Chinese
Windows tools as GBK/GB18030; both are accepted (the conversion is reported).
Anything else -- empty, binary, another encoding -- is refused with one line
that says what was found and what is expected.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ..errors import StorymapError

# Share of CJK ideographs among the letters a GB18030 reading must reach
# before we trust it: random Latin-1 bytes also "decode" as GB18030.
_MIN_CJK_SHARE = 0.3


@dataclass(frozen=True)
class RawText:
    """A decoded raw text and the encoding it was found in."""

    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "utf-16"

    @property
    def converted(self) -> bool:
        return self.encoding not in ("utf-8", "utf-8-sig")


def read_raw_text(path: Path) -> RawText:
    """Read ``path`` as page text.

    Raises
    ------
    StorymapError
        The file is missing, empty, binary, or in an encoding other than
        UTF-8, UTF-16 (with BOM) or GBK/GB18030.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StorymapError(f"{path}: cannot read: {exc.strerror}; expected a UTF-8 text file") from exc
    return decode_raw_text(raw, path)


def decode_raw_text(raw: bytes, name: Path | str = "<text>") -> RawText:
    """Decode the bytes of a page text (pure; see :func:`read_raw_text`)."""
    if not raw.strip():
        raise StorymapError(f"{name}: empty file; expected the raw text of an article")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return _checked(raw.decode(encoding, errors="strict"), encoding, name)
    if b"\x00" in raw:
        raise StorymapError(f"{name}: binary file (contains NUL bytes); expected the raw text of an article")
    try:
        return _checked(raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8", name)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _cjk_share(text) >= _MIN_CJK_SHARE:
        return _checked(text, "gb18030", name)
    line = raw[: utf8_error.start].count(b"\n") + 1
    raise StorymapError(
        f"{name}:{line}: not UTF-8 text (byte 0x{raw[utf8_error.start]:02x}) and not GBK/GB18030 Chinese either; "
        "expected a UTF-8 text file (convert it with iconv -t UTF-8)"
    )


def _checked(text: str, encoding: str, name) -> RawText:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise StorymapError(f"{name}: binary file ({controls} control characters); expected the raw text of an article")
    if not text.strip():
        raise StorymapError(f"{name}: empty file; expected the raw text of an article")
    return RawText(text.replace("\r\n", "\n").replace("\r", "\n"), encoding)


def _cjk_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff") / len(letters)

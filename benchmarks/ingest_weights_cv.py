#!/usr/bin/env python3
"""Learn the ingest's evidence weights and threshold (``places.EVIDENCE_WEIGHTS``, ``EVIDENCE_THRESHOLD``) and
check them by cross-validation over cities.

Runs `storymap ingest` on every dev page (as ``ingest_quality.py`` does, each page with a sequence model trained
without its city: ``ingest_sequence.cross_fitted_models``) and labels each name the ingest scored,
drafted or listed as doubtful (names from the region's lists are left out: they are drafted whatever their score),
with its features (:func:`storymap.ingest.places.place_features`): a key place (by name), and a key place with its
right district. A logistic regression on the features gives the weights; the threshold is the one that does best
on the pages it was fit on (false places removed minus ``--cost`` times key places lost). For each of ``--splits``
random halvings of the dev cities, weights learned on one half, and the hand-set weights the learned ones replaced
(round 3, ``HAND_SET``), get their threshold on that half and are checked on the other, both ways; the totals say
which generalises better (the code's own weights were learned on all dev pages, so they are reported on all of
them only). Dev pages only: held-out pages are never used to choose anything.

    python benchmarks/ingest_weights_cv.py [--splits 10] [--cost 3] [--l2 1.0] [--learn]

``--learn`` prints the weights and threshold learned on all dev pages, as Python to paste into places.py.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_quality as quality  # noqa: E402
import ingest_sequence as sequence  # noqa: E402

# The weights set by hand before they were learned (round 3), with its threshold 0.
HAND_SET = {"class word": 2, "weak class word": 1, "sources agree": 1, "caption or opening": 1, "locative frame": 1,
            "quoted": -1, "repeated": 1, "district: chain": 2, "district: township": 2, "district: sentence": 1,
            "district: credit": 1, "district: section": -1}
Row = tuple[str, frozenset, bool, bool]  # city, features, a key place by name, a key place with its right district


def labelled_places(cache: Path, models: dict[str, Path]) -> list[Row]:
    """Every scored name of the dev pages, each page read with the sequence model of its city in ``models``
    (trained without that city, so the model's signal is as reliable here as on a page it never saw)."""
    from storymap.geodata import load_geodata
    from storymap.ingest import ingest_article
    from storymap.ingest.places import place_features

    rows = []
    for key_path in sorted((quality.PAGES / "dev").glob("*.key.json")):
        key = json.loads(key_path.read_text("utf-8"))
        raw = key_path.with_name(key_path.name.removesuffix(".key.json") + ".txt")
        geodata = quality.city_geodata(key["city"], cache)
        names = {d.code: d.name_zh for d in load_geodata(geodata).districts}
        with tempfile.TemporaryDirectory(prefix="ingest-cv-") as tmp:
            draft = ingest_article(raw, key["city"], geodata_dir=geodata, out_path=Path(tmp) / "o" / "d.yaml",
                                   stories_root=Path(tmp) / "none", place_model=models[key["city"]]).draft
        districts = {quality._norm(n): p["district"] for p in key["places"] for n in [p["name"], *p.get("aliases", [])]}
        for place in [p.found for p in draft.places] + list(draft.doubtful):
            if place.listed:
                continue
            name = quality._norm(place.name)
            rows.append((key["city"], place_features(place), name in districts,
                         districts.get(name) == names.get(place.district or "")))
    return rows


def learn(rows: list[Row], features: list[str], l2: float) -> dict[str, float]:
    """Logistic regression (Newton's method, L2 penalty on the weights, none on the bias) of "a key place by name"
    on the features; the bias is returned as ``""``."""
    x = np.array([[1.0] + [f in r[1] for f in features] for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"": float(w[0]), **{f: float(v) for f, v in zip(features, w[1:])}}


def score(weights: dict[str, float], features: frozenset) -> float:
    return weights.get("", 0.0) + sum(weights.get(f, 0.0) for f in features)


def effect(rows: list[Row], weights, threshold: float) -> tuple[int, int]:
    """(key places with their right district lost, false places removed) by drafting only names scoring at least
    ``threshold``."""
    below = [r for r in rows if score(weights, r[1]) < threshold]
    return sum(1 for r in below if r[3]), sum(1 for r in below if not r[2])


def best_threshold(rows: list[Row], weights, cost: float) -> float:
    scores = sorted({score(weights, r[1]) for r in rows})
    candidates = [scores[0] - 1] + [(a + b) / 2 for a, b in zip(scores, scores[1:])] + [scores[-1] + 1]
    return max(candidates, key=lambda t: (lambda e: e[1] - cost * e[0])(effect(rows, weights, t)))


def main() -> int:
    from storymap.ingest.places import EVIDENCE_THRESHOLD, EVIDENCE_WEIGHTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--cost", type=float, default=3.0, help="false places one lost key place is worth")
    parser.add_argument("--l2", type=float, default=1.0, help="the penalty on the learned weights")
    parser.add_argument("--learn", action="store_true", help="print the weights learned on all dev pages")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/storymap/ingest-bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ingest-cv-models-") as tmp:
        rows = labelled_places(args.cache, sequence.cross_fitted_models(sequence.dev_samples(args.cache), Path(tmp)))
    features = sorted(set().union(*(r[1] for r in rows)))
    cities = sorted({r[0] for r in rows})
    print(f"{len(rows)} scored names on {len(cities)} dev cities; {sum(r[2] for r in rows)} are key places "
          f"({sum(r[3] for r in rows)} with their right district)")
    print(f"the code's weights, threshold {EVIDENCE_THRESHOLD}, on all dev pages: "
          "(key places lost, false places removed) = "
          f"{effect(rows, EVIDENCE_WEIGHTS, EVIDENCE_THRESHOLD)}")
    totals = {"hand-set weights": [0, 0, 0, 0], "learned weights": [0, 0, 0, 0]}
    for split in range(args.splits):
        random.Random(split).shuffle(cities)
        halves = set(cities[: len(cities) // 2]), set(cities[len(cities) // 2:])
        for fit, check in (halves, halves[::-1]):
            fit_rows = [r for r in rows if r[0] in fit]
            check_rows = [r for r in rows if r[0] in check]
            for label, weights in (("hand-set weights", HAND_SET),
                                   ("learned weights", learn(fit_rows, features, args.l2))):
                lost, removed = effect(check_rows, weights, best_threshold(fit_rows, weights, args.cost))
                totals[label][0] += lost
                totals[label][1] += removed
                totals[label][2] += sum(r[3] for r in check_rows) - lost
                totals[label][3] += sum(not r[2] for r in check_rows) - removed
    print(f"on the other halves, {2 * args.splits} folds: key places lost, false places removed "
          f"(score = removed - {args.cost:g} x lost); key places kept, false places kept (per fold):")
    for label, (lost, removed, kept, false) in totals.items():
        print(f"  {label:20} {lost:>5} {removed:>6}   score {removed - args.cost * lost:>7.1f}   "
              f"kept {kept / (2 * args.splits):>6.1f} {false / (2 * args.splits):>6.1f}")
    if args.learn:
        weights = learn(rows, features, args.l2)
        threshold = best_threshold(rows, weights, args.cost) - weights.pop("")
        print("\nlearned on all dev pages (the bias folded into the threshold):")
        print("EVIDENCE_WEIGHTS = {" + ", ".join(f"{f!r}: {w:.1f}" for f, w in sorted(
            weights.items(), key=lambda item: -abs(item[1])) if abs(w) >= 0.05) + "}")
        print(f"EVIDENCE_THRESHOLD = {threshold:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

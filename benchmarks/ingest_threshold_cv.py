#!/usr/bin/env python3
"""Choose the ingest's evidence threshold (``places.EVIDENCE_THRESHOLD``) by cross-validation over cities.

Runs `storymap ingest` on every dev page (as ``ingest_quality.py`` does) and labels each name the ingest
scored, drafted or listed as doubtful (names from the region's lists are left out: they are drafted whatever
their score): a key place with its right district, or not. Then, for each of ``--splits`` random halvings of
the dev cities, it picks the threshold that does best on one half (false places removed minus ``--cost`` times
key places lost) and reports what that threshold does on the other half, both ways. Dev pages only: held-out
pages are never used to choose anything.

    python benchmarks/ingest_threshold_cv.py [--splits 10] [--cost 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_quality as quality  # noqa: E402


def labelled_scores(cache: Path) -> list[tuple[str, int, bool]]:
    """(city, score, is a key place with its right district) for every scored name of the dev pages."""
    from storymap.geodata import load_geodata
    from storymap.ingest import ingest_article
    from storymap.ingest.places import _TRUSTED_KINDS

    rows = []
    for key_path in sorted((quality.PAGES / "dev").glob("*.key.json")):
        key = json.loads(key_path.read_text("utf-8"))
        raw = key_path.with_name(key_path.name.removesuffix(".key.json") + ".txt")
        geodata = quality.city_geodata(key["city"], cache)
        names = {d.code: d.name_zh for d in load_geodata(geodata).districts}
        with tempfile.TemporaryDirectory(prefix="ingest-cv-") as tmp:
            draft = ingest_article(raw, key["city"], geodata_dir=geodata, out_path=Path(tmp) / "o" / "d.yaml",
                                   stories_root=Path(tmp) / "none").draft
        districts = {quality._norm(n): p["district"] for p in key["places"] for n in [p["name"], *p.get("aliases", [])]}
        for place in [p.found for p in draft.places] + list(draft.doubtful):
            if place.kind in _TRUSTED_KINDS or place.gazetteer:
                continue
            right = districts.get(quality._norm(place.name)) == names.get(place.district or "")
            rows.append((key["city"], place.score, right))
    return rows


def effect(rows, threshold: int) -> tuple[int, int]:
    """(key places lost, false places removed) by drafting only names scoring at least ``threshold``."""
    lost = sum(1 for _, score, right in rows if right and score < threshold)
    return lost, sum(1 for _, score, right in rows if not right and score < threshold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--cost", type=float, default=3.0, help="false places one lost key place is worth")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/storymap/ingest-bench")
    args = parser.parse_args()
    rows = labelled_scores(args.cache)
    thresholds = range(min(s for _, s, _ in rows), max(s for _, s, _ in rows) + 1)
    print("all dev pages: threshold -> (key places lost, false places removed)")
    for t in thresholds:
        print(f"  {t:>3}: {effect(rows, t)}")
    cities = sorted({c for c, _, _ in rows})
    chosen, lost, removed = Counter(), 0, 0
    for split in range(args.splits):
        random.Random(split).shuffle(cities)
        halves = set(cities[: len(cities) // 2]), set(cities[len(cities) // 2:])
        for fit, check in (halves, halves[::-1]):
            fit_rows = [r for r in rows if r[0] in fit]
            best = max(thresholds, key=lambda t: (lambda e: e[1] - args.cost * e[0])(effect(fit_rows, t)))
            chosen[best] += 1
            e = effect([r for r in rows if r[0] in check], best)
            lost, removed = lost + e[0], removed + e[1]
    print(f"chosen on one half (times): {dict(sorted(chosen.items()))}")
    print(f"on the other halves, {2 * args.splits} folds: {lost} key places lost, {removed} false places removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

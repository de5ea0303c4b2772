#!/usr/bin/env python3
"""Train the ingest's sequence model of place names and check it by cross-validation over cities.

Reads every dev page as `storymap ingest` does (``storymap.ingest.read_article``: cleaned passages,
the analyser's words, the region's names), labels the characters of every occurrence of the page's
key places (names and aliases) B/I and the rest O, and trains a CRF (python-crfsuite) on the
features of :func:`storymap.ingest.places.sequence_features`. Dev pages only: held-out pages are
never read.

    python benchmarks/ingest_sequence.py --cv [--splits 3]    # halves of the dev cities: train on one, read the other
    python benchmarks/ingest_sequence.py --train              # all dev pages -> src/storymap/ingest/data/place_spans.crfsuite

``--cv`` prints, for the names the model reads in the pages of cities it was not trained on, how many
key places it finds (by name, any form) and how many names it reads that are no key place's.
:func:`cross_fitted_models` gives ``ingest_weights_cv.py`` a model per city trained without it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_quality as quality  # noqa: E402

CRF_PARAMS = {"c1": 0.05, "c2": 0.1, "max_iterations": 150, "feature.possible_transitions": True}


def page_samples(key_path: Path, cache: Path) -> dict:
    """One dev page: its city, key forms, and per passage the features and gold labels."""
    from storymap.ingest import read_article
    from storymap.ingest.draft import passages, section_ids
    from storymap.ingest.places import repeated_words, sequence_features
    from storymap.ingest.sequence import gold_labels

    key = json.loads(key_path.read_text("utf-8"))
    raw = key_path.with_name(key_path.name.removesuffix(".key.json") + ".txt")
    read = read_article(raw, key["city"], quality.city_geodata(key["city"], cache))
    forms = {quality._norm(form): place["name"] for place in key["places"]
             for form in [place["name"], *place.get("aliases", [])]}
    printed = {form.strip("“”\"") for place in key["places"] for form in [place["name"], *place.get("aliases", [])]}
    texts = []
    simplified = [read.language.simplified(p.text) for p in passages(read.article, section_ids(read.article))]
    token_lists = [read.language.place_tokens(text) for text in simplified]
    repeated = repeated_words(token_lists, read.language.common_word)
    for text, tokens in zip(simplified, token_lists):
        texts.append((text, sequence_features(text, tokens, read.names, read.language, repeated),
                      gold_labels(text, printed)))
    return {"page": key["page"], "city": key["city"], "forms": forms, "texts": texts}


def dev_samples(cache: Path) -> list[dict]:
    return [page_samples(path, cache) for path in sorted((quality.PAGES / "dev").glob("*.key.json"))]


def train(samples: list[dict], path: Path) -> Path:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for page in samples:
        for _text, features, labels in page["texts"]:
            trainer.append(features, labels)
    trainer.set_params(CRF_PARAMS)
    trainer.train(str(path))
    return path


def read_names(model_path: Path, page: dict) -> set[str]:
    from storymap.ingest.sequence import SequenceModel

    model = SequenceModel(model_path)
    return {quality._norm(text[s:e]) for text, features, _ in page["texts"] for s, e, _sure in model.spans(features)}


def cross_fitted_models(samples: list[dict], folder: Path, folds: int = 5, seed: int = 0) -> dict[str, Path]:
    """A model per city, trained on the dev pages of the other cities' folds (``folds`` groups of cities)."""
    cities = sorted({page["city"] for page in samples})
    random.Random(seed).shuffle(cities)
    models = {}
    for fold in range(folds):
        left_out = set(cities[fold::folds])
        path = train([p for p in samples if p["city"] not in left_out], folder / f"fold-{fold}.crfsuite")
        models.update({city: path for city in left_out})
    return models


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate over halves of the dev cities")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--train", action="store_true", help="train on all dev pages and write the package's model")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("STORYMAP_BENCH_CACHE", Path.home() / ".cache/storymap/ingest-bench")))
    args = parser.parse_args()
    samples = dev_samples(args.cache)
    if args.cv:
        found = total = false = 0
        cities = sorted({page["city"] for page in samples})
        with tempfile.TemporaryDirectory(prefix="ingest-sequence-") as tmp:
            for split in range(args.splits):
                shuffled = cities[:]
                random.Random(split).shuffle(shuffled)
                half = set(shuffled[: len(shuffled) // 2])
                for fit, check in ((True, False), (False, True)):
                    model = train([p for p in samples if (p["city"] in half) == fit], Path(tmp) / "m.crfsuite")
                    for page in (p for p in samples if (p["city"] in half) == check):
                        names = read_names(model, page)
                        keys = set(page["forms"].values())
                        total += len(keys)
                        found += len({page["forms"][n] for n in names if n in page["forms"]})
                        false += len({n for n in names if n not in page["forms"]})
        pages = len(samples) * args.splits
        print(f"{args.splits} x 2 halves of {len(cities)} dev cities: key places read {found}/{total} "
              f"({found / total:.0%}), names read that are no key place {false} ({false / pages:.1f} a page)")
    if args.train:
        from storymap.ingest.sequence import MODEL_PATH

        train(samples, MODEL_PATH)
        print(f"trained on {len(samples)} dev pages: {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

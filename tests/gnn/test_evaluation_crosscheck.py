"""Randomized cross-check of the evaluator against a brute-force re-implementation.

The brute force enumerates every ordered pair with itertools, looks labels up by a linear
scan and counts precision/recall/F1 in plain Python: a different route to the same numbers.
"""

from __future__ import annotations

import itertools
import random

import pytest

from orgraph.gnn.evaluation import evaluate

ENTITY_POOL = ("head_surgeon", "assistant", "patient", "scalpel", "operating_table")
RELATION_POOL = ("holding", "closeto", "looking", "lyingon")


def brute_label(triplets: list[tuple[str, str, str]], a: str, b: str) -> str:
    """Relation of the first triplet from a to b, by linear scan, else none."""
    for s, r, o in triplets:
        if s == a and o == b:
            return r
    return "none"


def brute_pairs(truth, predicted, mode):
    """(truth label, predicted label) of every ordered pair of the entities in play."""
    source = predicted if mode == "predicted" else truth
    in_play = sorted({s for s, _, _ in source} | {o for _, _, o in source})
    return [
        (brute_label(truth, a, b), brute_label(predicted, a, b))
        for a, b in itertools.permutations(in_play, 2)
    ]


def brute_macro(pairs):
    """Macro F1 over labels seen in the truth, with zero division as 0; None with no pair."""
    if not pairs:
        return None
    f1s = []
    for label in {t for t, _ in pairs}:
        tp = sum(1 for t, p in pairs if t == label and p == label)
        fp = sum(1 for t, p in pairs if t != label and p == label)
        fn = sum(1 for t, p in pairs if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(f1s) / len(f1s)


def random_triplets(rng: random.Random) -> list[tuple[str, str, str]]:
    """Up to 6 triplets from small pools, so duplicates, conflicts and self-loops occur."""
    return [
        (rng.choice(ENTITY_POOL), rng.choice(RELATION_POOL), rng.choice(ENTITY_POOL))
        for _ in range(rng.randint(0, 6))
    ]


def random_case(seed: int):
    """Truth over a few takes of both surgery types, and predictions for most of its frames."""
    rng = random.Random(seed)
    truth, predicted = {}, {}
    for surgery_type, procedure, take in (("MISS", 1, 1), ("MISS", 2, 1), ("Ultrasound", 1, 2)):
        for frame in range(rng.randint(1, 6)):
            key = (surgery_type, procedure, take, frame)
            truth[key] = random_triplets(rng)
            if rng.random() < 0.8:
                predicted[key] = random_triplets(rng)
    predicted[("MISS", 9, 9, 0)] = random_triplets(rng)
    return truth, predicted


def _approx(value):
    return None if value is None else pytest.approx(value)


@pytest.mark.parametrize("mode", ["predicted", "ground-truth"])
@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force(seed: int, mode: str) -> None:
    truth, predicted = random_case(seed)
    report = evaluate(truth, predicted, entities=mode)

    def pairs_of(keys):
        return [
            pair for key in keys for pair in brute_pairs(truth[key], predicted.get(key, []), mode)
        ]

    all_pairs = pairs_of(truth)
    assert report.overall.pairs == len(all_pairs)
    assert report.macro_f1 == _approx(brute_macro(all_pairs))
    for surgery_type in ("MISS", "Ultrasound"):
        type_pairs = pairs_of([k for k in truth if k[0] == surgery_type])
        assert report.per_surgery_type[surgery_type].macro_f1 == _approx(brute_macro(type_pairs))
    labels = list(report.per_label)
    for t, p in set(all_pairs):
        assert report.confusion[labels.index(t), labels.index(p)] == all_pairs.count((t, p))
    assert report.predictions_not_in_truth == 1

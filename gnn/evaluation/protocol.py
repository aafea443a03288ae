"""The EgoExOR scene-graph-generation metric: label every ordered entity pair, count, score.

Per frame, only the pairs with a triplet need a look-up; all other ordered pairs of the
entities in play are (none, none) and are counted in bulk, so a frame costs O(triplets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from orgraph.core.errors import ConfigError, DataFormatError, UnknownNameError
from orgraph.gnn.evaluation.consistency import consistency_per_take, summarise
from orgraph.gnn.evaluation.frames import (
    LABEL_INDEX,
    LABELS,
    NONE_INDEX,
    FrameKey,
    TakeKey,
    Triplet,
    canonical_triplet,
    frame_name,
    take_name,
)
from orgraph.gnn.evaluation.report import EvaluationReport, GroupScore
from orgraph.gnn.evaluation.scores import empty_confusion

ENTITY_MODES: tuple[str, ...] = ("predicted", "ground-truth")
"""Where the entities in play come from: the predictions (official) or the truth (MM-OR)."""

_N = len(LABELS)


class _Tally:
    """Running counts of one take: label-index pairs, bulk (none, none) pairs, frames."""

    def __init__(self) -> None:
        self.codes: list[int] = []
        self.none_none = 0
        self.frames = 0
        self.frames_without_prediction = 0

    def confusion(self) -> np.ndarray:
        """The take's 23x23 counts."""
        counts = np.bincount(np.asarray(self.codes, dtype=np.int64), minlength=_N * _N)
        matrix = counts.reshape(_N, _N).astype(np.int64)
        matrix[NONE_INDEX, NONE_INDEX] += self.none_none
        return matrix


def checked_triplets(triplets: Iterable[Sequence[str]], key: FrameKey, side: str) -> list[Triplet]:
    """Canonical triplets of one frame, or UnknownNameError naming the frame, side and name."""
    out: list[Triplet] = []
    for triplet in triplets:
        if len(triplet) != 3:
            raise DataFormatError(
                f"the {side} of {frame_name(key)} has {triplet!r}, expected (subject, relation, "
                "object)"
            )
        subject, relation, obj = triplet
        canonical, unknown = canonical_triplet(subject, relation, obj)
        if canonical is None:
            kind, raw = unknown[0]
            raise UnknownNameError(
                f"unknown {kind} name {raw!r} in the {side} of {frame_name(key)}"
            )
        out.append(canonical)
    return out


def _first_labels(triplets: list[Triplet], in_play: set[str]) -> dict[tuple[str, str], int]:
    """Label index of each ordered pair in play: the first triplet's relation wins."""
    labels: dict[tuple[str, str], int] = {}
    for subject, relation, obj in triplets:
        if subject != obj and subject in in_play and obj in in_play:
            labels.setdefault((subject, obj), LABEL_INDEX[relation])
    return labels


def frame_pairs(
    truth: list[Triplet], predicted: list[Triplet], entities: str
) -> tuple[dict[tuple[str, str], tuple[int, int]], int]:
    """(labelled pair -> (truth, predicted) label index, entities in play) of one frame.

    Pairs absent from the result are (none, none); canonical triplets, mode already checked.
    """
    source = predicted if entities == "predicted" else truth
    in_play = {name for s, _, o in source for name in (s, o)}
    truth_labels = _first_labels(truth, in_play)
    predicted_labels = _first_labels(predicted, in_play)
    pairs = {
        pair: (truth_labels.get(pair, NONE_INDEX), predicted_labels.get(pair, NONE_INDEX))
        for pair in truth_labels.keys() | predicted_labels.keys()
    }
    return pairs, len(in_play)


def _score_frame(
    truth: list[Triplet], predicted: list[Triplet], entities: str, tally: _Tally
) -> None:
    """Add one frame's ordered pairs to the tally."""
    pairs, in_play = frame_pairs(truth, predicted, entities)
    tally.codes.extend(t * _N + p for t, p in pairs.values())
    tally.none_none += in_play * (in_play - 1) - len(pairs)


def _group(scope: str, tallies: list[_Tally]) -> GroupScore:
    """Sum the tallies of some takes into one scored scope."""
    confusion = empty_confusion()
    for tally in tallies:
        confusion += tally.confusion()
    return GroupScore(
        scope=scope,
        frames=sum(t.frames for t in tallies),
        frames_without_prediction=sum(t.frames_without_prediction for t in tallies),
        pairs=int(confusion.sum()),
        confusion=confusion,
    )


def evaluate(
    truth: Mapping[FrameKey, Sequence[Sequence[str]]],
    predictions: Mapping[FrameKey, Sequence[Sequence[str]]],
    entities: str = "predicted",
) -> EvaluationReport:
    """Score predictions against the truth on the truth's frames, per take, type and overall.

    A truth frame with no prediction counts as an empty prediction; predicted frames absent
    from the truth are ignored and counted. Lenient-parse drop counts carried by `predictions`
    (a ParsedPredictions) are copied into the report.
    """
    if entities not in ENTITY_MODES:
        raise ConfigError(f"entities mode {entities!r} is not one of {', '.join(ENTITY_MODES)}")
    tallies: dict[TakeKey, _Tally] = defaultdict(_Tally)
    truth_graphs: dict[FrameKey, list[Triplet]] = {}
    predicted_graphs: dict[FrameKey, list[Triplet]] = {}
    for key in sorted(truth):
        take: TakeKey = key[:3]
        tally = tallies[take]
        tally.frames += 1
        raw_predicted = predictions.get(key)
        if raw_predicted is None:
            tally.frames_without_prediction += 1
            raw_predicted = []
        truth_graphs[key] = checked_triplets(truth[key], key, "ground truth")
        predicted_graphs[key] = checked_triplets(raw_predicted, key, "prediction")
        _score_frame(truth_graphs[key], predicted_graphs[key], entities, tally)
    per_take = {take_name(t): _group(take_name(t), [tallies[t]]) for t in sorted(tallies)}
    surgery_types = sorted({t[0] for t in tallies})
    per_type = {
        st: _group(st, [tally for t, tally in tallies.items() if t[0] == st])
        for st in surgery_types
    }
    return EvaluationReport(
        entities=entities,
        overall=_group("overall", list(tallies.values())),
        per_surgery_type=per_type,
        per_take=per_take,
        predictions_not_in_truth=sum(1 for key in predictions if key not in truth),
        dropped_names=dict(getattr(predictions, "dropped_names", {})),
        dropped_triplets=int(getattr(predictions, "dropped_triplets", 0)),
        consistency=summarise(consistency_per_take(truth_graphs, predicted_graphs)),
        truth_consistency=summarise(consistency_per_take(truth_graphs, truth_graphs)),
    )

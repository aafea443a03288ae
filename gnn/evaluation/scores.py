"""Per-label precision/recall/F1 and the protocol's macro F1, computed from a confusion matrix.

Rows are the truth and columns the prediction; zero division counts as 0, as in the protocol.
"""

from __future__ import annotations

import numpy as np

from orgraph.gnn.evaluation.frames import LABELS


def empty_confusion() -> np.ndarray:
    """A zero 23x23 count matrix in LABELS order."""
    return np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator elementwise, 0 where the denominator is 0."""
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def label_scores(confusion: np.ndarray) -> dict[str, np.ndarray]:
    """precision, recall, f1, support (truth count) and predicted (prediction count) per label."""
    true_positive = np.diag(confusion).astype(np.float64)
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    false_positive = predicted - true_positive
    false_negative = support - true_positive
    return {
        "precision": _ratio(true_positive, predicted.astype(np.float64)),
        "recall": _ratio(true_positive, support.astype(np.float64)),
        "f1": _ratio(2 * true_positive, 2 * true_positive + false_positive + false_negative),
        "support": support,
        "predicted": predicted,
    }


def macro_f1(confusion: np.ndarray) -> float | None:
    """Mean F1 over the labels with truth support > 0; None when there are no pairs at all."""
    scores = label_scores(confusion)
    supported = scores["support"] > 0
    if not supported.any():
        return None
    return float(scores["f1"][supported].mean())

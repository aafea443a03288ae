"""The evaluation report: its fields, JSON form and the text table users read.

A report always says which entity mode chose the pairs, since the two modes give different scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orgraph.gnn.evaluation.frames import LABELS
from orgraph.gnn.evaluation.scores import label_scores, macro_f1

ENTITY_MODE_TEXT: dict[str, str] = {
    "predicted": "entities in play from the PREDICTED triplets (official EgoExOR code)",
    "ground-truth": "entities in play from the GROUND-TRUTH triplets (earlier MM-OR code)",
}


@dataclass(frozen=True)
class GroupScore:
    """Macro F1 and counts for one scope: a take, a surgery type, or everything."""

    scope: str
    frames: int
    frames_without_prediction: int
    pairs: int
    confusion: np.ndarray = field(repr=False, compare=False)

    @property
    def macro_f1(self) -> float | None:
        """Macro F1 over supported labels; None when the scope has no evaluated pair."""
        return macro_f1(self.confusion)

    @property
    def labels_in_macro(self) -> int:
        """How many labels had truth support > 0 and so entered the macro average."""
        return int((self.confusion.sum(axis=1) > 0).sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the confusion matrix is only exported for the overall scope)."""
        return {
            "macro_f1": self.macro_f1,
            "labels_in_macro": self.labels_in_macro,
            "frames": self.frames,
            "frames_without_prediction": self.frames_without_prediction,
            "pairs": self.pairs,
        }


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall, F1, truth support and prediction count of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class EvaluationReport:
    """Scene-graph-generation scores under the EgoExOR protocol, with what was (not) counted."""

    entities: str
    overall: GroupScore
    per_surgery_type: dict[str, GroupScore]
    per_take: dict[str, GroupScore]
    predictions_not_in_truth: int
    dropped_names: dict[str, int] = field(default_factory=dict)
    dropped_triplets: int = 0
    consistency: dict[str, Any] = field(default_factory=dict)
    """Temporal consistency of the predictions: {"per_take": {take: mean}, "overall": mean}."""
    truth_consistency: dict[str, Any] = field(default_factory=dict)
    """The same for the ground truth, the level a steady model should come near."""

    @property
    def macro_f1(self) -> float | None:
        """The headline score: overall macro F1 (None when no pair was evaluated)."""
        return self.overall.macro_f1

    @property
    def frames(self) -> int:
        """Ground-truth frames evaluated."""
        return self.overall.frames

    @property
    def frames_without_prediction(self) -> int:
        """Evaluated frames that had no prediction record (scored as an empty prediction)."""
        return self.overall.frames_without_prediction

    @property
    def confusion(self) -> np.ndarray:
        """Overall 23x23 counts, rows truth and columns prediction, in LABELS order."""
        return self.overall.confusion

    @property
    def per_label(self) -> dict[str, LabelScore]:
        """Overall scores of each of the 23 labels, in LABELS order."""
        scores = label_scores(self.overall.confusion)
        return {
            label: LabelScore(
                label=label,
                precision=float(scores["precision"][i]),
                recall=float(scores["recall"][i]),
                f1=float(scores["f1"][i]),
                support=int(scores["support"][i]),
                predicted=int(scores["predicted"][i]),
            )
            for i, label in enumerate(LABELS)
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything in plain JSON types."""
        return {
            "protocol": "egoexor-sgg",
            "entities": self.entities,
            "overall": self.overall.to_dict(),
            "per_surgery_type": {k: g.to_dict() for k, g in self.per_surgery_type.items()},
            "per_take": {k: g.to_dict() for k, g in self.per_take.items()},
            "frames_without_prediction": self.frames_without_prediction,
            "predictions_not_in_truth": self.predictions_not_in_truth,
            "dropped_names": dict(self.dropped_names),
            "dropped_triplets": self.dropped_triplets,
            "per_label": {
                label: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                    "predicted": s.predicted,
                }
                for label, s in self.per_label.items()
            },
            "labels": list(LABELS),
            "confusion": self.confusion.tolist(),
            "temporal_consistency": self.consistency,
            "truth_temporal_consistency": self.truth_consistency,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as a JSON string (see to_dict)."""
        return json.dumps(self.to_dict(), indent=indent)


def _score(value: float | None) -> str:
    """A score to 4 places, or 'n/a' where no pair was evaluated."""
    return "n/a" if value is None else f"{value:.4f}"


def _group_rows(title: str, groups: list[GroupScore]) -> list[str]:
    """One table section: scope, frames, frames without prediction, pairs, labels, macro F1."""
    lines = [
        "",
        title,
        f"  {'scope':<20} {'frames':>7} {'no pred':>7} {'pairs':>9} {'labels':>6} {'macro F1':>9}",
    ]
    for g in groups:
        lines.append(
            f"  {g.scope:<20} {g.frames:>7} {g.frames_without_prediction:>7} {g.pairs:>9} "
            f"{g.labels_in_macro:>6} {_score(g.macro_f1):>9}"
        )
    return lines


def consistency_rows(report: EvaluationReport) -> list[str]:
    """Temporal consistency per take and overall, predictions next to the truth."""
    pred, truth = report.consistency, report.truth_consistency
    if not pred.get("per_take"):
        return []
    lines = [
        "",
        "Temporal consistency (mean Jaccard of consecutive frames' triplet sets)",
        f"  {'scope':<20} {'prediction':>10} {'truth':>9}",
    ]
    for take, value in pred["per_take"].items():
        lines.append(f"  {take:<20} {value:>10.4f} {_score(truth['per_take'].get(take)):>9}")
    lines.append(f"  {'overall':<20} {_score(pred['overall']):>10} {_score(truth['overall']):>9}")
    return lines


def format_report(report: EvaluationReport, *, per_label: bool = True) -> str:
    """A text table: the entity mode, per take, per surgery type, overall, then per label."""
    lines = [
        "Scene graph generation, EgoExOR protocol (macro F1 over labels with support > 0)",
        f"Entity mode: {report.entities} - "
        f"{ENTITY_MODE_TEXT.get(report.entities, report.entities)}",
        f"Frames evaluated: {report.frames}; without prediction (scored as empty): "
        f"{report.frames_without_prediction}; predicted frames not in the truth (ignored): "
        f"{report.predictions_not_in_truth}",
    ]
    if report.dropped_triplets or report.dropped_names:
        names = ", ".join(f"{k} x{v}" for k, v in sorted(report.dropped_names.items()))
        lines.append(f"Dropped predicted triplets (lenient): {report.dropped_triplets} ({names})")
    lines += _group_rows("Per take", list(report.per_take.values()))
    lines += _group_rows("Per surgery type", list(report.per_surgery_type.values()))
    lines += _group_rows("Overall", [report.overall])
    lines += consistency_rows(report)
    if per_label:
        lines += [
            "",
            "Per label (overall)",
            f"  {'label':<16} {'precision':>9} {'recall':>9} {'F1':>9} {'support':>9} "
            f"{'predicted':>9}",
        ]
        for s in report.per_label.values():
            lines.append(
                f"  {s.label:<16} {s.precision:>9.4f} {s.recall:>9.4f} {s.f1:>9.4f} "
                f"{s.support:>9} {s.predicted:>9}"
            )
    return "\n".join(lines)

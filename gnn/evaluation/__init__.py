"""Scene-graph-generation evaluation under the EgoExOR benchmark protocol (no database needed)."""

from orgraph.gnn.evaluation.frames import LABELS, FrameKey, Triplet
from orgraph.gnn.evaluation.predictions import (
    ParsedPredictions,
    PredictionFormatError,
    parse_predictions,
)
from orgraph.gnn.evaluation.protocol import ENTITY_MODES, evaluate
from orgraph.gnn.evaluation.report import EvaluationReport, GroupScore, LabelScore, format_report

__all__ = [
    "ENTITY_MODES",
    "LABELS",
    "EvaluationReport",
    "FrameKey",
    "GroupScore",
    "LabelScore",
    "ParsedPredictions",
    "PredictionFormatError",
    "Triplet",
    "evaluate",
    "format_report",
    "parse_predictions",
]

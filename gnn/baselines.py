"""The frequency-prior baseline: the most frequent label of each (subject class, object class).

Counted on the training split over all candidate pairs (none included), as the classic
scene-graph frequency baseline; pairs never seen in training get `none`.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch_geometric.data import Data

from orgraph.gnn.features import N_CLASSES
from orgraph.gnn.graphs import N_LABELS, NONE_LABEL


class FrequencyPrior:
    """Label counts per ordered class pair; predicts the argmax."""

    def __init__(self, counts: torch.Tensor | None = None) -> None:
        self.counts = (
            counts
            if counts is not None
            else torch.zeros(N_CLASSES, N_CLASSES, N_LABELS, dtype=torch.long)
        )

    def fit(self, graphs: Iterable[Data]) -> FrequencyPrior:
        """Count the labels of every pair of the given (training) graphs."""
        for g in graphs:
            cls = g.node_class[g.edge_index]
            flat = (cls[0] * N_CLASSES + cls[1]) * N_LABELS + g.y
            self.counts.view(-1).index_add_(0, flat, torch.ones_like(flat))
        return self

    def table(self) -> torch.Tensor:
        """[36, 36] predicted label per class pair."""
        best = self.counts.argmax(-1)
        return torch.where(self.counts.sum(-1) > 0, best, torch.full_like(best, NONE_LABEL))

    def predict(self, node_class: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Predicted label per pair."""
        cls = node_class[edge_index]
        return self.table()[cls[0], cls[1]]

    def state_dict(self) -> dict:
        return {"counts": self.counts}

    @classmethod
    def from_state(cls, state: dict) -> FrequencyPrior:
        return cls(state["counts"])

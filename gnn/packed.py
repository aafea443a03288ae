"""A split's graphs as flat tensors, for fast batching without per-graph Data objects.

Batches are cut by graph ids (vectorised gathers), which keeps training and inference
throughput independent of Python per-graph overhead.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.evaluation import FrameKey


@dataclass
class Batch:
    """A batch of frame graphs: node tensors, pairs (batch-local node ids) and pair ids."""

    x: torch.Tensor
    node_class: torch.Tensor
    edge_index: torch.Tensor
    y: torch.Tensor
    edge_gid: torch.Tensor
    prev_gid: torch.Tensor


class PackedSplit:
    """Flat storage of one split: node and pair ranges per graph, frame keys per graph."""

    def __init__(self, dataset: EgoExORSceneGraphs) -> None:
        data, slices = dataset._data, dataset.slices
        self.split = dataset.split
        self.x = data.x
        self.node_class = data.node_class
        self.edge_index = data.edge_index  # graph-local node ids
        self.y = data.y
        self.edge_gid = data.edge_gid
        self.prev_gid = data.prev_gid
        self.node_ptr = slices["x"]
        self.edge_ptr = slices["y"]
        n = len(dataset)
        st = data.surgery_type
        self.keys: list[FrameKey] = [
            (
                st[i] if isinstance(st, list) else st,
                int(data.procedure_id[i]),
                int(data.take_id[i]),
                int(data.frame[i]),
            )
            for i in range(n)
        ]

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def num_pairs(self) -> int:
        return int(self.y.numel())

    def batch(self, graphs: torch.Tensor) -> Batch:
        """The graphs with these ids as one batch."""
        n0, n1 = self.node_ptr[graphs], self.node_ptr[graphs + 1]
        e0, e1 = self.edge_ptr[graphs], self.edge_ptr[graphs + 1]
        nodes = _ranges(n0, n1)
        edges = _ranges(e0, e1)
        new_start = torch.cumsum(n1 - n0, 0) - (n1 - n0)
        shift = torch.repeat_interleave(new_start, e1 - e0)
        return Batch(
            x=self.x[nodes],
            node_class=self.node_class[nodes],
            edge_index=self.edge_index[:, edges] + shift,
            y=self.y[edges],
            edge_gid=self.edge_gid[edges],
            prev_gid=self.prev_gid[edges],
        )

    def pair_classes(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(graph id, subject class, object class) of every pair, in edge_gid order."""
        counts = self.edge_ptr[1:] - self.edge_ptr[:-1]
        graph = torch.repeat_interleave(torch.arange(len(self)), counts)
        base = self.node_ptr[graph]
        return (
            graph,
            self.node_class[base + self.edge_index[0]],
            self.node_class[base + self.edge_index[1]],
        )


def _ranges(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """Concatenation of arange(start[i], end[i])."""
    lengths = end - start
    offsets = torch.repeat_interleave(start - (torch.cumsum(lengths, 0) - lengths), lengths)
    return torch.arange(int(lengths.sum())) + offsets

"""The scene-graph network: message passing over a frame's entities, then a pair classifier.

Edges carry the model's own prediction for the same pair in the previous annotated frame
(HIST_DIM: 23 probabilities + an availability flag), never the truth. With
message_passing=False the same network is the MLP baseline on pair features.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import TransformerConv

from orgraph.gnn.features import N_CLASSES, N_FEATURES, OFFSETS
from orgraph.gnn.graphs import N_LABELS

HIST_DIM = N_LABELS + 1
_COLOUR_SLOTS = ("colour_gaze", "colour_left_palm", "colour_right_palm")
MATCH_DIM = 2 * 4 * len(_COLOUR_SLOTS)
"""Colour-match features of a pair: 4 per slot (|colour - class colour|, valid), both ways."""
_COLOUR_COLUMNS = [c for name in _COLOUR_SLOTS for c in range(*OFFSETS[name])]
_VALID_LO = OFFSETS["colour_valid"][0]


def _mlp(i: int, h: int, o: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Dropout(dropout), nn.Linear(h, o))


class PairHead(nn.Module):
    """Two-layer classifier of [h_s, h_o, pair features], its first layer split by part.

    The subject and object projections are computed once per entity and gathered per
    pair, which is the same function as the concatenated MLP at a fraction of the cost.
    """

    def __init__(self, node_dim: int, pair_dim: int, hidden: int, out: int, dropout: float) -> None:
        super().__init__()
        self.subj = nn.Linear(node_dim, hidden)
        self.obj = nn.Linear(node_dim, hidden, bias=False)
        self.pair = nn.Linear(pair_dim, hidden, bias=False)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, out)

    def forward(
        self, h: torch.Tensor, s: torch.Tensor, o: torch.Tensor, pair: torch.Tensor
    ) -> torch.Tensor:
        z = self.subj(h)[s] + self.obj(h)[o] + self.pair(pair)
        return self.out(self.drop(torch.relu(z)))


class SceneGraphNet(nn.Module):
    """Node encoder, optional TransformerConv layers with history edges, pair classifier."""

    def __init__(
        self,
        hidden: int = 96,
        layers: int = 2,
        heads: int = 4,
        message_passing: bool = True,
        dropout: float = 0.1,
        head_hidden: int | None = None,
    ) -> None:
        super().__init__()
        self.message_passing = message_passing
        self.node_in = _mlp(N_FEATURES, hidden, hidden, dropout)
        self.proto = nn.Embedding(N_CLASSES, 3)
        nn.init.uniform_(self.proto.weight, 0.0, 1.0)
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        if message_passing:
            for _ in range(layers):
                # the history enters each layer's keys and values through its own projection
                self.convs.append(
                    TransformerConv(
                        hidden, hidden // heads, heads=heads, edge_dim=HIST_DIM, dropout=dropout
                    )
                )
                self.norms.append(nn.LayerNorm(hidden))
        self.head = PairHead(
            hidden, HIST_DIM + MATCH_DIM, head_hidden or 2 * hidden, N_LABELS, dropout
        )

    def _match(
        self, x: torch.Tensor, cls: torch.Tensor, a: torch.Tensor, b: torch.Tensor
    ) -> torch.Tensor:
        """How the colours under a's gaze and palms differ from b's learned class colour."""
        colours = x[:, _COLOUR_COLUMNS].view(-1, len(_COLOUR_SLOTS), 3)
        valid = x[:, _VALID_LO : _VALID_LO + len(_COLOUR_SLOTS)].unsqueeze(2)
        proto = self.proto(cls).unsqueeze(1)
        v = valid[a]
        diff = (colours[a] - proto[b]).abs() * v
        return torch.cat([diff, v], dim=2).flatten(1)

    def forward(
        self,
        x: torch.Tensor,
        node_class: torch.Tensor,
        edge_index: torch.Tensor,
        hist: torch.Tensor,
    ) -> torch.Tensor:
        """Logits [E, 23] for the ordered pairs edge_index (subject row 0, object row 1)."""
        h = self.node_in(x)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            # messages flow along every ordered pair, carrying that pair's history
            h = norm(h + torch.relu(conv(h, edge_index, hist)))
        s, o = edge_index
        pair = torch.cat(
            [hist, self._match(x, node_class, s, o), self._match(x, node_class, o, s)], dim=1
        )
        return self.head(h, s, o, pair)


def class_weights(y: torch.Tensor, power: float = 0.5, cap: float = 20.0) -> torch.Tensor:
    """Inverse-frequency weights (count^-power), normalised to mean 1 over seen labels."""
    counts = torch.bincount(y, minlength=N_LABELS).float()
    w = torch.where(counts > 0, counts.clamp(min=1).pow(-power), torch.zeros_like(counts))
    w = w / w[counts > 0].mean()
    return w.clamp(max=cap)

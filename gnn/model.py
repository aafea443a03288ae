"""The scene-graph network: message passing over a frame's entities, then a pair classifier.

Edges carry the model's own prediction for the same pair in the previous annotated frame
(HIST_DIM: 23 probabilities + an availability flag), never the truth. With
message_passing=False the same network is the MLP baseline on pair features.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import TransformerConv

from gnn.features import N_CLASSES, N_FEATURES, OFFSETS
from gnn.graphs import N_LABELS

HIST_DIM = N_LABELS + 1
_COLOUR_SLOTS = ("colour_gaze", "colour_left_palm", "colour_right_palm")
MATCH_DIM = 2 * 4 * len(_COLOUR_SLOTS)


def _mlp(i: int, h: int, o: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Dropout(dropout), nn.Linear(h, o))


class SceneGraphNet(nn.Module):
    """Node encoder, optional TransformerConv layers with history edges, pair classifier."""

    def __init__(
        self,
        hidden: int = 96,
        layers: int = 2,
        heads: int = 4,
        message_passing: bool = True,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.message_passing = message_passing
        self.node_in = _mlp(N_FEATURES, hidden, hidden, dropout)
        self.hist_in = nn.Linear(HIST_DIM, hidden)
        self.proto = nn.Embedding(N_CLASSES, 3)
        nn.init.uniform_(self.proto.weight, 0.0, 1.0)
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        if message_passing:
            for _ in range(layers):
                self.convs.append(
                    TransformerConv(hidden, hidden // heads, heads=heads, edge_dim=hidden,
                                    dropout=dropout)
                )
                self.norms.append(nn.LayerNorm(hidden))
        self.head = _mlp(3 * hidden + MATCH_DIM, 2 * hidden, N_LABELS, dropout)

    def _match(self, x: torch.Tensor, cls: torch.Tensor, a: torch.Tensor,
               b: torch.Tensor) -> torch.Tensor:
        """How the colours under a's gaze and palms differ from b's learned class colour."""
        valid_lo = OFFSETS["colour_valid"][0]
        out = []
        proto = self.proto(cls[b])
        for k, name in enumerate(_COLOUR_SLOTS):
            lo, hi = OFFSETS[name]
            v = x[a, valid_lo + k: valid_lo + k + 1]
            diff = (x[a, lo:hi] - proto).abs() * v
            out += [diff, v]
        return torch.cat(out, dim=1)

    def forward(self, x: torch.Tensor, node_class: torch.Tensor, edge_index: torch.Tensor,
                hist: torch.Tensor) -> torch.Tensor:
        """Logits [E, 23] for the ordered pairs edge_index (subject row 0, object row 1)."""
        h = self.node_in(x)
        e = self.hist_in(hist)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            # messages flow along every ordered pair, carrying that pair's history
            h = norm(h + torch.relu(conv(h, edge_index, e)))
        s, o = edge_index
        match = torch.cat([self._match(x, node_class, s, o), self._match(x, node_class, o, s)], 1)
        return self.head(torch.cat([h[s], h[o], e, match], dim=1))


def class_weights(y: torch.Tensor, power: float = 0.5, cap: float = 20.0) -> torch.Tensor:
    """Inverse-frequency weights (count^-power), normalised to mean 1 over seen labels."""
    counts = torch.bincount(y, minlength=N_LABELS).float()
    w = torch.where(counts > 0, counts.clamp(min=1).pow(-power), torch.zeros_like(counts))
    w = w / w[counts > 0].mean()
    return w.clamp(max=cap)

"""Inference: pair labels for a split, with the model's own earlier predictions as history.

Pass 0 runs without history; pass k feeds each pair the prediction of pass k-1 for the
same pair in the previous annotated frame. Every input is causal and no ground-truth
relation is ever read: only entity sets, signals and the model's outputs.
"""

from __future__ import annotations

import torch

from orgraph.core.vocabulary import ENTITIES, RELATIONS
from orgraph.gnn.baselines import FrequencyPrior
from orgraph.gnn.evaluation import FrameKey
from orgraph.gnn.graphs import N_LABELS, NONE_LABEL
from orgraph.gnn.network import HIST_DIM, SceneGraphNet
from orgraph.gnn.packed import PackedSplit

Triplet = tuple[str, str, str]


def history_features(cache: torch.Tensor | None, prev_gid: torch.Tensor) -> torch.Tensor:
    """[E, HIST_DIM]: the cached prediction of the previous frame's same pair, plus a flag."""
    if cache is None:
        return torch.zeros(prev_gid.numel(), HIST_DIM)
    has = (prev_gid >= 0).unsqueeze(1)
    probs = cache[prev_gid.clamp(min=0)] * has
    return torch.cat([probs, has.to(probs.dtype)], dim=1)


@torch.inference_mode()
def predict_probs(
    model: SceneGraphNet, packed: PackedSplit, passes: int = 2, batch_graphs: int = 1024
) -> torch.Tensor:
    """[pairs, 23] probabilities of every pair of the split (edge_gid order).

    Batches are cut once and reused by every pass; each pass is one forward per batch.
    """
    model.eval()
    batches = [packed.batch(chunk) for chunk in torch.arange(len(packed)).split(batch_graphs)]
    cache: torch.Tensor | None = None
    for _ in range(max(1, passes)):
        new = torch.empty(packed.num_pairs, N_LABELS)
        for b in batches:
            hist = history_features(cache, b.prev_gid)
            logits = model(b.x, b.node_class, b.edge_index, hist)
            new[b.edge_gid] = torch.softmax(logits, -1)
        cache = new
    assert cache is not None
    return cache


def predict_prior(prior: FrequencyPrior, packed: PackedSplit) -> torch.Tensor:
    """[pairs] labels of the frequency prior."""
    _, s, o = packed.pair_classes()
    return prior.table()[s, o]


def to_triplets(packed: PackedSplit, labels: torch.Tensor) -> dict[FrameKey, list[Triplet]]:
    """Predicted triplets per frame (pairs labelled none are left out)."""
    graph, s, o = packed.pair_classes()
    out: dict[FrameKey, list[Triplet]] = {k: [] for k in packed.keys}
    keep = (labels != NONE_LABEL).nonzero().flatten().tolist()
    g, s, o, r = graph.tolist(), s.tolist(), o.tolist(), labels.tolist()
    for e in keep:
        out[packed.keys[g[e]]].append((ENTITIES[s[e]], RELATIONS[r[e]], ENTITIES[o[e]]))
    return out

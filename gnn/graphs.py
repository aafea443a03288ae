"""One small PyG graph per annotated frame: the frame's entities and all their ordered pairs.

Nodes are the entities of the frame's ground-truth triplets (the entity set is given at
test time); candidate edges are every ordered pair, labelled with the relation of the
first triplet for that pair (truth order, see gnn.store_read) or NONE_LABEL.
"""

from __future__ import annotations

import numpy as np
import torch
from torch_geometric.data import Data

from orgraph.core.vocabulary import ENTITY_INDEX, RELATION_INDEX, RELATIONS
from orgraph.gnn.features import static_features

NONE_LABEL = len(RELATIONS)
"""Label index of an ordered pair without relation (22)."""
N_LABELS = NONE_LABEL + 1

Triplet = tuple[str, str, str]


def entities_of(triplets: list[Triplet]) -> list[int]:
    """Sorted entity indices appearing as subject or object."""
    return sorted({ENTITY_INDEX[n] for s, _, o in triplets for n in (s, o)})


def pair_labels(entities: list[int], triplets: list[Triplet]) -> np.ndarray:
    """[n, n] label matrix: first triplet wins per ordered pair, NONE_LABEL elsewhere."""
    pos = {e: i for i, e in enumerate(entities)}
    labels = np.full((len(entities), len(entities)), NONE_LABEL, dtype=np.int64)
    seen = np.zeros_like(labels, dtype=bool)
    for s, r, o in triplets:
        a, b = pos[ENTITY_INDEX[s]], pos[ENTITY_INDEX[o]]
        if a != b and not seen[a, b]:
            labels[a, b] = RELATION_INDEX[r]
            seen[a, b] = True
    return labels


def all_pairs(n: int) -> np.ndarray:
    """[2, n(n-1)] ordered pairs (i != j), row-major."""
    src, dst = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    keep = src != dst
    return np.stack([src[keep], dst[keep]]).astype(np.int64)


def frame_graph(
    take: tuple[str, int, int],
    frame: int,
    time_fraction: float,
    triplets: list[Triplet],
    signals: dict[str, np.ndarray],
) -> Data | None:
    """The graph of one annotated frame, or None when it has no entity."""
    entities = entities_of(triplets)
    if not entities:
        return None
    x = np.stack([static_features(e, time_fraction) for e in entities])
    names = [list(ENTITY_INDEX)[e] for e in entities]
    for i, name in enumerate(names):
        sig = signals.get(name)
        if sig is not None:
            x[i, x.shape[1] - sig.shape[0] :] = sig
    edge_index = all_pairs(len(entities))
    labels = pair_labels(entities, triplets)[edge_index[0], edge_index[1]]
    surgery_type, procedure_id, take_id = take
    return Data(
        x=torch.from_numpy(x),
        node_class=torch.tensor(entities, dtype=torch.long),
        edge_index=torch.from_numpy(edge_index),
        y=torch.from_numpy(labels),
        surgery_type=surgery_type,
        procedure_id=torch.tensor([procedure_id]),
        take_id=torch.tensor([take_id]),
        frame=torch.tensor([frame]),
        num_nodes=len(entities),
    )

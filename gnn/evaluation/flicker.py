"""The frames behind a temporal consistency score: consecutive frame pairs, worst first.

Built from the same `frame_changes` the score is averaged from (on the truth's frames, with
names checked as `evaluate` checks them), so a take's mean Jaccard over its listed pairs
is exactly its consistency score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from orgraph.gnn.evaluation.consistency import frame_changes
from orgraph.gnn.evaluation.frames import FrameKey, Triplet
from orgraph.gnn.evaluation.protocol import checked_triplets

CHANGE_COLUMNS: tuple[str, ...] = (
    "take",
    "frame",
    "next_frame",
    "jaccard",
    "appeared",
    "disappeared",
)
"""`appeared` / `disappeared`: the triplets of `next_frame` not in `frame`, and the reverse."""


def triplets_text(triplets: Sequence[Triplet]) -> str:
    """'head_surgeon holding scalpel; patient lyingon operating_table' (empty when none)."""
    return "; ".join(" ".join(t) for t in triplets)


def change_table(
    truth: Mapping[FrameKey, Sequence[Sequence[str]]],
    graphs: Mapping[FrameKey, Sequence[Sequence[str]]],
    side: str = "prediction",
) -> pd.DataFrame:
    """Every consecutive pair of the truth's frames, with the Jaccard of `graphs` there.

    Pass the truth as `graphs` (side "ground truth") for the truth's own consistency.
    """
    checked = {key: checked_triplets(graphs.get(key, []), key, side) for key in truth}
    rows = [
        (c.take, c.frame, c.next_frame, c.jaccard, triplets_text(c.appeared),
         triplets_text(c.disappeared))
        for c in frame_changes(truth, checked)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS)).astype(
        {"frame": "int64", "next_frame": "int64", "jaccard": "float64"}
    )


def flicker(changes: pd.DataFrame, take: str | None = None) -> pd.DataFrame:
    """The consecutive pairs (of one take, if given), lowest Jaccard first."""
    rows = changes if take is None else changes[changes["take"] == take]
    order = ["jaccard", "take", "frame"]
    return rows.sort_values(order, kind="stable").reset_index(drop=True)

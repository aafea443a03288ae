"""The evaluation's pair table, and the frames behind any score (errors, confusion cells).

One row per ordered entity pair of an evaluated frame that has a triplet in the truth or the
prediction; every other pair in play is (none, none) and is only counted. The table's
crosstab plus the bulk (none, none) count is exactly the report's confusion matrix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from orgraph.core.errors import ConfigError
from orgraph.gnn.evaluation.frames import LABELS, FrameKey, take_name
from orgraph.gnn.evaluation.protocol import ENTITY_MODES, checked_triplets, frame_pairs

PAIR_COLUMNS: tuple[str, ...] = (
    "take",
    "frame",
    "step",
    "subject",
    "object",
    "truth",
    "predicted",
)
"""`step` is the frame's position among its take's evaluated frames (0, 1, 2, ...)."""


def pair_table(
    truth: Mapping[FrameKey, Sequence[Sequence[str]]],
    predictions: Mapping[FrameKey, Sequence[Sequence[str]]],
    entities: str = "predicted",
) -> pd.DataFrame:
    """Every labelled pair of the truth's frames with its true and predicted label."""
    if entities not in ENTITY_MODES:
        raise ConfigError(f"entities mode {entities!r} is not one of {', '.join(ENTITY_MODES)}")
    rows: list[tuple] = []
    steps: dict[tuple, int] = {}
    for key in sorted(truth):
        take = key[:3]
        step = steps.get(take, 0)
        steps[take] = step + 1
        pairs, _ = frame_pairs(
            checked_triplets(truth[key], key, "ground truth"),
            checked_triplets(predictions.get(key, []), key, "prediction"),
            entities,
        )
        name = take_name(take)
        for (subject, obj), (t, p) in sorted(pairs.items()):
            rows.append((name, key[3], step, subject, obj, LABELS[t], LABELS[p]))
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS)).astype(
        {"frame": "int64", "step": "int64"}
    )


def _with_streaks(df: pd.DataFrame) -> pd.DataFrame:
    """Add `in_a_row`: how many consecutive evaluated frames show the same pair and labels."""
    keys = ["take", "subject", "object", "truth", "predicted"]
    df = df.sort_values([*keys, "step"]).reset_index(drop=True)
    same = (df[keys].eq(df[keys].shift()).all(axis=1)) & (df["step"].diff() == 1)
    streak = (~same).cumsum()
    return df.assign(in_a_row=streak.map(streak.value_counts()).astype("int64"))


def frames_behind(
    pairs: pd.DataFrame,
    truth: str | None = None,
    predicted: str | None = None,
    take: str | None = None,
    relation: str | None = None,
    surgery_type: str | None = None,
) -> pd.DataFrame:
    """The pairs behind a score, longest streaks first (then take, pair and frame).

    With both `truth` and `predicted`, exactly that confusion cell (correct ones included
    when they are equal); otherwise only mistakes (truth != predicted), narrowed by each
    label given. `relation` keeps the mistakes on either side of one label (its F1's errors);
    `surgery_type` keeps the takes of one surgery type (its row of the scope table).
    """
    for name, value in (("truth", truth), ("predicted", predicted), ("relation", relation)):
        if value is not None and value not in LABELS:
            raise ConfigError(f"--{name} {value!r} is not a relation (or none)")
    mask = pd.Series(True, index=pairs.index)
    if truth is not None:
        mask &= pairs["truth"] == truth
    if predicted is not None:
        mask &= pairs["predicted"] == predicted
    if truth is None or predicted is None:
        mask &= pairs["truth"] != pairs["predicted"]
    if take is not None:
        mask &= pairs["take"] == take
    if surgery_type is not None:
        mask &= pairs["take"].str.startswith(f"{surgery_type}/")
    if relation is not None:
        mask &= (pairs["truth"] == relation) | (pairs["predicted"] == relation)
    found = _with_streaks(pairs[mask])
    order = ["in_a_row", "take", "subject", "object", "truth", "predicted", "frame"]
    found = found.sort_values(order, ascending=[False, *[True] * 6]).reset_index(drop=True)
    return found[["take", "frame", "subject", "object", "truth", "predicted", "in_a_row"]]

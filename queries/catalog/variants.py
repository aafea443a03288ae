"""`variants` and `variant_deviations`: each take as its sequence of steps, and how one take
deviates from the most common sequence of its surgery type.

A step is a phase (unit "phase": a key relation such as cutting, KEY_RELATIONS) or a key
action (unit "action": "relation object" with a key relation), any subject. A take's
variant is its steps in the order of their first start frame (ties by name), joined by
" -> "; each step appears once. The reference variant of a surgery type is the one most
takes follow (ties: the alphabetically first).

Deviations of a take from its reference: `missing` (a reference step the take lacks),
`extra` (a take step the reference lacks), `reordered` (a shared step whose position
among the shared steps differs between the take and the reference), `ok` otherwise.
Cypher finds each take's steps and first frames; the ordering and comparison are in
pandas (post).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import SURGERY_TYPE, TAKE, typed
from orgraph.queries.catalog.phases import KEY_RELATIONS
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

_KEY_LIST = "[" + ", ".join(f"'{r}'" for r in KEY_RELATIONS) + "]"
UNIT = Param(
    "unit", str, "phase", "steps as phases (relations) or key actions", ("phase", "action")
)

_STEPS = f"""
WITH t
MATCH (t)-[:HAS_ENTITY]->(:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE i.relation IN {_KEY_LIST}
WITH t.surgery_type AS surgery_type, t.key AS take,
     CASE $unit WHEN 'phase' THEN i.relation ELSE i.action END AS step,
     min(i.start_frame) AS first_frame
RETURN surgery_type, take, step, first_frame
"""

_VARIANTS = (
    """
MATCH (t:Take) WHERE coalesce($surgery_type, t.surgery_type) = t.surgery_type
"""
    + _STEPS
)

_DEVIATIONS = (
    """
MATCH (x:Take {key: $take})
MATCH (t:Take) WHERE t.surgery_type = x.surgery_type
"""
    + _STEPS
)

TAKE_COLUMNS = ("surgery_type", "take", "variant", "steps")
VARIANT_COLUMNS = ("surgery_type", "variant", "steps", "takes", "share", "example_take")
DEVIATION_COLUMNS = (
    "take",
    "step",
    "status",
    "take_position",
    "reference_position",
    "first_frame",
    "reference_variant",
    "reference_takes",
)


def take_sequences(df: pd.DataFrame) -> pd.DataFrame:
    """One row per take: its steps in order (list) and the variant string."""
    df = typed(df, ints=("first_frame",)).sort_values(["take", "first_frame", "step"])
    rows = [
        (st, tk, " -> ".join(g["step"]), len(g), list(g["step"]), list(g["first_frame"]))
        for (st, tk), g in df.groupby(["surgery_type", "take"], sort=True)
    ]
    cols = ["surgery_type", "take", "variant", "steps", "step_list", "frames"]
    return pd.DataFrame(rows, columns=cols)


def variant_counts(seqs: pd.DataFrame) -> pd.DataFrame:
    """Variants per surgery type: takes following each, their share, a first example."""
    if seqs.empty:
        return pd.DataFrame(columns=list(VARIANT_COLUMNS))
    g = seqs.groupby(["surgery_type", "variant"], as_index=False).agg(
        steps=("steps", "first"), takes=("take", "size"), example_take=("take", "min")
    )
    g["share"] = g["takes"] / g.groupby("surgery_type")["takes"].transform("sum")
    g = g.sort_values(["surgery_type", "takes", "variant"], ascending=[True, False, True])
    return g.reset_index(drop=True)[list(VARIANT_COLUMNS)]


def _finish_variants(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    seqs = take_sequences(df)
    if params["level"] == "take":
        return seqs[list(TAKE_COLUMNS)].reset_index(drop=True)
    return variant_counts(seqs)


def deviations(seqs: pd.DataFrame, take: str) -> pd.DataFrame:
    """The take's steps against the reference variant of its surgery type (module doc)."""
    counts = variant_counts(seqs)
    if take not in set(seqs["take"]):
        return pd.DataFrame(columns=list(DEVIATION_COLUMNS))
    mine = seqs[seqs["take"] == take].iloc[0]
    ref = counts[counts["surgery_type"] == mine["surgery_type"]].iloc[0]
    ref_steps = seqs[seqs["variant"] == ref["variant"]].iloc[0]["step_list"]
    steps, frames = mine["step_list"], dict(zip(mine["step_list"], mine["frames"], strict=True))
    shared_take = [s for s in steps if s in ref_steps]
    shared_ref = [s for s in ref_steps if s in steps]
    rows = []
    for s in dict.fromkeys([*steps, *ref_steps]):
        if s not in ref_steps:
            status = "extra"
        elif s not in steps:
            status = "missing"
        else:
            status = "ok" if shared_take.index(s) == shared_ref.index(s) else "reordered"
        rows.append(
            (
                take,
                s,
                status,
                steps.index(s) if s in steps else None,
                ref_steps.index(s) if s in ref_steps else None,
                frames.get(s),
                ref["variant"],
                int(ref["takes"]),
            )
        )
    out = pd.DataFrame(rows, columns=list(DEVIATION_COLUMNS))
    for c in ("take_position", "reference_position", "first_frame"):
        out[c] = out[c].astype("Int64")
    return out


def _finish_deviations(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    return deviations(take_sequences(df), params["take"])


register(
    CatalogQuery(
        name="variants",
        description="Each take's sequence of phases or key actions (first occurrences in "
        "order), and how many takes of each surgery type follow each variant.",
        cypher=_VARIANTS,
        params=(
            SURGERY_TYPE,
            UNIT,
            Param("level", str, "variant", "per take, or counted per variant", ("take", "variant")),
        ),
        post=_finish_variants,
        columns=VARIANT_COLUMNS,
        scope="dataset",
    )
)

register(
    CatalogQuery(
        name="variant_deviations",
        description="Where a take deviates from the most common variant of its surgery type: "
        "missing, extra and reordered steps, with the take's first frame of each.",
        cypher=_DEVIATIONS,
        params=(TAKE, UNIT),
        post=_finish_deviations,
        columns=DEVIATION_COLUMNS,
        scope="take",
    )
)

"""Pieces shared by the workflow-mining queries: roles, grouping levels, typed results.

Kept here so every query spells a role, a level and a result dtype the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from orgraph.core.vocabulary import ROLES, SURGERY_TYPES
from orgraph.queries.catalog.registry import Param

ROLE_LIST = "[" + ", ".join(f"'{r}'" for r in ROLES) + "]"
"""The human roles as a Cypher list literal (fixed text, never user input)."""

LEVELS: tuple[str, ...] = ("take", "procedure", "surgery_type")

LEVEL = Param("level", str, "take", "group by take, procedure or surgery_type", choices=LEVELS)

LEVEL_KEY = "CASE $level WHEN 'take' THEN t.key WHEN 'procedure' THEN p.key ELSE t.surgery_type END"
"""The grouping key for `level`, given `p:Procedure` and `t:Take` in scope."""

ROLE = Param("role", str, None, "only this role (default: every role)", choices=ROLES)
TAKE = Param("take", str, None, "take key SURGERY/PROCEDURE/TAKE, e.g. MISS/1/2", required=True)
TAKE_FILTER = Param("take", str, None, "only this take key (default: every take)")
SURGERY_TYPE = Param(
    "surgery_type", str, None, "only this surgery type (default: every type)", choices=SURGERY_TYPES
)


def typed(df: pd.DataFrame, ints: Iterable[str] = (), floats: Iterable[str] = ()) -> pd.DataFrame:
    """Integer and float columns as int64 / float64 (engines return Decimal or object sums)."""
    df = df.copy()
    for c in ints:
        df[c] = df[c].map(lambda v: 0 if v is None or v != v else int(v)).astype("int64")
    for c in floats:
        df[c] = df[c].map(lambda v: float("nan") if v is None else float(v)).astype("float64")
    return df


def median_of(values: Any) -> float:
    """Median of a list a query collected (nulls skipped); NaN when there is none."""
    kept = [float(v) for v in (values if values is not None else []) if v is not None]
    return float(np.median(kept)) if kept else float("nan")

"""A few headline answers from the catalog, as text: what `make demo` prints."""

from __future__ import annotations

import pandas as pd

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query


def _table(df: pd.DataFrame, columns: list[str], top: int) -> str:
    if df.empty:
        return "  (none)"
    return df[columns].head(top).to_string(index=False)


def headlines(store: GraphStore, top: int = 5) -> str:
    """Top handovers, most frequent action sequences, busiest roles and busiest relations."""
    parts = []
    hand = run_query(store, "handovers")
    if not hand.empty:
        hand = (
            hand.groupby(["giver", "receiver", "object"], as_index=False)
            .agg(
                handovers=("take", "size"),
                takes=("take", "nunique"),
                mean_gap_s=("gap_seconds", "mean"),
            )
            .sort_values(
                ["handovers", "giver", "receiver", "object"], ascending=[False, True, True, True]
            )
            .round({"mean_gap_s": 2})
        )
    parts.append(
        f"top instrument handovers (catalog: handovers)\n"
        f"{_table(hand, ['giver', 'receiver', 'object', 'handovers', 'takes', 'mean_gap_s'], top)}"
    )
    seqs = run_query(store, "ngrams", {"n": 3, "collapse": True})
    seqs = seqs.sort_values(
        ["support", "occurrences", "role", "pattern"], ascending=[False, False, True, True]
    )
    parts.append(
        f"most frequent action sequences, n = 3 (catalog: ngrams)\n"
        f"{_table(seqs, ['role', 'pattern', 'support', 'occurrences'], top)}"
    )
    flows = run_query(store, "directly_follows")
    flows = (
        flows[(flows["kind"] == "follows") & (flows["source"] != flows["target"])]
        .round({"mean_gap_s": 2})
        .sort_values(["count", "role", "source", "target"], ascending=[False, True, True, True])
    )
    parts.append(
        f"most frequent transitions (catalog: directly_follows)\n"
        f"{_table(flows, ['surgery_type', 'role', 'source', 'target', 'count', 'mean_gap_s'], top)}"
    )
    return "\n\n".join(parts)

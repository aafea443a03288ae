"""Cached reads for the Model page: stored prediction runs scored against the store's truth.

Scoring a stored run needs no torch (the predictions are read from the graph), so every
run in the graph, ours or imported, can be scored and drilled into on the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgraph.dashboard.context import with_store
from orgraph.dashboard.data import MAX_STORES, TTL, sid


@st.cache_data(ttl=TTL, show_spinner="Scoring the stored run...", max_entries=4 * MAX_STORES)
def _stored(store: str, run: str, split: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    from orgraph.gnn.stored_runs import evaluate_stored

    scored = with_store(lambda s: evaluate_stored(s, run, split))
    return scored.report.to_dict(), scored.pairs, scored.changes


def stored_evaluation(run: str, split: str = "test") -> tuple[dict, pd.DataFrame]:
    """(report dict, pair table) of a prediction run stored in the graph, on a split."""
    report, pairs, _ = _stored(sid(), run, split)
    return report, pairs


def stored_changes(run: str, split: str = "test") -> pd.DataFrame:
    """The consecutive frame pairs behind a stored run's temporal consistency, on a split."""
    return _stored(sid(), run, split)[2]


@st.cache_data(ttl=TTL, show_spinner="Reading the truth...", max_entries=4 * MAX_STORES)
def _truth_changes(store: str, split: str) -> pd.DataFrame:
    from orgraph.gnn.evaluation.flicker import change_table
    from orgraph.gnn.store_read import read_split_truth

    truth = with_store(lambda s: read_split_truth(s, split))
    return change_table(truth, truth, "ground truth")


def truth_changes(split: str = "test") -> pd.DataFrame:
    """The consecutive frame pairs behind the truth's temporal consistency, on a split."""
    return _truth_changes(sid(), split)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_STORES)
def _names(store: str) -> list[str]:
    from orgraph.gnn.stored_runs import stored_run_names

    return with_store(stored_run_names)


def stored_runs() -> list[str]:
    """Names of the prediction runs stored in the graph."""
    return _names(sid())

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
def _stored(store: str, run: str, split: str) -> tuple[dict, pd.DataFrame]:
    from orgraph.gnn.stored_runs import evaluate_stored

    scored = with_store(lambda s: evaluate_stored(s, run, split))
    return scored.report.to_dict(), scored.pairs


def stored_evaluation(run: str, split: str = "test") -> tuple[dict, pd.DataFrame]:
    """(report dict, pair table) of a prediction run stored in the graph, on a split."""
    return _stored(sid(), run, split)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_STORES)
def _names(store: str) -> list[str]:
    from orgraph.gnn.stored_runs import stored_run_names

    return with_store(stored_run_names)


def stored_runs() -> list[str]:
    """Names of the prediction runs stored in the graph."""
    return _names(sid())

"""Cached reads for the pages: catalog queries, browse reads and the summary.

Every function takes the store id first, so two stores (or two opens of one store, before
and after a load) never share a cached answer; results are cached with st.cache_data
(copies per caller, so pages may change them), with max_entries on the per-frame and
per-parameter reads so that browsing many frames cannot grow the cache without bound.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from orgraph.dashboard.context import live_store, settings, store_id, with_store
from orgraph.queries import browse
from orgraph.queries.catalog import run_query
from orgraph.queries.console import run_console
from orgraph.queries.stats import graph_summary

TTL = 600
MAX_QUERIES = 500
"""Catalog answers kept (per take, frame and parameters); each is a small DataFrame."""
MAX_FRAMES = 2000
"""Per-frame answers kept (media pointers, predictions); a few hundred bytes each."""
MAX_STORES = 4
"""Whole-store answers kept (summary, takes, runs): one per open; older opens age out."""


def sid() -> str:
    """The id of the store the dashboard is using, and of its current open."""
    return f"{store_id(settings())}#{live_store().generation}"


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_QUERIES)
def _catalog(store: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return with_store(lambda s: run_query(s, name, dict(params)))


def catalog(name: str, **params: Any) -> pd.DataFrame:
    """A catalog query's result (None-valued parameters are left to their defaults)."""
    given = tuple(sorted((k, v) for k, v in params.items() if v is not None))
    return _catalog(sid(), name, given)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_STORES)
def _summary(store: str) -> dict[str, Any]:
    return with_store(graph_summary)


def summary() -> dict[str, Any]:
    """The same summary as `orgraph stats`."""
    return _summary(sid())


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_STORES)
def _takes(store: str) -> pd.DataFrame:
    return with_store(browse.takes)


def takes() -> pd.DataFrame:
    """Every take with its frames, split and media pointer."""
    return _takes(sid())


def take_row(take: str) -> dict[str, Any]:
    """One take's row of `takes()`."""
    df = takes()
    return df[df["take"] == take].iloc[0].to_dict()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_FRAMES)
def _frame(store: str, take: str, frame: int) -> dict | None:
    return with_store(lambda s: browse.frame_pointer(s, take, frame))


def frame_pointer(take: str, frame: int) -> dict | None:
    """A frame's media pointer (file, h5_group, idx) and validity, None if not stored."""
    return _frame(sid(), take, frame)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_STORES)
def _runs(store: str) -> pd.DataFrame:
    return with_store(browse.runs)


def prediction_runs() -> pd.DataFrame:
    """Runs whose predictions are stored in the graph."""
    return _runs(sid())


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_QUERIES)
def _run_takes(store: str, run: str) -> list[str]:
    return with_store(lambda s: browse.run_takes(s, run))


def run_takes(run: str) -> list[str]:
    """Takes a stored run predicted."""
    return _run_takes(sid(), run)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=MAX_FRAMES)
def _predicted(store: str, take: str, frame: int, run: str) -> pd.DataFrame:
    return with_store(lambda s: browse.predicted_at_frame(s, take, frame, run))


def predicted_at_frame(take: str, frame: int, run: str) -> pd.DataFrame:
    """A run's predicted triplets of one frame."""
    return _predicted(sid(), take, frame, run)


def console(text: str, params: dict[str, Any], row_limit: int) -> pd.DataFrame:
    """User Cypher through the read-only console (not cached: the user asked to run it).

    The store runs console reads apart from the dashboard's own reads (a child process or
    a connection of their own) and stops them after the timeout, so a slow or crashing
    query never holds up other users.
    """
    timeout = settings().query_timeout
    with live_store().use() as store:  # kept open while the query runs, no lock
        return run_console(store, text, params, timeout=timeout, row_limit=row_limit)

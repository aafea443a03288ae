"""Cached pattern searches for the Search page (one answer per store, pattern and filters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from orgraph.dashboard.context import settings, store_id, with_store
from orgraph.queries.patterns import Filters, find

TTL = 600


@dataclass(frozen=True)
class Found:
    """What the page shows of one search."""

    moments: pd.DataFrame
    total: int
    takes_matched: int
    statements: tuple[tuple[str, dict[str, Any]], ...]
    filters: dict[str, Any]
    gap_tolerance: int


@st.cache_data(ttl=TTL, show_spinner="Searching...", max_entries=64)
def _search(
    sid: str, pattern: str, takes: tuple[str, ...], surgery: str | None, split: str | None, gap
) -> Found:
    result = with_store(lambda s: find(s, pattern, Filters(takes, surgery, split), gap))
    return Found(
        result.moments,
        result.total,
        result.takes_matched,
        tuple(result.statements),
        result.filters.as_dict(),
        result.gap_tolerance,
    )


def search(
    pattern: str,
    takes: tuple[str, ...] = (),
    surgery: str | None = None,
    split: str | None = None,
    gap: int | None = None,
) -> Found:
    """The moments of a pattern (PatternError / FilterError propagate, never cached)."""
    return _search(store_id(settings()), pattern, takes, surgery, split, gap)

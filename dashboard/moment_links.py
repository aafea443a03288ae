"""Links from any table that names a moment to the frame viewer (`frame?take=T&frame=N`).

A table names a moment when it has a frame key (`MISS/1/2#195`), a node carrying one,
or a take column beside a frame column; `linked` adds an "open" column of deep links
that st.dataframe shows as clickable (st.column_config.LinkColumn).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

FRAME_KEY = re.compile(r"^([A-Za-z]+/\d+/\d+)#(\d+)$")
FRAME_COLUMNS: tuple[str, ...] = ("frame", "idx", "frame_idx", "start_frame", "first_frame")
"""Columns that hold a frame index when a `take` column stands beside them (first wins)."""
LINK = "open"
RUN_KEY = "run"


def frame_url(take: str, frame: int, run: str | None = None, run2: str | None = None) -> str:
    """The frame viewer's deep link, relative to the app (works under a base path too).

    With `run`, the viewer opens with that stored prediction run beside the truth; with
    `run2` too, both runs beside the truth.
    """
    url = f"frame?take={quote(str(take), safe='/')}&frame={int(frame)}"
    if run is not None:
        url += f"&{RUN_KEY}={quote(str(run), safe='')}"
    if run is not None and run2 is not None:
        url += f"&{RUN_KEY}2={quote(str(run2), safe='')}"
    return url


def _from_key(value: Any) -> tuple[str, int] | None:
    if isinstance(value, dict):
        key = value.get("key")
        if isinstance(key, str) and FRAME_KEY.match(key):
            return _from_key(key)
        if isinstance(value.get("take"), str) and isinstance(value.get("start_frame"), int):
            return value["take"], int(value["start_frame"])
        return None
    if isinstance(value, str):
        m = FRAME_KEY.match(value)
        return (m.group(1), int(m.group(2))) if m else None
    return None


def moment_targets(df: pd.DataFrame) -> list[tuple[str, int] | None] | None:
    """Per row, the (take, frame) the row names, or None when the table names no moment."""
    if df.empty:
        return None
    for column in df.columns:
        found = [_from_key(v) for v in df[column]]
        given = [v is not None and v == v for v in df[column]]  # v == v: not NaN
        if any(found) and all(f is not None for f, g in zip(found, given, strict=True) if g):
            return found
    frame_col = next((c for c in FRAME_COLUMNS if c in df.columns), None)
    if "take" in df.columns and frame_col is not None:
        out: list[tuple[str, int] | None] = []
        for take, frame in zip(df["take"], df[frame_col], strict=True):
            ok = isinstance(take, str) and pd.notna(frame) and str(frame).lstrip("-").isdigit()
            out.append((take, int(frame)) if ok else None)
        return out if any(out) else None
    return None


def linked(
    df: pd.DataFrame,
    take: str | None = None,
    frame: str | None = None,
    targets: Sequence[tuple[str, int] | None] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table with an "open" link column first, and the column config that shows it.

    Give `take` and `frame` column names, or the per-row targets, or let the table be
    searched for a frame key or a take + frame pair. A table without one is returned as is.
    """
    if targets is None and take is not None and frame is not None:
        targets = [(str(t), int(f)) for t, f in zip(df[take], df[frame], strict=True)]
    if targets is None:
        targets = moment_targets(df)
    if targets is None:
        return df, {}
    out = df.copy()
    out.insert(0, LINK, [frame_url(*t) if t is not None else None for t in targets])
    config = {
        LINK: st.column_config.LinkColumn(
            "Open", help="Open this moment in the frame viewer", display_text="open ▸"
        )
    }
    return out, config


def show_linked(df: pd.DataFrame, *, key: str | None = None, **kwargs: Any) -> None:
    """st.dataframe of the table with its moment links (when it names moments)."""
    table, config = linked(df, **kwargs)
    st.dataframe(table, hide_index=True, column_config=config, key=key)

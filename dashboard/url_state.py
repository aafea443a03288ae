"""Widget values kept in the URL (?run=...&overlays=0...), so a view can be linked as it is.

As in selection.py, a query parameter wins when it is new; then the widget leads and the
URL follows. A value the widget cannot take is reported, not replaced silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

FLAG_TEXT = {"1": True, "0": False, "true": True, "false": False, "on": True, "off": False}


def seed(widget: str, name: str, parse: Callable[[str], Any]) -> str | None:
    """Copy a new ?name= into st.session_state[widget] through `parse` (ValueError = bad).

    Returns a one-line notice when the URL's value could not be used.
    """
    value = st.query_params.get(name)
    seen = f"_{widget}_url"
    if value is None or (st.session_state.get(seen) == value and widget in st.session_state):
        return None
    st.session_state[seen] = value
    try:
        st.session_state[widget] = parse(value)
    except ValueError as exc:
        return f"?{name}={value!r} was not used: {exc}"
    return None


def write(widget: str, name: str, value: str) -> None:
    """Put the widget's value in the URL (and remember it was written, not new)."""
    st.query_params[name] = value
    st.session_state[f"_{widget}_url"] = value


def parse_flag(value: str) -> bool:
    """'1'/'0' (also true/false, on/off) as a bool."""
    try:
        return FLAG_TEXT[value.strip().lower()]
    except KeyError:
        raise ValueError("expected 1 or 0") from None


def flag(widget: str, name: str, label: str, default: bool, help: str | None = None) -> bool:
    """A toggle whose value lives in ?name=1/0."""
    notice = seed(widget, name, parse_flag)
    if notice:
        st.warning(notice)
    kept = f"_{widget}_kept"  # outlives the widget's own state when another page is shown
    st.session_state.setdefault(widget, st.session_state.get(kept, default))
    on = bool(st.toggle(label, key=widget, help=help))
    st.session_state[kept] = on
    write(widget, name, "1" if on else "0")
    return on

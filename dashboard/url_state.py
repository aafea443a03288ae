"""Widget values kept in the URL (?run=...&overlays=0...), so a view can be linked as it is.

As in selection.py, a query parameter wins when it is new; then the widget leads and the
URL follows. A value the widget cannot take is reported, not replaced silently.

"New" excludes echoes: a rerun's query string is the browser's URL when it asked, which
can lag behind what the page wrote just before (a player report sent while the page's
last write was still on its way). A value this page visit wrote itself is therefore
never taken as a new link; a visit of another page forgets what was written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

FLAG_TEXT = {"1": True, "0": False, "true": True, "false": False, "on": True, "off": False}
VISIT = "_url_visit"
"""The page whose URL values the session last wrote."""
WRITTEN = "_url_written"
"""Per widget, the values this page visit wrote to the URL (newest last)."""
KEEP_WRITTEN = 64


def begin_visit(page: str) -> None:
    """Called at the start of every run: a run of another page forgets what was written."""
    if st.session_state.get(VISIT) != page:
        st.session_state[VISIT] = page
        st.session_state[WRITTEN] = {}


def written(widget: str, value: str) -> None:
    """Remember that the page put `value` in the URL for `widget` (seen and not new)."""
    st.session_state[f"_{widget}_url"] = value
    kept = st.session_state.setdefault(WRITTEN, {}).setdefault(widget, [])
    if value in kept:
        kept.remove(value)
    kept.append(value)
    del kept[:-KEEP_WRITTEN]


def is_new(widget: str, value: str | None) -> bool:
    """Whether a URL value is a link to follow: not yet taken and not the page's own echo."""
    if value is None:
        return False
    if widget not in st.session_state:
        return True
    if st.session_state.get(f"_{widget}_url") == value:
        return False
    return value not in st.session_state.get(WRITTEN, {}).get(widget, [])


def seed(widget: str, name: str, parse: Callable[[str], Any]) -> str | None:
    """Copy a new ?name= into st.session_state[widget] through `parse` (ValueError = bad).

    Returns a one-line notice when the URL's value could not be used.
    """
    value = st.query_params.get(name)
    if not is_new(widget, value):
        return None
    st.session_state[f"_{widget}_url"] = value
    try:
        st.session_state[widget] = parse(value)
    except ValueError as exc:
        return f"?{name}={value!r} was not used: {exc}"
    return None


def seed_option(widget: str, name: str, options: list[str], refusal: str) -> None:
    """Seed the widget from a new ?name= that is one of `options`; otherwise warn with
    `refusal` (what the value is not) and leave the widget as it was."""

    def parse(value: str) -> str:
        if value not in options:
            raise ValueError(refusal)
        return value

    notice = seed(widget, name, parse)
    if notice:
        st.warning(notice)


def write(widget: str, name: str, value: str) -> None:
    """Put the widget's value in the URL (and remember it was written, not new)."""
    st.query_params[name] = value
    written(widget, value)


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

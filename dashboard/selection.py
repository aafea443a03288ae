"""Take and frame choice kept in the URL (?take=...&frame=...), so views can be linked.

A query parameter wins when it is new (a pasted link, or another page switching here);
after that the widgets lead and the URL follows them.
"""

from __future__ import annotations

import streamlit as st

from orgraph.dashboard import data

FRAME_KEY = "frame"
TAKE_KEY = "take"
RUN_KEY = "run"


def _from_url(name: str, widget: str, valid: object) -> None:
    """Copy a new URL value into the widget's state before the widget is drawn."""
    value = st.query_params.get(name)
    seen = f"_{widget}_url"
    if value is None or not _ok(value, valid):
        return
    if widget not in st.session_state or st.session_state.get(seen) != value:
        st.session_state[widget] = int(value) if name == FRAME_KEY else value
        st.session_state[seen] = value


def _ok(value: str, valid: object) -> bool:
    if isinstance(valid, range):
        return value.lstrip("-").isdigit() and int(value) in valid
    return value in valid  # type: ignore[operator]


def _to_url(name: str, widget: str, value: object) -> None:
    st.query_params[name] = str(value)
    st.session_state[f"_{widget}_url"] = str(value)


def pick_take(widget: str, label: str = "Take") -> str:
    """A take chosen in a select box, seeded from and written back to ?take=."""
    keys = [str(k) for k in data.takes()["take"]]
    _from_url(TAKE_KEY, widget, keys)
    take = st.selectbox(label, keys, key=widget)
    _to_url(TAKE_KEY, widget, take)
    return str(take)


def run_from_url(widget: str, runs: list[str]) -> None:
    """Seed the prediction-run widget from ?run= when the URL brings a new, usable run."""
    _from_url(RUN_KEY, widget, runs)


def frame_from_url(widget: str, frames: int) -> None:
    """Seed the frame widget from ?frame= when the URL brings a new frame."""
    _from_url(FRAME_KEY, widget, range(frames))
    if widget in st.session_state:
        st.session_state[widget] = min(max(0, int(st.session_state[widget])), frames - 1)


def frame_to_url(widget: str, frame: int) -> None:
    """Write the frame shown back to ?frame=."""
    _to_url(FRAME_KEY, widget, frame)


def open_frame(take: str, frame: int) -> None:
    """Switch to the frame viewer at this take and frame."""
    st.switch_page("views/frame_viewer.py", query_params={TAKE_KEY: take, FRAME_KEY: str(frame)})

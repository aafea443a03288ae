"""Take and frame choice kept in the URL (?take=...&frame=...), so views can be linked.

A query parameter wins when it is new (a pasted link, or another page switching here);
after that the widgets lead and the URL follows them. A take the store does not hold,
or a frame that is not one of the take's, is said so on the page, never replaced
silently. The take last shown is remembered for the session, so switching pages keeps it.
"""

from __future__ import annotations

import streamlit as st

from orgraph.dashboard import data, url_state

FRAME_KEY = "frame"
TAKE_KEY = "take"
CURRENT_TAKE = "_current_take"
"""The take last chosen on any page of this session."""


def _to_url(name: str, widget: str, value: object) -> None:
    st.query_params[name] = str(value)
    url_state.written(widget, str(value))


def _seed_take(widget: str, keys: list[str]) -> str | None:
    """Copy a new ?take= into the widget; return it if the store does not hold it."""
    value = st.query_params.get(TAKE_KEY)
    seen = f"_{widget}_url"
    if value is None:
        if widget not in st.session_state and keys:
            current = st.session_state.get(CURRENT_TAKE)
            st.session_state[widget] = current if current in keys else keys[0]
        return None
    if not url_state.is_new(widget, value):
        return None
    st.session_state[seen] = value
    if value in keys:
        st.session_state[widget] = value
        return None
    st.session_state[widget] = None
    return value


def pick_take(widget: str, label: str = "Take") -> str | None:
    """A take chosen in a select box, seeded from and written back to ?take=.

    A linked take the store does not hold is named in an error and nothing is chosen
    (None) until the user picks one.
    """
    keys = [str(k) for k in data.takes()["take"]]
    unknown = _seed_take(widget, keys)
    if unknown is not None:
        st.session_state[f"_{widget}_unknown"] = unknown
    take = st.selectbox(label, keys, key=widget, index=None, placeholder="Choose a take")
    if take is None:
        asked = st.session_state.get(f"_{widget}_unknown")
        if asked is not None:
            st.error(
                f"**No take {asked!r} in the graph store.** The link names a take that is "
                f"not loaded; the store holds {len(keys)} takes (e.g. {', '.join(keys[:3])}). "
                "Choose one above."
            )
        return None
    st.session_state.pop(f"_{widget}_unknown", None)
    st.session_state[CURRENT_TAKE] = take
    _to_url(TAKE_KEY, widget, take)
    return str(take)


def parse_frame(value: str, frames: int) -> tuple[int, str | None]:
    """A frame from ?frame=, clamped into the take, and what was wrong with it (or None)."""
    text = value.strip()
    if not text.lstrip("-").isdigit():
        return 0, f"?frame={value!r} is not a frame number; showing frame 0."
    n = int(text)
    if n < 0:
        return 0, f"Frame {n} is negative; showing the first frame, 0."
    if n >= frames:
        return frames - 1, (
            f"Frame {n} is beyond the end of this take ({frames} frames, 0..{frames - 1}); "
            f"showing the last frame, {frames - 1}."
        )
    return n, None


def frame_from_url(widget: str, frames: int) -> str | None:
    """Seed st.session_state[widget] from a new ?frame=; return a notice if it was clamped."""
    value = st.query_params.get(FRAME_KEY)
    notice = None
    if url_state.is_new(widget, value):
        st.session_state[widget], notice = parse_frame(value, frames)
        st.session_state[f"_{widget}_url"] = value
    if widget in st.session_state:
        st.session_state[widget] = min(max(0, int(st.session_state[widget])), frames - 1)
    return notice


def frame_to_url(widget: str, frame: int) -> None:
    """Write the frame shown back to ?frame=."""
    _to_url(FRAME_KEY, widget, frame)


def open_frame(take: str, frame: int) -> None:
    """Switch to the frame viewer at this take and frame (keeping the run last compared)."""
    query = {TAKE_KEY: take, FRAME_KEY: str(frame)}
    last = st.session_state.get("_fv_last")
    if last and last[0] == take and last[2]:
        query["run"] = str(last[2])
    st.switch_page("views/frame_viewer.py", query_params=query)

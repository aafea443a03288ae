"""Timeline: a take's interaction intervals as a swimlane Gantt, one lane per subject.

Each lane has one sub-lane per object (or per relation), so a role's simultaneous
interactions do not hide each other; each relation has one fixed colour in every take.
Drag across the chart to zoom the time axis (double-click resets; the range slider
below pans); click a bar, or type a frame, to open that moment in the frame viewer.
"""

from __future__ import annotations

import streamlit as st

from orgraph.core.vocabulary import ROLES
from orgraph.dashboard import charts, data
from orgraph.dashboard.context import run_page
from orgraph.dashboard.moment_links import show_linked
from orgraph.dashboard.selection import open_frame, pick_take


def render() -> None:
    """Take choice, the Gantt, then the jump to the frame viewer."""
    take = pick_take("tl_take")
    if take is None:
        return
    info = data.take_row(take)
    frames = int(info["frames"])
    st.caption(
        f"{frames} frames ({frames / float(info['fps']):.1f} s), "
        f"{int(info['annotated_frames'])} annotated, split {info['split'] or 'none'}"
    )
    c1, c2 = st.columns(2)
    roles_only = c1.toggle(
        "Staff and patient only",
        value=True,
        help="Hide lanes whose subject is an object (e.g. a probe touching)",
    )
    sub_lane = c2.radio(
        "Sub-lanes per",
        charts.SUB_LANES,
        horizontal=True,
        key="tl_sub_lane",
        help="Split each role's lane by object or by relation, so no bar hides another",
    )
    intervals = data.catalog("activity_timeline", take=take, roles_only=roles_only)
    if intervals.empty:
        st.info(f"Take {take} has no interaction intervals to show.")
        return
    lanes = [r for r in ROLES if r in set(intervals["subject"])]
    lanes += sorted(set(intervals["subject"]) - set(lanes))
    st.caption(
        "Drag across the chart to zoom into a time span (double-click to reset); hover a bar "
        "for its start, end and length."
    )
    fig = charts.gantt(intervals, lanes, sub_lane)
    opened = last_opened(take)
    if opened is not None:
        fig.add_vline(x=opened / float(info["fps"]), line_color="black", line_width=2)
        st.caption(f"The black line is frame {opened}, last opened in the frame viewer.")
    event = st.plotly_chart(fig, key="gantt", on_select="rerun", selection_mode="points")
    clicked = _clicked_frame(event)
    if clicked is not None and clicked != st.session_state.get("_tl_click"):
        st.session_state["tl_frame"] = st.session_state["_tl_click"] = clicked
    st.session_state.setdefault("tl_frame", opened or 0)
    st.session_state["tl_frame"] = min(int(st.session_state["tl_frame"]), frames - 1)
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    frame = left.number_input(
        "Frame to open",
        0,
        frames - 1,
        key="tl_frame",
        step=1,
        help="Click a bar to take its first frame",
    )
    if right.button("Open in frame viewer", type="primary"):
        open_frame(take, int(frame))
    with st.expander(f"Intervals ({len(intervals)}), each with a link to its first frame"):
        show_linked(intervals.assign(take=take), take="take", frame="start_frame", key="tl_rows")
    st.download_button(
        "Download intervals (CSV)",
        intervals.to_csv(index=False),
        file_name=f"timeline_{take.replace('/', '_')}.csv",
        mime="text/csv",
    )


def last_opened(take: str) -> int | None:
    """The frame of this take last shown in the frame viewer in this session, if any."""
    last = st.session_state.get("_fv_last")
    return int(last[1]) if last and last[0] == take else None


def _clicked_frame(event: object) -> int | None:
    """The start frame of the clicked bar, if a bar was clicked."""
    try:
        points = event.selection.points  # type: ignore[attr-defined]
    except AttributeError:
        return None
    for p in points or []:
        custom = p.get("customdata") if isinstance(p, dict) else None
        if custom:
            return int(custom[0])
    return None


run_page("Timeline", render)

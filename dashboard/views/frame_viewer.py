"""Frame viewer: play or step a take with every modality, its scene graph beside the images.

The player (dashboard/frame_player.py) shows the cameras of each frame as one mosaic with
gaze and hands drawn, steps and plays in the browser at 15 FPS (half or double speed)
and draws the take's intervals with a cursor; the page answers each move with the scene
graph, the current second's audio, the point cloud in 3-D, gaze depth and a Rerun
recording. Take, frame, run and toggles live in the URL.
"""

from __future__ import annotations

import streamlit as st

from orgraph.dashboard import data, url_state
from orgraph.dashboard.context import run_page
from orgraph.dashboard.frame_moment import FULL_RUN, LAST_OPENED, Look, moment
from orgraph.dashboard.selection import pick_take

NO_RUN = "(ground truth only)"


def usable_runs(take: str) -> list[str]:
    """Stored prediction runs that predicted this take, newest first."""
    runs = data.prediction_runs()
    return [str(r) for r in runs["run"] if take in data.run_takes(str(r))] if len(runs) else []


def choose_run(take: str, usable: list[str]) -> str | None:
    """A stored prediction run covering this take, if any; kept in ?run=."""
    options = [NO_RUN, *usable]
    url_state.seed_option(
        "fv_run", "run", options, f"no stored run of that name has predictions for {take}"
    )
    if not usable:
        st.caption(
            "No model predictions are stored for this take; `orgraph evaluate RUN "
            "--write-back` stores a run's predictions."
        )
        st.query_params.pop("run", None)
        return None
    if st.session_state.get("fv_run") not in options:
        last = st.session_state.get(LAST_OPENED)
        kept = last[2] if last and last[0] == take and last[2] in options else None
        st.session_state["fv_run"] = kept or usable[0]
    choice = st.selectbox("Compare with the predictions of", options, key="fv_run")
    url_state.write("fv_run", "run", str(choice))
    return None if choice == NO_RUN else str(choice)


def choose_second_run(take: str, run: str | None, usable: list[str]) -> str | None:
    """A second stored run to show beside the first (?run2=), for comparing two models."""
    if run is None:
        st.query_params.pop("run2", None)
        return None
    options = [NO_RUN, *(r for r in usable if r != run)]
    if len(options) == 1:
        st.query_params.pop("run2", None)
        return None
    url_state.seed_option(
        "fv_run2", "run2", options, f"no other stored run of that name has predictions for {take}"
    )
    if st.session_state.get("fv_run2") not in options:
        st.session_state["fv_run2"] = NO_RUN
    choice = st.selectbox("... and beside it the run", options, key="fv_run2")
    if choice == NO_RUN:
        st.query_params.pop("run2", None)
        return None
    url_state.write("fv_run2", "run2", str(choice))
    return str(choice)


def toggles() -> tuple[bool, bool, bool, bool]:
    """Gaze and hands, the calibration offset, sound and point cloud, each kept in the URL."""
    cols = st.columns(4, vertical_alignment="bottom")
    with cols[0]:
        overlays = url_state.flag("fv_overlays", "overlays", "Gaze and hands", True)
    with cols[1]:
        offset = url_state.flag(
            "fv_offset", "offset", "Apply the published gaze calibration offset", True
        )
    with cols[2]:
        sound = url_state.flag(
            "fv_audio",
            "audio",
            "Sound",
            True,
            help="Plays along with playback; the current "
            "second's waveform and a player are shown under the images",
        )
    with cols[3]:
        cloud = url_state.flag("fv_cloud", "cloud", "Point cloud (3-D)", True)
    return overlays, offset, sound, cloud


def render() -> None:
    """Take, toggles and runs; the moment (player beside the scene graph); the panels."""
    take = pick_take("fv_take")
    if take is None:
        return
    frames = int(data.take_row(take)["frames"])
    overlays, offset, sound, cloud = toggles()
    picks = st.columns(2)
    usable = usable_runs(take)
    with picks[0]:
        run = choose_run(take, usable)
    with picks[1]:
        run2 = choose_second_run(take, run, usable)
    st.session_state[FULL_RUN] = True
    try:
        moment(take, frames, Look(overlays, offset, sound, cloud), run, run2)
    finally:
        st.session_state[FULL_RUN] = False


run_page("Frame viewer", render)

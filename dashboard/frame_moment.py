"""The frame viewer's moment: header, cameras, the player, the scene graph and the panels.

It is a Streamlit fragment: a report of the player (a step, playback) reruns only this
part, so a step redraws the scene graph and not the controls above. The waveform, the
3-D cloud and the Rerun recording are drawn once stepping settles (the player says so a
second after the last step, or on a pause, a strip click or a typed frame); in between a
line says they follow. No run here asks for a whole-page rerun: one that a player report
interrupted made the browser start a new player (its frames lost) under load.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from orgraph.core.vocabulary import EGO_ROLES
from orgraph.dashboard import data, frame_panels, url_state
from orgraph.dashboard import frame_images as fi
from orgraph.dashboard.context import friendly_errors, media_root, media_root_notice
from orgraph.dashboard.frame_player import PlayerReport, last_report, player, spec_token
from orgraph.dashboard.graphs import STATUS_TEXT, triplet_status
from orgraph.dashboard.media_view import MediaMissing, reader_for, resolve
from orgraph.dashboard.run_pair import show_two_runs, two_run_status
from orgraph.dashboard.scene_svg import scene_graph_svg
from orgraph.dashboard.selection import frame_from_url, frame_to_url

LAST_OPENED = "_fv_last"  # (take, frame, run) last shown here; the Timeline's cursor
FRAME = "fv_frame"
JUMP = "_fv_jump"
SEQ = "_fv_seq"
FULL_RUN = "_fv_full_run"
"""True while the whole page runs (the moment is then drawn inline, not on its own)."""
PANELS_AT = "_fv_panels_at"
"""(take, frame) the panels were last drawn at."""
SETTLED = frozenset({"settled", "strip", "box", "play", "end"})
"""Player reports after which the panels follow (not a step in a run of quick steps)."""


class Look(NamedTuple):
    """How the images are drawn, whether the sound plays along, and the 3-D view."""

    overlays: bool
    offset: bool
    sound: bool
    cloud: bool


def current_frame(take: str, frames: int) -> tuple[int, bool, float]:
    """(frame, playing, speed): from a new link, else the player's report, else as before."""
    if st.session_state.get("_fv_frame_take") != take:  # a new take starts at its frame 0
        last = st.session_state.get(LAST_OPENED)
        st.session_state[FRAME] = last[1] if last and last[0] == take else 0
        st.session_state["_fv_frame_take"] = take
        st.session_state[JUMP] = st.session_state.get(JUMP, 0) + 1
    if url_state.is_new(FRAME, st.query_params.get("frame")):
        st.session_state[JUMP] = st.session_state.get(JUMP, 0) + 1  # a link brought a frame
    notice = frame_from_url(FRAME, frames)
    if notice:
        st.warning(notice)
    report = last_report()
    playing, speed = False, 1.0
    if report is not None and (report.mount, report.seq) != st.session_state.get(SEQ):
        st.session_state[SEQ] = (report.mount, report.seq)
        st.session_state[FRAME] = min(max(0, report.frame), frames - 1)
    if report is not None:
        playing, speed = report.playing, report.speed
    return int(st.session_state[FRAME]), playing, speed


def _parse_cams(sources: list[str]):
    def parse(value: str) -> list[str]:
        asked = [s for s in value.split(",") if s]
        unknown = [s for s in asked if s not in sources]
        if unknown or not asked:
            raise ValueError(f"this take has no camera {', '.join(unknown) or '(none given)'}")
        return asked

    return parse


def take_sources(path: Path, take: str) -> list[str]:
    """The take's cameras as the file names them, egocentric first."""
    return list(_sources(str(path), path.stat().st_mtime, take))


@lru_cache(maxsize=256)
def _sources(path: str, mtime: float, take: str) -> tuple[str, ...]:
    """Read once per file version: a rerun does not wait for the HDF5 lock to learn them."""
    handle = reader_for(Path(path))
    with handle.lock:
        sources = list(handle.reader.media(take).take.sources)
    return tuple(sorted(sources, key=lambda s: (s not in EGO_ROLES, s)))


def choose_cameras(path: Path, take: str) -> list[str]:
    """The cameras shown (all by default, egocentric first), kept in ?cams=."""
    sources = take_sources(path, take)
    notice = url_state.seed("fv_cams", "cams", _parse_cams(sources))
    if notice:
        st.warning(notice)
    if not set(st.session_state.get("fv_cams") or []) <= set(sources):
        st.session_state["fv_cams"] = sources
    st.session_state.setdefault("fv_cams", sources)
    chosen = st.multiselect("Cameras", sources, key="fv_cams") or sources
    if set(chosen) == set(sources):
        st.query_params.pop("cams", None)
    else:
        url_state.write("fv_cams", "cams", ",".join(chosen))
    return [s for s in sources if s in chosen]


def show_scene_graph(take: str, frame: int, run: str | None, run2: str | None = None) -> None:
    """The frame's triplets as a graph and as a table, against a prediction if chosen;
    with a second run, both runs beside the truth in one table."""
    truth = data.catalog("scene_graph_at_frame", take=take, frame=frame)
    predicted = data.predicted_at_frame(take, frame, run) if run else None
    status = triplet_status(truth, predicted)
    st.markdown(f"**Scene graph of frame {frame}**")
    if status.empty:
        st.info(f"Frame {frame} of {take} has no annotated triplets.")
        return
    if predicted is not None:
        counts = status["status"].value_counts()
        st.markdown(
            " · ".join(
                f"**{counts.get(k, 0)}** {STATUS_TEXT[k]}" for k in ("both", "truth", "predicted")
            )
        )
        st.caption("Edges: green = correct, red dashed = missed, orange dotted = extra.")
    st.markdown(scene_graph_svg(status, compare=predicted is not None), unsafe_allow_html=True)
    shown = status if predicted is not None else status.drop(columns="status")
    if predicted is not None:
        shown = shown.assign(status=shown["status"].map(STATUS_TEXT))
    st.dataframe(shown, hide_index=True, key="fv_triplets")
    if run and run2:
        second = data.predicted_at_frame(take, frame, run2)
        show_two_runs(two_run_status(truth, predicted, second), run, run2)


def media_path(recorded: str) -> Path | None:
    """The HDF5 file of the take, or None after saying why it cannot be found."""
    notice = media_root_notice()
    if notice:
        st.warning(notice)
    try:
        return resolve(recorded, media_root())
    except MediaMissing as exc:
        st.warning(f"**Media file not found.** {exc}")
        return None


def panel_frame(take: str, frame: int, playing: bool) -> int:
    """The frame the scene graph, waveform and point cloud show: while playing, the one
    playback started at.

    Redrawing a graph, a 3-D plot and a waveform for every answer during playback would
    hold up the browser's drawing of the played frames; the player's own line of triplets
    and its sound follow every frame, and pausing updates the rest. It draws nothing: an
    element above the player would move it, and the browser would start a new player.
    """
    kept = st.session_state.get("_fv_panel")
    if playing and kept is not None and kept[0] == take:
        return int(kept[1])
    st.session_state["_fv_panel"] = (take, frame)
    return frame


def _draw_player(
    path: Path, take: str, cameras: list[str], frame: int, frames: int, look: Look, state
) -> None:
    report: PlayerReport | None = last_report()
    spec = fi.spec_for(path, take, cameras, look.overlays, look.offset)
    same = report is not None and report.spec == spec_token(spec)
    player(
        spec,
        frame,
        frames,
        jump=st.session_state[JUMP],
        playing=state[0],
        speed=state[1],
        have=report.have if report and same else frozenset(),
        intervals=lambda: data.catalog("activity_timeline", take=take),
        strip_held=report.strip if report is not None else None,
        sound=look.sound,
        heard=report.heard if report and same else frozenset(),
    )
    st.markdown("Gaze: " + frame_panels.gaze_depth_text(path, take, frame, look.offset))


def panels_now(take: str, still: int, playing: bool) -> bool:
    """Whether this run draws the audio and 3-D panels: a whole-page run; not while playing;
    the frame they show already, or the player has settled (a second after the last step,
    a pause, a strip click, a typed frame)."""
    report = last_report()
    if st.session_state.get(FULL_RUN) or report is None:
        return True
    if playing:  # redrawing them with every answer would hold up the played frames
        return False
    return st.session_state.get(PANELS_AT) == (take, still) or report.reason in SETTLED


def show_modalities(path: Path, take: str, frame: int, frames: int, run: str | None, look: Look):
    """Audio and point cloud (as their toggles say), and the Rerun recording."""
    audio, cloud = st.columns(2)
    with audio:
        if look.sound:
            frame_panels.show_audio(path, take, frame, frames)
    with cloud:
        if look.cloud:
            frame_panels.show_cloud(path, take, frame)
    with st.expander("Open in Rerun"):
        frame_panels.show_rerun(path, take, frame, frames, run)


@st.fragment
def moment(take: str, frames: int, look: Look, run: str | None, run2: str | None) -> None:
    """The frame's header, cameras, the player beside the scene graph, and the panels below
    once stepping settles (a fragment: a report of the player reruns only this)."""
    with friendly_errors("Frame viewer"):
        frame, playing, speed = current_frame(take, frames)
        still = panel_frame(take, frame, playing)
        frame_to_url(FRAME, frame)
        st.session_state[LAST_OPENED] = (take, frame, st.session_state.get("fv_run"))
        pointer = data.frame_pointer(take, frame)
        if pointer is None:
            st.warning(f"Frame {frame} of {take} is not in the graph store.")
            return
        st.markdown(
            f"**{take}**, frame **{frame}** of {frames} · {float(pointer['time']):.2f} s · "
            f"{int(pointer['triplets'])} triplets"
        )
        path = media_path(str(pointer["file"]))
        cameras = choose_cameras(path, take) if path is not None else []
        images, graph = st.columns([11, 9])
        with images:
            if path is not None:
                _draw_player(path, take, cameras, frame, frames, look, (playing, speed))
        with graph:
            if still != frame:
                st.caption(
                    f"Playing: the scene graph shows frame {still}; the line under the images "
                    "and the sound follow playback. Pause to update it and to see the "
                    "waveform and point cloud."
                )
            show_scene_graph(take, still, run, run2)
        if path is None:
            return
        if panels_now(take, still, playing):
            st.session_state[PANELS_AT] = (take, still)
            show_modalities(path, take, still, frames, run, look)
        else:
            st.caption(
                "The waveform, point cloud and Rerun recording of the frame shown follow "
                "once you stop stepping or pause."
            )

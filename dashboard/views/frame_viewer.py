"""Frame viewer: play or step a take with every modality, its scene graph beside the images.

The player (dashboard/frame_player.py) shows the cameras of each frame as one mosaic with
gaze and hands drawn, steps and plays in the browser at 15 FPS (half or double speed)
and draws the take's intervals with a cursor; the page answers each move with the scene
graph, the current second's audio, the point cloud in 3-D, gaze depth and a Rerun
recording. Take, frame, run and toggles live in the URL.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from orgraph.core.vocabulary import EGO_ROLES
from orgraph.dashboard import data, frame_panels, url_state
from orgraph.dashboard import frame_images as fi
from orgraph.dashboard.context import media_root, media_root_notice, run_page
from orgraph.dashboard.frame_player import last_report, player
from orgraph.dashboard.graphs import STATUS_TEXT, triplet_status
from orgraph.dashboard.media_view import MediaMissing, reader_for, resolve
from orgraph.dashboard.run_pair import show_two_runs, two_run_status
from orgraph.dashboard.scene_svg import scene_graph_svg
from orgraph.dashboard.selection import frame_from_url, frame_to_url, pick_take

NO_RUN = "(ground truth only)"
LAST_OPENED = "_fv_last"  # (take, frame, run) last shown here; the Timeline's cursor
FRAME = "fv_frame"
JUMP = "_fv_jump"
SEQ = "_fv_seq"


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
    handle = reader_for(path)
    with handle.lock:
        sources = list(handle.reader.media(take).take.sources)
    return sorted(sources, key=lambda s: (s not in EGO_ROLES, s))


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


def usable_runs(take: str) -> list[str]:
    """Stored prediction runs that predicted this take, newest first."""
    runs = data.prediction_runs()
    return [str(r) for r in runs["run"] if take in data.run_takes(str(r))] if len(runs) else []


def choose_run(take: str, usable: list[str]) -> str | None:
    """A stored prediction run covering this take, if any; kept in ?run=."""
    options = [NO_RUN, *usable]

    def parse(value: str) -> str:
        if value not in options:
            raise ValueError(f"no stored run of that name has predictions for {take}")
        return value

    notice = url_state.seed("fv_run", "run", parse)
    if notice:
        st.warning(notice)
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

    def parse(value: str) -> str:
        if value not in options:
            raise ValueError(f"no other stored run of that name has predictions for {take}")
        return value

    notice = url_state.seed("fv_run2", "run2", parse)
    if notice:
        st.warning(notice)
    if st.session_state.get("fv_run2") not in options:
        st.session_state["fv_run2"] = NO_RUN
    choice = st.selectbox("... and beside it the run", options, key="fv_run2")
    if choice == NO_RUN:
        st.query_params.pop("run2", None)
        return None
    url_state.write("fv_run2", "run2", str(choice))
    return str(choice)


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


def show_modalities(
    path: Path, take: str, frame: int, frames: int, run: str | None, shown: tuple[bool, bool]
) -> None:
    """Audio and point cloud (as their toggles say), and the Rerun recording."""
    audio, cloud = st.columns(2)
    with audio:
        if shown[0]:
            frame_panels.show_audio(path, take, frame, frames)
    with cloud:
        if shown[1]:
            frame_panels.show_cloud(path, take, frame)
    with st.expander("Open in Rerun"):
        frame_panels.show_rerun(path, take, frame, frames, run)


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
    """Take, run and toggles; the player beside the scene graph; then the other modalities."""
    take = pick_take("fv_take")
    if take is None:
        return
    frames = int(data.take_row(take)["frames"])
    frame, playing, speed = current_frame(take, frames)
    overlays, offset, sound, cloud = toggles()
    picks = st.columns(2)
    usable = usable_runs(take)
    with picks[0]:
        run = choose_run(take, usable)
    with picks[1]:
        run2 = choose_second_run(take, run, usable)
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
    still = panel_frame(take, frame, playing)
    images, graph = st.columns([11, 9])
    with images:
        if path is not None:
            report = last_report()
            spec = fi.spec_for(path, take, cameras, overlays, offset)
            same = report is not None and report.spec == _token(spec)
            have = report.have if report and same else frozenset()
            player(
                spec,
                frame,
                frames,
                jump=st.session_state[JUMP],
                playing=playing,
                speed=speed,
                have=have,
                intervals=data.catalog("activity_timeline", take=take),
                sound=sound,
                heard=report.heard if report and same else frozenset(),
            )
            st.markdown("Gaze: " + frame_panels.gaze_depth_text(path, take, frame, offset))
    with graph:
        if still != frame:
            st.caption(
                f"Playing: the scene graph, waveform and point cloud show frame {still}; the "
                "line under the images and the sound follow playback. Pause to update them."
            )
        show_scene_graph(take, still, run, run2)
    if path is not None:
        show_modalities(path, take, still, frames, run, (sound, cloud))


def _token(spec: fi.MosaicSpec) -> str:
    from orgraph.dashboard.frame_player import spec_token

    return spec_token(spec)


run_page("Frame viewer", render)

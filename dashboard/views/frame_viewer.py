"""Frame viewer: every camera of one frame from HDF5, gaze and hands, and its scene graph.

Images come through the Frame node's media pointer (file, take group, index); a stored
model run's prediction is shown beside the ground truth with differences marked.
"""

from __future__ import annotations

import streamlit as st

from orgraph.dashboard import data
from orgraph.dashboard.context import media_root, run_page
from orgraph.dashboard.graphs import STATUS_TEXT, scene_graph_dot, triplet_status
from orgraph.dashboard.media_view import MediaMissing, read_frame, rendered_views, resolve
from orgraph.dashboard.selection import frame_from_url, frame_to_url, pick_take, run_from_url

COLUMNS = 4
NO_RUN = "(ground truth only)"


def _step(delta: int, frames: int) -> None:
    st.session_state["fv_frame"] = min(max(0, st.session_state["fv_frame"] + delta), frames - 1)


def frame_controls(frames: int) -> int:
    """Slider with previous/next buttons; the buttons change the slider before it is drawn."""
    frame_from_url("fv_frame", frames)
    st.session_state.setdefault("fv_frame", 0)
    prev, slider, nxt = st.columns([1, 10, 1], vertical_alignment="bottom")
    prev.button(
        "◀ Prev",
        on_click=_step,
        args=(-1, frames),
        key="fv_prev",
        disabled=st.session_state["fv_frame"] <= 0,
    )
    nxt.button(
        "Next ▶",
        on_click=_step,
        args=(1, frames),
        key="fv_next",
        disabled=st.session_state["fv_frame"] >= frames - 1,
    )
    frame = slider.slider("Frame", 0, frames - 1, key="fv_frame") if frames > 1 else 0
    return int(frame)


def show_images(take: str, frame: int, recorded: str) -> None:
    """All cameras of the frame in a grid, egocentric views first with gaze and hands."""
    try:
        path = resolve(recorded, media_root())
    except MediaMissing as exc:
        st.warning(f"**Media file not found.** {exc}")
        return
    overlay = st.toggle("Apply the published gaze calibration offset", value=True, key="fv_offset")
    media = read_frame(path, take, frame, apply_offset=overlay)
    views = rendered_views(media)
    st.caption(
        f"{len(views)} cameras from `{path}`; red ring = gaze, cyan/yellow dots = "
        "left/right wrist and palm, white = finger tips"
    )
    for start in range(0, len(views), COLUMNS):
        cols = st.columns(COLUMNS)
        for col, (caption, image) in zip(cols, views[start : start + COLUMNS], strict=False):
            if image is None:
                col.info(caption)
            else:
                col.image(image, caption=caption, width="stretch")


def choose_run(take: str) -> str | None:
    """A stored prediction run covering this take, if any."""
    runs = data.prediction_runs()
    usable = [r for r in runs["run"] if take in data.run_takes(str(r))] if len(runs) else []
    if not usable:
        st.caption(
            "No model predictions are stored for this take; `orgraph evaluate RUN "
            "--write-back` stores a run's predictions."
        )
        return None
    run_from_url("fv_run", usable)
    if st.session_state.get("fv_run") not in (NO_RUN, *usable):
        st.session_state["fv_run"] = usable[0]
    choice = st.selectbox("Compare with the predictions of", [NO_RUN, *usable], key="fv_run")
    return None if choice == NO_RUN else str(choice)


def show_scene_graph(take: str, frame: int) -> None:
    """The frame's triplets as a graph and as a table, against a prediction if chosen."""
    truth = data.catalog("scene_graph_at_frame", take=take, frame=frame)
    run = choose_run(take)
    predicted = data.predicted_at_frame(take, frame, run) if run else None
    status = triplet_status(truth, predicted)
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
    graph, table = st.columns([3, 2])
    graph.graphviz_chart(scene_graph_dot(status, compare=predicted is not None))
    shown = status if predicted is not None else status.drop(columns="status")
    if predicted is not None:
        shown = shown.assign(status=shown["status"].map(STATUS_TEXT))
    table.dataframe(shown, hide_index=True, key="fv_triplets")


def render() -> None:
    """Take and frame choice, the cameras, then the scene graph."""
    take = pick_take("fv_take")
    frames = int(data.take_row(take)["frames"])
    frame = frame_controls(frames)
    frame_to_url("fv_frame", frame)
    pointer = data.frame_pointer(take, frame)
    if pointer is None:
        st.warning(f"Frame {frame} of {take} is not in the graph store.")
        return
    st.markdown(
        f"**{take}**, frame **{frame}** of {frames} · {float(pointer['time']):.2f} s · "
        f"{int(pointer['triplets'])} triplets"
    )
    show_images(take, frame, str(pointer["file"]))
    show_scene_graph(take, frame)


run_page("Frame viewer", render)

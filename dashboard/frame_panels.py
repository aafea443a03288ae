"""The frame viewer's other modalities: the current second's audio, the point cloud in 3-D,
gaze depth, and a Rerun recording of the moment to download.

Each reads only what it shows (the waveform of 15 frames, one frame's points) under the
file's lock; a take without audio or a point cloud says so instead.
"""

from __future__ import annotations

import base64
import io
import tempfile
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from orgraph.core.vocabulary import FPS
from orgraph.dashboard import data
from orgraph.dashboard.media_view import reader_for
from orgraph.loader.media_formats import pcm16

HALF_SECOND = FPS // 2
"""Frames either side of the current one in 'the current second' (7 at 15 FPS)."""
PLOT_POINTS = 1500
"""Waveform samples drawn per channel (the WAV keeps every sample)."""
RERUN_SECONDS = 5
"""Seconds either side of the current frame in the Rerun recording offered."""


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """[n, channels] float samples as a 16-bit PCM WAV file in memory."""
    data2 = np.asarray(samples, dtype=np.float32).reshape(samples.shape[0], -1)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(data2.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(rate))
        w.writeframes(pcm16(data2).tobytes())
    return buf.getvalue()


def audio_between(path: Path, take: str, first: int, last: int) -> tuple[np.ndarray, int] | None:
    """(samples, rate) of frames first..last; None without audio.

    The waveform when the take has one, else the frames' snippets joined.
    """
    handle = reader_for(path)
    with handle.lock:
        media = handle.reader.media(take)
        info = media.audio_info()
        if info is None:
            return None
        samples = media.waveform(first, last)
        if samples is None:
            parts = [media.audio_snippet(f) for f in range(first, last + 1)]
            samples = np.concatenate([p for p in parts if p is not None])
        return samples, info.sample_rate


def second_of_audio(
    path: Path, take: str, frame: int, frames: int
) -> tuple[np.ndarray, int, int] | None:
    """(samples, rate, first frame) of the second around `frame`; None without audio."""
    first = max(0, frame - HALF_SECOND)
    found = audio_between(path, take, first, min(frames - 1, frame + HALF_SECOND))
    return None if found is None else (*found, first)


def waveform_figure(samples: np.ndarray, rate: int, first: int, frame: int) -> go.Figure:
    """Each channel over time (seconds in the take), with the current frame's start marked."""
    step = max(1, samples.shape[0] // PLOT_POINTS)
    t = first / FPS + np.arange(0, samples.shape[0], step) / rate
    fig = go.Figure()
    for c in range(samples.shape[1]):
        fig.add_trace(go.Scatter(x=t, y=samples[::step, c], mode="lines", name=f"channel {c + 1}"))
    fig.add_vline(x=frame / FPS, line_color="black", line_width=2)
    fig.update_layout(
        height=180, margin={"l": 10, "r": 10, "t": 10, "b": 30}, xaxis_title="time (s)"
    )
    return fig


def show_audio(path: Path, take: str, frame: int, frames: int) -> None:
    """A player of the current second and its waveform."""
    second = second_of_audio(path, take, frame, frames)
    if second is None:
        st.info(f"Take {take} has no audio.")
        return
    samples, rate, first = second
    # A data URL, not a served media file: nothing can vanish before the browser fetches it.
    wav = base64.b64encode(wav_bytes(samples, rate)).decode("ascii")
    st.audio(f"data:audio/wav;base64,{wav}", format="audio/wav")
    st.caption(
        f"{samples.shape[0] / rate:.2f} s around frame {frame} ({rate} Hz, "
        f"{samples.shape[1]} channels); the line marks the current frame"
    )
    st.plotly_chart(waveform_figure(samples, rate, first, frame), key="fv_wave_chart")


def cloud_figure(coords: np.ndarray, colors: np.ndarray | None) -> go.Figure:
    """The point cloud as a rotatable 3-D scatter (metres, z up), in its own colours."""
    if colors is not None:
        rgb = (np.clip(colors, 0, 1) * 255).astype(int)
        marker = {"size": 2, "color": [f"rgb({r},{g},{b})" for r, g, b in rgb]}
    else:
        marker = {"size": 2, "color": coords[:, 2], "colorscale": "Viridis"}
    fig = go.Figure(
        go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], mode="markers", marker=marker)
    )
    fig.update_layout(
        height=420,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        scene={
            "aspectmode": "data",
            "xaxis_title": "x (m)",
            "yaxis_title": "y (m)",
            "zaxis_title": "z (m)",
        },
        uirevision="cloud",  # keep the user's rotation when the frame changes
    )
    return fig


def show_cloud(path: Path, take: str, frame: int) -> None:
    """The frame's merged point cloud, or a note that the take has none."""
    handle = reader_for(path)
    with handle.lock:
        cloud = handle.reader.media(take).point_cloud(frame)
    if cloud is None:
        st.info(f"Take {take} has no point cloud.")
        return
    st.caption(f"{cloud.points} points at frame {frame}; drag to rotate, scroll to zoom")
    st.plotly_chart(cloud_figure(cloud.coordinates, cloud.colors), key="fv_cloud_chart")


def gaze_depth_text(path: Path, take: str, frame: int, overlays_shown: bool) -> str:
    """'role: x, y px at d m' per egocentric role (the same numbers the images are marked with)."""
    block = _gaze_block(str(path), path.stat().st_mtime, take, frame // GAZE_BLOCK, overlays_shown)
    return block[frame % GAZE_BLOCK]


GAZE_BLOCK = 32
"""Frames whose gaze lines are read at once: a step then rarely waits for the HDF5 lock."""


@lru_cache(maxsize=512)
def _gaze_block(path: str, mtime: float, take: str, block: int, offset: bool) -> tuple[str, ...]:
    handle = reader_for(Path(path))
    with handle.lock:
        media = handle.reader.media(take)
        first = block * GAZE_BLOCK
        last = min(media.take.frames, first + GAZE_BLOCK)
        rows = [
            (media.gaze(f, apply_offset=offset), media.gaze_depth(f)) for f in range(first, last)
        ]
    return tuple(_gaze_line(gaze, depth) for gaze, depth in rows)


def _gaze_line(gaze: dict, depth: dict) -> str:
    parts = []
    for role in sorted(set(gaze) | set(depth)):
        g, d = gaze.get(role), depth.get(role)
        where = "no gaze" if g is None else f"({g[0]:.0f}, {g[1]:.0f}) px"
        parts.append(f"**{role}** {where}, depth {'unknown' if d is None else f'{d:.2f} m'}")
    return " · ".join(parts) if parts else "No egocentric camera in this take."


def rerun_recording(path: Path, take: str, frame: int, frames: int, run: str | None) -> bytes:
    """An .rrd of the seconds around `frame` (every modality, truth and the run's prediction)."""
    from orgraph.loader.media_rerun import export_rerun

    first = max(0, frame - RERUN_SECONDS * FPS)
    last = min(frames - 1, frame + RERUN_SECONDS * FPS)
    truth = _by_frame(data.catalog("scene_graph_range", take=take, first=first, last=last))
    pred = None
    if run is not None:
        pred = {}
        for f in range(first, last + 1):
            df = data.predicted_at_frame(take, f, run)
            pred[f] = [(r.subject, r.relation, r.object) for r in df.itertuples(index=False)]
    handle = reader_for(path)
    with handle.lock:
        media = handle.reader.media(take)
    with tempfile.TemporaryDirectory() as tmp:  # each read of the export takes the HDF5
        out = Path(tmp) / "moment.rrd"  # lock itself: other sessions read between frames
        export_rerun(media, first, last, truth, pred, str(out))
        return out.read_bytes()


def _by_frame(df) -> dict[int, list[tuple[str, str, str]]]:
    out: dict[int, list[tuple[str, str, str]]] = {}
    for row in df.itertuples(index=False):
        out.setdefault(int(row.frame), []).append((row.subject, row.relation, row.object))
    return out


def show_rerun(path: Path, take: str, frame: int, frames: int, run: str | None) -> None:
    """'Open in Rerun': a download of the moment's .rrd, and the command for a live viewer."""
    first = max(0, frame - RERUN_SECONDS * FPS)
    last = min(frames - 1, frame + RERUN_SECONDS * FPS)
    run_arg = f" --run {run}" if run else ""
    if st.button("Prepare a Rerun recording of this moment", key="fv_rerun"):
        with st.spinner("Recording frames..."):
            rrd = rerun_recording(path, take, frame, frames, run)
            st.session_state["_fv_rrd"] = (take, frame, rrd)
    ready = st.session_state.get("_fv_rrd")
    if ready is not None and ready[:2] == (take, frame):
        st.download_button(
            f"Download {take} frames {first}-{last} (.rrd)",
            ready[2],
            file_name=f"{take.replace('/', '_')}_{first}-{last}.rrd",
            mime="application/octet-stream",
            key="fv_rrd_download",
        )
    st.caption(
        "Open the file with `rerun FILE.rrd`, or serve Rerun's web viewer on this machine "
        f"(127.0.0.1, offline): `orgraph rerun {take} --from {first} --to {last}{run_arg} --serve`"
    )

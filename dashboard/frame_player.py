"""The frame viewer's player: a small custom component (frame_player/index.html).

The browser keeps the frames it received and steps and plays through them itself, so a
step or a played frame needs no Streamlit rerun; it reports the frame it shows (and the
frames it holds), and the page answers with the frames around it. Steps get the frames
just behind and ahead; playback gets the next seconds at the chosen speed, and their
sound in one-second chunks (dashboard/play_audio.py) that the browser plays in step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from orgraph.dashboard import data, play_audio
from orgraph.dashboard import frame_images as fi

_COMPONENT = components.declare_component(
    "orgraph_frame_player", path=str(Path(__file__).parent / "frame_player")
)
KEY = "fv_player"
SPEEDS = (0.5, 1.0, 2.0)
BEHIND, AHEAD = 8, 16
"""Frames sent around the current one when stepping."""
PLAY_SECONDS = 4.0
"""Seconds of frames sent ahead while playing (at the chosen speed)."""
DRAW_NOW = 3
"""Frames next to the current one drawn before answering; the rest in the background."""
MAX_SEND = 120


@dataclass
class PlayerReport:
    """What the browser last told the page: the frame it shows, playing or not, its frames."""

    frame: int
    playing: bool
    speed: float
    seq: int
    mount: str
    """A random id of the player's page element; a new one restarts `seq`."""
    spec: str
    have: frozenset[int]
    heard: frozenset[int]
    """Seconds of audio the browser holds."""
    strip: str | None = None
    """The take whose interval strip the browser holds (sent once per take)."""
    reason: str = ""
    """Why it reported: next, prev, key, strip, box, play, end, settled, more, missing..."""


def spec_token(spec: fi.MosaicSpec) -> str:
    """A short name of what the mosaics show; a new one makes the browser drop its frames."""
    return hashlib.sha1(repr(spec).encode()).hexdigest()[:12]


def last_report() -> PlayerReport | None:
    """The browser's newest report, if it sent one this session (None in AppTest)."""
    value = st.session_state.get(KEY)
    if not isinstance(value, dict) or "frame" not in value:
        return None
    try:
        speed = float(value.get("speed", 1.0))
        return PlayerReport(
            frame=int(value["frame"]),
            playing=bool(value.get("playing", False)),
            speed=speed if speed in SPEEDS else 1.0,
            seq=int(value.get("seq", 0)),
            mount=str(value.get("mount", "")),
            spec=str(value.get("spec", "")),
            have=frozenset(int(n) for n in value.get("have", [])),
            heard=frozenset(int(n) for n in value.get("heard", [])),
            strip=None if value.get("strip") is None else str(value["strip"]),
            reason=str(value.get("reason", "")),
        )
    except (TypeError, ValueError):
        return None


def wanted(frame: int, total: int, playing: bool, speed: float) -> list[int]:
    """Frames the browser should hold next, nearest first."""
    if playing:
        ahead = min(MAX_SEND, int(PLAY_SECONDS * 15 * speed))
        return [f for f in range(frame, frame + ahead + 1) if f < total]
    order = [frame]
    for d in range(1, max(BEHIND, AHEAD) + 1):
        if d <= AHEAD and frame + d < total:
            order.append(frame + d)
        if d <= BEHIND and frame - d >= 0:
            order.append(frame - d)
    return order


def frames_to_send(
    spec: fi.MosaicSpec, frames: list[int], have: frozenset[int]
) -> tuple[dict[str, str], int]:
    """Data URLs of the frames the browser lacks (the nearest drawn now, the rest if ready),
    and how many are still being drawn in the background (sent with a later answer)."""
    out: dict[str, str] = {}
    later: list[int] = []
    for i, f in enumerate(frames):
        if f in have:
            continue
        image = fi.jpeg(spec, f) if i < DRAW_NOW else fi.cached(spec, f)
        if image is None:
            later.append(f)
        else:
            out[str(f)] = fi.data_url(image)
    fi.prefetch(spec, later)
    return out, len(later)


BUCKET = 128
"""Frames per cached scene-graph range query."""


@lru_cache(maxsize=256)
def _bucket_texts(store: str, take: str, bucket: int) -> dict[str, tuple[str, ...]]:
    """The lines of one bucket's frames, kept for all sessions (no copy per rerun)."""
    df = data.catalog(
        "scene_graph_range", take=take, first=bucket * BUCKET, last=(bucket + 1) * BUCKET - 1
    )
    out: dict[str, list[str]] = {}
    for row in df.itertuples(index=False):
        out.setdefault(str(int(row.frame)), []).append(f"{row.subject} {row.relation} {row.object}")
    return {k: tuple(v) for k, v in out.items()}


def triplet_texts(take: str, frames: list[int]) -> dict[str, list[str]]:
    """'subject relation object' lines of each frame (empty for frames without triplets)."""
    if not frames:
        return {}
    store = data.sid()  # a reload or another store is another key
    buckets = {b: _bucket_texts(store, take, b) for b in {f // BUCKET for f in frames}}
    return {str(f): list(buckets[f // BUCKET].get(str(f), ())) for f in frames}


def strip_rows(intervals: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """Lanes and [lane, start, end, relation, object] rows for the player's interval strip."""
    if intervals.empty:
        return [], []
    lanes = list(dict.fromkeys(intervals["subject"]))
    rows = intervals[["subject", "start_frame", "end_frame", "relation", "object"]]
    out = [[str(s), int(a), int(b), str(r), str(o)] for s, a, b, r, o in rows.itertuples(False)]
    return lanes, out


def player(
    spec: fi.MosaicSpec,
    frame: int,
    total: int,
    *,
    jump: int,
    playing: bool,
    speed: float,
    have: frozenset[int],
    intervals: Callable[[], pd.DataFrame],
    strip_held: str | None = None,
    sound: bool = False,
    heard: frozenset[int] = frozenset(),
) -> None:
    """Draw the player at `frame`; `jump` changes whenever the page (not the browser) moved.

    With `sound`, playback also gets the seconds of audio ahead that the browser lacks.
    The take's interval strip (`intervals`, read only when needed) is sent unless the
    browser already holds this take's (`strip_held`).
    """
    token = spec_token(spec)
    strip = None
    if strip_held != spec.take:
        lanes, rows = strip_rows(intervals())
        strip = {"take": spec.take, "lanes": lanes, "intervals": rows}
    window = wanted(frame, total, playing, speed)
    images, pending = frames_to_send(spec, window, have)
    audio = {}
    if sound and playing:
        seconds = play_audio.seconds_ahead(frame, total, speed, PLAY_SECONDS)
        audio = play_audio.chunks_to_send(Path(spec.path), spec.take, seconds, total, heard)
    _COMPONENT(
        audio=audio,
        sound=sound,
        frames=images,
        pending=pending,
        triplets=triplet_texts(spec.take, window),
        spec=token,
        total=total,
        fps=15,
        frame=frame,
        jump=jump,
        playing=playing,
        speed=speed,
        strip=strip,
        key=KEY,
        default=None,
    )

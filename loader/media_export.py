"""One frame's media as files (PNG per camera, WAV, PLY) and as a JSON-ready description.

The description has the keys of `orgraph media --json` except take, frame, time and
triplets, which the command adds from the graph store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orgraph.loader import media_draw
from orgraph.loader.media_formats import write_ply, write_wav
from orgraph.loader.media_frame import FrameMedia

AUDIO_FILE = "audio.wav"
CLOUD_FILE = "point_cloud.ply"


def _point(x: float, y: float) -> list[float] | None:
    return [round(float(x), 3), round(float(y), 3)] if np.isfinite(x) and np.isfinite(y) else None


def gaze_json(fm: FrameMedia) -> dict[str, dict[str, float | None] | None]:
    """Role -> {x, y, depth} (depth None when unknown), or None when the gaze is invalid."""
    out: dict[str, dict[str, float | None] | None] = {}
    for role, xy in fm.gaze.items():
        depth = fm.gaze_depth.get(role)
        out[role] = (
            None
            if xy is None
            else {
                "x": round(xy[0], 3),
                "y": round(xy[1], 3),
                "depth": None if depth is None else round(depth, 4),
            }
        )
    return out


def hands_json(fm: FrameMedia) -> dict[str, list[list[float] | None] | None]:
    """Role -> its 8 points as [x, y] (None for an invalid point), or None when all are invalid."""
    out: dict[str, list[list[float] | None] | None] = {}
    for role, pts in fm.hands.items():
        points = [_point(x, y) for x, y in pts]
        out[role] = None if all(p is None for p in points) else points
    return out


def _write_cameras(fm: FrameMedia, out: Path | None, overlays: bool) -> list[dict[str, Any]]:
    cameras = []
    for name, bgr in fm.images.items():
        file = None
        if out is not None:
            file = out / f"{name}.png"
            media_draw.write_png(media_draw.camera_image(fm, name, 1, overlays), file)
        cameras.append(
            {
                "name": name,
                "ego": fm.is_ego(name),
                "height": int(bgr.shape[0]),
                "width": int(bgr.shape[1]),
                "blank": fm.is_blank(bgr),
                "file": None if file is None else str(file),
            }
        )
    return cameras


def export_frame(fm: FrameMedia, out: Path | None, overlays: bool = True) -> dict[str, Any]:
    """Write the frame's files into `out` (None: write nothing) and describe them."""
    if out is not None:
        out = Path(out).resolve()
        out.mkdir(parents=True, exist_ok=True)
    audio = None
    if fm.audio is not None and fm.audio_info is not None:
        file = None
        if out is not None:
            file = out / AUDIO_FILE
            write_wav(file, fm.audio, fm.audio_info.sample_rate)
        audio = {
            "sample_rate": fm.audio_info.sample_rate,
            "samples": int(fm.audio.shape[0]),
            "channels": int(fm.audio.shape[1]),
            "file": None if file is None else str(file),
        }
    cloud = None
    if fm.point_cloud is not None:
        file = None
        if out is not None:
            file = out / CLOUD_FILE
            write_ply(file, fm.point_cloud)
        cloud = {"points": fm.point_cloud.points, "file": None if file is None else str(file)}
    return {
        "cameras": _write_cameras(fm, out, overlays),
        "gaze": gaze_json(fm),
        "hands": hands_json(fm),
        "audio": audio,
        "point_cloud": cloud,
    }

"""Frame media for the viewer: find the HDF5 file, keep it open, draw gaze and hands.

A Frame node names its file; if that file has moved, the same file name is looked for
in the media directory (sidebar or $ORGRAPH_MEDIA_ROOT). Readers stay open between
reruns (st.cache_resource), so stepping frame by frame reads one frame, not a file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw

from orgraph.core.errors import OrgraphError
from orgraph.core.vocabulary import EGO_ROLES
from orgraph.loader.reader import EgoExOR

MIN_WIDTH = 320
GAZE_COLOUR = (255, 40, 40)
HAND_COLOURS = ((0, 220, 255), (255, 220, 0), (255, 255, 255))  # left, right, tips
_LEFT, _RIGHT = (0, 1), (2, 3)  # wrist and palm of each hand; points 4-7 are the tips


class MediaMissing(OrgraphError):
    """The HDF5 file a frame points to is not where the graph says, nor in the media root."""


@dataclass
class OpenReader:
    """An open EgoExOR file and a lock: h5py handles are not shared between threads safely."""

    reader: EgoExOR
    lock: threading.Lock = field(default_factory=threading.Lock)


def resolve(recorded: str, root: Path | None) -> Path:
    """The file to open: as recorded, else the same name under the media root."""
    path = Path(recorded)
    if path.is_file():
        return path
    if root is not None and (root / path.name).is_file():
        return root / path.name
    where = f" nor in the media directory {root}" if root is not None else ""
    raise MediaMissing(
        f"the media file {path} named by the graph was not found{where}. If the HDF5 files "
        "have moved, enter their new directory under *Media directory* in the sidebar "
        "(or start the dashboard with ORGRAPH_MEDIA_ROOT=/new/dir)."
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _reader(path: str, mtime: float) -> OpenReader:
    return OpenReader(EgoExOR([path]))


def reader_for(path: Path) -> OpenReader:
    """A cached open reader of one file (reopened when the file changes)."""
    return _reader(str(path), path.stat().st_mtime)


@dataclass
class FrameMedia:
    """Everything drawn for one frame: images per source, gaze and hands per role."""

    images: dict[str, np.ndarray]
    gaze: dict[str, tuple[float, float] | None]
    hands: dict[str, np.ndarray]


def read_frame(path: Path, take: str, frame: int, apply_offset: bool = True) -> FrameMedia:
    """All cameras, gaze and hands of one frame, read from the open file."""
    handle = reader_for(path)
    with handle.lock:
        media = handle.reader.media(take)
        images = media.rgb(frame)
        assert isinstance(images, dict)
        return FrameMedia(images, media.gaze(frame, apply_offset=apply_offset), media.hands(frame))


def is_blank(image: np.ndarray) -> bool:
    """An all-zero image means the camera is missing at this frame."""
    return not image.any()


def to_display(bgr: np.ndarray) -> tuple[Image.Image, int]:
    """RGB image upscaled by a whole factor (nearest) so small frames stay visible."""
    rgb = np.ascontiguousarray(bgr[..., ::-1])
    factor = max(1, -(-MIN_WIDTH // max(1, rgb.shape[1])))
    if factor > 1:
        rgb = rgb.repeat(factor, axis=0).repeat(factor, axis=1)
    return Image.fromarray(rgb), factor


def draw_overlay(
    image: Image.Image, factor: int, gaze: tuple[float, float] | None, hands: np.ndarray | None
) -> Image.Image:
    """Gaze as a red ring; hand points cyan (left), yellow (right) and white (tips)."""
    draw = ImageDraw.Draw(image)
    r = max(4, factor * 2)
    if gaze is not None:
        x, y = gaze[0] * factor, gaze[1] * factor
        draw.ellipse((x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r), outline=GAZE_COLOUR, width=3)
        draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=GAZE_COLOUR)
    if hands is not None:
        for i, (hx, hy) in enumerate(hands):
            if not (np.isfinite(hx) and np.isfinite(hy)):
                continue
            colour = HAND_COLOURS[0 if i in _LEFT else 1 if i in _RIGHT else 2]
            x, y = hx * factor, hy * factor
            draw.ellipse(
                (x - r / 2, y - r / 2, x + r / 2, y + r / 2), fill=colour, outline=(0, 0, 0)
            )
    return image


def rendered_views(media: FrameMedia) -> list[tuple[str, Image.Image | None]]:
    """(caption, image) per source, egocentric first with overlays; None for a missing camera."""
    order = sorted(media.images, key=lambda s: (s not in EGO_ROLES, s))
    out: list[tuple[str, Image.Image | None]] = []
    for source in order:
        bgr = media.images[source]
        if is_blank(bgr):
            out.append((f"{source} (no image at this frame)", None))
            continue
        image, factor = to_display(bgr)
        if source in EGO_ROLES:
            g = media.gaze.get(source)
            h = media.hands.get(source)
            image = draw_overlay(image, factor, g, h)
            bits = [
                "gaze" if g is not None else "no gaze",
                "hands" if h is not None and np.isfinite(h).any() else "no hands",
            ]
            out.append((f"{source} (ego: {', '.join(bits)})", image))
        else:
            out.append((source, image))
    return out

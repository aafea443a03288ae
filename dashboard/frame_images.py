"""Frame mosaics as JPEG bytes, cached per take and frame, for the frame viewer's player.

The player steps and plays in the browser from frames it has already received, so each
frame is drawn once (cameras labelled, gaze and hands drawn), encoded once as JPEG and
kept in one process-wide cache bounded in bytes. Frames are sent to the browser as data
URLs inside the player's arguments, so no served media file can vanish before it is
fetched. A background thread renders the frames just ahead of the current one.
"""

from __future__ import annotations

import base64
import io
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from orgraph.dashboard.media_view import reader_for
from orgraph.loader.media_draw import draw_marks, factor_for, label, mosaic, upscale
from orgraph.loader.media_frame import read_frame_media

CACHE_BYTES = 96 * 1024 * 1024
"""JPEG bytes kept for all sessions together (about 1,500 frames of 4 cameras)."""
TILE_WIDTH = 360
"""Cameras are scaled to about this width (a whole factor up, or down): about the size a
tile is shown at in the page's image column, so nothing is drawn that is not seen."""
JPEG_QUALITY = 78
MAX_QUEUED = 400
"""Frames waiting to be drawn in the background, for all sessions; more are not queued."""


@dataclass(frozen=True)
class MosaicSpec:
    """What one mosaic shows: which file, take and cameras, with or without overlays."""

    path: str
    mtime: float
    take: str
    sources: tuple[str, ...]
    overlays: bool
    offset: bool


class JpegCache:
    """A thread-safe LRU of JPEG bytes, bounded by their total size."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[MosaicSpec, int], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[MosaicSpec, int]) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[MosaicSpec, int], value: bytes) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._size += len(value) - (len(old) if old else 0)
            self._items[key] = value
            while self._size > self.limit and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    @property
    def size(self) -> int:
        return self._size


CACHE = JpegCache(CACHE_BYTES)
_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="orgraph-mosaics")
"""Two threads: one reads HDF5 (under the file's lock) while the other draws and encodes."""
_QUEUED: set[tuple[MosaicSpec, int]] = set()
_QUEUED_LOCK = threading.Lock()


def spec_for(
    path: Path, take: str, sources: Sequence[str], overlays: bool, offset: bool
) -> MosaicSpec:
    """The spec of a take's mosaics (the file's mtime makes a rewritten file a new spec)."""
    return MosaicSpec(str(path), path.stat().st_mtime, take, tuple(sources), overlays, offset)


def _depth_text(depth: float | None) -> str:
    return "depth unknown" if depth is None else f"depth {depth:.2f} m"


def _scaled(bgr: np.ndarray) -> tuple[np.ndarray, float]:
    """RGB near TILE_WIDTH wide: small frames enlarged by a whole factor, large ones reduced
    by the nearest whole factor (drawing, encoding and decoding less than is seen)."""
    w = bgr.shape[1]
    if w < TILE_WIDTH:
        k = factor_for(w, TILE_WIDTH)
        return upscale(np.ascontiguousarray(bgr[..., ::-1]), k), float(k)
    k = max(1, round(w / TILE_WIDTH))  # 640 px cameras: halved (4 cameras drawn 640x480)
    if k > 1:  # reduce first (the box filter does not care about channel order), flip after
        bgr = np.asarray(Image.fromarray(np.ascontiguousarray(bgr)).reduce(k))
    return np.ascontiguousarray(bgr[..., ::-1]), 1.0 / k


def _tile(fm, source: str, spec: MosaicSpec) -> np.ndarray:
    """One camera near TILE_WIDTH, labelled; gaze depth in the label of an egocentric view."""
    image = fm.images[source]
    rgb, factor = _scaled(image)
    if fm.is_blank(image):
        rgb[:] = 40
        return label(rgb, f"{source}: no image at this frame")
    text = source
    if fm.is_ego(source):
        gaze = fm.gaze.get(source)
        if spec.overlays:
            rgb = draw_marks(rgb, factor, gaze, fm.hands.get(source))  # type: ignore[arg-type]
        depth = fm.gaze_depth.get(source)
        text += " (ego) gaze " + ("none" if gaze is None else _depth_text(depth))
    return label(rgb, text)


def render(spec: MosaicSpec, frame: int) -> bytes:
    """Read one frame (under the file's lock) and draw its mosaic as JPEG."""
    handle = reader_for(Path(spec.path))
    with handle.lock:  # h5py handles are not safe to share between threads
        media = handle.reader.media(spec.take)
        fm = read_frame_media(
            media,
            frame,
            sources=spec.sources,
            apply_offset=spec.offset,
            audio=False,
            point_cloud=False,
        )
    tiles = [_tile(fm, s, spec) for s in spec.sources]  # one size: a take's cameras share it
    columns = 1 if len(tiles) == 1 else 2 if len(tiles) <= 4 else 3
    buf = io.BytesIO()
    Image.fromarray(mosaic(tiles, columns)).save(buf, format="JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def jpeg(spec: MosaicSpec, frame: int) -> bytes:
    """The frame's mosaic, from the cache or drawn now."""
    key = (spec, frame)
    cached = CACHE.get(key)
    if cached is None:
        cached = render(spec, frame)
        CACHE.put(key, cached)
    return cached


def cached(spec: MosaicSpec, frame: int) -> bytes | None:
    """The frame's mosaic if it is already drawn."""
    return CACHE.get((spec, frame))


def data_url(image: bytes) -> str:
    """A JPEG as a data: URL the browser shows without another request."""
    return "data:image/jpeg;base64," + base64.b64encode(image).decode("ascii")


def _prefetch_one(spec: MosaicSpec, frame: int) -> None:
    try:
        jpeg(spec, frame)
    except Exception:  # a frame that cannot be drawn is reported when it is asked for
        pass
    finally:
        with _QUEUED_LOCK:
            _QUEUED.discard((spec, frame))


def prefetch(spec: MosaicSpec, frames: Iterable[int]) -> None:
    """Draw these frames in the background (two threads for the process), nearest first."""
    for frame in frames:
        key = (spec, frame)
        with _QUEUED_LOCK:
            if len(_QUEUED) >= MAX_QUEUED:
                return  # asked again with the next answer, if still wanted
            if key in _QUEUED or CACHE.get(key) is not None:
                continue
            _QUEUED.add(key)
        _PREFETCH.submit(_prefetch_one, spec, frame)

"""An mp4 of a frame range: a mosaic of cameras at 15 FPS, gaze and hands drawn, the frame's
triplets as a caption, and the take's audio muxed in.

Frames are piped to the ffmpeg binary that imageio-ffmpeg ships (optional `media` extra);
nothing else is needed on the machine. A .cube LUT, when given, colours the exocentric
external_* views only, as the official visualiser does.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orgraph.core.errors import OrgraphError
from orgraph.core.vocabulary import FPS
from orgraph.loader import media_draw
from orgraph.loader.cube_lut import CubeLut
from orgraph.loader.media import TakeMedia
from orgraph.loader.media_formats import write_wav
from orgraph.loader.media_frame import FrameMedia, read_frame_media
from orgraph.loader.optional_deps import require

Triplet = tuple[str, str, str]
CAPTION_LINES = 9


@dataclass(frozen=True)
class ClipOptions:
    """How a clip looks."""

    cameras: tuple[str, ...] | None = None
    """Sources to show, in this order (None: every camera of the take)."""
    tile_width: int = 320
    """Each camera is enlarged by a whole factor to at least this width."""
    overlays: bool = True
    lut: CubeLut | None = None
    fps: float = FPS


@dataclass(frozen=True)
class ClipReport:
    """What was written."""

    path: Path
    frames: int
    width: int
    height: int
    audio: bool


def clip_audio(media: TakeMedia, first: int, last: int) -> tuple[np.ndarray, int] | None:
    """The sound of frames first..last: the waveform, else each snippet's centre; or None."""
    info = media.audio_info()
    if info is None:
        return None
    if info.waveform_samples is not None:
        return media.waveform(first, last), info.sample_rate
    per = int(round(info.samples_per_frame))
    parts = []
    for f in range(first, last + 1):
        snip = media.audio_snippet(f)
        assert snip is not None
        mid, half = snip.shape[0] // 2, per // 2
        piece = snip[max(0, mid - half) : mid - half + per]
        parts.append(np.pad(piece, ((0, per - piece.shape[0]), (0, 0))))
    return np.concatenate(parts), info.sample_rate


class _Frames:
    """Draws the mosaic frames of one clip (label strips made once)."""

    def __init__(self, media: TakeMedia, opts: ClipOptions) -> None:
        self.media = media
        self.opts = opts
        take = media.take
        self.cameras = list(opts.cameras) if opts.cameras else list(take.sources)
        self.columns = max(1, math.ceil(math.sqrt(len(self.cameras))))
        self._labels: dict[str, np.ndarray] = {}

    def colour_map(self, source: str) -> Callable[[np.ndarray], np.ndarray] | None:
        lut = self.opts.lut
        return lut.apply if lut is not None and source.startswith("external_") else None

    def tile(self, fm: FrameMedia, source: str) -> np.ndarray:
        width = fm.images[source].shape[1]
        factor = media_draw.factor_for(width, self.opts.tile_width)
        rgb = media_draw.camera_image(
            fm, source, factor, self.opts.overlays, self.colour_map(source)
        )
        if source not in self._labels:
            self._labels[source] = media_draw.label(
                np.zeros((0, rgb.shape[1], 3), np.uint8), source
            )
        return np.concatenate([self._labels[source], rgb], axis=0)

    def frame(self, index: int, triplets: list[Triplet]) -> np.ndarray:
        fm = read_frame_media(
            self.media, index, sources=self.cameras, point_cloud=False, audio=False
        )
        grid = media_draw.mosaic([self.tile(fm, s) for s in self.cameras], self.columns)
        head = f"{fm.take}  frame {index}  {index / FPS:.2f} s  {len(triplets)} triplets"
        lines = [head] + [" ".join(t) for t in triplets[: CAPTION_LINES - 1]]
        if len(triplets) > CAPTION_LINES - 1:
            lines[-1] = f"... and {len(triplets) - CAPTION_LINES + 2} more"
        out = media_draw.caption(grid, lines, 12 * CAPTION_LINES + 6)
        pad_h, pad_w = out.shape[0] % 2, out.shape[1] % 2
        return np.pad(out, ((0, pad_h), (0, pad_w), (0, 0))) if pad_h or pad_w else out


def write_clip(
    media: TakeMedia,
    first: int,
    last: int,
    out: Path,
    triplets: dict[int, list[Triplet]],
    opts: ClipOptions = ClipOptions(),
) -> ClipReport:
    """Write frames first..last (inclusive) of the take as an H.264 mp4 with AAC audio."""
    ffmpeg = require("imageio_ffmpeg", "imageio-ffmpeg", "writing clips")
    out = Path(out)
    frames = _Frames(media, opts)
    sound = clip_audio(media, first, last)
    first_image = frames.frame(first, triplets.get(first, []))
    h, w = first_image.shape[:2]
    with tempfile.TemporaryDirectory(prefix="orgraph-clip-") as tmp:
        wav = None
        if sound is not None:
            wav = Path(tmp) / "audio.wav"
            write_wav(wav, *sound)
        writer = ffmpeg.write_frames(
            str(out),
            (w, h),
            fps=opts.fps,
            macro_block_size=2,
            ffmpeg_log_level="error",
            audio_path=None if wav is None else str(wav),
            audio_codec=None if wav is None else "aac",
            output_params=["-movflags", "+faststart"],
        )
        try:
            writer.send(None)
            writer.send(first_image)
            for index in range(first + 1, last + 1):
                writer.send(frames.frame(index, triplets.get(index, [])))
            writer.close()
        except (OSError, RuntimeError) as exc:
            raise OrgraphError(f"{out}: ffmpeg failed while writing the clip ({exc})") from None
    return ClipReport(out, last - first + 1, w, h, sound is not None)

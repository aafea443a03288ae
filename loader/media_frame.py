"""Everything one frame holds, read in one call: images, gaze, depth, hands, audio, points.

This is what `orgraph media`, clips, the Rerun export and the frame viewer draw from.
The images of a frame are one HDF5 read (all cameras share a chunk), the rest one small
hyperslab each; modalities a take lacks come back as None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orgraph.core.errors import UnknownNameError
from orgraph.core.vocabulary import EGO_ROLES, FPS
from orgraph.loader.media import TakeMedia
from orgraph.loader.media_optional import AudioInfo, PointCloud


@dataclass
class FrameMedia:
    """One frame of one take, with every modality it has."""

    take: str
    frame: int
    images: dict[str, np.ndarray]
    """Source -> BGR uint8 [H, W, 3], in the take's source order (only the sources asked for)."""
    gaze: dict[str, tuple[float, float] | None]
    gaze_depth: dict[str, float | None]
    hands: dict[str, np.ndarray]
    """Role -> [8, 2] float32 (NaN = invalid point)."""
    audio: np.ndarray | None
    """The frame's audio snippet [samples, channels] float32, or None."""
    audio_info: AudioInfo | None
    point_cloud: PointCloud | None

    @property
    def time(self) -> float:
        """Seconds from the start of the take."""
        return self.frame / FPS

    @staticmethod
    def is_ego(source: str) -> bool:
        """Whether a source is a head-worn (egocentric) camera."""
        return source in EGO_ROLES

    @staticmethod
    def is_blank(image: np.ndarray) -> bool:
        """An all-zero image means the camera is missing at this frame."""
        return not image.any()


def read_frame_media(
    media: TakeMedia,
    frame: int,
    *,
    sources: Sequence[str] | None = None,
    apply_offset: bool = True,
    audio: bool = True,
    point_cloud: bool = True,
) -> FrameMedia:
    """One frame's media; `sources` limits the images (None: every camera)."""
    take = media.take
    wanted = list(take.sources) if sources is None else list(sources)
    unknown = [s for s in wanted if s not in take.sources]
    if unknown:
        raise UnknownNameError(
            f"take {take.key} has no camera {', '.join(map(repr, unknown))} "
            f"(it has {', '.join(take.sources)})"
        )
    images: dict[str, np.ndarray] = {}
    if wanted:
        every = media.rgb(frame)  # one read: all cameras of a frame share a chunk
        assert isinstance(every, dict)
        images = {s: every[s] for s in wanted}
    return FrameMedia(
        take=take.key,
        frame=frame,
        images=images,
        gaze=media.gaze(frame, apply_offset=apply_offset),
        gaze_depth=media.gaze_depth(frame),
        hands=media.hands(frame),
        audio=media.audio_snippet(frame) if audio else None,
        audio_info=media.audio_info() if audio else None,
        point_cloud=media.point_cloud(frame) if point_cloud else None,
    )

"""Lazy per-frame media of one take: rgb, gaze, gaze depth, hands, audio and point cloud.

Rows of gaze and hands carry a global camera_type_id (not the source index);
it is resolved to the role name here. Nothing is read until asked for, and a read of
one frame touches only the chunks holding that frame. Audio and the point cloud are
optional (loader.media_optional): a take without them gives None, not an error.
Thread safety: serialised, every public method holds loader.h5_util.HDF5_LOCK.
"""

from __future__ import annotations

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.vocabulary import (
    BLANK_CAMERA_ID,
    CAMERA_TYPE_NAMES,
    EGO_ROLES,
    GAZE_OFFSET,
    gaze_offset_applies,
)
from orgraph.loader import media_optional as opt
from orgraph.loader.h5_util import get_node, h5_errors, serialised, where
from orgraph.loader.media_optional import AudioInfo, PointCloud
from orgraph.loader.takes import TakeInfo

RGB = "frames/rgb"
GAZE = "eye_gaze/coordinates"
DEPTH = "eye_gaze_depth/values"
HANDS = "hand_tracking/positions"
HAND_POINTS = 8


class TakeMedia:
    """Media of one take, read one frame at a time from an open HDF5 file."""

    @serialised
    def __init__(self, h5: h5py.File, take: TakeInfo) -> None:
        self.take = take
        self._h5 = h5
        self._group = get_node(h5, take.group.lstrip("/"), take.file, h5py.Group, "a take group")
        self._open: dict[str, h5py.Dataset] = {}
        self._optional: dict[str, h5py.Dataset | None] = {}
        self._audio: AudioInfo | None | bool = False
        """False until looked up; then the AudioInfo, or None for a take without audio."""

    def _dataset(self, name: str, expected: str) -> h5py.Dataset:
        """A per-frame dataset of the take (handle kept open), or a DataFormatError naming it."""
        if name not in self._open:
            self._open[name] = self._lookup(name, expected)
        return self._open[name]

    @serialised
    def dataset(self, name: str, expected: str) -> h5py.Dataset:
        """Public access to a per-frame dataset (e.g. GAZE), for whole-take reads."""
        return self._dataset(name, expected)

    def _lookup(self, name: str, expected: str) -> h5py.Dataset:
        """Walk the take group to a dataset, checking each node's kind."""
        parts = name.split("/")
        node = self._group
        for i, part in enumerate(parts):
            kind = h5py.Dataset if i == len(parts) - 1 else h5py.Group
            node = get_node(node, part, self.take.file, kind, expected)
        return node

    def _maybe(self, name: str, expected: str) -> h5py.Dataset | None:
        """An optional dataset (audio, point cloud): None when the take has none."""
        if name not in self._optional:
            parts = name.split("/")
            node: h5py.Group | h5py.Dataset | None = self._group
            for i, part in enumerate(parts):
                assert isinstance(node, h5py.Group)
                with h5_errors(self.take.file, f"{node.name}/{part}", "opening"):
                    present = part in node
                if not present:
                    node = None
                    break
                kind = h5py.Dataset if i == len(parts) - 1 else h5py.Group
                node = get_node(node, part, self.take.file, kind, expected)
            self._optional[name] = node
        return self._optional[name]

    def _check_frame(self, ds: h5py.Dataset, frame: int) -> None:
        """DataFormatError unless `frame` is a frame of the take and of the dataset."""
        if not 0 <= frame < self.take.frames or frame >= ds.shape[0]:
            raise DataFormatError(
                f"{where(self.take.file, ds.name)}: frame {frame} out of range "
                f"(take {self.take.key} has {min(self.take.frames, ds.shape[0])} frames)"
            )

    def _row(self, name: str, frame: int, expected: str) -> np.ndarray:
        """One frame (axis 0) of a per-frame dataset, with the frame range checked."""
        ds = self._dataset(name, expected)
        self._check_frame(ds, frame)
        with h5_errors(self.take.file, ds.name):
            return np.asarray(ds[frame])

    @serialised
    def rgb(self, frame: int, source: str | None = None) -> np.ndarray | dict[str, np.ndarray]:
        """BGR uint8 image [H, W, 3] of one source (canonical name), or all as source -> image."""
        expected = "a [F, n_cams, H, W, 3] uint8 dataset"
        if source is None:
            images = self._row(RGB, frame, expected)
            return {s: images[i] for i, s in enumerate(self.take.sources)}
        if source not in self.take.sources:
            raise UnknownNameError(
                f"{where(self.take.file, self.take.group + '/sources')}: no source {source!r} "
                f"in take {self.take.key} (it has {', '.join(self.take.sources)})"
            )
        ds = self._dataset(RGB, expected)
        if not 0 <= frame < min(self.take.frames, ds.shape[0]):
            raise DataFormatError(f"{where(self.take.file, ds.name)}: frame {frame} out of range")
        with h5_errors(self.take.file, ds.name):
            return np.asarray(ds[frame, self.take.sources.index(source)])

    @serialised
    def gaze(self, frame: int, apply_offset: bool = False) -> dict[str, tuple[float, float] | None]:
        """Role -> gaze (x, y) in pixels, or None when invalid; calibration offset on request."""
        rows = self._row(GAZE, frame, "a [F, n_ego, 3] float32 dataset").reshape(-1, 3)
        out: dict[str, tuple[float, float] | None] = {}
        for cam, x, y in rows:
            role = camera_role(cam)
            if role is None:
                continue
            if not (np.isfinite(x) and np.isfinite(y)) or (x == -1 and y == -1):
                out[role] = None
                continue
            t = self.take
            if apply_offset and gaze_offset_applies(
                role, t.surgery_type, t.procedure_id, t.take_id
            ):
                x, y = x + GAZE_OFFSET[0], y + GAZE_OFFSET[1]
            out[role] = (float(x), float(y))
        return out

    @serialised
    def gaze_depth(self, frame: int) -> dict[str, float | None]:
        """Role -> gaze depth in metres, or None when unknown (1.0 or NaN in the file).

        Column j of the depth has the role of column j of the gaze at the same frame.
        """
        depth = self._row(DEPTH, frame, "a [F, n_ego] float32 dataset").reshape(-1)
        cams = self._row(GAZE, frame, "a [F, n_ego, 3] float32 dataset").reshape(-1, 3)[:, 0]
        out: dict[str, float | None] = {}
        for cam, d in zip(cams, depth, strict=False):
            role = camera_role(cam)
            if role is not None:
                out[role] = None if not np.isfinite(d) or d == 1.0 else float(d)
        return out

    @serialised
    def hands(self, frame: int) -> dict[str, np.ndarray]:
        """Role -> [8, 2] points (wrists, palms, then 4 tips, as in the file); NaN is invalid."""
        rows = self._row(HANDS, frame, "a [F, n_ego, 17] float32 dataset")
        rows = rows.reshape(-1, 1 + 2 * HAND_POINTS)
        out: dict[str, np.ndarray] = {}
        for row in rows:
            role = camera_role(row[0])
            if role is not None:
                out[role] = row[1:].reshape(HAND_POINTS, 2).astype(np.float32)
        return out

    @serialised
    def audio_info(self) -> AudioInfo | None:
        """Sample rate, channels and sizes of the take's audio; None when it has none."""
        if self._audio is False:
            wave = self._maybe(opt.WAVEFORM, "a [N, channels] float32 dataset")
            snip = self._maybe(opt.SNIPPETS, "a [F, samples, channels] float32 dataset")
            if wave is None and snip is None:
                self._audio = None
            else:
                channels = opt.check_audio(self.take.file, wave, snip)
                nodes = [n for n in (self._group.get("audio"), wave, snip) if n is not None]
                self._audio = AudioInfo(
                    sample_rate=opt.sample_rate(self.take.file, nodes),
                    channels=channels,
                    snippet_samples=None if snip is None else int(snip.shape[1]),
                    waveform_samples=None if wave is None else int(wave.shape[0]),
                )
        return self._audio  # type: ignore[return-value]

    @serialised
    def audio_snippet(self, frame: int) -> np.ndarray | None:
        """[samples, channels] float32 audio window of one frame; None without snippets."""
        if self.audio_info() is None:
            return None
        snip = self._maybe(opt.SNIPPETS, "a [F, samples, channels] float32 dataset")
        if snip is None:
            return None
        self._check_frame(snip, frame)
        return opt.read_snippet(self.take.file, snip, frame)

    @serialised
    def waveform_span(self, first: int, last: int) -> tuple[int, int] | None:
        """Waveform samples [a, b) of frames first..last (inclusive); None without a waveform."""
        info = self.audio_info()
        if info is None or info.waveform_samples is None:
            return None
        if not 0 <= first <= last < self.take.frames:
            raise DataFormatError(
                f"{where(self.take.file, self.take.group)}: frames {first}..{last} out of range "
                f"(take {self.take.key} has {self.take.frames} frames)"
            )
        return opt.sample_span(info, first, last)

    @serialised
    def waveform(self, first: int, last: int) -> np.ndarray | None:
        """[samples, channels] float32 of the waveform from frame `first` through `last`."""
        span = self.waveform_span(first, last)
        if span is None:
            return None
        wave = self._maybe(opt.WAVEFORM, "a [N, channels] float32 dataset")
        assert wave is not None
        return opt.read_waveform(self.take.file, wave, span)

    @serialised
    def has_point_cloud(self) -> bool:
        """Whether the take stores a point cloud."""
        return self._maybe(opt.COORDINATES, "a [F, P, 3] float32 dataset") is not None

    @serialised
    def point_cloud(self, frame: int) -> PointCloud | None:
        """One frame's merged point cloud (metres, colours 0..1); None when the take has none."""
        coords = self._maybe(opt.COORDINATES, "a [F, P, 3] float32 dataset")
        if coords is None:
            return None
        colors = self._maybe(opt.COLORS, "a [F, P, 3] float32 dataset")
        opt.check_cloud(self.take.file, coords, colors)
        self._check_frame(coords, frame)
        return opt.read_cloud(self.take.file, coords, colors, frame)


def camera_role(cam: float) -> str | None:
    """Role/source name of a camera_type_id; None for blank, NaN or unknown ids."""
    if not np.isfinite(cam):
        return None
    cid = int(cam)
    return None if cid == BLANK_CAMERA_ID else CAMERA_TYPE_NAMES.get(cid)


def signal_validity(h5: h5py.File, take: TakeInfo) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Role -> (gaze_valid bool[F], hands_valid bool[F]) for the whole take, in one read each.

    Gaze is valid where x, y are finite and not (-1, -1); hands where at least one of the
    8 points is finite. Every egocentric source of the take has an entry, even if never valid.
    """
    media = TakeMedia(h5, take)
    frames = take.frames
    gaze_ds = media.dataset(GAZE, "a [F, n_ego, 3] float32 dataset")
    hands_ds = media.dataset(HANDS, "a [F, n_ego, 17] float32 dataset")
    with h5_errors(take.file, gaze_ds.name):
        gaze = np.asarray(gaze_ds[()], dtype=np.float32).reshape(gaze_ds.shape[0], -1, 3)[:frames]
    with h5_errors(take.file, hands_ds.name):
        hands = np.asarray(hands_ds[()], dtype=np.float32)
        hands = hands.reshape(hands_ds.shape[0], -1, 1 + 2 * HAND_POINTS)[:frames]
    if gaze.shape[0] != frames or hands.shape[0] != frames:
        raise DataFormatError(
            f"{where(take.file, take.group)}: gaze has {gaze.shape[0]} and hands "
            f"{hands.shape[0]} frames (expected {frames})"
        )
    gaze_ok = np.isfinite(gaze[..., 1:]).all(-1) & ~((gaze[..., 1] == -1) & (gaze[..., 2] == -1))
    hands_ok = np.isfinite(hands[..., 1:]).any(-1)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {
        r: (np.zeros(frames, bool), np.zeros(frames, bool)) for r in EGO_ROLES if r in take.sources
    }
    for ids, ok, slot in ((gaze[..., 0], gaze_ok, 0), (hands[..., 0], hands_ok, 1)):
        for cid in np.unique(ids[np.isfinite(ids)]).astype(int):
            role = CAMERA_TYPE_NAMES.get(int(cid))
            if role is None:
                continue
            entry = out.setdefault(role, (np.zeros(frames, bool), np.zeros(frames, bool)))
            entry[slot][:] |= ((ids == cid) & ok).any(-1)
    return out

"""Generate one take end to end (model, noise, signals, media) and write its group."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import h5py
import numpy as np

from orgraph.core.keys import take_key
from orgraph.core.vocabulary import ENTITIES, RELATIONS
from orgraph.loader.synth import media, naming, sensors, writer
from orgraph.loader.synth.cloud import Cloud
from orgraph.loader.synth.layout import Layout, make_layout
from orgraph.loader.synth.noise import annotated_mask, apply_noise
from orgraph.loader.synth.scales import TakeSpec
from orgraph.loader.synth.sensors import SensorOptions
from orgraph.loader.synth.signals import make_signals
from orgraph.loader.synth.workflow import Rows, build_take

Triplet = tuple[str, str, str]
NOMINAL_SIZE = (48, 64)
"""Pixel space of gaze and hands when no RGB frames are written (rgb=None)."""
RGB_BLOCK = 256


@dataclass
class SynthTake:
    """What was generated for one take: the truth that readers are tested against."""

    surgery_type: str
    procedure_id: int
    take_id: int
    frames: int
    sources: tuple[str, ...]
    """Canonical source names, in file order (axis 1 of frames/rgb)."""
    split: str
    annotations: dict[int, list[Triplet]] = field(default_factory=dict)
    """Annotated frame -> canonical triplets exactly as written (noise included), in order."""
    phases: tuple[str, ...] = ()
    """Phase name of every frame (the workflow model's truth; not stored in the file)."""
    sounds: dict[str, np.ndarray] | None = None
    """Per-frame bool masks of what made the sound (audio.Sound.events); None: no audio."""
    snippet_samples: int = 0
    """Samples per frame in audio/snippets (0 without audio)."""
    cloud: Cloud | None = None
    """The point cloud's plan (role walks, object slots); None: no point cloud."""
    points: int = 0
    """Points per frame (0 without a point cloud)."""

    @property
    def key(self) -> str:
        """SURGERY/PROCEDURE/TAKE, as loader.takes.TakeInfo.key."""
        return take_key(self.surgery_type, self.procedure_id, self.take_id)


def _rngs(seed: int, key: str) -> list[np.random.Generator]:
    ss = np.random.SeedSequence([seed, zlib.crc32(key.encode())])
    return [np.random.default_rng(s) for s in ss.spawn(8)]


def _by_frame(
    frame: np.ndarray, s: np.ndarray, r: np.ndarray, o: np.ndarray
) -> dict[int, list[Triplet]]:
    ents, rels = np.array(ENTITIES, dtype=object), np.array(RELATIONS, dtype=object)
    trip = list(zip(ents[s].tolist(), rels[r].tolist(), ents[o].tolist(), strict=True))
    out: dict[int, list[Triplet]] = {}
    if not trip:
        return out
    cuts = np.flatnonzero(np.diff(frame)) + 1
    starts = np.concatenate([[0], cuts]).tolist()
    ends = np.concatenate([cuts, [len(trip)]]).tolist()
    for f, a, b in zip(frame[starts].tolist(), starts, ends, strict=True):
        out[f] = trip[a:b]
    return out


def _write_rgb(
    g: h5py.Group,
    rows: Rows,
    layout: Layout,
    sources: tuple[str, ...],
    frames: int,
    rgb: tuple[int, int] | None,
    missing: np.ndarray,
) -> None:
    """frames/rgb: rendered views, or 1x1 placeholders when rgb is None."""
    if rgb is None:
        ds = writer.create_rgb(g, frames, len(sources), (1, 1), per_frame=False)
        ds[...] = media.placeholder(sources, frames, missing)
        return
    ds = writer.create_rgb(g, frames, len(sources), rgb, per_frame=True)
    for lo in range(0, frames, RGB_BLOCK):
        hi = min(frames, lo + RGB_BLOCK)
        ds[lo:hi] = media.render(rows, layout, sources, lo, hi, rgb, missing)


def _write_sensors(
    g: h5py.Group,
    rows: Rows,
    spec: TakeSpec,
    sources: tuple[str, ...],
    sensor: SensorOptions,
    r_audio: np.random.Generator,
    r_cloud: np.random.Generator,
) -> tuple[dict[str, np.ndarray] | None, Cloud | None]:
    """audio/* and point_cloud/* when asked for and the take does not leave them out."""
    sounds = plan = None
    if sensor.audio and sensors.AUDIO not in spec.without:
        samples = sensor.snippet_samples
        sounds = sensors.write_audio(g, rows, spec.frames, sources, samples, r_audio)
    if sensor.point_cloud and sensors.POINT_CLOUD not in spec.without:
        plan = sensors.write_point_cloud(
            g, rows, spec.frames, spec.surgery_type, sources, sensor.points, r_cloud
        )
    return sounds, plan


def generate_take(
    parent: h5py.Group,
    spec: TakeSpec,
    seed: int,
    rgb: tuple[int, int] | None,
    sensor: SensorOptions | None = None,
) -> SynthTake:
    """Create /data/<type>/<procedure>/take/<take> under `parent` and return its truth.

    `sensor` (resolved: no None left) says whether to write audio and the point cloud.
    """
    sensor = sensor or SensorOptions(audio=False, point_cloud=False)
    rngs = _rngs(seed, spec.key)
    r_model, r_noise, r_names, r_layout, r_signals, r_media, r_audio, r_cloud = rngs
    sources, raw_sources = naming.take_sources(
        spec.surgery_type, spec.procedure_id, spec.take_id, r_names
    )
    raw_ent, raw_rel = naming.raw_name_tables(r_names)
    ent_ids, rel_ids = naming.vocab_ids(raw_ent, raw_rel)

    annotated = annotated_mask(spec.frames, r_noise)
    model = build_take(spec.surgery_type, spec.frames, annotated, r_model)
    written = apply_noise(model.rows, annotated, spec.surgery_type, r_noise)
    layout = make_layout(sources, spec.frames, r_layout)
    size = rgb if rgb is not None else NOMINAL_SIZE
    where = (spec.surgery_type, spec.procedure_id, spec.take_id)
    sig = make_signals(model.rows, layout, sources, spec.frames, size, where, r_signals)
    missing = media.missing_cameras(len(sources), spec.frames, r_media)

    g = parent.create_group(f"data/{spec.surgery_type}/{spec.procedure_id}/take/{spec.take_id}")
    writer.write_sources(g, raw_sources, as_bytes=spec.surgery_type == "MISS")
    _write_rgb(g, model.rows, layout, sources, spec.frames, rgb, missing)
    writer.write_array(g, "eye_gaze/coordinates", sig.gaze)
    writer.write_array(g, "eye_gaze_depth/values", sig.depth)
    writer.write_array(g, "hand_tracking/positions", sig.hands)

    raw = np.empty((len(written), 3), dtype=f"S{max(len(n) for n in raw_ent)}")
    raw[:, 0], raw[:, 1], raw[:, 2] = raw_ent[written.s], raw_rel[written.r], raw_ent[written.o]
    ids = np.stack([ent_ids[written.s], rel_ids[written.r], ent_ids[written.o]], axis=1)
    writer.write_annotations(g, written.frame, raw, ids)
    sounds, plan = _write_sensors(g, model.rows, spec, sources, sensor, r_audio, r_cloud)

    return SynthTake(
        spec.surgery_type,
        spec.procedure_id,
        spec.take_id,
        spec.frames,
        sources,
        spec.split,
        _by_frame(written.frame, written.s, written.r, written.o),
        tuple(model.phase_names[i] for i in model.phase.tolist()),
        sounds,
        sensor.snippet_samples if sounds is not None else 0,
        plan,
        sensor.points if plan is not None else 0,
    )

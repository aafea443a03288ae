"""Tiny EgoExOR files in the exact real layout, written with plain h5py for reader tests.

Independent of loader.synth on purpose: the reader is tested against the format
doc, with options for the variants real files show (bytes/str attributes,
fixed/variable-length strings) and hooks for the bad cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from orgraph.core.vocabulary import (
    CAMERA_TYPE_IDS,
    CANONICAL_TO_RAW_ENTITY,
    CANONICAL_TO_RAW_RELATION,
    EGO_ROLES,
    ENTITIES,
    RAW_SOURCE_ALIASES,
    RELATIONS,
)

RAW_ENTITIES = [CANONICAL_TO_RAW_ENTITY.get(e, e) for e in ENTITIES] + ["operating_table"]
RAW_RELATIONS = [CANONICAL_TO_RAW_RELATION.get(r, r) for r in RELATIONS] + ["looking"]

RawTriplet = tuple[str, str, str]


@dataclass
class FxTake:
    """One take to write: raw source names and raw triplets per annotated frame."""

    surgery_type: str = "MISS"
    procedure_id: int = 1
    take_id: int = 1
    frames: int = 6
    sources: tuple[str, ...] = ("assistant", "head_surgeon", "anaesthetist", "external_1")
    annotations: dict[int, list[RawTriplet]] = field(default_factory=dict)
    split: str | None = "train"

    @property
    def group(self) -> str:
        """HDF5 path of the take group."""
        return f"/data/{self.surgery_type}/{self.procedure_id}/take/{self.take_id}"

    @property
    def ego(self) -> list[str]:
        """Raw egocentric source names, in source order (the gaze/hands columns)."""
        return [s for s in self.sources if RAW_SOURCE_ALIASES.get(s, s) in EGO_ROLES]


def cam_id(raw_source: str) -> int:
    """Global camera_type_id of a raw source name."""
    return CAMERA_TYPE_IDS[RAW_SOURCE_ALIASES.get(raw_source, raw_source)]


def gaze_xy(frame: int, col: int) -> tuple[float, float]:
    """The gaze written for a frame and ego column; frame 1 column 0 is invalid (-1, -1)."""
    if frame == 1 and col == 0:
        return (-1.0, -1.0)
    return (100.0 + frame + 10 * col, 50.0 + frame)


def depth_value(frame: int, col: int) -> float:
    """The gaze depth written; frame 2 is unknown (1.0) and frame 3 column 1 is NaN."""
    if frame == 2:
        return 1.0
    if frame == 3 and col == 1:
        return float("nan")
    return 0.5 + 0.125 * col


def hand_points(frame: int, col: int) -> np.ndarray:
    """[8, 2] hand points written; frame 3 column 0 is all NaN."""
    if frame == 3 and col == 0:
        return np.full((8, 2), np.nan, dtype=np.float32)
    return (np.arange(16, dtype=np.float32) + 100 * frame + 1000 * col).reshape(8, 2)


def rgb_value(frame: int, cam: int) -> int:
    """The constant pixel value of camera index `cam` at `frame`."""
    return (frame * 16 + cam + 1) % 256


def _text(value: str, str_attrs: bool) -> str | bytes:
    return value if str_attrs else value.encode()


def _vocab(names: list[str], vlen: bool) -> np.ndarray:
    """Compound (name, id) rows, names as variable-length str or fixed bytes."""
    name_dt = h5py.string_dtype() if vlen else f"S{max(map(len, names))}"
    arr = np.empty(len(names), dtype=[("name", name_dt), ("id", "<i4")])
    arr["name"] = names if vlen else [n.encode() for n in names]
    arr["id"] = np.arange(len(names))
    return arr


def write_take(
    f: h5py.File, t: FxTake, *, str_attrs: bool = False, vlen: bool = False, rgb: bool = True
) -> None:
    """One take group with sources, per-frame media and annotations."""
    g = f.create_group(t.group)
    src = g.create_group("sources")
    src.attrs["source_count"] = len(t.sources)
    for i, s in enumerate(t.sources):
        src.attrs[f"source_{i}"] = _text(s, str_attrs)
    if rgb:
        images = np.zeros((t.frames, len(t.sources), 4, 5, 3), dtype=np.uint8)
        for fr in range(t.frames):
            for c in range(len(t.sources)):
                images[fr, c] = rgb_value(fr, c)
        g.create_dataset("frames/rgb", data=images, compression="gzip", chunks=(1, 1, 4, 5, 3))
    ego = t.ego
    gaze = np.zeros((t.frames, len(ego), 3), dtype=np.float32)
    depth = np.zeros((t.frames, len(ego)), dtype=np.float32)
    hands = np.zeros((t.frames, len(ego), 17), dtype=np.float32)
    for fr in range(t.frames):
        for j, s in enumerate(ego):
            gaze[fr, j] = (cam_id(s), *gaze_xy(fr, j))
            depth[fr, j] = depth_value(fr, j)
            hands[fr, j, 0] = cam_id(s)
            hands[fr, j, 1:] = hand_points(fr, j).reshape(-1)
    g["eye_gaze/coordinates"] = gaze
    g["eye_gaze_depth/values"] = depth
    g["hand_tracking/positions"] = hands
    ann = g.create_group("annotations")
    for fr, triplets in sorted(t.annotations.items()):
        fg = ann.create_group(f"frame_{fr}")
        if vlen:
            data = np.array(triplets, dtype=object).reshape(-1, 3)
            fg.create_dataset("rel_annotations", data=data, dtype=h5py.string_dtype())
        else:
            width = max([len(x) for row in triplets for x in row], default=1)
            data = np.array([[x.encode() for x in row] for row in triplets], dtype=f"S{width}")
            fg.create_dataset("rel_annotations", data=data.reshape(-1, 3))
        ent = {n: i for i, n in enumerate(RAW_ENTITIES)}
        rel = {n: i for i, n in enumerate(RAW_RELATIONS)}
        ids = [[ent.get(s, -1), rel.get(r, -1), ent.get(o, -1)] for s, r, o in triplets]
        fg["scene_graph"] = np.array(ids, dtype=np.float32).reshape(-1, 3)


def write_splits_group(f: h5py.File, takes: list[FxTake], seed: int = 0) -> None:
    """/splits/train|validation|test: one shuffled row per frame of each take in that split."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(
        [
            ("surgery_type", h5py.string_dtype()),
            ("procedure_id", "<i4"),
            ("take_id", "<i4"),
            ("frame_id", "<i4"),
        ]
    )
    for name in ("train", "validation", "test"):
        rows = [
            (t.surgery_type, t.procedure_id, t.take_id, fr)
            for t in takes
            if t.split == name
            for fr in range(t.frames)
        ]
        arr = np.array(rows, dtype=dt) if rows else np.empty(0, dtype=dt)
        rng.shuffle(arr)
        f.create_dataset(f"splits/{name}", data=arr, compression="gzip" if rows else None)


def write_egoexor(
    path: Path,
    takes: list[FxTake],
    *,
    splits: bool = True,
    str_attrs: bool = False,
    vlen: bool = False,
    rgb: bool = True,
) -> Path:
    """A whole file: metadata, every take, and /splits when `splits` (a merged file)."""
    with h5py.File(path, "w") as f:
        f.create_dataset("metadata/vocabulary/entity", data=_vocab(RAW_ENTITIES, vlen or str_attrs))
        f.create_dataset(
            "metadata/vocabulary/relation", data=_vocab(RAW_RELATIONS, vlen or str_attrs)
        )
        sources = sorted({s for t in takes for s in t.sources})
        f.create_dataset("metadata/sources/sources", data=_vocab(sources, vlen))
        meta = f.create_group("metadata/dataset")
        meta.attrs["version"] = "1.0"
        meta.attrs["title"] = _text("EgoExOR test fixture", str_attrs)
        for t in takes:
            write_take(f, t, str_attrs=str_attrs, vlen=vlen, rgb=rgb)
        if splits:
            write_splits_group(f, takes)
    return path


def write_splits(path: Path, takes: list[FxTake]) -> Path:
    """A standalone splits.h5."""
    with h5py.File(path, "w") as f:
        write_splits_group(f, takes)
    return path


def standard_takes() -> list[FxTake]:
    """Three takes over two surgery types, with raw spellings, gaps and an empty frame."""
    miss = FxTake(
        "MISS",
        1,
        2,
        frames=6,
        split="train",
        annotations={
            0: [
                ("patient", "lyingOn", "operation_table"),
                ("head_surgeon", "holding", "scalpel"),
                ("anaesthetist", "closeTo", "operating_table"),
            ],
            2: [
                ("assistant", "checking", "instrument_table"),
                ("assistant", "looking", "microcope"),
            ],
            3: [],
            5: [("head_surgeon", "holding", "scalpel"), ("head_surgeon", "holding", "scalpel")],
        },
    )
    miss_b = FxTake(
        "MISS",
        1,
        1,
        frames=4,
        split="validation",
        sources=("head_surgeon", "circulator", "microscope"),
        annotations={1: [("circulator", "anesthasing", "patient")]},
    )
    us = FxTake(
        "Ultrasound",
        3,
        1,
        frames=5,
        split="test",
        sources=("head_surgeon", "assistant", "ultrasound", "external_2"),
        annotations={
            4: [
                ("head_surgeon", "scanning", "patient"),
                ("ultrasound_probe", "touching", "patient"),
            ]
        },
    )
    return [miss, miss_b, us]

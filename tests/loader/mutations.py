"""Seeded mutations of a valid EgoExOR file, for the fault-injection suite (test_faults.py).

Each mutation edits a copy of the file in place with its own random.Random, seeded by the
case name, so a failing case reproduces exactly. They cover truncation, flipped bytes
(annotation chunks and anywhere), renamed and deleted groups and attributes, wrong dtypes
and shapes, links and split rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np

Mutation = Callable[[Path, random.Random], None]


def _takes(f: h5py.File) -> list[str]:
    out: list[str] = []
    f["data"].visit(lambda name: out.append("/data/" + name) if name.count("/") == 3 else None)
    return sorted(p for p in out if "/take/" in p)


def _frames(f: h5py.File, take: str) -> list[str]:
    return sorted(f"{take}/annotations/{n}" for n in f[take + "/annotations"])


def _pick_frame(f: h5py.File, rng: random.Random) -> str:
    frames = [fr for t in _takes(f) for fr in _frames(f, t)]
    return rng.choice(frames)


def _edit(fn: Callable[[h5py.File, random.Random], None]) -> Mutation:
    def run(path: Path, rng: random.Random) -> None:
        with h5py.File(path, "r+") as f:
            fn(f, rng)

    return run


def truncate(path: Path, rng: random.Random) -> None:
    """Cut the file at a random offset."""
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data) // 50, len(data))])


def flip_annotation_bytes(path: Path, rng: random.Random) -> None:
    """Flip bits inside the stored bytes of random rel_annotations (compact datasets keep
    them in their object header: found by their content)."""
    with h5py.File(path, "r") as f:
        stored = [f[_pick_frame(f, rng) + "/rel_annotations"][()].tobytes() for _ in range(4)]
    data = bytearray(path.read_bytes())
    spans = [(data.find(raw), len(raw)) for raw in stored if raw]
    spans = [(at, size) for at, size in spans if at >= 0]
    assert spans, "no stored annotation bytes found to flip"
    for offset, size in spans:
        for _ in range(3):
            data[offset + rng.randrange(size)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def flip_any_bytes(path: Path, rng: random.Random) -> None:
    """Flip a few random bytes anywhere (metadata, chunk indexes, data)."""
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 0xFF
    path.write_bytes(bytes(data))


def flip_header_bytes(path: Path, rng: random.Random) -> None:
    """Flip bytes in the object headers of random annotation groups and datasets."""
    with h5py.File(path, "r") as f:
        frames = [_pick_frame(f, rng) for _ in range(3)]
        nodes = [f[fr] for fr in frames] + [f[fr + "/rel_annotations"] for fr in frames]
        addrs = [h5py.h5o.get_info(n.id).addr for n in nodes]
    data = bytearray(path.read_bytes())
    for addr in addrs:
        data[addr + rng.randrange(48)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def rename_frame(f: h5py.File, rng: random.Random) -> None:
    frame = _pick_frame(f, rng)
    idx = frame.rsplit("_", 1)[1]
    new = rng.choice([f"frame_0{idx}", f"Frame_{idx}", f"frame_{idx}x", "frame_-1", "frame_\u0663"])
    f.move(frame, frame.rsplit("/", 1)[0] + "/" + new)


def duplicate_frame(f: h5py.File, rng: random.Random) -> None:
    """A second group for one frame under a zero-padded name."""
    frame = _pick_frame(f, rng)
    idx = frame.rsplit("_", 1)[1]
    f.copy(frame, frame.rsplit("/", 1)[0] + f"/frame_{int(idx):03d}")


def delete_node(f: h5py.File, rng: random.Random) -> None:
    take = rng.choice(_takes(f))
    choice = rng.choice(
        [
            take + "/annotations",
            take + "/sources",
            take + "/eye_gaze",
            take + "/hand_tracking/positions",
            _pick_frame(f, rng) + "/rel_annotations",
            "/metadata/vocabulary/relation",
            "/data",
        ]
    )
    del f[choice]


def delete_attribute(f: h5py.File, rng: random.Random) -> None:
    src = f[rng.choice(_takes(f)) + "/sources"]
    del src.attrs[rng.choice(sorted(src.attrs))]


def wrong_attribute(f: h5py.File, rng: random.Random) -> None:
    src = f[rng.choice(_takes(f)) + "/sources"]
    src.attrs["source_count"] = rng.choice(["three", np.float64("nan"), -2, 2.5, 999])


def _replace(f: h5py.File, path: str, data: np.ndarray, keep_dtype: bool = False) -> None:
    """Replace a dataset by `data` (in the old dataset's dtype when keep_dtype)."""
    dtype = f[path].dtype if keep_dtype else None
    del f[path]
    f.create_dataset(path, data=data, dtype=dtype)


def wrong_dtype(f: h5py.File, rng: random.Random) -> None:
    take = rng.choice(_takes(f))
    kind = rng.choice(["annotation", "gaze", "vocabulary"])
    if kind == "annotation":
        path = _pick_frame(f, rng) + "/rel_annotations"
        _replace(f, path, np.arange(f[path].shape[0] * 3, dtype=np.int32).reshape(-1, 3))
    elif kind == "gaze":
        path = take + "/eye_gaze/coordinates"
        _replace(f, path, f[path][()].astype("S8"))
    else:
        rows = f["metadata/vocabulary/entity"][()]
        out = np.empty(len(rows), dtype=[("name", rows.dtype["name"]), ("id", "S4")])
        out["name"], out["id"] = rows["name"], [b"x"] * len(rows)
        _replace(f, "metadata/vocabulary/entity", out)


def wrong_shape(f: h5py.File, rng: random.Random) -> None:
    take = rng.choice(_takes(f))
    kind = rng.choice(["annotation", "gaze", "hands", "depth"])
    if kind == "annotation":
        path = _pick_frame(f, rng) + "/rel_annotations"
        _replace(f, path, f[path][()].reshape(-1)[: max(1, f[path].size - 1)])
    else:
        name = {
            "gaze": "eye_gaze/coordinates",
            "hands": "hand_tracking/positions",
            "depth": "eye_gaze_depth/values",
        }[kind]
        data = f[f"{take}/{name}"][()]
        cut = rng.choice([data[: len(data) // 2], data[..., :1], data.reshape(len(data), -1)])
        _replace(f, f"{take}/{name}", cut)


def add_link(f: h5py.File, rng: random.Random) -> None:
    frame = _pick_frame(f, rng)
    parent = frame.rsplit("/", 1)[0]
    kind = rng.choice(["loop", "dangling", "external", "hard"])
    if kind == "loop":
        del f[frame]
        f[frame] = h5py.SoftLink(frame)
    elif kind == "dangling":
        del f[frame]
        f[frame] = h5py.SoftLink(parent + "/nowhere")
    elif kind == "external":
        del f[frame]
        f[frame] = h5py.ExternalLink("missing.h5", "/x")
    else:  # a valid name hard-linked to another frame's group: still one group per name
        names = sorted(f[parent])
        free = next(i for i in range(10_000) if f"frame_{i}" not in names)
        take = parent.rsplit("/", 1)[0]
        if free < f[take + "/eye_gaze/coordinates"].shape[0]:
            f[f"{parent}/frame_{free}"] = f[frame]


def bad_split_rows(f: h5py.File, rng: random.Random) -> None:
    rows = f["splits/train"][()]
    kind = rng.choice(["beyond", "twice", "ghost"])
    if kind == "beyond":
        rows["frame_id"][0] = 10**6
    elif kind == "ghost":
        rows["take_id"][0] = 99
    else:
        other = f["splits/test"][()]
        _replace(f, "splits/test", np.concatenate([other, rows[:1]]), keep_dtype=True)
        return
    _replace(f, "splits/train", rows, keep_dtype=True)


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip_annotation_bytes": flip_annotation_bytes,
    "flip_any_bytes": flip_any_bytes,
    "flip_header_bytes": flip_header_bytes,
    "rename_frame": _edit(rename_frame),
    "duplicate_frame": _edit(duplicate_frame),
    "delete_node": _edit(delete_node),
    "delete_attribute": _edit(delete_attribute),
    "wrong_attribute": _edit(wrong_attribute),
    "wrong_dtype": _edit(wrong_dtype),
    "wrong_shape": _edit(wrong_shape),
    "add_link": _edit(add_link),
    "bad_split_rows": _edit(bad_split_rows),
}

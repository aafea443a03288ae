"""Which takes each scale generates, how long they are, their split and the file they go to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.errors import ConfigError
from orgraph.core.keys import take_key

SCALES: tuple[str, ...] = ("tiny", "small", "egoexor")
EGOEXOR_FRAMES = 84_553


@dataclass(frozen=True)
class TakeSpec:
    """One take to generate."""

    surgery_type: str
    procedure_id: int
    take_id: int
    frames: int
    split: str
    file_stem: str
    """Per-procedure file name without .h5, e.g. miss_1 or ultrasound_5_14."""
    without: tuple[str, ...] = ()
    """Optional modalities ('audio', 'point_cloud') this take leaves out, as some real takes do."""

    @property
    def key(self) -> str:
        return take_key(self.surgery_type, self.procedure_id, self.take_id)


def _stem(surgery_type: str, procedure_id: int, take_id: int) -> str:
    if surgery_type == "MISS":
        return f"miss_{procedure_id}"
    if procedure_id == 5:  # the real Ultrasound/5 is split over two files
        return "ultrasound_5_14" if take_id <= 4 else "ultrasound_5_58"
    return f"ultrasound_{procedure_id}"


# (surgery_type, procedure_id, take ids)
_EGOEXOR_TAKES: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("MISS", 1, (1, 2, 3, 4)),
    ("MISS", 2, (1, 2, 3, 4)),
    ("MISS", 3, (1, 2, 3, 4, 5, 6)),
    ("MISS", 4, (1, 2)),
    ("Ultrasound", 1, (1,)),
    ("Ultrasound", 2, (1, 2, 3, 4, 5, 6)),
    ("Ultrasound", 3, (1, 2, 3, 4)),
    ("Ultrasound", 4, (1, 2, 3, 4, 5, 6)),
    ("Ultrasound", 5, (1, 4, 5, 8)),
)
_EGOEXOR_SPLIT = {
    "MISS/3/6": "validation",
    "Ultrasound/4/4": "validation",
    "Ultrasound/5/5": "validation",
    "MISS/4/1": "test",
    "MISS/4/2": "test",
    "Ultrasound/4/5": "test",
    "Ultrasound/4/6": "test",
    "Ultrasound/5/8": "test",
}
_SMALL_TAKES: tuple[tuple[str, int, int, str], ...] = (
    ("MISS", 1, 1, "train"),
    ("MISS", 1, 2, "train"),
    ("MISS", 2, 1, "train"),
    ("MISS", 3, 1, "validation"),
    ("MISS", 4, 1, "test"),
    ("Ultrasound", 2, 1, "train"),
    ("Ultrasound", 2, 2, "train"),
    ("Ultrasound", 3, 1, "train"),
    ("Ultrasound", 4, 1, "validation"),
    ("Ultrasound", 4, 2, "test"),
)
_TINY_TAKES: tuple[tuple[str, int, int, str], ...] = (
    ("MISS", 1, 1, "train"),
    ("Ultrasound", 2, 1, "train"),
    ("MISS", 1, 2, "validation"),
    ("MISS", 2, 1, "test"),
    ("Ultrasound", 3, 1, "test"),
)
_WITHOUT: dict[str, dict[str, tuple[str, ...]]] = {
    "tiny": {"MISS/1/2": ("audio",), "Ultrasound/3/1": ("point_cloud",)},
    "small": {
        "MISS/2/1": ("audio",),
        "MISS/4/1": ("audio", "point_cloud"),
        "Ultrasound/3/1": ("point_cloud",),
    },
    "egoexor": {"MISS/3/5": ("audio",), "Ultrasound/1/1": ("point_cloud",)},
}
"""Takes that leave out a modality at each scale, so that readers meet the absent case."""
_MEAN_FRAMES = {"MISS": 2600.0, "Ultrasound": 2100.0}


def _lengths(
    types: list[str], total: int | None, per_take: float, rng: np.random.Generator
) -> np.ndarray:
    """Take lengths: lognormal around the procedure's mean, scaled to `total` when given."""
    mean = np.array([_MEAN_FRAMES[t] for t in types])
    raw = mean * rng.lognormal(0.0, 0.25, size=len(types))
    if total is None:
        return np.maximum(20, np.round(raw / mean.mean() * per_take)).astype(np.int64)
    out = np.floor(raw / raw.sum() * total).astype(np.int64)
    out[np.argmax(out)] += total - int(out.sum())
    return out


def take_specs(scale: str, seed: int) -> list[TakeSpec]:
    """The takes of a scale, in file then take order; deterministic for a seed."""
    if scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    rng = np.random.default_rng([seed, SCALES.index(scale), 7])
    if scale == "egoexor":
        rows = [
            (st, p, t, _EGOEXOR_SPLIT.get(take_key(st, p, t), "train"))
            for st, p, ids in _EGOEXOR_TAKES
            for t in ids
        ]
        lengths = _lengths([r[0] for r in rows], EGOEXOR_FRAMES, 0.0, rng)
    else:
        rows = list(_TINY_TAKES if scale == "tiny" else _SMALL_TAKES)
        lengths = _lengths([r[0] for r in rows], None, 70.0 if scale == "tiny" else 600.0, rng)
    specs = [
        TakeSpec(
            st, p, t, int(n), split, _stem(st, p, t), _WITHOUT[scale].get(take_key(st, p, t), ())
        )
        for (st, p, t, split), n in zip(rows, lengths, strict=True)
    ]
    return sorted(specs, key=lambda s: (s.surgery_type != "MISS", s.procedure_id, s.take_id))

"""generate(): write a synthetic EgoExOR dataset (per-procedure files + splits.h5, or merged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import h5py
import numpy as np

from orgraph.core.errors import ConfigError
from orgraph.core.progress import Progress
from orgraph.core.vocabulary import SPLITS
from orgraph.loader.synth import writer
from orgraph.loader.synth.scales import SCALES, TakeSpec, take_specs
from orgraph.loader.synth.sensors import SensorOptions
from orgraph.loader.synth.take import SynthTake, generate_take

MERGED_NAME = "egoexor.h5"
SPLITS_NAME = "splits.h5"
MAX_SIDE = 2048


@dataclass
class SynthResult:
    """Files written and the truth of every take, in file order."""

    files: list[Path]
    splits: Path | None
    """splits.h5 when not merged (the merged file holds /splits itself)."""
    takes: list[SynthTake] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return sum(t.frames for t in self.takes)

    @property
    def triplets(self) -> int:
        return sum(len(v) for t in self.takes for v in t.annotations.values())


def check_rgb(rgb: tuple[int, int] | None) -> tuple[int, int] | None:
    """Validate an (H, W) frame size; ConfigError naming the parameter otherwise."""
    if rgb is None:
        return None
    ok = (
        isinstance(rgb, tuple | list)
        and len(rgb) == 2
        and all(isinstance(v, int | np.integer) and 4 <= v <= MAX_SIDE for v in rgb)
    )
    if not ok:
        raise ConfigError(
            f"rgb must be (height, width) with each side in 4..{MAX_SIDE}, got {rgb!r}"
        )
    return int(rgb[0]), int(rgb[1])


def _split_tables(specs: list[TakeSpec], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng([seed, 11])
    return {
        name: writer.split_table(
            [
                (s.surgery_type, s.procedure_id, s.take_id, s.frames)
                for s in specs
                if s.split == name
            ],
            rng,
        )
        for name in SPLITS
    }


@dataclass
class _Part:
    """A file being written under a temporary name, renamed to `final` when all succeeded."""

    part: Path
    final: Path


@dataclass(frozen=True)
class _Job:
    """What one generate() call writes."""

    specs: list[TakeSpec]
    seed: int
    merged: bool
    rgb: tuple[int, int] | None
    sensor: SensorOptions
    attrs: dict[str, str | int]


def _check_inputs(scale: str, rgb: tuple[int, int] | None, sensor: SensorOptions):
    """The checked scale, frame size and sensor options (defaults of the scale filled in)."""
    if scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    return check_rgb(rgb), sensor.check().resolved(scale)


def _file_groups(specs: list[TakeSpec], merged: bool) -> list[tuple[str, list[TakeSpec]]]:
    """(file stem, its takes): one merged file, or one file per procedure file stem."""
    if merged:
        return [(MERGED_NAME.removesuffix(".h5"), specs)]
    return [(stem, list(g)) for stem, g in groupby(specs, key=lambda s: s.file_stem)]


def _new_part(out_dir: Path, name: str, parts: list[_Part]) -> Path:
    """Register `name` as a file to write; returns its temporary path."""
    final = out_dir / name
    parts.append(_Part(final.with_name(final.name + ".part"), final))
    return parts[-1].part


def _write_data_file(
    path: Path, group: list[TakeSpec], job: _Job, bar: Progress, takes: list[SynthTake]
) -> None:
    """One data file: metadata, then each take of the group (and /splits when merged)."""
    with h5py.File(path, "w") as f:
        writer.write_metadata(f, job.attrs)
        for spec in group:
            takes.append(generate_take(f, spec, job.seed, job.rgb, job.sensor))
            bar.update(spec.frames, note=spec.key)
        if job.merged:
            writer.write_splits(f.create_group("splits"), _split_tables(job.specs, job.seed))


def _write_splits_file(path: Path, job: _Job) -> None:
    """splits.h5 beside the per-procedure files."""
    with h5py.File(path, "w") as f:
        writer.write_splits(f.create_group("splits"), _split_tables(job.specs, job.seed))


def _write_all(out_dir: Path, job: _Job, progress: bool) -> tuple[list[_Part], list[SynthTake]]:
    """Write every file under its temporary name; on any failure remove them all."""
    parts: list[_Part] = []
    takes: list[SynthTake] = []
    total = sum(s.frames for s in job.specs)
    bar = Progress(total, "synth", "frame", enabled=progress)
    try:
        for stem, group in _file_groups(job.specs, job.merged):
            _write_data_file(_new_part(out_dir, f"{stem}.h5", parts), group, job, bar, takes)
        if not job.merged:
            _write_splits_file(_new_part(out_dir, SPLITS_NAME, parts), job)
    except BaseException:
        for p in parts:
            p.part.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    return parts, takes


def generate(
    out_dir: Path,
    scale: str = "tiny",
    seed: int = 0,
    merged: bool = False,
    rgb: tuple[int, int] | None = (48, 64),
    progress: bool = True,
    sensor: SensorOptions | None = None,
) -> SynthResult:
    """Write a synthetic dataset of the real layout to `out_dir` and return what it holds.

    `sensor` controls audio and the point cloud (default: on for tiny and small, off at
    the egoexor scale). Files are written under a temporary name and renamed at the end,
    so an interrupted run leaves no half-written .h5 behind.
    """
    rgb, resolved = _check_inputs(scale, rgb, sensor or SensorOptions())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    attrs = {"generator": "orgraph synth", "scale": scale, "seed": seed}
    job = _Job(take_specs(scale, seed), seed, merged, rgb, resolved, attrs)
    parts, takes = _write_all(out_dir, job, progress)
    for p in parts:
        p.part.replace(p.final)
    files = [p.final for p in parts if p.final.name != SPLITS_NAME]
    return SynthResult(files, None if merged else out_dir / SPLITS_NAME, takes)

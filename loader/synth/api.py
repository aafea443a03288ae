"""generate(): write a synthetic EgoExOR dataset (per-procedure files + splits.h5, or merged)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import h5py
import numpy as np
from tqdm import tqdm

from orgraph.core.errors import ConfigError
from orgraph.core.vocabulary import SPLITS
from orgraph.loader.synth import writer
from orgraph.loader.synth.scales import SCALES, TakeSpec, take_specs
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


def generate(
    out_dir: Path,
    scale: str = "tiny",
    seed: int = 0,
    merged: bool = False,
    rgb: tuple[int, int] | None = (48, 64),
    progress: bool = True,
) -> SynthResult:
    """Write a synthetic dataset of the real layout to `out_dir` and return what it holds.

    Files are written under a temporary name and renamed at the end, so an interrupted
    run leaves no half-written .h5 behind.
    """
    if scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    rgb = check_rgb(rgb)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = take_specs(scale, seed)
    if merged:
        groups = [(MERGED_NAME.removesuffix(".h5"), specs)]
    else:
        groups = [(stem, list(g)) for stem, g in groupby(specs, key=lambda s: s.file_stem)]
    attrs = {"generator": "orgraph synth", "scale": scale, "seed": seed}
    done: list[tuple[Path, Path]] = []
    takes: list[SynthTake] = []
    bar = tqdm(
        total=sum(s.frames for s in specs),
        unit="frame",
        desc="synth",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        for stem, group in groups:
            final = out_dir / f"{stem}.h5"
            part = final.with_name(final.name + ".part")
            done.append((part, final))
            with h5py.File(part, "w") as f:
                writer.write_metadata(f, attrs)
                for spec in group:
                    bar.set_postfix_str(spec.key)
                    takes.append(generate_take(f, spec, seed, rgb))
                    bar.update(spec.frames)
                if merged:
                    writer.write_splits(f.create_group("splits"), _split_tables(specs, seed))
        if not merged:
            final = out_dir / SPLITS_NAME
            part = final.with_name(final.name + ".part")
            done.append((part, final))
            with h5py.File(part, "w") as f:
                writer.write_splits(f.create_group("splits"), _split_tables(specs, seed))
    except BaseException:
        for part, _ in done:
            part.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    for part, final in done:
        part.replace(final)
    files = [final for _, final in done if final.name != SPLITS_NAME]
    return SynthResult(files, None if merged else out_dir / SPLITS_NAME, takes)

"""Benchmark: the reader's low-level annotation path against the naive h5py way, same run.

Run:  .venv/bin/python bench/read_annotations.py            # egoexor-scale file, generated
      .venv/bin/python bench/read_annotations.py --file X.h5 # any EgoExOR file
      .venv/bin/python bench/read_annotations.py --frames 20000 --keep /tmp/b.h5

The file is made with loader.synth (merged, no rgb) when it is available, else by a
built-in annotation-only writer of the same layout. Each reader runs in its own forked
process, so its peak RSS is its own; both must yield identical triplets.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core.vocabulary import (  # noqa: E402
    CANONICAL_TO_RAW_ENTITY,
    CANONICAL_TO_RAW_RELATION,
    ENTITIES,
    ENTITY_INDEX,
    RELATION_INDEX,
    RELATIONS,
    canonical_entity,
    canonical_relation,
)
from orgraph.loader.reader import EgoExOR  # noqa: E402

REAL_FRAMES, REAL_TAKES, TRIPLETS_PER_FRAME = 84_553, 36, 6.7


def _write_plain(path: Path, frames: int, takes: int, seed: int) -> None:
    """Annotation-only file of the real layout: raw spellings, ~6.7 triplets/frame, some gaps."""
    rng = np.random.default_rng(seed)
    ents = [CANONICAL_TO_RAW_ENTITY.get(e, e).encode() for e in ENTITIES]
    rels = [CANONICAL_TO_RAW_RELATION.get(r, r).encode() for r in RELATIONS]
    per_take = np.full(takes, frames // takes)
    per_take[: frames % takes] += 1
    with h5py.File(path, "w") as f:
        for kind, names in (("entity", ents), ("relation", rels)):
            arr = np.array(
                list(zip(names, range(len(names)), strict=True)),
                dtype=[("name", "S32"), ("id", "<i4")],
            )
            f.create_dataset(f"metadata/vocabulary/{kind}", data=arr)
        for k, n in enumerate(per_take):
            st = "MISS" if k % 2 == 0 else "Ultrasound"
            g = f.create_group(f"data/{st}/{k // 8 + 1}/take/{k % 8 + 1}")
            src = g.create_group("sources")
            src.attrs["source_count"] = 2
            src.attrs["source_0"], src.attrs["source_1"] = b"head_surgeon", b"external_1"
            g["eye_gaze/coordinates"] = np.zeros((n, 1, 3), np.float32)
            ann = g.create_group("annotations")
            for fr in np.flatnonzero(rng.random(n) < 0.98):
                m = max(0, int(rng.poisson(TRIPLETS_PER_FRAME)))
                rows = np.array(
                    [
                        [
                            ents[rng.integers(len(ents))],
                            rels[rng.integers(len(rels))],
                            ents[rng.integers(len(ents))],
                        ]
                        for _ in range(m)
                    ],
                    dtype="S32",
                )
                ann.create_group(f"frame_{fr}")["rel_annotations"] = rows.reshape(-1, 3)


def make_file(out: Path, frames: int, seed: int) -> Path:
    """A merged egoexor-scale file without rgb: loader.synth if present, else the plain writer."""
    try:
        from orgraph.loader.synth import generate  # type: ignore[attr-defined]
    except ImportError:
        generate = None
    if generate is not None and frames == REAL_FRAMES:
        print("generating with loader.synth (egoexor scale, merged, no rgb)")
        result = generate(out, scale="egoexor", seed=seed, merged=True, rgb=None, progress=False)
        return Path(result.files[0])
    print(f"generating {frames:,} frames with the built-in annotation-only writer")
    path = out / "bench_annotations.h5"
    _write_plain(path, frames, REAL_TAKES, seed)
    return path


def _warm(path: Path) -> None:
    """Read the file once in chunks (not kept) so both readers start with it in page cache."""
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def fast(path: Path) -> tuple[int, int, np.ndarray]:
    """The reader: (annotated frames, triplets, checksum of the canonical columns)."""
    frames = triplets = 0
    check = np.zeros(3, np.int64)
    with EgoExOR([path]) as r:
        for ann in r.iter_annotations():
            frames += len(ann.annotated)
            triplets += ann.triplet_count
            check += [ann.subject.sum(), ann.relation.sum(), ann.object.sum()]
    return frames, triplets, check


def naive(path: Path) -> tuple[int, int, np.ndarray]:
    """The obvious way: one grp[name]['rel_annotations'][()] per frame, names mapped per row."""
    ent: dict[bytes, int] = {}
    rel: dict[bytes, int] = {}
    frames = triplets = 0
    check = np.zeros(3, np.int64)
    with EgoExOR([path]) as r, h5py.File(path, "r") as f:
        for t in r.takes:
            grp = f[t.group]["annotations"]
            for name in grp:
                rows = grp[name]["rel_annotations"][()]
                frames += 1
                for s, p, o in rows:
                    for raw in (s, o):
                        if raw not in ent:
                            ent[raw] = ENTITY_INDEX[canonical_entity(raw.decode())]
                    if p not in rel:
                        rel[p] = RELATION_INDEX[canonical_relation(p.decode())]
                    check += (ent[s], rel[p], ent[o])
                    triplets += 1
    return frames, triplets, check


def _child(name: str, path: Path, queue: mp.Queue) -> None:
    """Run one reader, report (seconds, result, peak RSS MiB)."""
    fn = {"fast": fast, "naive": naive}[name]
    t0 = time.perf_counter()
    res = fn(path)
    dt = time.perf_counter() - t0
    queue.put((dt, res, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(name: str, path: Path) -> tuple[float, tuple, float]:
    """One reader in a forked process."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(name, path, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--file", type=Path, help="an existing EgoExOR file (skip generation)")
    ap.add_argument("--frames", type=int, default=REAL_FRAMES, help="frames to generate")
    ap.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if path is None:
            out = args.keep.parent if args.keep else Path(tmp)
            t0 = time.perf_counter()
            path = make_file(out, args.frames, args.seed)
            if args.keep and path != args.keep:
                path = path.rename(args.keep)
            print(f"generated {path} in {time.perf_counter() - t0:.1f} s")
        _warm(path)
        results = {name: run(name, path) for name in ("fast", "naive")}
    (tf, rf, mf), (tn, rn, mn) = results["fast"], results["naive"]
    if rf[0] != rn[0] or rf[1] != rn[1] or not np.array_equal(rf[2], rn[2]):
        print(f"MISMATCH: reader {rf} vs naive {rn}")
        return 1
    frames, triplets = rf[0], rf[1]
    print(f"annotated frames {frames:,}, triplets {triplets:,} (identical in both readers)")
    for label, t, m in (("reader (low-level)", tf, mf), ("naive grp[name][...]", tn, mn)):
        print(
            f"{label:22s} {t:7.2f} s  {frames / t:9,.0f} frames/s  "
            f"{triplets / t:11,.0f} triplets/s  peak RSS {m:6.0f} MiB"
        )
    print(f"speed ratio reader/naive: {tn / tf:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

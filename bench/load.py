"""Load benchmark: the egoexor-scale generated dataset into each backend.

Prints triplets/s per backend, the ratio to a naive loader (one MERGE statement
per triplet, the pattern of typical tutorials) run in the same process on a 2%
subset and extrapolated, how time grows from 1x to 5x the scale on the embedded
engine, and peak memory.

Run:  .venv/bin/python bench/load.py [--scale egoexor|small] [--no-neo4j] [--work DIR]
The Neo4j part uses NEO4J_URI/NEO4J_PASSWORD, or the local server
(`orgraph neo4j start`).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import h5py

from orgraph.core.settings import Settings, load_settings
from orgraph.core.store import GraphStore, open_store
from orgraph.loader.load import LoadOptions, load
from orgraph.loader.reader import EgoExOR
from orgraph.loader.synth import generate


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def timed_load(settings: Settings, opts: LoadOptions) -> tuple[float, int]:
    """Seconds to open the store, load every take and close it (an embedded close checkpoints)."""
    start = time.perf_counter()
    with open_store(settings, read_only=False) as store:
        report = load(store, opts, force=True, progress=False)
    return time.perf_counter() - start, report.triplets


def naive_load(store: GraphStore, opts: LoadOptions, fraction: float) -> tuple[float, int]:
    """One auto-committed MERGE statement per triplet, on the first `fraction` of frames."""
    if store.backend == "embedded":
        store.write("CREATE NODE TABLE IF NOT EXISTS NaiveEntity(key STRING, PRIMARY KEY(key))")
        store.write(
            "CREATE REL TABLE IF NOT EXISTS NAIVE_REL(FROM NaiveEntity TO NaiveEntity, "
            "relation STRING, frame STRING)"
        )
    cypher = (
        "MERGE (s:NaiveEntity {key: $s}) MERGE (o:NaiveEntity {key: $o}) "
        "MERGE (s)-[:NAIVE_REL {relation: $r, frame: $f}]->(o)"
    )
    count = 0
    start = time.perf_counter()
    with EgoExOR(list(opts.paths), splits=opts.splits) as reader:
        for take in reader.takes:
            ann = reader.read_annotations(take)
            limit = int(len(ann.frame) * fraction)
            for i, (frame, (s, r, o)) in enumerate(ann.triplets()):
                if i >= limit:
                    break
                store.write(
                    cypher,
                    {
                        "s": f"{take.key}/{s}",
                        "o": f"{take.key}/{o}",
                        "r": r,
                        "f": f"{take.key}#{frame}",
                    },
                )
                count += 1
    elapsed = time.perf_counter() - start
    store.write("MATCH (n:NaiveEntity) DETACH DELETE n")
    return elapsed, count


def replicate(files: list[Path], times: int, out: Path) -> list[Path]:
    """Copies of the files whose procedures are renumbered, so each copy is new takes."""
    copies = []
    for k in range(times):
        for f in files:
            dst = out / f"x{k}_{f.name}"
            shutil.copy(f, dst)
            with h5py.File(dst, "r+") as h5:
                for stype in list(h5["data"]):
                    for pid in list(h5[f"data/{stype}"]):
                        h5.move(f"data/{stype}/{pid}", f"data/{stype}/{int(pid) + 100 * (k + 1)}")
            copies.append(dst)
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="egoexor")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--naive-fraction", type=float, default=0.02)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="orgraph-bench-"))
    data = generate(work / "h5", scale=args.scale, seed=0, rgb=None, progress=False)
    opts = LoadOptions(tuple(data.files), data.splits)
    backends: list[Settings] = [Settings(backend="embedded", db=work / "graph")]
    if not args.no_neo4j:
        backends.append(load_settings(backend="neo4j"))
    rows = []
    for settings in backends:
        if settings.backend == "neo4j":
            with open_store(settings, read_only=False) as store:
                store.write_batched(  # type: ignore[attr-defined]
                    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                )
        seconds, triplets = timed_load(settings, opts)
        with open_store(settings, read_only=False) as store:
            naive_s, naive_n = naive_load(store, opts, args.naive_fraction)
        ours = triplets / seconds
        naive = naive_n / naive_s
        rows.append((settings.backend, seconds, ours, naive, ours / naive))
        print(
            f"{settings.backend:9s} load {seconds:6.1f} s  {ours:10,.0f} triplets/s   "
            f"naive {naive:8,.0f} triplets/s ({naive_n} triplets, extrapolated full "
            f"{triplets / naive:7.0f} s)   ratio {ours / naive:6.1f}x",
            flush=True,
        )
    times = {}
    for k in (1, 5):
        scratch = Path(tempfile.mkdtemp(dir=work))
        files = replicate(list(data.files), k, scratch)
        settings = Settings(backend="embedded", db=scratch / "graph")
        times[k], _ = timed_load(settings, LoadOptions(tuple(files)))
        print(f"embedded  {k}x scale: {times[k]:6.1f} s", flush=True)
        shutil.rmtree(scratch)  # several GB at 5x
    print(f"growth 1x -> 5x: {times[5] / times[1]:.2f}x time for 5x data (linear = 5.00)")
    print(f"peak memory: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

"""What the store benchmarks (bench/queries.py, bench/find.py) share: their options, the
generated dataset kept in --work, and the stores that hold exactly it (embedded, then
Neo4j when a server answers), plus the timing loop they measure with."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core.errors import OrgraphError  # noqa: E402
from orgraph.core.settings import load_settings  # noqa: E402
from orgraph.core.store import GraphStore, open_store  # noqa: E402
from tests.queries.reference import LoadUnit  # noqa: E402
from tests.support.queries import load_units, synth_units  # noqa: E402


def add_dataset_args(ap: argparse.ArgumentParser, work: str) -> None:
    """--scale, --seed, --work (default `work`), --repeat, --no-neo4j and --no-embedded."""
    ap.add_argument("--scale", default="egoexor", help="tiny, small or egoexor (default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path(work))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-neo4j", action="store_true", help="embedded only")
    ap.add_argument("--no-embedded", action="store_true", help="Neo4j only")


def ensure_dataset(work: Path, scale: str, seed: int) -> list[LoadUnit]:
    """The generated dataset in work/, made once per scale and seed."""
    out = work / f"{scale}-{seed}"
    merged = out / "egoexor.h5"
    if merged.exists():
        return [((merged,), None)]
    print(f"generating {scale} dataset into {out}", file=sys.stderr)
    return synth_units(out, scale, seed)


def dataset_stores(args: argparse.Namespace, units: list[LoadUnit]) -> Iterator[GraphStore]:
    """Read-only stores holding exactly `units`: the embedded one in --work (loaded there
    once), then Neo4j unless --no-neo4j or no server answers; each closed after use."""
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # schema notices, not results
    db = args.work / f"{args.scale}-{args.seed}" / "db"
    if not args.no_embedded:
        with open_store(load_settings(backend="embedded", db=db), read_only=False) as writer:
            load_units(writer, units)
        with open_store(load_settings(backend="embedded", db=db)) as store:
            yield store
    if not args.no_neo4j:
        neo = loaded_neo4j(units)
        if neo is not None:
            with neo:
                yield neo


def loaded_neo4j(units: list[LoadUnit]) -> GraphStore | None:
    """Neo4j holding exactly the dataset, or None when no server answers."""
    settings = load_settings(backend="neo4j")
    try:
        writer = open_store(settings, read_only=False)
    except OrgraphError as exc:
        print(f"Neo4j skipped: {exc}", file=sys.stderr)
        return None
    with writer:
        load_units(writer, units)
        keep = set(take_keys(units))
        for key in set(writer.take_fingerprints()) - keep:
            writer.delete_take(key)
    return open_store(settings)


def take_keys(units: list[LoadUnit]) -> list[str]:
    """Every take key of the units' files."""
    from orgraph.loader.reader import EgoExOR

    keys = []
    for paths, splits in units:
        with EgoExOR(list(paths), splits=splits) as reader:
            keys += [t.key for t in reader.takes]
    return keys


def timings(fn: Callable[[], object], repeat: int) -> np.ndarray:
    """Seconds per call over `repeat` calls, after one warm-up call."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return np.array(out)

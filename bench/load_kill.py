"""Kill benchmark: `orgraph load --force` killed (SIGKILL) at many moments, EgoExOR scale.

Prints, per kill, the phase it landed in (starting, reading, writing, checkpoint, swap)
and how many takes were old, new or missing after it; then the totals, and the forced
reload time with the crash-safe path (copy, write, swap) against the in-place path that
lost takes, both run in this process, with their ratio and the cost of one file copy.

Run:  .venv/bin/python bench/load_kill.py [--scale egoexor|small] [--kills 40] [--seed 16]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core.settings import Settings  # noqa: E402
from orgraph.core.store import (
    ladybug_store,  # noqa: E402
    open_store,  # noqa: E402
)
from orgraph.core.store.ladybug_store import LadybugStore, database_file  # noqa: E402
from orgraph.loader.load import LoadOptions, load  # noqa: E402
from orgraph.loader.synth import generate  # noqa: E402
from tests.support.load_kill import (  # noqa: E402
    NEW_GAP,
    OLD_GAP,
    Rig,
    copier,
    run_kills,
    take_states,
)


def forced_reload(pristine: Path, db: Path, opts: LoadOptions) -> tuple[float, int, float]:
    """Seconds to open, force-reload every take and close, from a fresh copy of the old
    store; how many copies were swapped in; seconds spent copying and swapping."""
    shutil.rmtree(db, ignore_errors=True)
    shutil.copytree(pristine, db)
    swaps, spent = 0, 0.0
    real_open, real_swap = ladybug_store.open_copy, ladybug_store.swap_in

    def timed(step: Callable[[LadybugStore], None], count: int) -> Callable[[LadybugStore], None]:
        def run(store: LadybugStore) -> None:
            nonlocal swaps, spent
            start = time.perf_counter()
            step(store)
            spent += time.perf_counter() - start
            swaps += count

        return run

    ladybug_store.open_copy = timed(real_open, 0)
    ladybug_store.swap_in = timed(real_swap, 1)
    try:
        start = time.perf_counter()
        with open_store(Settings(backend="embedded", db=db), read_only=False) as store:
            load(store, opts, force=True, progress=False)
        return time.perf_counter() - start, swaps, spent
    finally:
        ladybug_store.open_copy, ladybug_store.swap_in = real_open, real_swap


@contextlib.contextmanager
def in_place() -> Iterator[None]:
    """The old write path, which loses takes when killed: no copy, no swap."""
    real = LadybugStore.replacing
    LadybugStore.replacing = lambda self: contextlib.nullcontext()  # type: ignore[method-assign]
    try:
        yield
    finally:
        LadybugStore.replacing = real  # type: ignore[method-assign]


def timings(pristine: Path, work: Path, opts: LoadOptions, rounds: int) -> None:
    """Forced reload, safe against in-place, alternated `rounds` times; medians and ratio."""
    safe, unsafe, spent, swaps = [], [], [], 0
    for _ in range(rounds):
        seconds, swaps, steps = forced_reload(pristine, work / "timed", opts)
        safe.append(seconds)
        spent.append(steps)
        with in_place():
            unsafe.append(forced_reload(pristine, work / "timed", opts)[0])
    start = time.perf_counter()
    shutil.copyfile(database_file(pristine), work / "copy.lbug")
    copy_s = time.perf_counter() - start
    size_mb = database_file(pristine).stat().st_size / 1e6
    s, u, c = statistics.median(safe), statistics.median(unsafe), statistics.median(spent)
    print(
        f"forced reload: crash-safe {s:.2f} s ({swaps} swaps), in place {u:.2f} s, "
        f"ratio {s / u:.3f}x (medians of {rounds}; runs safe {_list(safe)}, in place "
        f"{_list(unsafe)})\n"
        f"  of which copying and swapping (checkpoint before the copy, copy, reopen, "
        f"rename, fsync): {c:.2f} s ({c / s:.1%}); one copy of the {size_mb:.0f} MB file "
        f"{copy_s * 1000:.0f} ms"
    )


def _list(values: list[float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="egoexor")
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="timed forced reloads per path")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="orgraph-kill-"))
    data = generate(work / "h5", scale=args.scale, seed=0, rgb=None, progress=False)
    log = work / "load.log"
    pristine = Settings(backend="embedded", db=work / "old")
    Rig(list(data.files), data.splits, pristine, {}, log).run(OLD_GAP)
    old = take_states(pristine)
    reference = Settings(backend="embedded", db=work / "new")
    shutil.copytree(pristine.db, reference.db)
    span = Rig(list(data.files), data.splits, reference, {}, log).run(NEW_GAP, force=True)
    new = take_states(reference)
    print(f"{len(old)} takes; forced reload as a subprocess: {span:.1f} s", flush=True)

    rig = Rig(list(data.files), data.splits, Settings(backend="embedded", db=work / "db"), {}, log)
    summary = run_kills(
        rig,
        old,
        new,
        kills=args.kills,
        seed=args.seed,
        span=span,
        reset=copier(Path(pristine.db), work / "db"),
        events=("graph.lbug.wal", "graph.lbug.next"),
    )
    for phase, at, v in summary.outcomes:
        print(
            f"  kill at {at:5.2f} s in {phase:11s}: {len(v.old):2d} old, {len(v.new):2d} new, "
            f"{len(v.missing)} missing, {len(v.wrong)} wrong"
        )
    print("kills per phase:", dict(sorted(summary.phases.items())))
    print(f"refused read-only opens until a writer opened: {summary.pending}")
    failures = summary.failures()
    print(f"kills that lost or damaged a take: {len(failures)}")
    for line in failures:
        print("  " + line)
    rig.run(NEW_GAP)
    print(
        "rerun after the kills: every take new"
        if take_states(rig.settings) == new
        else "rerun after the kills: NOT every take new"
    )
    timings(
        Path(pristine.db),
        work,
        LoadOptions(tuple(data.files), data.splits, False, NEW_GAP),
        args.rounds,
    )


if __name__ == "__main__":
    main()

"""Kill soak: `orgraph load` killed (SIGKILL) at random moments, on each backend.

Each kill is followed by a reader (a read-only open and the summary `orgraph stats`
prints, retried until it answers) and a rerun of the same load; after every rerun the
store's stats must equal `orgraph inspect` of the files. Prints, per backend, how many
readers were refused (and with what line), how long the store took to read again after
each kill, and how long the reruns took. Two kills in three start from an empty store,
the third from a full one with --force (the replacing write path).

Kill moments are drawn uniformly within the time one unkilled load of the same kind
took, measured first (after a warm-up load). A draw that finds the load already
finished is counted as "too late" (not a kill) and drawn again, within the time that
load took, until `--kills` kills landed in a running load.
The work directory is removed and the Neo4j graph emptied at the end; disk use before
and after is printed. The kill machinery is tests/support/load_kill.py.

Run:  .venv/bin/python bench/kill_soak.py [--scale small] [--kills 20] [--seed 15]
      [--backends embedded,neo4j] [--aim-checkpoints]
      (Neo4j: the project's local server, started if needed and then stopped)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core import neo4j_server  # noqa: E402
from orgraph.core.errors import OrgraphError  # noqa: E402
from orgraph.core.settings import Secret, Settings, local_neo4j_password  # noqa: E402
from orgraph.core.store import open_store  # noqa: E402
from orgraph.loader.inspect import summarize  # noqa: E402
from orgraph.loader.reader import EgoExOR  # noqa: E402
from orgraph.loader.synth import generate  # noqa: E402
from orgraph.queries.stats import graph_summary  # noqa: E402
from tests.support.load_kill import NEW_GAP, Moment, Rig, kill_at, reap_session  # noqa: E402
from tests.support.stores import wipe  # noqa: E402

READ_LIMIT_S = 120.0


@dataclass
class Soak:
    """Figures of one backend's kills."""

    phases: Counter = field(default_factory=Counter)
    """Phase each kill landed in -> how often (draws that came too late are not here)."""
    too_late: int = 0
    """Draws that found the load already finished: no kill, drawn again."""
    refused: Counter = field(default_factory=Counter)
    """First line of each refusal a reader got after a kill -> how often."""
    recovery_s: list[float] = field(default_factory=list)
    """Seconds from the kill to the first reader that answered."""
    pending: int = 0
    """Kills that left a checkpoint pending (the engine's .shadow file): the reader after
    them had to finish the recovery itself."""
    rerun_s: list[float] = field(default_factory=list)
    intact_s: list[float] = field(default_factory=list)
    """Seconds the same reader takes on the store after its rerun (the baseline)."""
    mismatches: list[str] = field(default_factory=list)


def read_until_it_answers(settings: Settings, soak: Soak) -> dict | None:
    """Open the store read-only and summarise it (what `orgraph stats` does), until it
    answers: its summary, or None when nothing is loaded yet (an answer for an empty store).

    Counts every other refusal by its first line."""
    start = time.monotonic()
    while True:
        try:
            with open_store(settings) as store:
                summary = graph_summary(store)
            soak.recovery_s.append(time.monotonic() - start)
            return summary
        except OrgraphError as exc:
            line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "nothing is loaded" in line:
                soak.recovery_s.append(time.monotonic() - start)
                return None
            soak.refused[line[:160]] += 1
            if time.monotonic() - start > READ_LIMIT_S:
                raise SystemExit(
                    f"no reader answered within {READ_LIMIT_S:.0f} s: {line}"
                ) from None
            time.sleep(0.2)


def reset(settings: Settings) -> None:
    """An empty store of the backend."""
    if settings.backend == "embedded":
        shutil.rmtree(settings.db, ignore_errors=True)
    else:
        wipe(settings)


CHECKPOINT_FILES = (
    "graph.lbug.wal",
    "graph.lbug.next",
    "graph.lbug.shadow",
    "graph.lbug.next.shadow",
)
"""Files of the embedded store whose appearance --aim-checkpoints kills shortly after."""


def draw(rng: random.Random, span: float, aim: bool) -> Moment:
    """A kill moment uniform within `span` (one unkilled load's seconds); with `aim`,
    every other one up to 0.25 s after a checkpoint file of the embedded store appears."""
    if aim and rng.random() < 0.5:
        return Moment(rng.uniform(0.0, 0.25), rng.choice(CHECKPOINT_FILES))
    return Moment(rng.uniform(0.0, span))


def soak(
    rig: Rig, expected: dict, kills: int, seed: int, spans: dict[bool, float], aim: bool
) -> Soak:
    """`kills` loads killed while running, each followed by a reader and a rerun checked
    against inspect. `spans` maps --force to the seconds one unkilled load took (set
    anew from a load that a draw found finished)."""
    out = Soak()
    rng = random.Random(seed)
    attempt = 0
    while len(out.recovery_s) < kills:
        if out.too_late > 2 * kills:
            raise SystemExit(f"{out.too_late} draws came too late: the loads got faster")
        force = attempt % 3 == 2
        if not force:
            reset(rig.settings)
        moment = draw(rng, spans[force], aim)
        proc = rig.start(NEW_GAP, force=force)
        try:
            phase, at = kill_at(proc, rig, moment, limit=spans[force] * 3 + 10)
        finally:
            reap_session(proc)
        kind = "forced reload" if force else "load"
        if phase == "finished":  # `at` is then how long this unkilled load took
            out.too_late += 1
            print(f"  too late: {kind} finished in {at:.2f} s, drawn again in that", flush=True)
            spans[force] = at  # the machine got faster: the next kills fall within its load
            continue
        attempt += 1
        out.phases[phase] += 1
        out.pending += (Path(rig.settings.db) / "graph.lbug.shadow").exists()
        read_until_it_answers(rig.settings, out)
        out.rerun_s.append(rig.run(NEW_GAP))
        after = Soak()
        got = read_until_it_answers(rig.settings, after)
        out.intact_s += after.recovery_s
        n = len(out.recovery_s)
        if got != expected:
            out.mismatches.append(f"kill {n} ({phase} at {at:.2f} s): stats differ from inspect")
        print(
            f"  kill {n:2d}: {kind:13s} {phase:10s} at {at:5.2f} s of {spans[force]:.1f}, "
            f"reader after {out.recovery_s[-1]:.2f} s, rerun {out.rerun_s[-1]:.1f} s",
            flush=True,
        )
    return out


def neo4j_rig_settings() -> tuple[Settings, dict[str, str], bool]:
    """Settings of the local server (started when not running), its env, and whether we
    started it."""
    started = not neo4j_server.status()["running"]
    if started:
        neo4j_server.start()
    password = local_neo4j_password() or ""
    uri = f"bolt://127.0.0.1:{os.environ.get('ORGRAPH_NEO4J_PORT', '7687')}"
    settings = Settings(backend="neo4j", neo4j_uri=uri, neo4j_password=Secret(password))
    return settings, {"NEO4J_PASSWORD": password}, started


def report(backend: str, s: Soak) -> None:
    """The figures of one backend's soak."""
    rec, rerun = s.recovery_s, s.rerun_s
    print(
        f"{backend}: {len(rec)} kills in a running load, phases {dict(sorted(s.phases.items()))}; "
        f"{s.too_late} draws came too late (load finished, no kill)"
    )
    print(
        f"  kills that left a checkpoint pending (finished by the next reader): {s.pending}\n"
        f"  readers refused after a kill: {sum(s.refused.values())} times "
        f"in {len(rec)} kills" + ("".join(f"\n    {n}x {line}" for line, n in s.refused.items()))
    )
    print(
        f"  kill to first answering reader: median {statistics.median(rec):.2f} s, "
        f"max {max(rec):.2f} s (the same reader on the intact store after the rerun: median "
        f"{statistics.median(s.intact_s):.2f} s); reruns: median "
        f"{statistics.median(rerun):.1f} s, max {max(rerun):.1f} s"
    )
    print(
        f"  stats equal inspect after every rerun: {not s.mismatches}"
        + "".join(f"\n    {m}" for m in s.mismatches)
    )


def disk(label: str, work: Path) -> None:
    """Free space on the work directory's disk, and the size of the local Neo4j data."""
    free = shutil.disk_usage(work).free / 2**30
    data = neo4j_server.local_paths().data
    used = sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) if data.exists() else 0
    print(f"disk {label}: {free:.1f} GiB free, local Neo4j data {used / 2**20:.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--backends", default="embedded,neo4j")
    parser.add_argument("--aim-checkpoints", action="store_true")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="orgraph-soak-"))
    disk("before", work)
    try:
        code = run_all(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        disk("after", work.parent)
    sys.exit(code)


def run_backend(args: argparse.Namespace, rig: Rig, expected: dict) -> Soak:
    """One backend's soak: time one unkilled load and one forced reload (after a warm-up
    load, so cold caches do not stretch the span), then kill."""
    reset(rig.settings)
    rig.run(NEW_GAP)
    reset(rig.settings)
    spans = {False: rig.run(NEW_GAP)}
    spans[True] = rig.run(NEW_GAP, force=True)
    print(
        f"{rig.settings.backend}: unkilled load {spans[False]:.1f} s, "
        f"forced reload {spans[True]:.1f} s",
        flush=True,
    )
    aim = args.aim_checkpoints and rig.settings.backend == "embedded"
    result = soak(rig, expected, args.kills, args.seed, spans, aim)
    report(rig.settings.backend, result)
    return result


def run_all(args: argparse.Namespace, work: Path) -> int:
    """Every backend's soak; 1 when some rerun's stats differed from inspect."""
    data = generate(work / "h5", scale=args.scale, seed=0, rgb=None, progress=False)
    with EgoExOR(list(data.files), splits=data.splits) as reader:
        expected = summarize(reader)
    print(f"{args.scale}: {len(expected['takes'])} takes, {expected['triplets']} triplets")
    failed = False
    for backend in args.backends.split(","):
        started = False
        if backend == "neo4j":
            settings, env, started = neo4j_rig_settings()
        else:
            settings, env = Settings(backend="embedded", db=work / "db"), {}
        try:
            rig = Rig(list(data.files), data.splits, settings, env, work / f"{backend}.log")
            failed = bool(run_backend(args, rig, expected).mismatches) or failed
        finally:
            reset(settings)  # leave no soak graph behind (the embedded one: its directory)
            if started:
                neo4j_server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    main()

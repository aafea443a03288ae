"""Kill `orgraph load --force` at seeded moments; after each kill, no take may be missing.

A take's state is its fingerprint and its counts of frames, intervals and triplets. The
store is loaded once with the "old" options, then reloaded with the "new" ones (another
gap tolerance: other fingerprints and interval counts) in a real subprocess that is
killed with SIGKILL. Each take must then be exactly its old or its new state.
Shared by tests/loader/test_load_kill.py (small) and bench/load_kill.py (egoexor scale).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from orgraph.core.errors import StoreError
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.load import GROUP_TRIPLETS_ENV
from tests.support.procs import children

TakeState = tuple[str, int, int, int]
"""(fingerprint, frames, intervals, triplets) of one stored take."""

OLD_GAP, NEW_GAP = 0, 3


def take_states(settings: Settings) -> dict[str, TakeState]:
    """Every stored take's state, read from a store opened read-only."""
    with open_store(settings) as store:
        takes = store.query("MATCH (t:Take) RETURN t.key AS k, t.fingerprint AS fp")
        frames = store.query(
            "MATCH (t:Take)-[:HAS_FRAME]->(f:Frame) RETURN t.key AS k, count(f) AS n"
        )
        intervals = store.query(
            "MATCH (i:Interaction) RETURN i.take AS k, count(i) AS n, "
            "sum(i.n_frames) AS nf"  # n_frames: changes with the gap tolerance too
        )
        triplets = store.query(
            "MATCH (f:Frame)-[s:SHOWS]->(:Interaction) RETURN f.take AS k, sum(s.n) AS n"
        )
    count = {k: int(n) for k, n in zip(frames["k"], frames["n"], strict=True)}
    ivs = {k: int(n) for k, n in zip(intervals["k"], intervals["n"], strict=True)}
    trips = {k: int(n) for k, n in zip(triplets["k"], triplets["n"], strict=True)}
    return {
        k: (str(fp), count.get(k, 0), ivs.get(k, 0), trips.get(k, 0))
        for k, fp in zip(takes["k"], takes["fp"], strict=True)
    }


@dataclass
class Verdict:
    """How the takes of a store compare with their old and new states."""

    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    """Present, but neither the old nor the new state (half-written or extra)."""

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong


def judge(
    states: dict[str, TakeState], old: dict[str, TakeState], new: dict[str, TakeState]
) -> Verdict:
    """Sort every take of `old` into old, new, missing or wrong."""
    v = Verdict()
    for key in sorted(old):
        got = states.get(key)
        if got is None:
            v.missing.append(key)
        elif got == old[key]:
            v.old.append(key)
        elif got == new[key]:
            v.new.append(key)
        else:
            v.wrong.append(key)
    v.wrong += sorted(set(states) - set(old))
    return v


@dataclass
class Rig:
    """One dataset, one store and the `orgraph load` command lines that fill it."""

    files: list[Path]
    splits: Path
    settings: Settings
    env: dict[str, str]
    log: Path

    def argv(self, gap: int, force: bool) -> list[str]:
        args = [sys.executable, "-m", "orgraph.cli", "load", *map(str, self.files)]
        args += ["--splits", str(self.splits), "--gap-tolerance", str(gap)]
        if self.settings.backend == "neo4j":
            args += ["--backend", "neo4j", "--uri", self.settings.neo4j_uri]
        else:
            args += ["--backend", "embedded", "--db", str(self.settings.db)]
        return args + (["--force"] if force else [])

    def run(self, gap: int, force: bool = False) -> float:
        """Load to the end; returns seconds taken. Raises with stderr when it fails."""
        start = time.perf_counter()
        proc = subprocess.run(
            self.argv(gap, force),
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise AssertionError(f"load failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return time.perf_counter() - start

    def start(self, gap: int, force: bool) -> subprocess.Popen[bytes]:
        """Start a load in its own session (so what it leaves behind can be found)."""
        return subprocess.Popen(
            self.argv(gap, force),
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
            start_new_session=True,
        )


@dataclass(frozen=True)
class Moment:
    """When to kill: `delay` seconds after start, or after an event of the load.

    An event is a file of the embedded store appearing ("graph.lbug.next"), or a text
    in the load's stderr ("log:writing").
    """

    delay: float
    after: str | None = None


def moments(
    rng: random.Random, n: int, span: float, events: tuple[str, ...], event_delay: float
) -> list[Moment]:
    """Half spread evenly at random over the load, half up to `event_delay` seconds after
    an event; all spread evenly when no events are given."""
    even = n - n // 2 if events else n
    out = [Moment(rng.uniform(0.0, span * 1.05)) for _ in range(even)]
    if events:
        out += [Moment(rng.uniform(0.0, event_delay), rng.choice(events)) for _ in range(n // 2)]
    rng.shuffle(out)
    return out


def happened(rig: Rig, event: str) -> bool:
    """Whether an event (see Moment) has happened."""
    if event.startswith("log:"):
        return event[4:] in rig.log.read_bytes().decode(errors="replace")
    return (Path(rig.settings.db) / event).exists()


def phase_now(proc: subprocess.Popen[bytes], rig: Rig) -> str:
    """What the load is doing, as seen from outside: workers, files of the store, its bars."""
    if children(proc.pid):
        return "reading"
    if rig.settings.backend == "embedded":
        names = {p.name for p in Path(rig.settings.db).glob("*")}
        if any(n.endswith(".shadow") for n in names):
            return "checkpoint"  # the engine's checkpoint, of the file or of the copy
        if "graph.lbug.next" in names:
            return "on copy"  # writing the copy, checkpointing it, or swapping it in
    text = rig.log.read_bytes().decode(errors="replace")
    if "writing" in text:
        return "writing"
    return "reading" if "reading" in text else "starting"


def kill_at(
    proc: subprocess.Popen[bytes], rig: Rig, moment: Moment, limit: float
) -> tuple[str, float]:
    """SIGKILL the load at `moment`: (phase it was in or "finished", seconds after start)."""
    start = time.monotonic()
    if moment.after is not None:
        while (
            not happened(rig, moment.after)
            and proc.poll() is None
            and time.monotonic() - start < limit
        ):
            time.sleep(0.002)
    deadline = time.monotonic() + moment.delay
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    at = time.monotonic() - start
    if proc.poll() is not None:
        return "finished", at
    phase = phase_now(proc, rig)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return phase, at


def reap_session(proc: subprocess.Popen[bytes]) -> None:
    """End what the killed load left in its session (reader workers, if they outlived it)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


PENDING = "recovery is pending"
"""LadybugDB refuses read-only opens after a checkpoint was cut short, until a writer opens."""


def settled_states(settings: Settings, tries: int = 50) -> dict[str, TakeState]:
    """Take states once two reads in a row agree.

    Neo4j reads are read-committed, not snapshots: a commit the killed client had sent
    may land between the queries of one read. A lost or half-written take stays.
    """
    last = take_states(settings)
    for _ in range(tries):
        time.sleep(0.1)
        now = take_states(settings)
        if now == last:
            return now
        last = now
    raise AssertionError(f"the store of {settings.backend} did not settle")


def check_store(settings: Settings, old: dict, new: dict) -> tuple[Verdict | None, Verdict]:
    """Judge the store opened read-only (None: refused until a writer recovers it), then
    again after a writer opened and closed it."""
    try:
        first: Verdict | None = judge(settled_states(settings), old, new)
    except StoreError as exc:
        if PENDING not in str(exc):
            raise
        first = None
    with open_store(settings, read_only=False):
        pass
    return first, judge(take_states(settings), old, new)


def copier(pristine: Path, db: Path) -> Callable[[], None]:
    """A reset that puts a copy of the old-version embedded store in place."""

    def reset() -> None:
        shutil.rmtree(db, ignore_errors=True)
        shutil.copytree(pristine, db)

    return reset


@dataclass
class KillSummary:
    """Figures of a series of kills."""

    phases: Counter = field(default_factory=Counter)
    pending: int = 0
    """Kills after which read-only opens were refused until a writer opened the store."""
    outcomes: list[tuple[str, float, Verdict]] = field(default_factory=list)

    def describe(self) -> str:
        """One line: kills per phase, and takes old/new after each kill."""
        after = ", ".join(
            f"{at:.1f}s {len(v.old)}/{len(v.new)}" + ("" if v.ok else "!")
            for _, at, v in self.outcomes
        )
        return f"kills per phase {dict(self.phases)}; when, and old/new takes after: {after}"

    def failures(self) -> list[str]:
        return [
            f"{phase} at {at:.2f}s: missing {v.missing}, wrong {v.wrong}"
            for phase, at, v in self.outcomes
            if not v.ok
        ]


def run_kills(
    rig: Rig,
    old: dict[str, TakeState],
    new: dict[str, TakeState],
    *,
    kills: int,
    seed: int,
    span: float,
    reset: Callable[[], None],
    events: tuple[str, ...] = (),
    event_delay: float = 0.25,
) -> KillSummary:
    """Kill forced reloads to the new version `kills` times and judge the store after each.

    `reset` puts the old version back before two kills in three; the third starts from
    what the kill before it left.
    """
    rng = random.Random(seed)
    summary = KillSummary()
    for i, moment in enumerate(moments(rng, kills, span, events, event_delay)):
        if i % 3 != 2:
            reset()
        proc = rig.start(NEW_GAP, force=True)
        try:
            phase, at = kill_at(proc, rig, moment, limit=span * 3 + 10)
        finally:
            reap_session(proc)
        before, after = check_store(rig.settings, old, new)
        summary.phases[phase] += 1
        if before is None:
            summary.pending += 1
        elif not before.ok:
            summary.outcomes.append((f"{phase} (read-only)", at, before))
        summary.outcomes.append((phase, at, after))
    return summary


ENV = {GROUP_TRIPLETS_ENV: "8000"}  # the small dataset in about five write groups


def rig_for(ds, settings: Settings, log: Path, env: dict[str, str] | None = None) -> Rig:
    return Rig(list(ds.files), ds.splits, settings, {**ENV, **(env or {})}, log)

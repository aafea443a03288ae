"""`orgraph load --force` killed with SIGKILL at many moments never loses a stored take.

The longer version, at the EgoExOR scale, is bench/load_kill.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.inspect import summarize
from orgraph.loader.reader import EgoExOR
from orgraph.queries.stats import graph_summary
from tests.support.load_kill import NEW_GAP, OLD_GAP, Rig, copier, rig_for, run_kills, take_states

WRITING = ("writing", "on copy", "checkpoint")


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory):
    from orgraph.loader.synth import generate

    out = tmp_path_factory.mktemp("small_kill")
    return generate(out, scale="small", seed=16, rgb=None, progress=False)


def assert_final_rerun(rig: Rig, ds, new: dict) -> None:
    """A rerun after the kills completes the load: every take new, stats equal inspect."""
    rig.run(NEW_GAP)
    assert take_states(rig.settings) == new
    with EgoExOR(list(ds.files), splits=ds.splits) as reader, open_store(rig.settings) as store:
        assert graph_summary(store) == summarize(reader)


@pytest.mark.timeout(420)
def test_killed_forced_reload_keeps_every_take_embedded(small_dataset, tmp_path: Path) -> None:
    ds, log = small_dataset, tmp_path / "load.log"
    pristine = Settings(backend="embedded", db=tmp_path / "old")
    rig_for(ds, pristine, log).run(OLD_GAP)
    old = take_states(pristine)
    reference = Settings(backend="embedded", db=tmp_path / "new")
    shutil.copytree(pristine.db, reference.db)
    span = rig_for(ds, reference, log).run(NEW_GAP, force=True)
    new = take_states(reference)
    assert len(old) == len(ds.takes) and set(new) == set(old)
    assert all(old[k][0] != new[k][0] for k in old)  # fingerprints differ
    assert any(old[k][2] != new[k][2] for k in old)  # and so do interval counts

    rig = rig_for(ds, Settings(backend="embedded", db=tmp_path / "db"), log)
    summary = run_kills(
        rig,
        old,
        new,
        kills=18,
        seed=16,
        span=span,
        reset=copier(Path(pristine.db), tmp_path / "db"),
        events=("graph.lbug.wal", "graph.lbug.next"),
    )
    print(summary.describe())
    assert not summary.failures(), "\n".join(summary.failures())
    assert sum(summary.phases[p] for p in WRITING) >= 6, summary.phases
    assert_final_rerun(rig, ds, new)


@pytest.mark.neo4j
@pytest.mark.timeout(420)
def test_killed_forced_reload_keeps_every_take_neo4j(
    small_dataset, neo4j_settings: Settings, tmp_path: Path
) -> None:
    ds, log = small_dataset, tmp_path / "load.log"
    reference = Settings(backend="embedded", db=tmp_path / "ref")
    rig_for(ds, reference, log).run(OLD_GAP)
    old = take_states(reference)
    rig_for(ds, reference, log).run(NEW_GAP, force=True)
    new = take_states(reference)

    password = {"NEO4J_PASSWORD": neo4j_settings.neo4j_password.reveal()}
    rig = rig_for(ds, neo4j_settings, log, {"NEO4J_USER": neo4j_settings.neo4j_user, **password})
    rig.run(OLD_GAP)
    assert take_states(neo4j_settings) == old  # the same rows as the embedded engine's
    span = rig.run(NEW_GAP, force=True)

    def reset() -> None:  # reloads exactly the takes that are not old
        rig.run(OLD_GAP)

    summary = run_kills(
        rig,
        old,
        new,
        kills=6,
        seed=5,
        span=span,
        reset=reset,
        events=("log:writing",),
        event_delay=span / 2,
    )
    print(summary.describe())
    assert not summary.failures(), "\n".join(summary.failures())
    assert summary.phases["writing"] >= 1, summary.phases
    assert_final_rerun(rig, ds, new)


@pytest.mark.timeout(300)
def test_readers_during_a_forced_reload_see_whole_takes(small_dataset, tmp_path: Path) -> None:
    """Read-only opens while copies are swapped in see each take old or new, never missing."""
    from orgraph.core.errors import StoreError
    from orgraph.core.store import StoreChanged
    from tests.support.load_kill import PENDING, judge

    ds, log = small_dataset, tmp_path / "load.log"
    settings = Settings(backend="embedded", db=tmp_path / "db")
    rig = rig_for(ds, settings, log)
    rig.run(OLD_GAP)
    old = take_states(settings)
    reference = Settings(backend="embedded", db=tmp_path / "new")
    shutil.copytree(settings.db, reference.db)
    rig_for(ds, reference, log).run(NEW_GAP, force=True)
    new = take_states(reference)
    proc = rig.start(NEW_GAP, force=True)
    reads, refused, bad, mixed = 0, 0, [], 0
    try:
        while proc.poll() is None:
            try:
                verdict = judge(take_states(settings), old, new)
            except StoreError as exc:  # refused, not wrong: a checkpoint under way, or
                # the file changed between this reader's open and its read
                assert PENDING in str(exc) or isinstance(exc, StoreChanged), exc
                refused += 1
                continue
            reads += 1
            mixed += bool(verdict.old and verdict.new)
            if not verdict.ok:
                bad.append(verdict)
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0, log.read_text()[-2000:]
    assert not bad, bad[:2]
    assert reads >= 5 and mixed >= 1, (reads, refused, mixed)  # some reads saw a swap half-way
    assert take_states(settings) == new

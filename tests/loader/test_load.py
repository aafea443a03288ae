"""Loading into both backends: stats equal inspect, idempotence, atomicity, resume."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import h5py
import pytest

from orgraph.core.errors import OrgraphError
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.inspect import summarize
from orgraph.loader.load import LoadOptions, load
from orgraph.loader.reader import EgoExOR
from orgraph.queries.stats import graph_summary


def options(ds) -> LoadOptions:
    return LoadOptions(tuple(ds.files), ds.splits)


def h5_summary(ds) -> dict:
    with EgoExOR(list(ds.files), splits=ds.splits) as reader:
        return summarize(reader)


def node_counts(settings: Settings) -> dict[str, int]:
    with open_store(settings) as store:
        label = "label(n)" if store.backend == "embedded" else "labels(n)[0]"
        df = store.query(f"MATCH (n) RETURN {label} AS l, count(*) AS c")
    return dict(zip(df["l"], df["c"], strict=True))


def test_stats_equal_inspect_after_load(store_settings: Settings, tiny_dataset) -> None:
    with open_store(store_settings, read_only=False) as store:
        report = load(store, options(tiny_dataset), progress=False)
    assert len(report.loaded) == len(tiny_dataset.takes)
    with open_store(store_settings) as store:
        assert graph_summary(store) == h5_summary(tiny_dataset)


def test_merged_file_loads_the_same(store_settings: Settings, tiny_merged, tiny_dataset) -> None:
    with open_store(store_settings, read_only=False) as store:
        load(store, LoadOptions(tuple(tiny_merged.files)), progress=False)
        assert graph_summary(store) == h5_summary(tiny_dataset)


def test_reload_replaces_without_duplicates(store_settings: Settings, tiny_dataset) -> None:
    with open_store(store_settings, read_only=False) as store:
        load(store, options(tiny_dataset), progress=False)
    first = node_counts(store_settings)
    with open_store(store_settings, read_only=False) as store:
        again = load(store, options(tiny_dataset), progress=False)
        assert again.loaded == [] and len(again.skipped) == len(tiny_dataset.takes)
        forced = load(store, options(tiny_dataset), force=True, progress=False)
        assert len(forced.loaded) == len(tiny_dataset.takes)
    assert node_counts(store_settings) == first


def test_rerun_after_interruption_completes(store_settings: Settings, tiny_dataset) -> None:
    class Interrupted(Exception):
        pass

    def stop_after_first(_key: str) -> None:
        raise Interrupted

    with open_store(store_settings, read_only=False) as store:
        with pytest.raises(Interrupted):
            load(store, options(tiny_dataset), progress=False, on_written=stop_after_first)
        stored = len(store.take_fingerprints())
        assert 1 <= stored < len(tiny_dataset.takes) or store.backend == "embedded"
        report = load(store, options(tiny_dataset), progress=False)
        assert len(report.skipped) == stored
        assert len(report.loaded) == len(tiny_dataset.takes) - stored
        assert graph_summary(store) == h5_summary(tiny_dataset)


def test_bad_file_changes_nothing(store_settings: Settings, tiny_dataset, tmp_path: Path) -> None:
    with open_store(store_settings, read_only=False) as store:
        load(store, options(tiny_dataset), progress=False)
    before = node_counts(store_settings)
    # a copy of the files whose last take has an unknown raw name
    copies = [Path(shutil.copy(f, tmp_path / Path(f).name)) for f in tiny_dataset.files]
    splits = Path(shutil.copy(tiny_dataset.splits, tmp_path / "splits.h5"))
    last = tiny_dataset.takes[-1]
    target = next(p for p in copies if _has_take(p, last))
    with h5py.File(target, "r+") as f:
        grp = f[f"data/{last.surgery_type}/{last.procedure_id}/take/{last.take_id}/annotations"]
        name = sorted(grp)[-1]
        ds = grp[name]["rel_annotations"]
        rows = ds[()]
        rows[0, 1] = b"juggling"
        del grp[name]["rel_annotations"]
        grp[name].create_dataset("rel_annotations", data=rows)
    with (
        open_store(store_settings, read_only=False) as store,
        pytest.raises(OrgraphError, match="juggling"),
    ):
        load(store, LoadOptions(tuple(copies), splits), force=True, progress=False)
    assert node_counts(store_settings) == before


def _has_take(path: Path, take) -> bool:
    with h5py.File(path, "r") as f:
        return f"data/{take.surgery_type}/{take.procedure_id}/take/{take.take_id}" in f


@pytest.mark.neo4j
def test_concurrent_loads_of_different_takes(neo4j_settings: Settings, tiny_dataset) -> None:
    """Two `orgraph load` processes, one per file, at the same time: both complete."""
    import os
    import subprocess
    import sys

    assert len(tiny_dataset.files) >= 2
    env = {
        **os.environ,
        "NEO4J_USER": neo4j_settings.neo4j_user,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password.reveal(),
    }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "orgraph.cli",
                "load",
                str(f),
                "--splits",
                str(tiny_dataset.splits),
                "--backend",
                "neo4j",
                "--uri",
                neo4j_settings.neo4j_uri,
                "--quiet",
                "--workers",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in tiny_dataset.files
    ]
    outcomes = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), outcomes
    with open_store(neo4j_settings) as store:
        assert graph_summary(store) == h5_summary(tiny_dataset)


def test_second_embedded_writer_gets_a_clear_message(tmp_path: Path, tiny_dataset) -> None:
    """LadybugDB allows one writer per directory: a second load says so, readers still work."""
    import subprocess
    import sys

    db = tmp_path / "db"
    settings = Settings(backend="embedded", db=db)
    with open_store(settings, read_only=False) as writer:
        writer.ensure_schema()
        args = [sys.executable, "-m", "orgraph.cli"]
        files = [str(f) for f in tiny_dataset.files]
        second = subprocess.run(
            [*args, "load", *files, "--splits", str(tiny_dataset.splits), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1
        assert "open for writing by another process" in second.stderr
        assert "Traceback" not in second.stderr
        query = "MATCH (t:Take) RETURN count(t) AS n"
        reader = subprocess.run(
            [*args, "cypher", query, "--format", "json", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert reader.returncode == 0 and json.loads(reader.stdout) == [{"n": 0}], reader.stderr
        stats = subprocess.run(  # an empty store is no dataset of nothing: it says so
            [*args, "stats", "--json", "--db", str(db)], capture_output=True, text=True, timeout=120
        )
        assert stats.returncode == 1 and "nothing is loaded in" in stats.stderr


_KILLED_LOAD = """
import os, sys
from pathlib import Path
import orgraph.loader.load as L
from orgraph.core.settings import Settings
from orgraph.core.store import open_store

L.GROUP_TRIPLETS = 1  # one take per transaction, so checkpoints fall between takes
files, splits, db, after = sys.argv[1].split(","), sys.argv[2], sys.argv[3], int(sys.argv[4])
written = []

def maybe_die(key):
    written.append(key)
    if len(written) == after:
        os._exit(9)  # like kill -9: no close, no checkpoint

with open_store(Settings(backend="embedded", db=Path(db)), read_only=False) as store:
    L.load(store, L.LoadOptions(tuple(Path(f) for f in files), Path(splits)),
           progress=False, workers=1, on_written=maybe_die)
"""


def test_embedded_load_killed_midway_reruns_to_a_clean_graph(tiny_dataset, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "db"
    files = ",".join(str(f) for f in tiny_dataset.files)
    after = len(tiny_dataset.takes) - 1
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_LOAD, files, str(tiny_dataset.splits), str(db), str(after)],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    settings = Settings(backend="embedded", db=db)
    with open_store(settings) as store:
        survived = store.query("MATCH (t:Take) RETURN t.key AS k, t.frames AS n")
        frames = store.query("MATCH (t:Take)-[:HAS_FRAME]->(f) RETURN t.key AS k, count(f) AS n")
    # what survived is whole takes: at least the first (checkpointed), never all
    assert 1 <= len(survived) < len(tiny_dataset.takes)
    assert dict(zip(survived["k"], survived["n"], strict=True)) == dict(
        zip(frames["k"], frames["n"], strict=True)
    )
    with open_store(settings, read_only=False) as store:
        report = load(store, options(tiny_dataset), progress=False)
        assert sorted(report.skipped) == sorted(survived["k"])
        assert graph_summary(store) == h5_summary(tiny_dataset)

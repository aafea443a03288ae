"""`orgraph export-ocel` on both backends: valid OCEL 2.0, read back by PM4Py's readers."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pm4py
import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.eventlog import EventLogError
from orgraph.queries.ocel import object_type, ocel_log, write_ocel
from tests.queries.ocel2_schema import SCHEMA, reference_errors
from tests.queries.reference import Reference
from tests.queries.workflow_examples import write_worked_file
from tests.support.queries import open_loaded


@pytest.fixture(scope="module")
def log(loaded_store: GraphStore) -> dict:
    return ocel_log(loaded_store)


def test_log_is_valid_ocel2_json(log: dict, reference: Reference) -> None:
    jsonschema.validate(log, SCHEMA)
    assert reference_errors(log) == []
    iv = reference.intervals
    assert len(log["events"]) == len(iv)
    counts = iv.groupby("relation").size().to_dict()
    mine: dict[str, int] = {}
    for e in log["events"]:
        mine[e["type"]] = mine.get(e["type"], 0) + 1
    assert mine == counts
    assert all(
        [r["qualifier"] for r in e["relationships"]] == ["subject", "object", "take"]
        for e in log["events"]
    )
    n_entities = len(reference.entities)
    assert len(log["objects"]) == n_entities + len(reference.takes)


@pytest.mark.parametrize("suffix", ["json", "sqlite"])
def test_pm4py_reads_the_file_back(log: dict, reference: Reference, tmp_path, suffix: str) -> None:
    path = write_ocel(log, tmp_path / f"log.{suffix}")
    reader = pm4py.read_ocel2_json if suffix == "json" else pm4py.read_ocel2_sqlite
    ocel = reader(str(path))
    iv = reference.intervals
    assert len(ocel.events) == len(iv)
    assert ocel.events["ocel:activity"].value_counts().to_dict() == (
        iv.groupby("relation").size().to_dict()
    )
    assert len(ocel.relations) == 3 * len(iv)
    assert set(ocel.relations["ocel:qualifier"]) == {"subject", "object", "take"}
    types = ocel.objects.set_index("ocel:oid")["ocel:type"]
    active = set(iv["take"])  # PM4Py keeps only objects some event relates to
    assert (types[sorted(active)] == "take").all()
    ents = reference.entities
    for take, entity in ents[ents["take"].isin(active)].head(60).itertuples(index=False):
        if f"{take}/{entity}" in types.index:
            assert types[f"{take}/{entity}"] == object_type(entity)
    pairs = [
        *zip(iv["take"], iv["subject"], strict=True),
        *zip(iv["take"], iv["object"], strict=True),
    ]
    used = set(pairs)
    assert {f"{t}/{e}" for t, e in used} <= set(types.index)
    assert not list(tmp_path.glob(".log*"))  # no temporary file left


def test_object_types() -> None:
    assert [object_type(n) for n in ("head_surgeon", "patient", "scalpel", "vertebrae")] == [
        "role",
        "patient",
        "instrument",
        "anatomy",
    ]


def test_bad_output_names_fail_in_one_line(log: dict, tmp_path) -> None:
    with pytest.raises(EventLogError, match=r"name it \.json or \.sqlite"):
        write_ocel(log, tmp_path / "log.txt")
    with pytest.raises(EventLogError, match="does not exist"):
        write_ocel(log, tmp_path / "missing" / "log.json")
    with pytest.raises(EventLogError, match="is a directory"):
        write_ocel(log, tmp_path, "json")


def test_command_writes_json(request: pytest.FixtureRequest, tmp_path) -> None:
    """The command on an embedded store of the worked-example takes."""
    path = write_worked_file(tmp_path / "worked.h5")
    store = open_loaded("embedded", [((path,), None)], request, tmp_path / "db")
    store.close()
    out = tmp_path / "x.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "orgraph.cli",
            "export-ocel",
            str(out),
            "--db",
            str(store.db_dir),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "events and" in proc.stdout
    assert len(json.loads(out.read_text())["events"]) == 18  # 10 intervals in MISS/8/1, 8 in 8/2-4
    bad = subprocess.run(
        [sys.executable, "-m", "orgraph.cli", "export-ocel", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0 and "name it .json or .sqlite" in bad.stderr
    assert "Traceback" not in bad.stderr

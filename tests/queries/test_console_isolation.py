"""Untrusted reads run apart and against a clock: a query past its timeout returns a
one-line QueryStopped within timeout + 2 s on both backends (also when the engine itself
does not stop), never holds up other reads, and an embedded engine crash ends only the
console worker, which is replaced. Texts that the guard would refuse are sent straight
to GraphStore.query_untrusted here, to prove the second line holds on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from orgraph.core.errors import StoreError
from orgraph.core.store import GraphStore, open_store
from orgraph.core.store.deadline import GRACE_SECONDS, QueryStopped
from orgraph.core.store.ladybug_console import ConsoleWorkers, workers_of
from orgraph.queries.console import run_console
from tests.support.queries import cli
from tests.support.stores import make_settings

SLOW = (  # runs for minutes on the test data; both engines' own timeouts stop it
    "MATCH (a:Frame), (b:Frame), (c:Frame), (d:Frame) "
    "WHERE a.idx * b.idx - c.idx * d.idx = -7 RETURN count(*) AS n"
)


def unstoppable(backend: str) -> str:
    """A text the engine's own timeout does not stop (see queries/cypher_limits.py)."""
    if backend == "embedded":  # CASE nested 30 deep: exponential parsing in LadybugDB
        return "RETURN " + "CASE WHEN true THEN " * 30 + "1" + " END" * 30 + " AS x"
    return "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x"  # Neo4j never answers


def timed(fn, *args, **kwargs) -> tuple[Exception | None, float]:
    began = time.monotonic()
    try:
        fn(*args, **kwargs)
    except Exception as exc:
        return exc, time.monotonic() - began
    return None, time.monotonic() - began


def warm(store: GraphStore) -> None:
    """Start the console worker (embedded) so timings measure queries, not start-up."""
    assert run_console(store, "RETURN 1 AS x", timeout=30)["x"].tolist() == [1]


@pytest.mark.parametrize("timeout", [1.0, 2.5])
def test_engine_timeout_gives_one_line_in_time(loaded_store: GraphStore, timeout: float) -> None:
    warm(loaded_store)
    err, took = timed(run_console, loaded_store, SLOW, timeout=timeout)
    assert isinstance(err, QueryStopped), err
    assert f"stopped after {timeout:g} s" in str(err) and "\n" not in str(err)
    assert took < timeout + 2, took


def test_client_deadline_when_the_engine_does_not_stop(loaded_store: GraphStore) -> None:
    warm(loaded_store)
    err, took = timed(loaded_store.query_untrusted, unstoppable(loaded_store.backend), timeout=2)
    assert isinstance(err, QueryStopped), err
    assert took < 2 + GRACE_SECONDS + 1, took
    assert run_console(loaded_store, "MATCH (t:Take) RETURN count(t) AS n", timeout=30)["n"][0] > 0


def test_a_stuck_console_read_holds_up_no_other_read(loaded_store: GraphStore) -> None:
    warm(loaded_store)
    outcome: dict[str, object] = {}

    def stuck() -> None:
        outcome["err"], outcome["took"] = timed(
            loaded_store.query_untrusted, unstoppable(loaded_store.backend), timeout=6
        )

    worker = threading.Thread(target=stuck)
    worker.start()
    time.sleep(1.0)
    _, took = timed(loaded_store.query, "MATCH (t:Take) RETURN count(t) AS n")
    assert took < 2, took  # the store's own reads go on
    err, took = timed(run_console, loaded_store, "MATCH (t:Take) RETURN t.key AS k", timeout=30)
    assert err is None and took < 5, (err, took)  # and so do other console reads
    worker.join(30)
    assert isinstance(outcome["err"], QueryStopped) and outcome["took"] < 6 + 2  # type: ignore[operator]


def test_cli_timeout_prints_one_line_in_time(
    loaded_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    quick, base = cli(loaded_store, request, "RETURN 1 AS x", "--format", "csv")
    assert quick.returncode == 0
    done, took = cli(loaded_store, request, SLOW, "--timeout", "2")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "error: the query was stopped after 2 s, its time limit "
        "(raise it with --timeout or ORGRAPH_QUERY_TIMEOUT)"
    ]
    assert took - base < 2 + 2, (took, base)  # start-up measured by the quick run


@pytest.mark.neo4j
def test_neo4j_stopped_read_leaves_no_transaction(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Past the deadline the read is terminated on the server, found by its metadata tag."""
    with open_store(make_settings("neo4j", request, tmp_path)) as store:
        tag = uuid.uuid4().hex[:8]  # a new text each run: Neo4j caches plans
        text = " UNION ".join(f"RETURN {i} AS x_{tag}" for i in range(700))  # ~10 s to plan
        err, took = timed(store.query_untrusted, text, timeout=1)
        assert isinstance(err, QueryStopped) and took < 1 + 2, (err, took)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            df = store.query("SHOW TRANSACTIONS YIELD metaData, currentQuery RETURN *")
            if not any("orgraph_console" in m for m in df["metaData"]):
                break
            time.sleep(0.25)
        else:
            pytest.fail("the console transaction was still on the server 5 s after the stop")
        assert store.query("RETURN 1 AS x")["x"][0] == 1


@pytest.fixture
def embedded(query_units, request: pytest.FixtureRequest, tmp_path):
    from tests.support.queries import open_loaded

    store = open_loaded("embedded", query_units, request, tmp_path)
    yield store
    store.close()


def test_engine_crash_ends_only_the_worker(embedded: GraphStore) -> None:
    warm(embedded)
    (first,) = workers_of(embedded).worker_pids()
    crash = "RETURN " + "[" * 1000 + "1" + "]" * 1000 + " AS x"  # segfaults LadybugDB 0.22
    err, _ = timed(embedded.query_untrusted, crash, timeout=30)
    assert isinstance(err, StoreError) and "\n" not in str(err)
    assert "crashed" in str(err) and "SIGSEGV" in str(err), err
    assert run_console(embedded, "MATCH (t:Take) RETURN count(t) AS n", timeout=30)["n"][0] > 0
    assert workers_of(embedded).worker_pids() != [first]


def test_worker_killed_while_idle_is_replaced(embedded: GraphStore) -> None:
    warm(embedded)
    (pid,) = workers_of(embedded).worker_pids()
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    assert run_console(embedded, "RETURN 2 AS x", timeout=30)["x"].tolist() == [2]
    assert pid not in workers_of(embedded).worker_pids()


def test_workers_close_with_the_store(embedded: GraphStore) -> None:
    warm(embedded)
    (pid,) = workers_of(embedded).worker_pids()
    embedded.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(StoreError, match="closed"):
        embedded.query_untrusted("RETURN 1 AS x", timeout=5)


def test_worker_ends_when_its_parent_is_killed(embedded: GraphStore) -> None:
    script = (
        "import sys; from pathlib import Path; from core.store.ladybug_store import LadybugStore;"
        "from core.store.ladybug_console import workers_of;"
        "s = LadybugStore(Path(sys.argv[1])); s.query_untrusted('RETURN 1 AS x', timeout=30);"
        "print(workers_of(s).worker_pids()[0], flush=True);"
        f"s.query_untrusted({SLOW!r}, timeout=120)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(embedded.db_dir)],  # type: ignore[attr-defined]
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    time.sleep(1)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    pytest.fail("the console worker outlived its parent by 5 s")


def test_busy_console_says_so_at_once(embedded: GraphStore) -> None:
    workers = ConsoleWorkers(embedded.db_dir, max_workers=1)  # type: ignore[attr-defined]
    try:
        stuck = threading.Thread(
            target=timed,
            args=(workers.run, unstoppable("embedded"), None),
            kwargs={"timeout": 4, "row_limit": None},
        )
        stuck.start()
        time.sleep(2)  # the worker has started and is busy
        err, took = timed(workers.run, "RETURN 1 AS x", None, timeout=5, row_limit=None)
        assert isinstance(err, StoreError) and "busy" in str(err) and took < 0.5, (err, took)
        stuck.join(30)
        assert workers.run("RETURN 3 AS x", None, timeout=30, row_limit=None)["x"][0] == 3
    finally:
        workers.close()


@pytest.mark.neo4j
def test_neo4j_server_refuses_file_urls_even_to_a_trusted_read(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Least privilege on the server itself (core/neo4j_config.py): LOAD CSV cannot read
    the server's files, and a READ transaction cannot administer the system database."""
    with open_store(make_settings("neo4j", request, tmp_path)) as store:
        if not os.environ.get("NEO4J_URI"):  # the project's own server, configured here
            with pytest.raises(StoreError, match="allow_csv_import_from_file_urls"):
                store.query("LOAD CSV FROM 'file:///etc/hostname' AS line RETURN line")
        with pytest.raises(StoreError, match="read access mode"):
            store.query("CREATE USER sneaky SET PASSWORD 'x' CHANGE NOT REQUIRED")

"""The read-only console: writes refused before the database, reads run, limits hold,
and hostile parameter values stay values in every catalog-B query."""

from __future__ import annotations

import time

import pytest

from orgraph.cli import main
from orgraph.core.errors import OrgraphError, StoreError
from orgraph.core.store import GraphStore
from orgraph.queries.catalog import get_query, run_query
from orgraph.queries.catalog.registry import QueryError
from orgraph.queries.console import ParamError, parse_param, run_console
from orgraph.queries.cypher_guard import ConsoleRefused, WriteRefused, check_read_only

REFUSED = [
    ("CREATE (n:Take {key: 'x'})", "CREATE"),
    ("cReAtE (n:Take {key: 'x'})", "CREATE"),
    ("MATCH (n) /**/MERGE (m:Take {key: 'x'})", "MERGE"),
    ("MATCH (t:Take) SET t.split = 'test'", "SET"),
    ("MATCH (t:Take)\n\tset\tt.split='test'", "SET"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n:Frame) DELETE n", "DELETE"),
    ("MATCH (t:Take) REMOVE t.split", "REMOVE"),
    ("DROP TABLE Frame", "DROP"),
    ("DROP INDEX frame_take_idx IF EXISTS", "DROP"),
    ("CREATE INDEX x FOR (n:Frame) ON (n.idx)", "CREATE"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
    ("COPY Frame FROM '/tmp/x.csv'", "COPY"),
    ("COPY (MATCH (n) RETURN n) TO '/tmp/out.csv'", "COPY"),
    ("MATCH (t:Take) WITH collect(t) AS ts FOREACH (x IN ts | SET x.split = 'a')", "FOREACH"),
    ("ALTER TABLE Frame ADD extra STRING", "ALTER"),
    ("GRANT ALL ON DATABASE * TO reader", "GRANT"),
    ("DENY READ {*} ON GRAPH * TO reader", "DENY"),
    ("REVOKE ROLE admin FROM neo4j", "REVOKE"),
    ("STOP DATABASE neo4j", "STOP DATABASE"),
    ("start  database neo4j", "START DATABASE"),
    ("USE system SHOW USERS", "USE"),
    ("CALL dbms.security.createUser('x', 'y', false)", "dbms.security.createUser"),
    ("CALL db.createLabel('X')", "db.createLabel"),
    ("CALL apoc.create.node(['X'], {})", "apoc.create.node"),
    ("CALL `apoc`.`periodic`.`iterate`('a', 'b', {})", "apoc.periodic.iterate"),
    ("CALL threads=1", "threads"),
    ("MATCH (t:Take) CALL { WITH t RETURN t.key AS k } IN TRANSACTIONS RETURN k", "TRANSACTIONS"),
    ("EXPORT DATABASE '/tmp/dump'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/dump'", "IMPORT"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD EXTENSION httpfs", "LOAD"),
    ("ATTACH '/tmp/other.lbug' AS other (dbtype lbug)", "ATTACH"),
    ("RETURN 1; MATCH (n) DETACH DELETE n", "one statement"),
    ("MATCH (n) RETURN n /* unterminated", "unterminated"),
    ("RETURN 'unterminated", "unterminated"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
]

ALLOWED = [
    "MATCH (t:Take) WHERE t.key <> 'CREATE (n) SET x DELETE y' RETURN t.key AS key",
    'MATCH (t:Take) WHERE t.split <> "DROP TABLE Take" RETURN count(t) AS n',
    "MATCH (r:Run) RETURN r.created AS created, r.description AS d",
    "MATCH (t:Take) RETURN t.key AS `DELETE`, t.split AS start",
    "MATCH (t:Take) // SET t.split = 'x'\nRETURN count(t) AS n",
    "MATCH (t:Take) /* MERGE (x) */ RETURN count(t) AS n",
    "MATCH (t:`Take`) RETURN count(t) AS settings",
    "MATCH (t:Take) WHERE t.key STARTS WITH 'MISS' RETURN count(t) AS n;",
]


def snapshot(store: GraphStore) -> tuple[int, int, dict[str, str]]:
    nodes = int(store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0])
    rels = int(store.query("MATCH ()-[r]->() RETURN count(r) AS n")["n"].iloc[0])
    return nodes, rels, store.take_fingerprints()


@pytest.mark.parametrize(("text", "named"), REFUSED)
def test_guard_names_what_it_refuses(text: str, named: str) -> None:
    with pytest.raises(ConsoleRefused) as err:
        check_read_only(text)
    assert named.lower() in str(err.value).lower()


def test_writes_refused_and_nothing_changed(loaded_store: GraphStore) -> None:
    before = snapshot(loaded_store)
    for text, _ in REFUSED:
        with pytest.raises(ConsoleRefused):
            run_console(loaded_store, text)
    assert snapshot(loaded_store) == before


def test_store_refuses_a_write_that_slips_past(loaded_store: GraphStore) -> None:
    """Second line of defence: the read path itself will not write."""
    before = snapshot(loaded_store)
    with pytest.raises(StoreError):
        loaded_store.query("CREATE (s:Split {key: 'sneaky'})")
    assert snapshot(loaded_store) == before


@pytest.mark.parametrize("text", ALLOWED)
def test_reads_with_keywords_in_strings_and_names_run(loaded_store: GraphStore, text: str) -> None:
    check_read_only(text)
    df = run_console(loaded_store, text)
    assert df.attrs["truncated"] is False


def test_keyword_text_in_results(loaded_store: GraphStore) -> None:
    df = run_console(loaded_store, ALLOWED[0])
    assert len(df) == len(loaded_store.take_fingerprints())
    df = run_console(loaded_store, "RETURN $x AS x", {"x": "MATCH (n) DETACH DELETE n"})
    assert df["x"].tolist() == ["MATCH (n) DETACH DELETE n"]


def test_row_limit_truncates(loaded_store: GraphStore) -> None:
    text = "MATCH (f:Frame) RETURN f.key AS key"
    df = run_console(loaded_store, text, row_limit=5)
    assert len(df) == 5 and df.attrs["truncated"] is True
    full = run_console(loaded_store, text, row_limit=10**7)
    assert len(full) > 5 and full.attrs["truncated"] is False


def test_timeout_stops_a_long_query(loaded_store: GraphStore) -> None:
    text = (
        "MATCH (a:Frame), (b:Frame), (c:Frame), (d:Frame) "
        "WHERE a.idx * b.idx - c.idx * d.idx = -7 "
        "RETURN count(*) AS n"
    )
    began = time.monotonic()
    with pytest.raises(StoreError):
        run_console(loaded_store, text, timeout=0.5)
    assert time.monotonic() - began < 20


@pytest.mark.parametrize(
    ("text", "value"),
    [("n=5", 5), ("s=abc", "abc"), ('l=["a", 1]', ["a", 1]), ("b=true", True), ("e=", "")],
)
def test_parse_param(text: str, value: object) -> None:
    assert parse_param(text)[1] == value


@pytest.mark.parametrize("text", ["novalue", "=5", "a b=1"])
def test_parse_param_refuses(text: str) -> None:
    with pytest.raises(ParamError):
        parse_param(text)


INJECTIONS = [
    "' OR 1=1 //",
    "MISS/1/1' RETURN 1 //",
    'x") DETACH DELETE n //',
    "}) MATCH (n) DETACH DELETE n WITH 1 AS x MATCH (y {key: '",
    "$take",
]
B_QUERIES = [
    "handovers",
    "allen_concurrency",
    "cooccurrence",
    "role_workload",
    "phase_timeline",
    "ego_coverage",
]


@pytest.mark.parametrize("name", B_QUERIES)
def test_injection_in_every_parameter(loaded_store: GraphStore, name: str) -> None:
    before = snapshot(loaded_store)
    for param in get_query(name).params:
        for bad in INJECTIONS:
            try:
                df = run_query(loaded_store, name, {param.name: bad})
            except QueryError:
                assert param.type is not str or param.choices  # typed or fixed choices
                continue
            if param.type is str:  # an unknown take/object/type matches nothing
                assert df.empty, (name, param.name, bad)
    assert snapshot(loaded_store) == before


def test_cli_cypher(
    loaded_store: GraphStore,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if loaded_store.backend == "embedded":
        where = ["--db", str(loaded_store.db_dir)]  # type: ignore[attr-defined]
    else:
        uri, user, password = request.getfixturevalue("neo4j_connection")
        monkeypatch.setenv("NEO4J_USER", user)
        monkeypatch.setenv("NEO4J_PASSWORD", password)
        where = ["--backend", "neo4j", "--uri", uri]
    text = "MATCH (t:Take) WHERE t.key = $k RETURN t.key AS key, t.frames AS frames"
    assert main(["cypher", text, "--param", "k=MISS/9/1", "--format", "csv", *where]) == 0
    assert capsys.readouterr().out.splitlines() == ["key,frames", "MISS/9/1,12"]
    assert main(["cypher", "MATCH (f:Frame) RETURN f.idx AS i", "--limit", "3", *where]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4 and "first 3 rows" in captured.err
    assert main(["cypher", "MATCH (n) DETACH DELETE n", *where]) == 1
    assert "DETACH is refused" in capsys.readouterr().err


def test_console_errors_are_user_errors() -> None:
    assert issubclass(WriteRefused, ConsoleRefused) and issubclass(ConsoleRefused, OrgraphError)
    assert issubclass(ParamError, OrgraphError)

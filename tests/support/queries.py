"""Helpers of the query tests (tests/queries) that other test modules and bench/ scripts
use: generated load units, a store loaded once per backend and units, the console's
read corpus, and the command-line options and processes that reach a store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from orgraph.core.store import GraphStore, open_store
from orgraph.loader.load import LoadOptions, load
from orgraph.loader.synth import generate
from tests.queries.reference import LoadUnit
from tests.support.stores import make_settings, wipe

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def synth_units(out_dir: Path, scale: str, seed: int = 0) -> list[LoadUnit]:
    """Generate a synthetic dataset (merged, no RGB) and return it as one load unit."""
    result = generate(out_dir, scale=scale, seed=seed, merged=True, rgb=None, progress=False)
    return [(tuple(result.files), result.splits)]


def load_units(store: GraphStore, units: Sequence[LoadUnit]) -> None:
    """Load every unit into a writable store, in this process."""
    for paths, splits in units:
        load(store, LoadOptions(paths=paths, splits=splits), workers=1, progress=False)


def _snapshot(store: GraphStore) -> tuple[dict[str, str], int]:
    count = store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]
    return store.take_fingerprints(), int(count)


_NEO4J_LOADED: dict[tuple[str, ...], tuple[dict[str, str], int]] = {}


_EMBEDDED_LOADED: dict[tuple[str, ...], Path] = {}


def _unit_id(units: Sequence[LoadUnit]) -> tuple[str, ...]:
    return tuple(str(p) for paths, _ in units for p in paths)


def open_loaded(
    backend: str, units: Sequence[LoadUnit], request: pytest.FixtureRequest, db_dir: Path
) -> GraphStore:
    """A read-only store holding exactly `units`, loading only when it does not already."""
    uid = _unit_id(units)
    if backend == "embedded":
        if uid not in _EMBEDDED_LOADED:
            settings = make_settings("embedded", request, db_dir)
            with open_store(settings, read_only=False) as store:
                load_units(store, units)
            _EMBEDDED_LOADED[uid] = db_dir
        return open_store(make_settings("embedded", request, _EMBEDDED_LOADED[uid]))
    settings = make_settings("neo4j", request, db_dir)
    store = open_store(settings)
    if _NEO4J_LOADED.get(uid) != _snapshot(store):
        wipe(settings)
        with open_store(settings, read_only=False) as writer:
            load_units(writer, units)
        _NEO4J_LOADED.clear()
        _NEO4J_LOADED[uid] = _snapshot(store)
    return store


READS = [
    ("MATCH (t:Take) WHERE t.key STARTS WITH 'MISS' RETURN count(t) AS n;", set()),
    ("MATCH (t:Take)\r\nWHERE t.split <> 'CREATE (n) SET x'\rRETURN t.key", set()),
    ("MATCH (t:Take) // SET t.split = 'x'\nRETURN count(t) AS n", set()),
    ("MATCH (t:Take) RETURN t.key AS k // \u2028 SET t.x = 1 (still the comment)", set()),
    ("MATCH (t:Take) /* MERGE (x) */ RETURN count(t) AS n", set()),
    ("MATCH (t:`Take`) RETURN t.key AS `DELETE`, t.split AS start, 1 AS settings", set()),
    ("MATCH (f:Frame {key: $key})-[s:SHOWS]->(i:Interaction) RETURN f, s, i LIMIT 25", {"key"}),
    ("MATCH (t:Take) WHERE t.key = $ take RETURN t", {"take"}),
    ("MATCH (t:Take) WHERE t.key IN $/* c */`the keys` RETURN t", {"the keys"}),
    ("RETURN $0 AS a, $1 AS b", {"0", "1"}),
    (
        "OPTIONAL MATCH (t:Take)-[:HAS_FRAME]->(f) WITH t, count(f) AS n ORDER BY n DESC "
        "SKIP 1 LIMIT 3 RETURN t.key, n",
        set(),
    ),
    ("MATCH (t:Take) RETURN DISTINCT t.split AS s ORDER BY s ASC", set()),
    ("UNWIND [1, 2, 3] AS x WITH x WHERE x % 2 = 1 RETURN collect(x) AS odd", set()),
    ("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION RETURN 3 AS x", set()),
    ("MATCH (t:Take) RETURN t {.key, .split, n: 1} AS m, {set: 1, `delete`: 2} AS k", set()),
    ("MATCH (t:Take) WHERE EXISTS { MATCH (t)-[:HAS_FRAME]->() } RETURN count(*) AS n", set()),
    ("MATCH (t:Take) RETURN COUNT { MATCH (t)-[:HAS_FRAME]->() } AS n", set()),
    ("MATCH (t:Take) RETURN COLLECT { MATCH (t)-[:HAS_FRAME]->(f) RETURN f.idx } AS n", set()),
    ("MATCH (t:Take) WHERE EXISTS { (t)-[:HAS_FRAME]->() } RETURN t", set()),
    ("MATCH (t:Take) CALL { WITH t RETURN t.key AS k } RETURN k", set()),
    ("MATCH (t:Take) CALL (t) { RETURN t.key AS k } RETURN k", set()),
    ("CALL db.labels() YIELD label RETURN label", set()),
    ("CALL db . schema . visualization()", set()),
    ("CALL `db`.`propertyKeys`() YIELD propertyKey RETURN propertyKey", set()),
    ("CALL show_tables() RETURN *", set()),
    ("CALL table_info('Take') RETURN *", set()),
    ("RETURN CASE WHEN 1 > 0 THEN 'a' ELSE 'b' END AS x, CASE 2 WHEN 2 THEN 1 END AS y", set()),
    ("RETURN [x IN range(1, 10) WHERE x > 5 | x * 2] AS xs, [(a)-->(b) | b.key] AS ks", set()),
    ("RETURN reduce(s = 0, x IN [1, 2] | s + x) AS s, all(x IN [1] WHERE x > 0) AS a", set()),
    ("RETURN 0x1F + 0o17 + 1_000 + 1e3 + .5 + 2E-3 AS n, -1 AS m, 1 - -1 AS k", set()),
    ("MATCH p = (a:Take)-[*1..3]->(b) RETURN length(p) AS n LIMIT 1", set()),
    ("MATCH (a:Take)-[r:HAS_FRAME*]->(b) RETURN count(r) AS n", set()),
    ("MATCH (a)-[e* SHORTEST 1..3]->(b) RETURN a LIMIT 1", set()),
    ("MATCH p = ANY SHORTEST (a:Take)-[:HAS_FRAME]->+(b) RETURN p LIMIT 1", set()),
    ("MATCH (n) WHERE n:Take OR n:Frame AND NOT n.key IS NULL RETURN n.key IS NOT NULL", set()),
    ("MATCH (n:Take|Frame WHERE n.key =~ 'MISS.*') RETURN n.key CONTAINS 'x' AS c", set()),
    ("RETURN 'it\\'s' AS a, \"say \\\"x\\\"\" AS b, 'back\\\\slash' AS c, '' AS d", set()),
    ("RETURN CAST(1 AS STRING) AS s, 1::INT64 AS i, list_transform([1], x -> x + 1) AS l", set()),
    ("MATCH (é:Take) RETURN é.key AS clé, 1 AS a€, 2 AS b$c", set()),
    ("MATCH\u00a0(n)\u3000RETURN\u2028n\u2029LIMIT\t1\x0b", set()),
    ("RETURN 1 AS start, 2 AS stop, 3 AS enable // words that are refused only as commands", set()),
]


def cli(
    store: GraphStore, request: pytest.FixtureRequest, *args: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `orgraph cypher ARGS` against the store in a new process; (result, seconds)."""
    env = dict(os.environ)
    if store.backend == "embedded":
        where = ["--db", str(store.db_dir)]  # type: ignore[attr-defined]
    else:
        uri, user, password = request.getfixturevalue("neo4j_connection")
        env.update(NEO4J_USER=user, NEO4J_PASSWORD=password)
        where = ["--backend", "neo4j", "--uri", uri]
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "orgraph.cli", "cypher", *args, *where],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    return done, time.monotonic() - began


def store_args(store: GraphStore) -> list[str]:
    """Command-line options that reach the same store."""
    if store.backend == "embedded":
        return ["--db", str(store.db_dir)]  # type: ignore[attr-defined]
    return ["--backend", "neo4j", "--uri", store.uri]  # type: ignore[attr-defined]

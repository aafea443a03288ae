"""Where hostile console texts start to hurt each engine (the figures in queries/cypher_limits).

Run:  .venv/bin/python bench/console_limits.py                   # both backends
      .venv/bin/python bench/console_limits.py --no-neo4j --family paren --sizes 100 1000 3000

Each text goes straight to GraphStore.query_untrusted (the guard is bypassed on
purpose), so an embedded crash ends only the console worker and a Neo4j read that
never answers is stopped by the client deadline. A generated `tiny` dataset is
loaded into --work (kept and reused); Neo4j is used when reachable (NEO4J_URI /
NEO4J_PASSWORD or the local server) and is left holding that dataset. Per family
and size it prints the seconds to an answer, "crash" (the worker died), "stopped"
(past --timeout, on either clock) or the engine's error, and the ratio to
`RETURN 1` run the same way in the same process. Re-run it after an engine upgrade
and move the limits if the figures moved.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core.errors import OrgraphError  # noqa: E402
from orgraph.core.settings import Settings, load_settings  # noqa: E402
from orgraph.core.store import GraphStore, open_store  # noqa: E402
from orgraph.core.store.deadline import QueryStopped  # noqa: E402
from tests.support.queries import load_units, synth_units  # noqa: E402

FAMILIES: dict[str, Callable[[int], str]] = {
    "paren": lambda n: "RETURN " + "(" * n + "1" + ")" * n + " AS x",
    "bracket": lambda n: "RETURN " + "[" * n + "1" + "]" * n + " AS x",
    "brace": lambda n: "RETURN " + "{a: " * n + "1" + "}" * n + " AS x",
    "case": lambda n: "RETURN " + "CASE WHEN true THEN " * n + "1" + " END" * n + " AS x",
    "exists": lambda n: (
        "MATCH (t:Take) WHERE "
        + "EXISTS { MATCH (t)-->() WHERE " * n
        + "true"
        + " }" * n
        + " RETURN count(*) AS x"
    ),
    "not": lambda n: "RETURN " + "NOT " * n + "true AS x",
    "prop": lambda n: "WITH {a: 1} AS m RETURN m" + ".a" * n + " AS x",
    "concat": lambda n: "RETURN 'a'" + " + 'a'" * n + " AS x",
    "plus": lambda n: "RETURN 1" + "+1" * n + " AS x",
    "union": lambda n: " UNION ".join(f"RETURN {i} AS x_{n}" for i in range(n)),
}
SIZES = {
    "paren": [30, 250, 1000, 3000],
    "bracket": [50, 200, 300],
    "brace": [50, 200, 300],
    "case": [8, 15, 20],
    "exists": [6, 12, 16],
    "not": [150, 300, 700],
    "prop": [150, 300, 500],
    "concat": [150, 300, 700],
    "plus": [1000, 5000],
    "union": [100, 400],
}


def measure(store: GraphStore, text: str, timeout: float) -> tuple[str, float]:
    """What happened to one text, and how long it took."""
    began = time.monotonic()
    try:
        store.query_untrusted(text, timeout=timeout)
        what = "answer"
    except QueryStopped:
        what = "stopped"
    except OrgraphError as exc:
        what = "crash" if "crashed" in str(exc) else f"error: {str(exc)[:50]}"
    return what, time.monotonic() - began


def stores(work: Path, use_neo4j: bool) -> list[GraphStore]:
    units = synth_units(work / "h5", "tiny") if not (work / "h5").exists() else None
    embedded = Settings(backend="embedded", db=work / "db")
    if not (work / "db").exists():
        units = units or synth_units(work / "h5", "tiny")
        with open_store(embedded, read_only=False) as store:
            load_units(store, units)
    out = [open_store(embedded)]
    if use_neo4j:
        settings = load_settings(backend="neo4j")
        try:
            reader = open_store(settings)
        except OrgraphError as exc:
            print(f"note: Neo4j skipped ({exc})")
            return out
        if reader.is_empty():
            with open_store(settings, read_only=False) as writer:
                load_units(writer, units or synth_units(work / "h5b", "tiny"))
        out.append(reader)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("data/bench-console"))
    ap.add_argument("--family", choices=sorted(FAMILIES), action="append")
    ap.add_argument("--sizes", type=int, nargs="+", help="sizes for the chosen families")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--no-neo4j", action="store_true")
    args = ap.parse_args()
    for store in stores(args.work, not args.no_neo4j):
        _, base = measure(store, "RETURN 1 AS x", args.timeout)
        _, base = measure(store, "RETURN 1 AS x", args.timeout)  # warm
        print(f"== {store.backend}: RETURN 1 takes {base * 1000:.1f} ms")
        for family in args.family or sorted(FAMILIES):
            for n in args.sizes or SIZES[family]:
                what, took = measure(store, FAMILIES[family](n), args.timeout)
                print(f"{family:8} {n:6}  {what:12} {took:7.2f} s  x{took / base:,.0f}", flush=True)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Query benchmark: every catalog query on each backend, next to pandas computing the same answer.

Run:  .venv/bin/python bench/queries.py                      # egoexor scale, both backends
      .venv/bin/python bench/queries.py --scale small --no-neo4j --repeat 10
      .venv/bin/python bench/queries.py --work /tmp/qbench --query directly_follows

The dataset comes from loader.synth (merged, no RGB) into --work (kept and reused)
and is loaded into an embedded database there and, when reachable (NEO4J_URI /
NEO4J_PASSWORD or the local server), into Neo4j, whose takes are made exactly the
dataset's (other takes are deleted). Per query and backend it prints p50/p95 over
--repeat runs after one warm-up, the p50 of a pandas computation of the same answer
over the reader's in-memory tables (intervals precomputed, as the graph has them)
and the ratio graph/pandas, whether both answers are equal, and the target (Neo4j
p95 <= 200 ms per-take, <= 2 s whole-dataset). Queries without a pandas reference
in PANDAS show "-"; catalog B adds its own there. Beside every query at its defaults,
CASES runs the issue-14 queries as the Workflow page does (flicker, one surgery type,
one take); a run with a take is held to the per-take target.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.store_setup import add_dataset_args, dataset_stores, ensure_dataset, timings  # noqa: E402
from orgraph.core.store import GraphStore  # noqa: E402
from orgraph.queries.catalog import CATALOG, run_query  # noqa: E402
from tests.queries import compare, compare_process  # noqa: E402
from tests.queries import compare_sequences as seq  # noqa: E402
from tests.queries import compare_views as views  # noqa: E402
from tests.queries.reference import Reference, read_reference  # noqa: E402

TARGET_S = {"take": 0.2, "dataset": 2.0}

Baseline = Callable[[Reference, dict[str, Any]], pd.DataFrame]

PANDAS: dict[str, tuple[Baseline, list[str] | None]] = {
    "dataset_overview": (lambda r, p: compare.overview(r), None),
    "relation_frequencies": (
        lambda r, p: compare.relation_frequencies(r, p["level"]),
        ["key", "relation"],
    ),
    "entity_frequencies": (
        lambda r, p: compare.entity_frequencies(r, p["level"], p["surgery_type"]),
        ["key", "entity"],
    ),
    "activity_timeline": (
        lambda r, p: compare.timeline(r, p["take"], p["subject"], p["roles_only"]),
        None,
    ),
    "scene_graph_at_frame": (
        lambda r, p: compare.scene(r, p["take"], p["frame"], p["frame"]),
        None,
    ),
    "scene_graph_range": (lambda r, p: compare.scene(r, p["take"], p["first"], p["last"]), None),
    "directly_follows": (
        lambda r, p: seq.directly_follows(
            r.intervals,
            p["role"],
            p["take"],
            p["per_take"],
            p["flicker"],
            p["surgery_type"],
            obj=p["object"],
        ),
        ["take", "surgery_type", "role", "source", "target", "kind"],
    ),
    "ngrams": (
        lambda r, p: seq.ngrams(
            r.intervals,
            p["n"],
            p["role"],
            p["take"],
            p["min_support"],
            p["collapse"],
            p["flicker"],
        ),
        ["role", "pattern"],
    ),
}
"""Query name -> (pandas answer from the reference, columns to sort by before comparing)."""


def _one_take(df: pd.DataFrame, take: str | None) -> pd.DataFrame:
    return df if take is None else df[df["take"] == take].reset_index(drop=True)


PANDAS.update(
    {  # catalog B (its ego_coverage reference reads HDF5 files: not timed here)
        "handovers": (
            lambda r, p: compare_process.handovers(
                r, p["max_gap"], p["object"], p["take"], p["surgery_type"]
            ),
            ["take", "receiver_start_frame", "giver_start_frame", "object", "giver", "receiver"],
        ),
        "allen_concurrency": (
            lambda r, p: compare_process.allen(r, p["before_window"], p["take"], p["surgery_type"]),
            ["x_role", "x_action", "relation", "y_role", "y_action"],
        ),
        "cooccurrence": (
            lambda r, p: compare_process.cooccurrence(r, p["min_support"], p["take"]),
            ["triplet_a", "triplet_b"],
        ),
        "role_workload": (
            lambda r, p: _one_take(compare_process.workload(r, p["exclude_relations"]), p["take"]),
            ["take", "role"],
        ),
        "phase_timeline": (
            lambda r, p: compare_process.phase_summary(
                compare_process.phase_takes(r, p["actions"], p["surgery_type"], p["take"])
            ),
            ["surgery_type", "action"],
        ),
    }
)


def _object_dfg(perspective: str) -> Baseline:
    def base(r: Reference, p: dict[str, Any]) -> pd.DataFrame:
        df = seq.directly_follows(
            r.intervals,
            p["role"],
            p["take"],
            p["per_take"],
            p["flicker"],
            p["surgery_type"],
            perspective,
            p["object"],
        )
        return df.rename(columns={"role": "entity"})

    return base


DF_KEYS = ["take", "surgery_type", "entity", "source", "target", "kind"]
PANDAS.update(
    {  # issue 14: object-centric views, variants, performance (defaults as the bench binds)
        "object_dfg": (_object_dfg("object"), DF_KEYS),
        "pair_dfg": (_object_dfg("pair"), DF_KEYS),
        "working_together": (
            lambda r, p: seq.working_together(r.intervals, p["take"], p["surgery_type"]),
            ["surgery_type", "role_a", "role_b", "object"],
        ),
        "variants": (
            lambda r, p: views.variants(r, p["unit"], p["level"]),
            ["surgery_type", "variant"],
        ),
        "variant_deviations": (
            lambda r, p: views.deviations(r, p["take"], p["unit"]),
            ["step"],
        ),
        "activity_durations": (
            lambda r, p: views.activity_durations(r, p["flicker"]),
            ["surgery_type", "activity"],
        ),
        "phase_durations": (lambda r, p: views.phase_durations(r), ["surgery_type", "phase"]),
        "waiting_times": (
            lambda r, p: views.waiting_times(r, p["flicker"]),
            ["surgery_type", "role"],
        ),
        "idle_time": (lambda r, p: _idle(r, p), ["take", "role"]),
    }
)


def _idle(r: Reference, p: dict[str, Any]) -> pd.DataFrame:
    """idle_time's reference, kept to the chosen take and surgery type."""
    df = _one_take(views.idle_time(r), p["take"])
    if p["surgery_type"] is not None:
        df = df[df["surgery_type"] == p["surgery_type"]]
    return df.reset_index(drop=True)


LONGEST = "<longest take>"
"""Stands for the dataset's longest take in CASES."""

CASES: list[tuple[str, str, dict[str, Any]]] = [
    # issue 14, as the Workflow page runs them: flicker, one surgery type, one take
    ("directly_follows flicker=5", "directly_follows", {"flicker": 5}),
    ("directly_follows flicker=5 MISS", "directly_follows", {"flicker": 5, "surgery_type": "MISS"}),
    ("directly_follows flicker=5 take", "directly_follows", {"flicker": 5, "take": LONGEST}),
    ("object_dfg patient flicker=5", "object_dfg", {"object": "patient", "flicker": 5}),
    ("object_dfg take", "object_dfg", {"take": LONGEST}),
    ("pair_dfg patient", "pair_dfg", {"object": "patient"}),
    ("working_together MISS", "working_together", {"surgery_type": "MISS"}),
    ("working_together take", "working_together", {"take": LONGEST}),
    ("idle_time MISS", "idle_time", {"surgery_type": "MISS"}),
    ("idle_time take", "idle_time", {"take": LONGEST}),
    ("variant_deviations action", "variant_deviations", {"unit": "action"}),
    ("handovers MISS", "handovers", {"surgery_type": "MISS"}),
    ("handovers Ultrasound", "handovers", {"surgery_type": "Ultrasound"}),
    ("handovers take", "handovers", {"take": LONGEST}),
    ("allen_concurrency MISS", "allen_concurrency", {"surgery_type": "MISS"}),
    ("allen_concurrency Ultrasound", "allen_concurrency", {"surgery_type": "Ultrasound"}),
    ("allen_concurrency take", "allen_concurrency", {"take": LONGEST}),
]
"""Extra (label, query, parameters) runs beside every query at its defaults. A run with a
take has the per-take target, whatever the query's scope."""


def sample_params(name: str, ref: Reference, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for one run: the longest take, its middle frame, a 10 s window, then
    `extra` (LONGEST naming that take)."""
    big = ref.takes.sort_values("frames").iloc[-1]
    mid = int(big["frames"]) // 2
    given: dict[str, Any] = {"frame": mid, "first": mid, "last": mid + 149}
    query = CATALOG[name]
    out = {}
    for p in query.params:
        if p.name == "take" and (p.required or query.scope == "take"):
            out["take"] = str(big["take"])
        elif p.name in given:
            out[p.name] = given[p.name]
    for k, v in (extra or {}).items():
        out[k] = str(big["take"]) if v == LONGEST else v
    return query.bind(out)


def equal(a: pd.DataFrame, b: pd.DataFrame, sort_by: list[str] | None) -> str:
    try:
        compare.assert_same(a, b, sort_by)
    except AssertionError:
        return "DIFF"
    return "yes"


def bench_store(
    store: GraphStore, ref: Reference, cases: list[tuple[str, str, dict[str, Any]]], repeat: int
) -> list[dict[str, Any]]:
    rows = []
    for label, name, extra in cases:
        query = CATALOG[name]
        params = sample_params(name, ref, extra)
        scope = "take" if query.scope == "take" or params.get("take") else "dataset"
        graph = timings(lambda n=name, p=params: run_query(store, n, p, row_limit=10**7), repeat)
        row: dict[str, Any] = {
            "query": label,
            "scope": scope,
            "backend": store.backend,
            "p50_ms": 1000 * np.percentile(graph, 50),
            "p95_ms": 1000 * np.percentile(graph, 95),
            "pandas_ms": float("nan"),
            "ratio": float("nan"),
            "same": "-",
        }
        if name in PANDAS:
            base, sort_by = PANDAS[name]
            pand = timings(lambda b=base, p=params: b(ref, p), max(3, repeat // 3))
            row["pandas_ms"] = 1000 * np.percentile(pand, 50)
            row["ratio"] = row["p50_ms"] / row["pandas_ms"]
            got = run_query(store, name, params, row_limit=10**7)
            row["same"] = equal(got, base(ref, params), sort_by)
        target = TARGET_S[scope]
        row["target_ms"] = 1000 * target
        row["meets"] = "yes" if row["p95_ms"] <= 1000 * target else "NO"
        rows.append(row)
        print(f"  {store.backend:8s} {label:34s} p95 {row['p95_ms']:9.1f} ms", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dataset_args(ap, "/tmp/orgraph-bench-queries")
    ap.add_argument(
        "--query", action="append", help="only these queries and their CASES (repeatable)"
    )
    args = ap.parse_args(argv)
    names = args.query or sorted(CATALOG)
    cases = [(n, n, {}) for n in names] + [c for c in CASES if c[1] in names]
    units = ensure_dataset(args.work, args.scale, args.seed)
    print("reading the pandas reference", file=sys.stderr)
    ref = read_reference(units)
    _ = ref.intervals, ref.entities  # precomputed, as the graph holds them
    rows = []
    for store in dataset_stores(args, units):
        rows += bench_store(store, ref, cases, args.repeat)
    frames = int(ref.takes["frames"].sum())
    print(
        f"\nscale {args.scale} (seed {args.seed}): {len(ref.takes)} takes, {frames} frames, "
        f"{len(ref.rows)} triplets, {len(ref.intervals)} intervals; repeat {args.repeat}"
    )
    table = pd.DataFrame(rows)
    with pd.option_context(
        "display.width", 200, "display.max_rows", None, "display.float_format", "{:.1f}".format
    ):
        print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

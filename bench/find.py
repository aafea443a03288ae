"""Pattern search benchmark: `find` on each backend next to the brute-force frame scan.

Run:  .venv/bin/python bench/find.py                          # egoexor scale, both backends
      .venv/bin/python bench/find.py --scale small --no-neo4j --repeat 10

The dataset comes from loader.synth (merged, no RGB) into --work (kept and reused) and
is loaded into an embedded database there and, when reachable, into Neo4j (holding
exactly the dataset). For each pattern (one of each form of the language) it prints
p50/p95 of `find` over the whole dataset per backend, after one warm-up, and the frame
scan of tests/queries/pattern_reference.py: reading every annotation from HDF5 (once,
timed) plus evaluating the pattern frame by frame (timed per pattern). Ratios are scan
time / find p50, both against the full scan (read + evaluate) and the evaluation alone
(frames already in memory). `same` says whether find returned exactly the scan's
moments. Targets: p95 <= 300 ms embedded, <= 500 ms Neo4j, >= 20x faster than the scan.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.store_setup import add_dataset_args, dataset_stores, ensure_dataset, timings  # noqa: E402
from orgraph.core.store import GraphStore  # noqa: E402
from orgraph.queries.patterns import find, parse  # noqa: E402
from tests.queries import pattern_reference as ref  # noqa: E402

PATTERNS: dict[str, str] = {
    "triplet": "head_surgeon holding scalpel",
    "raw spelling + *": "* closeTo operation_table",
    "variables": "?a holding ?x",
    "conjunction": "head_surgeon holding * & assistant looking *",
    "negation": "anesthetist * * & !anesthetist closeto patient",
    "shared variable & !": "?a closeto operating_table & !?a holding *",
    "for >= 3s": "* holding * & * looking * for >= 3s",
    "for > 10s, one triplet": "patient lyingon operating_table for > 10s",
    "then (handover)": "?a holding ?x then ?b holding ?x within 2s",
    "then + for": "head_surgeon holding needle for >= 1s then head_surgeon * patient within 3s",
    "everything": "* * * for >= 10s",
}
TARGET_MS = {"embedded": 300.0, "neo4j": 500.0}
SPEEDUP = 20.0


def scan_timings(frames: dict, repeat: int) -> dict[str, tuple[float, list[tuple]]]:
    """Per pattern: median seconds of the frame-by-frame evaluation, and its moments."""
    out = {}
    for name, text in PATTERNS.items():
        pattern = parse(text)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            moments = ref.moments(pattern, frames)
            times.append(time.perf_counter() - start)
        out[name] = (float(np.median(times)), ref.as_rows(moments))
        print(f"  scan     {name:26s} {1000 * out[name][0]:9.1f} ms", file=sys.stderr)
    return out


def bench_store(store: GraphStore, scans: dict, read_s: float, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for name, text in PATTERNS.items():
        t = timings(lambda p=text: find(store, p), repeat)
        result = find(store, text)
        scan_s, expected = scans[name]
        p50, p95 = np.percentile(t, 50), np.percentile(t, 95)
        rows.append(
            {
                "pattern": name,
                "backend": store.backend,
                "moments": result.total,
                "p50_ms": 1000 * p50,
                "p95_ms": 1000 * p95,
                "scan_ms": 1000 * (read_s + scan_s),
                "eval_ms": 1000 * scan_s,
                "x_scan": (read_s + scan_s) / p50,
                "x_eval": scan_s / p50,
                "same": "yes"
                if ref.as_rows(result.moments.to_dict("records")) == expected
                else "DIFF",
                "meets": "yes"
                if p95 * 1000 <= TARGET_MS[store.backend] and (read_s + scan_s) / p50 >= SPEEDUP
                else "NO",
            }
        )
        print(f"  {store.backend:8s} {name:26s} p95 {1000 * p95:9.1f} ms", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dataset_args(ap, "/tmp/orgraph-bench-find")
    ap.add_argument("--scan-repeat", type=int, default=3)
    args = ap.parse_args(argv)
    units = ensure_dataset(args.work, args.scale, args.seed)
    print("frame scan: reading every annotation from HDF5", file=sys.stderr)
    start = time.perf_counter()
    frames = ref.read_frames(units)
    read_s = time.perf_counter() - start
    scans = scan_timings(frames, args.scan_repeat)
    rows = []
    for store in dataset_stores(args, units):
        rows += bench_store(store, scans, read_s, args.repeat)
    n_frames = sum(t.annotated[-1] + 1 if t.annotated else 0 for t in frames.values())
    print(
        f"\nscale {args.scale} (seed {args.seed}): {len(frames)} takes, ~{n_frames} frames; "
        f"HDF5 read for the scan {read_s:.2f} s; repeat {args.repeat}; targets p95 <= "
        f"{TARGET_MS['embedded']:.0f} ms embedded, <= {TARGET_MS['neo4j']:.0f} ms Neo4j, "
        f">= {SPEEDUP:.0f}x the scan (x_scan)"
    )
    with pd.option_context(
        "display.width", 220, "display.max_rows", None, "display.float_format", "{:.1f}".format
    ):
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

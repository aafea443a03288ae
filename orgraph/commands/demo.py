"""`orgraph demo`: the main job end to end on the embedded default backend.

Generate a small synthetic EgoExOR dataset, summarise it from HDF5, load it into
the embedded graph, print the same summary read back from the graph and a few headline
answers from the query catalog, train and evaluate a short GNN run (predictions written
back), then serve the dashboard on it (unless --no-serve).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from orgraph.core.extras import require_extra
from orgraph.core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="generate, load and summarise a small synthetic dataset (embedded backend)",
        description="The main job of `make demo`, on the embedded backend; needs no server.",
    )
    p.add_argument("--out", type=Path, default=Path("data/demo"), help="working directory")
    p.add_argument("--scale", default="small", choices=("tiny", "small"), help="dataset scale")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--no-serve",
        action="store_true",
        help="stop after the checks instead of serving the dashboard (for scripts)",
    )
    p.add_argument("--port", type=int, default=8501, help="dashboard port (default 8501)")
    p.set_defaults(func=run)


def _step(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def run(args: argparse.Namespace) -> int:
    require_extra("demo", "gnn")
    if not args.no_serve:
        from orgraph.commands.dashboard import check_port

        require_extra("demo", "dashboard")
        check_port(args.port)  # before the minutes of work, not after
    from orgraph.core.store import open_store
    from orgraph.loader.inspect import format_summary, summarize
    from orgraph.loader.load import LoadOptions, load
    from orgraph.loader.reader import EgoExOR
    from orgraph.loader.synth import generate
    from orgraph.queries.headlines import headlines
    from orgraph.queries.stats import graph_summary

    out: Path = args.out
    h5_dir = out / "h5"
    _step(f"1. generating a {args.scale} synthetic EgoExOR dataset in {h5_dir}")
    result = generate(h5_dir, scale=args.scale, seed=args.seed, merged=False, rgb=(48, 64))
    files = list(result.files)

    _step("2. summary read from HDF5 (orgraph inspect)")
    with EgoExOR(files, splits=result.splits) as reader:
        from_h5 = summarize(reader)
    print(format_summary(from_h5))

    settings = Settings(backend="embedded", db=out / "graph")
    _step(f"3. loading into the embedded graph at {settings.db} (orgraph load)")
    with open_store(settings, read_only=False) as store:
        report = load(store, LoadOptions(tuple(files), result.splits))
    print(f"loaded {len(report.loaded)} takes, skipped {len(report.skipped)} unchanged")

    _step("4. summary read back from the graph (orgraph stats)")
    with open_store(settings) as store:
        from_graph = graph_summary(store)
    print(format_summary(from_graph))
    same = json.dumps(from_graph, sort_keys=True) == json.dumps(from_h5, sort_keys=True)
    print(f"graph summary equals HDF5 summary: {'yes' if same else 'NO'}")
    if not same:
        return 1

    _step("5. headline answers from the query catalog (orgraph query ...)")
    with open_store(settings) as store:
        print(headlines(store))

    _step("6. a short scene-graph-generation run: export, train, evaluate, write back")
    from orgraph.gnn.demo import train_and_evaluate

    print(train_and_evaluate(settings, out / "gnn"))
    if args.no_serve:
        return 0
    return _serve(args, Path(settings.db))


def _serve(args: argparse.Namespace, db: Path) -> int:
    """The dashboard on the demo's graph, until Ctrl+C."""
    from orgraph.commands.dashboard import serve_dashboard, url

    _step(f"7. serving the dashboard at {url(args.port)} (Ctrl+C stops it)")
    settings = Settings(backend="embedded", db=db)
    return serve_dashboard(settings, args.port, runs=args.out / "gnn" / "runs")

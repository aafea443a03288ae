"""`orgraph evaluate`: score a run (with its baselines) or a predictions file against the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.errors import ConfigError
from orgraph.core.extras import require_extra
from orgraph.core.store import open_store
from orgraph.core.vocabulary import SPLITS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score scene-graph predictions (EgoExOR protocol) against the graph store",
        description="Ground truth comes from the graph store. With RUN_DIR, the run's GNN is "
        "scored next to its baselines (frequency prior, MLP) and the published EgoExOR numbers "
        "(for context only: generated data is not the real benchmark).",
    )
    p.add_argument("run", type=Path, nargs="?", metavar="RUN_DIR", help="a training run")
    p.add_argument("--predictions", type=Path, metavar="FILE", help="a predictions JSON file")
    p.add_argument(
        "--run",
        dest="stored_run",
        metavar="NAME",
        help="a prediction run stored in the graph (write-back or import-predictions)",
    )
    p.add_argument("--split", choices=SPLITS, default="test")
    p.add_argument(
        "--entities",
        choices=("predicted", "ground-truth"),
        default="predicted",
        help="where the entities in play come from (official: predicted)",
    )
    p.add_argument("--data", type=Path, help="export directory (default: the run's)")
    p.add_argument("--json", action="store_true", help="print JSON only on stdout")
    p.add_argument(
        "--save-predictions",
        type=Path,
        metavar="FILE",
        help="write the run's GNN predictions as JSON",
    )
    p.add_argument(
        "--write-back",
        action="store_true",
        help="store the predictions as Prediction intervals: the GNN's as run RUN_DIR's name, "
        "the MLP's and frequency prior's as NAME:mlp and NAME:prior (what the Model page "
        "drills into and compares against)",
    )
    p.add_argument(
        "--write-back-baselines",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --write-back, also store the baselines' predictions (the default; "
        "--no-write-back-baselines stores the GNN's only)",
    )
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_extra("evaluate", "gnn")
    from orgraph.gnn.evaluate_run import compare, format_comparison, predictions_json

    given = [x is not None for x in (args.run, args.predictions, args.stored_run)]
    if sum(given) != 1:
        raise ConfigError("give exactly one of RUN_DIR, --predictions FILE or --run NAME")
    settings = settings_from_args(args)
    if args.predictions is not None or args.stored_run is not None:
        return _single(args, settings)
    with open_store(settings) as store:
        reports, preds = compare(store, args.run, args.split, args.entities, args.data)
    if args.save_predictions:
        args.save_predictions.write_text(json.dumps(predictions_json(preds["gnn"])))
    if args.write_back:
        _write_back(args, settings, preds)
    if args.json:
        print(json.dumps({k: r.to_dict() for k, r in reports.items()}, indent=2))
    else:
        print(format_comparison(reports, args.split))
    return 0


def _write_back(args: argparse.Namespace, settings, preds: dict) -> None:
    """Store the GNN's predictions as run RUN_DIR's name, and the baselines' unless skipped."""
    from orgraph.gnn.writeback import write_predictions

    models = ["gnn", "mlp", "prior"] if args.write_back_baselines else ["gnn"]
    with open_store(settings, read_only=False) as store:
        for model in models:
            name = args.run.name if model == "gnn" else f"{args.run.name}:{model}"
            n = write_predictions(
                store,
                name,
                preds[model],
                f"{model} predictions on split {args.split} from {args.run}",
            )
            print(f"wrote {n} prediction intervals as run {name!r}", file=sys.stderr)


def _single(args: argparse.Namespace, settings) -> int:
    """Score one predictions file, or one run stored in the graph."""
    from orgraph.gnn.evaluate_run import NOTE
    from orgraph.gnn.evaluation import evaluate, format_report, parse_predictions
    from orgraph.gnn.store_read import read_split_truth
    from orgraph.gnn.stored_runs import evaluate_stored

    with open_store(settings) as store:
        if args.stored_run is not None:
            report = evaluate_stored(store, args.stored_run, args.split, args.entities).report
        else:
            preds = parse_predictions(args.predictions)
            truth = read_split_truth(store, args.split)
            report = evaluate(truth, preds, entities=args.entities)
    if args.json:
        print(report.to_json())
    else:
        print(format_report(report))
        print("\n" + NOTE)
    return 0

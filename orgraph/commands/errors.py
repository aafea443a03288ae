"""`orgraph errors`: the frames behind a stored run's scores (mistakes, one confusion cell, or
with --flicker the frame pairs behind its temporal consistency)."""

from __future__ import annotations

import argparse

from orgraph.commands._output import FORMATS, render
from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.errors import ConfigError
from orgraph.core.store import open_store
from orgraph.core.vocabulary import SPLITS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "errors",
        help="list the frames behind a stored prediction run's scores",
        description="One row per frame and entity pair (take, frame, subject, object, truth, "
        "predicted, in_a_row), longest runs of consecutive frames first. Without --truth and "
        "--predicted, only mistakes are listed; with both, exactly that confusion cell. RUN is "
        "a prediction run stored by `orgraph evaluate RUN_DIR --write-back` or "
        "`orgraph import-predictions`. With --flicker: one row per pair of consecutive "
        "annotated frames (take, frame, next_frame, jaccard, appeared, disappeared), lowest "
        "Jaccard first; their mean per take is the run's temporal consistency.",
    )
    p.add_argument("run", metavar="RUN", help="a prediction run stored in the graph")
    p.add_argument("--truth", metavar="REL", help="true label (a relation, or none)")
    p.add_argument("--predicted", metavar="REL", help="predicted label (a relation, or none)")
    p.add_argument("--relation", metavar="REL", help="mistakes with REL on either side")
    p.add_argument("--take", metavar="T", help="one take, e.g. MISS/1/2")
    p.add_argument("--surgery-type", metavar="TYPE", help="the takes of one surgery type")
    p.add_argument(
        "--flicker",
        action="store_true",
        help="list the consecutive frame pairs behind the temporal consistency instead",
    )
    p.add_argument("--split", choices=SPLITS, default="test")
    p.add_argument(
        "--entities",
        choices=("predicted", "ground-truth"),
        default="predicted",
        help="where the entities in play come from (official: predicted)",
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N rows")
    p.add_argument("--format", choices=FORMATS, default="table")
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orgraph.gnn.evaluation.flicker import flicker
    from orgraph.gnn.evaluation.pairs import frames_behind
    from orgraph.gnn.stored_runs import evaluate_stored

    if args.flicker:
        filters = ("truth", "predicted", "relation", "surgery_type")
        given = [f"--{f.replace('_', '-')}" for f in filters if getattr(args, f) is not None]
        if given:
            raise ConfigError(
                f"--flicker lists a take's frame pairs: it takes --take, not {given[0]}"
            )
    with open_store(settings_from_args(args)) as store:
        scored = evaluate_stored(store, args.run, args.split, args.entities)
    if args.flicker:
        rows = flicker(scored.changes, args.take)
    else:
        rows = frames_behind(
            scored.pairs, args.truth, args.predicted, args.take, args.relation, args.surgery_type
        )
    if args.limit is not None:
        rows = rows.head(max(0, args.limit))
    print(render(rows, args.format))
    return 0

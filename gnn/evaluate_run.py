"""Evaluate a training run (GNN, MLP baseline, frequency prior) against the store's truth.

The truth always comes from the graph store; the export the run points at must match the
store's current graph (same fingerprint), so scores never mix two versions of the data.
"""

from __future__ import annotations

from pathlib import Path

from orgraph.core.errors import DataFormatError
from orgraph.core.store import GraphStore
from orgraph.gnn.baselines import FrequencyPrior
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.evaluation import EvaluationReport, FrameKey, evaluate
from orgraph.gnn.export import read_manifest
from orgraph.gnn.features import FEATURE_VERSION
from orgraph.gnn.inference import Triplet, predict_prior, predict_probs, to_triplets
from orgraph.gnn.packed import PackedSplit
from orgraph.gnn.run_files import load_models, read_config
from orgraph.gnn.run_layout import PUBLISHED, PUBLISHED_NOTE
from orgraph.gnn.store_read import graph_fingerprint, read_split_truth, read_takes
from orgraph.gnn.train import load_net

NOTE = f"Note: {PUBLISHED_NOTE}"
MODEL_LABELS = {
    "gnn": "GNN (this run)",
    "mlp": "MLP baseline (no message passing)",
    "prior": "frequency prior",
}

Predictions = dict[FrameKey, list[Triplet]]


def check_export_matches(store: GraphStore, data: Path) -> dict:
    """The export's manifest, or DataFormatError when the store's graph has changed since."""
    manifest = read_manifest(data)
    current = graph_fingerprint(read_takes(store), FEATURE_VERSION)
    if manifest["fingerprint"] != current:
        raise DataFormatError(
            f"{data}: the export (fingerprint {manifest['fingerprint']}) does not match the "
            f"graph store ({current}); rerun `orgraph export {data}`"
        )
    return manifest


def run_predictions(run: Path, split: str, data: Path | None = None) -> dict[str, Predictions]:
    """Predicted triplets per frame of each model of the run on a split, plus timing."""
    run = Path(run)
    cfg = read_config(run)
    data = Path(data or cfg["data"])
    models = load_models(run)
    packed = PackedSplit(EgoExORSceneGraphs(data, split))
    out: dict[str, Predictions] = {}
    for name in ("gnn", "mlp"):
        net = load_net(models, name)
        probs = predict_probs(net, packed, models["config"]["passes"])
        out[name] = to_triplets(packed, probs.argmax(-1))
    prior = FrequencyPrior.from_state(models["prior"])
    out["prior"] = to_triplets(packed, predict_prior(prior, packed))
    return out


def compare(
    store: GraphStore,
    run: Path,
    split: str = "test",
    entities: str = "predicted",
    data: Path | None = None,
) -> tuple[dict[str, EvaluationReport], dict[str, Predictions]]:
    """Reports of the GNN and both baselines on a split, truth from the store."""
    cfg = read_config(run)
    data = Path(data or cfg["data"])
    check_export_matches(store, data)
    truth = read_split_truth(store, split)
    if not truth:
        raise DataFormatError(f"the graph store has no annotated frame in split {split!r}")
    preds = run_predictions(run, split, data)
    reports = {name: evaluate(truth, p, entities=entities) for name, p in preds.items()}
    return reports, preds


def _f1(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _type_f1(report: EvaluationReport, surgery_type: str) -> float | None:
    group = report.per_surgery_type.get(surgery_type)
    return None if group is None else group.macro_f1


def _consistency_lines(reports: dict[str, EvaluationReport]) -> list[str]:
    """Overall temporal consistency of each model next to the truth's."""
    first = next(iter(reports.values()))
    truth = first.truth_consistency.get("overall")
    if truth is None:
        return []
    lines = ["", "  Temporal consistency (mean Jaccard of consecutive frames' triplet sets)"]
    lines.append(f"  {'ground truth':<46} {truth:>9.4f}")
    for name, r in reports.items():
        lines.append(f"  {MODEL_LABELS.get(name, name):<46} {_f1(r.consistency.get('overall')):>9}")
    return lines


def format_comparison(reports: dict[str, EvaluationReport], split: str) -> str:
    """One table: each model's overall and per-surgery-type macro F1, then published numbers."""
    types = sorted({t for r in reports.values() for t in r.per_surgery_type})
    head = f"  {'model':<46} " + " ".join(f"{t:>10}" for t in types) + f" {'overall':>9}"
    first = next(iter(reports.values()))
    lines = [
        f"Predicate classification on split {split!r}, EgoExOR protocol "
        f"(macro F1, entity mode: {first.entities}); {first.frames} frames",
        head,
    ]
    for name, r in reports.items():
        cells = " ".join(f"{_f1(_type_f1(r, t)):>10}" for t in types)
        lines.append(f"  {MODEL_LABELS.get(name, name):<46} {cells} {_f1(r.macro_f1):>9}")
    if "gnn" in reports and "mlp" in reports and "prior" in reports:
        g, m, p = (reports[k].macro_f1 or 0.0 for k in ("gnn", "mlp", "prior"))
        lines.append(f"  GNN minus the better baseline: {g - max(m, p):+.4f}")
    lines += _consistency_lines(reports)
    lines.append("")
    for label, value in PUBLISHED:
        lines.append(f"  {label:<46} " + " " * (11 * len(types)) + f"{value:>9.2f}")
    lines += ["", NOTE]
    return "\n".join(lines)


def predictions_json(preds: Predictions) -> list[dict]:
    """Predictions in the evaluator's file format (one record per frame)."""
    return [
        {
            "surgery_type": k[0],
            "procedure_id": k[1],
            "take_id": k[2],
            "frame": k[3],
            "triplets": [list(t) for t in v],
        }
        for k, v in sorted(preds.items())
    ]

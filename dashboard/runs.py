"""Training runs on disk, read for the Model page without importing torch.

A run directory holds config.json, metrics.jsonl and MODEL_CARD.md (names from the torch-free
gnn.run_layout, shared with the trainer); evaluations are JSON reports saved beside them,
e.g. by `orgraph evaluate RUN --json > RUN/evaluation.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.gnn.run_layout import CARD, CONFIG, EVALUATION, METRICS, PUBLISHED, PUBLISHED_NOTE

NOTE = PUBLISHED_NOTE
"""The caveat shown under the published numbers on the Model page."""


def find_runs(root: Path) -> list[Path]:
    """Run directories (holding config.json) at root or up to two levels below it."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [
        p.parent for pattern in (CONFIG, f"*/{CONFIG}", f"*/*/{CONFIG}") for p in root.glob(pattern)
    ]
    return sorted(set(found))


def config(run: Path) -> dict[str, Any]:
    """The run's config.json."""
    return json.loads((run / CONFIG).read_text())


def metrics(run: Path) -> pd.DataFrame:
    """One row per finished epoch (empty when training has not finished an epoch)."""
    path = run / METRICS
    if not path.is_file():
        return pd.DataFrame()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return pd.DataFrame(rows)


def card(run: Path) -> str | None:
    """MODEL_CARD.md, once training has finished."""
    path = run / CARD
    return path.read_text() if path.is_file() else None


def _as_reports(data: Any) -> dict[str, dict] | None:
    """{model: report} from `orgraph evaluate --json` (several) or a single report."""
    if isinstance(data, dict) and data.get("protocol") == "egoexor-sgg":
        return {"model": data}
    if (
        isinstance(data, dict)
        and data
        and all(isinstance(v, dict) and v.get("protocol") == "egoexor-sgg" for v in data.values())
    ):
        return data
    return None


def _evaluation_files(run: Path) -> list[Path]:
    return [p for p in sorted(run.glob("*.json")) if p.name != CONFIG]


def evaluations(run: Path) -> dict[str, dict[str, dict]]:
    """File name -> {model: report dict} for every evaluation JSON saved in the run."""
    out: dict[str, dict[str, dict]] = {}
    for path in _evaluation_files(run):
        try:
            reports = _as_reports(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
        if reports:
            out[path.name] = reports
    return out


def unreadable_evaluations(run: Path) -> dict[str, str]:
    """File name -> why, for JSON files of the run that are not valid JSON at all.

    Valid JSON that is not a report (a predictions file, say) is not listed; a file that
    does not parse is, since it is most likely an evaluation saved with extra text in it.
    """
    out: dict[str, str] = {}
    for path in _evaluation_files(run):
        try:
            json.loads(path.read_text())
        except OSError as exc:
            out[path.name] = f"cannot be read ({exc.strerror})"
        except ValueError as exc:
            out[path.name] = f"not valid JSON ({exc})"
    return out


def save_evaluation(run: Path, reports: dict[str, dict]) -> Path:
    """Write {model: report} as RUN/evaluation.json (through a temporary file)."""
    path = run / EVALUATION
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(reports, indent=2))
    os.replace(tmp, path)
    return path


def scope_rows(reports: dict[str, dict]) -> pd.DataFrame:
    """One row per (scope, model): kind, scope, model, macro_f1, frames (long form)."""
    rows = []
    for model, r in reports.items():
        groups = [("overall", "overall", r["overall"])]
        for kind, key in (("surgery type", "per_surgery_type"), ("take", "per_take")):
            groups += [(kind, scope, g) for scope, g in r.get(key, {}).items()]
        rows += [
            {
                "kind": kind,
                "scope": scope,
                "model": model,
                "macro_f1": g["macro_f1"],
                "frames": g["frames"],
            }
            for kind, scope, g in groups
        ]
    return pd.DataFrame(rows, columns=["kind", "scope", "model", "macro_f1", "frames"])


SCOPE_ORDER = {"overall": 0, "surgery type": 1, "take": 2}


def scope_table(reports: dict[str, dict]) -> pd.DataFrame:
    """Macro F1 per scope (overall, each surgery type, each take): one column per model."""
    df = scope_rows(reports)
    frames = df.groupby(["kind", "scope"], sort=False)["frames"].first()
    wide = df.pivot(index=["kind", "scope"], columns="model", values="macro_f1")
    wide = wide[list(reports)]  # models in the report's order
    wide.insert(0, "frames", frames.reindex(wide.index).astype("int64"))
    wide = wide.reset_index()
    wide.columns.name = None
    wide["_order"] = wide["kind"].map(SCOPE_ORDER)
    return wide.sort_values(["_order", "scope"]).drop(columns="_order").reset_index(drop=True)


def per_label(reports: dict[str, dict]) -> pd.DataFrame:
    """Per relation (and none) F1 of each model, labels with truth support only."""
    rows = [
        {"model": m, "label": label, **s}
        for m, r in reports.items()
        for label, s in r["per_label"].items()
    ]
    df = pd.DataFrame(rows)
    return df[df["support"] > 0].reset_index(drop=True)


def confusion(report: dict, include_none: bool = True) -> pd.DataFrame:
    """The overall confusion matrix, rows truth and columns prediction.

    Without `none`, its row and column are left out; labels never seen on either side
    (no support, never predicted) are left out always, so the matrix stays readable.
    """
    labels = report["labels"]
    df = pd.DataFrame(report["confusion"], index=labels, columns=labels)
    used = [x for x in labels if df.loc[x].sum() > 0 or df[x].sum() > 0]
    if not include_none:
        used = [x for x in used if x != "none"]
    return df.loc[used, used]


def consistency_table(reports: dict[str, dict]) -> pd.DataFrame:
    """Temporal consistency per take for the truth and each model (long form)."""
    rows = []
    first = next(iter(reports.values()), {})
    truth = first.get("truth_temporal_consistency", {}).get("per_take", {})
    rows += [{"model": "ground truth", "take": t, "consistency": v} for t, v in truth.items()]
    for model, r in reports.items():
        per_take = r.get("temporal_consistency", {}).get("per_take", {})
        rows += [{"model": model, "take": t, "consistency": v} for t, v in per_take.items()]
    return pd.DataFrame(rows, columns=["model", "take", "consistency"])


def headline(reports: dict[str, dict]) -> pd.DataFrame:
    """This evaluation's overall scores next to the published numbers."""
    rows = [
        {"model": m, "overall macro F1": r["overall"]["macro_f1"], "data": "this graph"}
        for m, r in reports.items()
    ]
    rows += [
        {"model": name, "overall macro F1": v, "data": "real EgoExOR (published)"}
        for name, v in PUBLISHED
    ]
    return pd.DataFrame(rows)

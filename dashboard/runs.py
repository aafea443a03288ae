"""Training runs on disk, read for the Model page without importing torch.

A run directory holds config.json, metrics.jsonl and MODEL_CARD.md (names from the torch-free
gnn.run_layout, shared with the trainer); evaluations are JSON reports saved beside them,
e.g. by `orgraph evaluate RUN --json > RUN/evaluation.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.gnn.run_layout import CARD, CONFIG, METRICS, PUBLISHED, PUBLISHED_NOTE

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


def evaluations(run: Path) -> dict[str, dict[str, dict]]:
    """File name -> {model: report dict} for every evaluation JSON saved in the run."""
    out: dict[str, dict[str, dict]] = {}
    for path in sorted(run.glob("*.json")):
        if path.name == CONFIG:
            continue
        try:
            reports = _as_reports(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
        if reports:
            out[path.name] = reports
    return out


def scope_table(reports: dict[str, dict]) -> pd.DataFrame:
    """Macro F1 per scope (each take, each surgery type, overall) and model."""
    rows = []
    for model, r in reports.items():
        rows.append(
            {
                "scope": "overall",
                "kind": "overall",
                "model": model,
                "macro_f1": r["overall"]["macro_f1"],
                "frames": r["overall"]["frames"],
            }
        )
        for kind, key in (("surgery type", "per_surgery_type"), ("take", "per_take")):
            for scope, g in r.get(key, {}).items():
                rows.append(
                    {
                        "scope": scope,
                        "kind": kind,
                        "model": model,
                        "macro_f1": g["macro_f1"],
                        "frames": g["frames"],
                    }
                )
    df = pd.DataFrame(rows)
    wide = df.pivot_table(
        index=["kind", "scope", "frames"],
        columns="model",
        values="macro_f1",
        aggfunc="first",
        dropna=False,
    ).reset_index()
    order = {"overall": 0, "surgery type": 1, "take": 2}
    wide["_order"] = wide["kind"].map(order)
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


def confusion(report: dict) -> pd.DataFrame:
    """The overall confusion matrix, rows truth and columns prediction."""
    labels = report["labels"]
    return pd.DataFrame(report["confusion"], index=labels, columns=labels)


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

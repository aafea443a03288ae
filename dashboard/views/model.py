"""Model: training runs, their curves, evaluation tables and how they compare.

Runs are read from the runs directory (sidebar or $ORGRAPH_RUNS). Published EgoExOR
numbers are shown for context only: generated data is not the real benchmark.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from orgraph.dashboard import charts, data, runs
from orgraph.dashboard.context import run_page, runs_dir, with_store

NO_RUN = (
    "No trained run yet in `{root}`. Train one with `orgraph export data/export` then "
    "`orgraph train --data data/export --out {root}/gnn`, or point *Training runs directory* "
    "in the sidebar at the folder holding your runs."
)


@st.cache_data(show_spinner="Evaluating the run on the test split...", max_entries=8)
def _evaluate_now(store: str, run: str, stamp: float) -> dict[str, dict]:
    from orgraph.gnn.evaluate_run import compare  # torch is imported only when asked for

    reports, _ = with_store(lambda s: compare(s, Path(run), "test"))
    return {name: r.to_dict() for name, r in reports.items()}


def show_training(run: Path) -> None:
    """Validation F1 and loss per epoch, then the model card."""
    df = runs.metrics(run)
    if df.empty:
        st.info(f"{run} has no finished epoch yet ({runs.METRICS} is missing or empty).")
        return
    f1 = [c for c in df.columns if c.startswith("val_f1_")]
    loss = [c for c in df.columns if c.startswith("loss_")]
    left, right = st.columns(2)
    left.plotly_chart(
        charts.curves(df, "epoch", f1, "Validation macro F1", "macro F1"), key="f1_curve"
    )
    right.plotly_chart(charts.curves(df, "epoch", loss, "Training loss", "loss"), key="loss_curve")
    text = runs.card(run)
    if text:
        with st.expander("Model card"):
            st.markdown(text)


def show_evaluation(reports: dict[str, dict], source: str) -> None:
    """Per scope table, per relation F1, confusion matrix, and the published numbers."""
    st.caption(
        f"From {source}; entities in play: {next(iter(reports.values())).get('entities', '?')}"
    )
    st.markdown("**Macro F1 per take, per surgery type and overall**")
    st.dataframe(runs.scope_table(reports), hide_index=True)
    st.markdown("**Per-relation F1 (labels with support)**")
    labels = runs.per_label(reports)
    st.plotly_chart(charts.bar(labels, "label", "f1", color="model"), key="label_f1")
    model = st.selectbox("Confusion matrix of", list(reports), key="md_confusion")
    st.plotly_chart(
        charts.heatmap(
            runs.confusion(reports[model]), f"Confusion ({model})", "predicted", "truth"
        ),
        key="confusion",
    )
    st.markdown("**Baselines and published numbers**")
    st.dataframe(runs.headline(reports), hide_index=True)
    st.warning(runs.NOTE)


def render() -> None:
    """Run choice, training curves, then its evaluation (saved, or computed on request)."""
    root = runs_dir()
    found = runs.find_runs(root)
    if not found:
        st.info(NO_RUN.format(root=root))
        return
    names = [str(p.relative_to(root)) if p != root else p.name for p in found]
    choice = st.selectbox("Run", names, key="md_run")
    run = found[names.index(choice)]
    st.caption(
        f"`{run}` · config: "
        + ", ".join(
            f"{k}={v}"
            for k, v in runs.config(run).items()
            if k in ("epochs", "hidden", "lr", "seed")
        )
    )
    show_training(run)
    st.subheader("Evaluation")
    saved = runs.evaluations(run)
    if saved:
        name = st.selectbox("Evaluation file", list(saved), key="md_eval")
        show_evaluation(saved[name], f"`{run / name}`")
        return
    st.info(
        f"No evaluation is saved in this run. `orgraph evaluate {run} --json > "
        f"{run}/evaluation.json` saves one; or evaluate it here (test split)."
    )
    models = run / "models.pt"
    if not models.is_file():
        st.caption("The run has not finished training (no models.pt), so it cannot be scored.")
        return
    if st.button("Evaluate now", key="md_evaluate"):
        st.session_state["md_evaluated"] = str(run)
    if st.session_state.get("md_evaluated") == str(run):
        show_evaluation(
            _evaluate_now(data.sid(), str(run), models.stat().st_mtime),
            "an evaluation run in the dashboard",
        )


run_page("Model", render, needs_data=False)

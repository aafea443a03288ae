"""Model: training runs, prediction runs stored in the graph, and two runs compared.

Training runs are read from the runs directory (sidebar or $ORGRAPH_RUNS); prediction runs
(ours written back, or imported from any model) from the graph. Published EgoExOR numbers
are shown for context only: generated data is not the real benchmark.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from orgraph.core.vocabulary import SPLITS
from orgraph.dashboard import data, model_charts, model_compare, model_data, runs
from orgraph.dashboard.context import run_page, runs_dir, with_store
from orgraph.dashboard.model_eval import show_evaluation
from orgraph.dashboard.model_flicker import TRUTH

NO_RUN = (
    "No trained run yet in `{root}`. Train one with `orgraph export data/export` then "
    "`orgraph train --data data/export --out {root}/gnn`, or point *Training runs directory* "
    "in the sidebar at the folder holding your runs."
)
NO_STORED = (
    "No prediction run is stored in the graph yet. `orgraph evaluate RUN --write-back` stores "
    "a training run's predictions; `orgraph import-predictions FILE --run NAME` stores any "
    "model's. Press *Reload data* after either."
)
VIEWS = ("Training runs", "Prediction runs in the graph", "Compare two runs")


@st.cache_data(show_spinner="Evaluating the run on the test split...", max_entries=8)
def _evaluate_now(store: str, run: str, stamp: float) -> dict[str, dict]:
    from orgraph.gnn.evaluate_run import compare  # torch is imported only when asked for

    reports, _ = with_store(lambda s: compare(s, Path(run), "test"))
    return {name: r.to_dict() for name, r in reports.items()}


def show_training(run: Path) -> None:
    """Validation F1 and loss per epoch (one colour per model), then the model card."""
    df = runs.metrics(run)
    if df.empty:
        st.info(f"{run} has no finished epoch yet ({runs.METRICS} is missing or empty).")
        return
    f1 = [c for c in df.columns if c.startswith("val_f1_")]
    loss = [c for c in df.columns if c.startswith("loss_")]
    left, right = st.columns(2)
    left.plotly_chart(
        model_charts.curves(df, f1, "Validation macro F1", "macro F1"), key="f1_curve"
    )
    right.plotly_chart(model_charts.curves(df, loss, "Training loss", "loss"), key="loss_curve")
    st.caption(
        "Per-epoch scores are measured on the validation split while training and are not "
        "kept per frame; the evaluation below opens the frames behind every test score."
    )
    text = runs.card(run)
    if text:
        with st.expander("Model card"):
            st.markdown(text)


def drillable(run: Path) -> tuple[dict, dict]:
    """(pairs, stored run) of the run's models whose predictions are stored in the graph.

    The GNN is stored as the run's name, the baselines (written back with it) as NAME:mlp
    and NAME:prior.
    """
    names = set(model_data.stored_runs())
    stored = {
        model: run.name if model == "gnn" else f"{run.name}:{model}"
        for model in ("gnn", "mlp", "prior")
    }
    stored = {m: name for m, name in stored.items() if name in names}
    pairs = {m: model_data.stored_evaluation(name)[1] for m, name in stored.items()}
    return pairs, stored


def flicker_tables(stored: dict[str, str], split: str) -> dict:
    """Model -> the frame pairs behind its consistency, for the stored models and the truth."""
    changes = {m: model_data.stored_changes(name, split) for m, name in stored.items()}
    return {TRUTH: model_data.truth_changes(split), **changes}


def show_run_evaluation(run: Path) -> None:
    """The saved evaluation, or one computed on request that can be saved into the run."""
    saved = runs.evaluations(run)
    for name, reason in runs.unreadable_evaluations(run).items():
        st.warning(f"`{run / name}` is not a saved evaluation: {reason}")
    pairs, stored = drillable(run)
    changes = flicker_tables(stored, "test")
    if saved:
        name = st.selectbox("Evaluation file", list(saved), key="md_eval")
        st.success(f"Saved evaluation: `{run / name}`")
        show_evaluation(saved[name], f"`{run / name}`", "md_saved", pairs, stored, changes)
        return
    st.info(
        f"No evaluation is saved in this run. `orgraph evaluate {run} --json > "
        f"{run}/{runs.EVALUATION}` saves one; or evaluate it here (test split) and save it."
    )
    models = run / "models.pt"
    if not models.is_file():
        st.caption("The run has not finished training (no models.pt), so it cannot be scored.")
        return
    if st.button("Evaluate now", key="md_evaluate"):
        st.session_state["md_evaluated"] = str(run)
    if st.session_state.get("md_evaluated") == str(run):
        reports = _evaluate_now(data.sid(), str(run), models.stat().st_mtime)
        if st.button("Save into the run", key="md_save"):
            path = runs.save_evaluation(run, reports)
            st.success(f"Saved evaluation: `{path}`")
            st.rerun()
        show_evaluation(
            reports, "an evaluation run in the dashboard", "md_now", pairs, stored, changes
        )


def training_view() -> None:
    """Run choice, training curves, then its evaluation."""
    root = runs_dir()
    found = runs.find_runs(root)
    if not found:
        st.info(NO_RUN.format(root=root))
        return
    names = [str(p.relative_to(root)) if p != root else p.name for p in found]
    choice = st.selectbox("Run", names, key="md_run")
    run = found[names.index(choice)]
    shown = ("epochs", "hidden", "lr", "seed")
    st.caption(
        f"`{run}` · config: "
        + ", ".join(f"{k}={v}" for k, v in runs.config(run).items() if k in shown)
    )
    show_training(run)
    st.subheader("Evaluation")
    show_run_evaluation(run)


def graph_runs_view() -> None:
    """Every stored prediction run (ours and imported) scored side by side, drillable."""
    names = model_data.stored_runs()
    if not names:
        st.info(NO_STORED)
        return
    if st.session_state.get("_md_stored_known") != names:  # new runs are shown at once
        st.session_state["_md_stored_known"] = names
        st.session_state["md_stored"] = names[:6]
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Prediction runs", names, key="md_stored")
    split = right.selectbox("Split", SPLITS, index=SPLITS.index("test"), key="md_split")
    if not chosen:
        st.caption("Choose at least one run.")
        return
    scored = {run: model_data.stored_evaluation(run, split) for run in chosen}
    reports = {run: r for run, (r, _) in scored.items()}
    pairs = {run: p for run, (_, p) in scored.items()}
    stored = {r: r for r in chosen}
    source = f"the graph store (split {split})"
    show_evaluation(reports, source, "md_graph", pairs, stored, flicker_tables(stored, split))


def render() -> None:
    """The three views of the page."""
    view = st.radio("Show", VIEWS, horizontal=True, key="md_view", label_visibility="collapsed")
    if view == VIEWS[0]:
        training_view()
    elif view == VIEWS[1]:
        graph_runs_view()
    else:
        model_compare.render(model_data.stored_runs(), NO_STORED)


run_page("Model", render, needs_data=False)

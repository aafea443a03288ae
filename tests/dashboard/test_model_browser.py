"""The Model page in a real headless Chromium: every kind of score opens the frames behind it.

A confusion cell, a relation's bar (the GNN's and a baseline's), a take's and a surgery
type's row, a consistency bar (a model's and the truth's), a consistency cell and a
relation of two runs compared are clicked with the mouse; each list must be the one the
evaluation code computes, and its links must open the frame viewer with the run selected.
The published numbers must say they have no frames. Screenshots and click-to-list times go
to test-artifacts/ (and $F13_SHOTS if set).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.cli import main
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.dashboard.model_eval import SCORE_WIDTH, TAKE_WIDTH
from orgraph.gnn.evaluation.flicker import flicker
from orgraph.gnn.evaluation.pairs import frames_behind
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.stored_runs import evaluate_stored, import_predictions
from tests.gnn.predictions_files import noisy, write_file
from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS, serve
from tests.support.dashboard import RUN_NAME, Loaded

pytestmark = pytest.mark.browser

CELL_XY = """([truth, predicted]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.data && g.data[0] && g.data[0].type === 'heatmap');
  const fl = gd._fullLayout, box = gd.getBoundingClientRect();
  return [box.left + fl.xaxis._offset + fl.xaxis.d2p(predicted),
          box.top + fl.yaxis._offset + fl.yaxis.d2p(truth)];
}"""
BAR_XY = """([title, model, x]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && String(g._fullLayout.title.text).includes(title));
  const i = gd.data.findIndex(t => t.type === 'bar' && t.name === model
    && !(t.customdata && t.customdata[0].length > 2 && t.customdata[0][2] !== 'f1'));
  const j = [...gd.data[i].x].indexOf(x);
  const group = [...gd.querySelectorAll('.barlayer .trace')]
    .find(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.index === i);
  const path = group.querySelectorAll('path')[j];
  path.scrollIntoView({block: 'center'});
  const s = path.getBoundingClientRect();
  return [s.left + s.width / 2, s.top + s.height / 2];
}"""
RELATIONS, CONSISTENCY = "Per-relation precision", "Temporal consistency per take"
ROW, TIMES = 35, {}


@pytest.fixture(scope="module")
def served(loaded: Loaded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """The dashboard on a copy of the store holding our run, its baselines and an import."""
    work = tmp_path_factory.mktemp("model_browser")
    shutil.copytree(loaded.settings.db, work / "db")
    settings = Settings(backend="embedded", db=work / "db")
    with open_store(settings) as store:
        truth = read_split_truth(store, "test")
    path = write_file(noisy(truth, seed=7), work / "outside.json")
    with open_store(settings, read_only=False) as store:
        import_predictions(store, path, "outside")
    # the README's write-back, which stores the baselines too (its JSON is not needed here)
    argv = ["evaluate", str(loaded.runs / RUN_NAME), "--write-back", "--db", str(work / "db")]
    assert main(argv) == 0
    with open_store(settings) as store:
        scored = {r: evaluate_stored(store, r, "test") for r in (RUN_NAME, f"{RUN_NAME}:mlp")}
        scored["outside"] = evaluate_stored(store, "outside", "test")
    args = ["--backend", "embedded", "--db", str(work / "db"), "--runs", str(loaded.runs)]
    for url in serve(args, {}):
        yield url, scored


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"model_{name}.png"), full_page=True)
    extra = os.environ.get("F13_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / f"model_{name}.png"), full_page=True)


def clicked(page, name: str, xy: tuple[float, float], check, *args) -> None:
    """Click at xy, wait for `check(page, *args)` and keep the time from click to list."""
    page.mouse.move(*xy)  # a data grid selects a cell only once the mouse has hovered it
    page.wait_for_timeout(500)
    start = time.perf_counter()
    page.mouse.click(*xy)
    try:
        check(page, *args)
    except AssertionError:
        shot(page, f"{name}_failed")  # what the page showed instead
        raise
    TIMES[name] = round(time.perf_counter() - start, 2)
    settle(page)
    shot(page, name)


def expect_link(page, take: str, frame: int, run: str | None) -> None:
    """The list's first link opens the frame viewer at that frame with that run."""
    from playwright.sync_api import expect

    link = page.get_by_role("link", name=f"{take} frame {frame} ▸").first
    expect(link).to_be_visible(timeout=30_000)
    href = link.get_attribute("href") or ""
    want = f"frame?take={take}&frame={frame}" + (f"&run={run}" if run else "")
    assert href.endswith(want), (href, want)


def expect_frames(page, expected, words: str, run: str = RUN_NAME) -> None:
    """The list under the charts names the filter and the number of frames behind it."""
    from playwright.sync_api import expect

    expect(page.get_by_text(words).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"{len(expected)} pair-frames").first).to_be_visible(timeout=30_000)
    expect_link(page, expected.iloc[0]["take"], int(expected.iloc[0]["frame"]), run)


def expect_pairs(page, changes, take: str, model: str, run: str | None) -> None:
    """The consistency's list: the take's frame pairs, their mean Jaccard, worst first."""
    from playwright.sync_api import expect

    rows = flicker(changes, take)
    words = f"{len(rows)} consecutive frame pairs, mean Jaccard {rows['jaccard'].mean():.4f}"
    expect(page.get_by_text(words).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"model {model})").first).to_be_visible(timeout=30_000)
    expect_link(page, take, int(rows.iloc[0]["frame"]), run)


def expect_text(page, words: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(words).first).to_be_visible(timeout=60_000)


def settle(page) -> None:
    page.wait_for_timeout(2500)
    assert page.locator('[data-testid="stException"]').count() == 0


def grid_row(page, index: int, row: int, column_x: float = 18) -> tuple[float, float]:
    """The screen point of a row of the index-th dataframe on the page (after its header)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    return box["x"] + column_x, box["y"] + ROW * (row + 1) + 17


def best_relation(report) -> str:
    """The relation with the highest F1 (a bar with a height to click)."""
    f1 = {k: v.f1 for k, v in report.per_label.items() if k != "none" and v.f1 > 0}
    return max(f1, key=f1.get)


def click_pair_scores(page, gnn, mlp) -> None:
    """A confusion cell, the GNN's and the MLP's relation bar, a take's and a type's row."""
    pairs = gnn.pairs
    mistakes = pairs[pairs["truth"] != pairs["predicted"]]
    truth, predicted = mistakes.value_counts(["truth", "predicted"]).index[0]
    takes = sorted(pairs["take"].unique())
    types = sorted({t.split("/")[0] for t in takes})
    mlp_run = f"{RUN_NAME}%3Amlp"
    page.locator(".js-plotly-plot .heatmaplayer").first.scroll_into_view_if_needed()
    xy = page.evaluate(CELL_XY, [truth, predicted])
    want = frames_behind(pairs, truth, predicted)
    clicked(page, "confusion_click", xy, expect_frames, want, f"predicted = {predicted}")
    rel = best_relation(gnn.report)
    xy = page.evaluate(BAR_XY, [RELATIONS, "gnn", rel])
    clicked(page, "relation_click", xy, expect_frames, frames_behind(pairs, relation=rel),
            f"relation = {rel}")  # fmt: skip
    rel = best_relation(mlp.report)  # the baseline's predictions are stored: drillable
    xy = page.evaluate(BAR_XY, [RELATIONS, "mlp", rel])
    want = frames_behind(mlp.pairs, relation=rel)
    clicked(page, "baseline_relation_click", xy, expect_frames, want, "model mlp", mlp_run)
    xy = grid_row(page, 0, 1 + len(types))  # overall, the types, then the takes
    want = frames_behind(mlp.pairs, take=takes[0])
    clicked(page, "take_click", xy, expect_frames, want, f"take = {takes[0]}", mlp_run)
    xy = grid_row(page, 0, 1 + types.index(types[-1]))
    want = frames_behind(mlp.pairs, surgery_type=types[-1])
    clicked(page, "surgery_type_click", xy, expect_frames, want,
            f"surgery type = {types[-1]}", mlp_run)  # fmt: skip


def click_consistency(page, gnn) -> None:
    """A model's and the truth's consistency bar, then a model's consistency cell."""
    takes = sorted(gnn.changes["take"].unique())
    xy = page.evaluate(BAR_XY, [CONSISTENCY, "gnn", takes[-1]])
    clicked(page, "consistency_click", xy, expect_pairs, gnn.changes, takes[-1], "gnn", RUN_NAME)
    xy = page.evaluate(BAR_XY, [CONSISTENCY, "ground truth", takes[0]])
    clicked(page, "truth_consistency_click", xy, expect_pairs, gnn.truth_changes, takes[0],
            "ground truth", None)  # fmt: skip
    grids = page.locator('[data-testid="stDataFrame"]')
    table = grids.nth(grids.count() - 2)  # the consistency table; the headline is last
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    models = sorted(["gnn", "ground truth", "mlp", "prior"])  # the pivot's order
    xy = (box["x"] + TAKE_WIDTH + SCORE_WIDTH * (models.index("gnn") + 0.5), box["y"] + ROW + 17)
    clicked(page, "consistency_cell_click", xy, expect_pairs, gnn.changes, takes[0], "gnn",
            RUN_NAME)  # fmt: skip


def open_viewer(context, page) -> None:
    """A GNN link opens the frame viewer in a new tab with that run selected."""
    from playwright.sync_api import expect

    link = page.locator(f'a[href$="&run={RUN_NAME}"]').first
    with context.expect_page() as opened:  # links open in a new tab
        link.click()
    viewer = opened.value
    viewer.wait_for_url(re.compile(rf"run={RUN_NAME}"), timeout=60_000)
    expect(viewer.get_by_text("missed (truth only)").first).to_be_visible(timeout=90_000)
    chooser = viewer.get_by_role("combobox", name="Compare with the predictions of")
    expect(chooser).to_have_value(RUN_NAME)  # not the newer run "outside"
    settle(viewer)
    shot(viewer, "frame_viewer_with_run")
    viewer.close()


def test_every_score_opens_its_frames(chromium: Path, served: tuple, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, scored = served
    gnn, mlp = scored[RUN_NAME], scored[f"{RUN_NAME}:mlp"]
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1100},
        )
        try:
            page = context.new_page()
            page.goto(f"{url}/model")
            expect(page.get_by_text("Saved evaluation").first).to_be_visible(timeout=90_000)
            page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=60_000)
            settle(page)
            shot(page, "saved")
            expect(page.get_by_text("published numbers have no frames behind them")).to_be_visible()
            click_pair_scores(page, gnn, mlp)
            click_consistency(page, gnn)
            open_viewer(context, page)
            compare_view(page, url, scored)
            page.get_by_test_id("stRadioGroup").get_by_text("Prediction runs in the graph").click()
            expect(page.get_by_text("the graph store (split test)").first).to_be_visible(
                timeout=90_000
            )
            settle(page)
            shot(page, "graph_runs")
        finally:
            context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "model_click_times.json").write_text(json.dumps(TIMES, indent=2))


def compare_view(page, url: str, scored: dict) -> None:
    """Compare two runs: a relation's bar narrows the disagreements to that relation."""
    from playwright.sync_api import expect

    page.goto(f"{url}/model")
    page.get_by_text("Compare two runs").click()
    expect(page.get_by_text("Where they disagree").first).to_be_visible(timeout=90_000)
    settle(page)
    shot(page, "compare")
    a, b = page.get_by_role("combobox", name="Run A"), page.get_by_role("combobox", name="Run B")
    names = (a.input_value(), b.input_value())
    pa, pb = scored[names[0]].pairs, scored[names[1]].pairs
    key = ["take", "frame", "subject", "object"]
    cols = [*key, "truth", "predicted"]
    both = pa[cols].merge(pb[cols], on=key, how="outer", suffixes=("_a", "_b"))
    both["truth"] = both["truth_a"].fillna(both["truth_b"])
    both = both.fillna({"predicted_a": "none", "predicted_b": "none"})
    differ = both[both["predicted_a"] != both["predicted_b"]]
    f1 = scored[names[0]].report.per_label
    rel = max((k for k in f1 if k != "none"), key=lambda k: f1[k].f1)
    on_it = differ[(differ[["truth", "predicted_a", "predicted_b"]] == rel).any(axis=1)]
    x, y = page.evaluate(BAR_XY, ["Per-relation F1, A and B", names[0], rel])
    clicked(page, "compare_relation_click", (x, y), expect_text, f"{len(on_it)} pair-frames")
    assert 0 < len(on_it) < len(differ)

"""The Model page in a real headless Chromium: every kind of score opens the frames behind it.

A confusion cell, a relation's bar and a take's row are clicked with the mouse; the list of
frames must be the one `frames_behind` computes, and its first link must open the frame
viewer with the run selected. Screenshots go to test-artifacts/ (and $F13_SHOTS if set).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
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
BAR_XY = """([model, label]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.data && g.data.some(t => t.type === 'bar' && t.customdata
      && t.customdata[0] && t.customdata[0][2] === 'f1'));
  const i = gd.data.findIndex(t => t.name === model && t.customdata[0][2] === 'f1');
  const j = [...gd.data[i].x].indexOf(label);
  const group = [...gd.querySelectorAll('.barlayer .trace')]
    .find(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.index === i);
  const path = group.querySelectorAll('path')[j];
  path.scrollIntoView({block: 'center'});
  const s = path.getBoundingClientRect();
  return [s.left + s.width / 2, s.top + s.height / 2];
}"""


@pytest.fixture(scope="module")
def served(loaded: Loaded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """The dashboard on a copy of the store holding our run and an imported one."""
    work = tmp_path_factory.mktemp("model_browser")
    shutil.copytree(loaded.settings.db, work / "db")
    settings = Settings(backend="embedded", db=work / "db")
    with open_store(settings) as store:
        truth = read_split_truth(store, "test")
    path = write_file(noisy(truth, seed=7), work / "outside.json")
    with open_store(settings, read_only=False) as store:
        import_predictions(store, path, "outside")
    with open_store(settings) as store:
        scored = evaluate_stored(store, RUN_NAME, "test")
    args = ["--backend", "embedded", "--db", str(work / "db"), "--runs", str(loaded.runs)]
    for url in serve(args, {}):
        yield url, scored.pairs, scored.report


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"model_{name}.png"), full_page=True)
    extra = os.environ.get("F13_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / f"model_{name}.png"), full_page=True)


def expect_frames(page, expected, words: str) -> None:
    """The list under the charts names the filter and the number of frames behind it."""
    from playwright.sync_api import expect

    expect(page.get_by_text(words).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"{len(expected)} pair-frames").first).to_be_visible(timeout=30_000)
    first = expected.iloc[0]
    link = page.get_by_role("link", name=f"{first['take']} frame {first['frame']} ▸").first
    expect(link).to_be_visible(timeout=30_000)
    href = link.get_attribute("href") or ""
    assert href.endswith(f"frame?take={first['take']}&frame={first['frame']}&run={RUN_NAME}"), href


def settle(page) -> None:
    page.wait_for_timeout(2500)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_every_score_opens_its_frames(chromium: Path, served: tuple, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, pairs, report = served
    mistakes = pairs[pairs["truth"] != pairs["predicted"]]
    truth, predicted = mistakes.value_counts(["truth", "predicted"]).index[0]
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

            page.locator(".js-plotly-plot .heatmaplayer").first.scroll_into_view_if_needed()
            x, y = page.evaluate(CELL_XY, [truth, predicted])
            page.mouse.click(x, y)
            expect_frames(page, frames_behind(pairs, truth, predicted), f"predicted = {predicted}")
            settle(page)
            shot(page, "confusion_click")

            f1 = {k: v.f1 for k, v in report.per_label.items() if k != "none" and v.f1 > 0}
            rel = max(f1, key=f1.get)  # a relation whose F1 bar has a height to click
            x, y = page.evaluate(BAR_XY, ["gnn", rel])
            page.mouse.click(x, y)
            expect_frames(page, frames_behind(pairs, relation=rel), f"relation = {rel}")
            settle(page)
            shot(page, "relation_click")

            take = sorted(pairs["take"].unique())[0]
            grid = page.locator('[data-testid="stDataFrame"]').first
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            row = 3 + sorted(pairs["take"].unique()).index(take)  # overall, MISS, Ultrasound
            page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)
            expect_frames(page, frames_behind(pairs, take=take), f"take = {take}")
            settle(page)
            shot(page, "take_click")

            link = page.get_by_role("link", name=re.compile(r"frame \d+ ▸")).first
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

            page.goto(f"{url}/model")
            page.get_by_text("Compare two runs").click()
            expect(page.get_by_text("Where they disagree").first).to_be_visible(timeout=90_000)
            settle(page)
            shot(page, "compare")

            page.get_by_text("Prediction runs in the graph").click()
            expect(page.get_by_text("the graph store (split test)").first).to_be_visible(
                timeout=90_000
            )
            settle(page)
            shot(page, "graph_runs")
        finally:
            context.close()

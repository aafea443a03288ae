"""The Workflow page's views in a real headless Chromium: each renders and its CSV
download delivers the table it shows; screenshots of Workflow and Timeline."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS, serve
from tests.support.dashboard import TAKE, Loaded

pytestmark = pytest.mark.browser

VIEWS = [  # view, first download's label, a column its CSV must have
    ("Directly-follows", "directly_follows_head_surgeon", "kind"),
    ("Object lifecycles", "object_dfg_patient", "entity"),
    ("Variants", "variants_phase", "variant"),
    ("Performance", "performance_dfg_head_surgeon", "median_gap_s"),
    ("Take comparison", "phase_durations_compared", "difference_s"),
    ("Handovers", "handovers", "receiver"),
]


@pytest.fixture(scope="module")
def workflow_url(loaded: Loaded) -> Iterator[str]:
    yield from serve(
        ["--backend", "embedded", "--db", str(loaded.settings.db), "--runs", str(loaded.runs)], {}
    )


def test_workflow_views_download_csv(chromium: Path, workflow_url: str, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(f"{workflow_url}/workflow")
            page.wait_for_selector('[data-testid="stGraphVizChart"]', timeout=60_000)
            for view, name, column in VIEWS:
                page.get_by_text(view, exact=True).first.click()
                button = page.get_by_role("button", name=f"Download {name} (CSV)")
                expect(button).to_be_visible(timeout=60_000)
                page.wait_for_timeout(1000)
                assert page.locator('[data-testid="stException"]').count() == 0, view
                with page.expect_download(timeout=30_000) as info:
                    button.click()
                text = Path(info.value.path()).read_text(encoding="utf-8")
                header = next(csv.reader(io.StringIO(text)))
                assert column in header, (view, header)
                assert len(text.splitlines()) > 1, view  # the table, not just a header
                shot = ARTIFACTS / f"workflow_{view.replace(' ', '_').lower()}.png"
                page.screenshot(path=str(shot), full_page=True)
            page.goto(f"{workflow_url}/timeline?take={TAKE}")
            page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
            expect(page.get_by_text("Sub-lanes per").first).to_be_visible(timeout=30_000)
            page.wait_for_timeout(1500)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "timeline_sub_lanes.png"), full_page=True)
        finally:
            browser.close()

"""The served dashboard in a real headless Chromium: every page renders, deep links work.

`orgraph dashboard` runs as a subprocess on a free localhost port (the embedded_url and
neo4j_url fixtures of tests/dashboard/conftest.py); Playwright drives Debian's
/usr/bin/chromium (tests/support/browser.py). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS
from tests.support.dashboard import TAKE

pytestmark = pytest.mark.browser

PAGES = [  # url path, element that must render, text that must appear
    ("", '[data-testid="stPlotlyChart"]', "Relation frequencies"),  # the default page
    (f"timeline?take={TAKE}", '[data-testid="stPlotlyChart"]', "Open in frame viewer"),
    (f"frame?take={TAKE}&frame=12", '[data-testid="stCustomComponentV1"]', "frame 12 of"),
    ("workflow", '[data-testid="stGraphVizChart"]', "Directly-follows"),
    ("console", '[data-testid="stTextArea"]', "Cypher (read-only)"),
    ("model", '[data-testid="stPlotlyChart"]', "Baselines and published numbers"),
]


def browse(chromium: Path, url: str, backend: str, tmp_path: Path) -> None:
    """Visit every page, check it rendered without an exception box, then the deep link."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.new_page()
            for path, selector, text in PAGES:
                page.goto(f"{url}/{path}")
                page.wait_for_selector(selector, timeout=60_000)
                expect(page.get_by_text(text).first).to_be_visible(timeout=30_000)
                page.wait_for_timeout(1500)  # let late elements and charts settle
                assert page.locator('[data-testid="stException"]').count() == 0, path
                assert page.get_by_text("Page not found").count() == 0, path
                name = path.split("?")[0] or "overview"
                page.screenshot(path=str(ARTIFACTS / f"{backend}_{name}.png"), full_page=True)
            check_deep_link(page, url, backend)
        finally:
            context.close()


def check_deep_link(page, url: str, backend: str) -> None:
    """?take=&frame= opens that frame; Next moves one frame and the URL follows."""
    from playwright.sync_api import expect

    from tests.support.player_probe import player_frame, shown_frame

    page.goto(f"{url}/frame?take={TAKE}&frame=20")
    expect(page.get_by_text(re.compile(r"frame 20 of \d+")).first).to_be_visible(timeout=60_000)
    player = player_frame(page)
    assert shown_frame(player) == 20
    player.locator("#next").click()
    expect(page.get_by_text(re.compile(r"frame 21 of \d+")).first).to_be_visible(timeout=30_000)
    page.wait_for_url(re.compile(r"frame=21"), timeout=30_000)
    assert shown_frame(player) == 21
    page.screenshot(path=str(ARTIFACTS / f"{backend}_frame_step.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_browser_embedded(chromium: Path, embedded_url: str, tmp_path: Path) -> None:
    browse(chromium, embedded_url, "embedded", tmp_path)


@pytest.mark.neo4j
def test_browser_neo4j(chromium: Path, neo4j_url: str, tmp_path: Path) -> None:
    browse(chromium, neo4j_url, "neo4j", tmp_path)

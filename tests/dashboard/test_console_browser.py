"""The console in a real headless Chromium: a crashing text is refused with a message, a
slow query is stopped with a message, and while it runs another user's page still loads."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS, serve
from tests.support.dashboard import SLOW, Loaded

pytestmark = pytest.mark.browser
TIMEOUT_S = 4


@pytest.fixture(scope="module")
def console_url(loaded: Loaded) -> Iterator[str]:
    yield from serve(
        ["--backend", "embedded", "--db", str(loaded.settings.db), "--runs", str(loaded.runs)],
        {"ORGRAPH_QUERY_TIMEOUT": str(TIMEOUT_S)},
    )


def submit(page, text: str) -> None:
    box = page.get_by_label("Cypher (read-only)")
    box.fill(text)
    box.press("Control+Enter")  # commit the text area before the click
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Run", exact=True).click()


def test_console_refuses_and_stops_while_others_are_served(
    chromium: Path,  # noqa: F811
    console_url: str,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            mine = context.new_page()
            mine.goto(f"{console_url}/console")
            mine.wait_for_selector('[data-testid="stTextArea"]', timeout=60_000)
            submit(mine, "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x")
            expect(mine.get_by_text("Not run: the query is too large.")).to_be_visible(
                timeout=30_000
            )
            mine.screenshot(path=str(ARTIFACTS / "console_refused.png"), full_page=True)

            submit(mine, SLOW)
            began = time.monotonic()
            other = context.new_page()  # another user, while the slow query runs
            other.goto(f"{console_url}/workflow")
            expect(other.get_by_text("Directly-follows").first).to_be_visible(timeout=60_000)
            other_took = time.monotonic() - began

            expect(mine.get_by_text("Stopped.")).to_be_visible(timeout=(TIMEOUT_S + 20) * 1000)
            stopped_after = time.monotonic() - began
            mine.screenshot(path=str(ARTIFACTS / "console_stopped.png"), full_page=True)
            assert mine.locator('[data-testid="stException"]').count() == 0
            assert other.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()
    with urllib.request.urlopen(f"{console_url}/_stcore/health", timeout=5) as r:
        assert r.status == 200  # the server survived both
    assert stopped_after < TIMEOUT_S + 6, stopped_after
    assert other_took < stopped_after, (other_took, stopped_after)  # it did not wait

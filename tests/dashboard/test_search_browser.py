"""The Search page in a real headless Chromium: a result opens the right frame (both backends)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.dashboard.moment_links import frame_url
from orgraph.queries.patterns import find
from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS
from tests.support.player_probe import player_frame, shown_frame

pytestmark = pytest.mark.browser

PATTERN = "head_surgeon holding * for >= 5f"


def check_search(browser: Path, url: str, settings: Settings, backend: str, tmp: Path) -> None:
    """Search by URL, click the first result's Open button, then follow a result's deep link."""
    from playwright.sync_api import expect, sync_playwright

    with open_store(settings) as store:
        moments = find(store, PATTERN).moments
    assert len(moments) >= 2
    first, second = moments.iloc[0], moments.iloc[1]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp / "chromium-profile"),
            executable_path=str(browser),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.new_page()
            page.goto(f"{url}/search?q={quote(PATTERN)}")
            expect(page.get_by_text(f"{len(moments)} moments in")).to_be_visible(timeout=60_000)
            page.wait_for_selector('[data-testid="stImage"]', timeout=60_000)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / f"{backend}_search.png"), full_page=True)
            page.get_by_role("button", name="Open ▸").first.click()
            page.wait_for_url(re.compile(rf"frame=({first['start_frame']})\b"), timeout=30_000)
            expect(page.get_by_text(f"frame {first['start_frame']} of")).to_be_visible(
                timeout=60_000
            )
            assert f"take={first['take']}" in page.url.replace("%2F", "/")
            assert shown_frame(player_frame(page)) == int(first["start_frame"])
            # the table's link, resolved from the Search page as the browser would
            page.goto(f"{url}/search?q={quote(PATTERN)}")
            expect(page.get_by_text(f"{len(moments)} moments in")).to_be_visible(timeout=60_000)
            link = frame_url(second["take"], int(second["start_frame"]))
            page.goto(page.url.rsplit("/", 1)[0] + "/" + link)
            expect(page.get_by_text(f"frame {second['start_frame']} of")).to_be_visible(
                timeout=60_000
            )
            assert shown_frame(player_frame(page)) == int(second["start_frame"])
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()


def test_search_browser_embedded(  # noqa: F811 (fixtures imported above)
    chromium: Path,  # noqa: F811
    embedded_url: str,  # noqa: F811
    loaded,
    tmp_path: Path,
) -> None:
    check_search(chromium, embedded_url, loaded.settings, "embedded", tmp_path)


@pytest.mark.neo4j
def test_search_browser_neo4j(
    chromium: Path,  # noqa: F811 (fixtures imported above)
    neo4j_url: str,  # noqa: F811
    neo4j_settings: Settings,
    tmp_path: Path,
) -> None:
    check_search(chromium, neo4j_url, neo4j_settings, "neo4j", tmp_path)

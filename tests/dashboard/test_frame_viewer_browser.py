"""The frame viewer in a real headless Chromium: playback, audio, 3-D view, URL state,
fallback messages, and six pages stepping at once against one server.

Timing targets are not asserted here (bench/frame_viewer_browser.py measures them);
these tests assert behaviour: frames advance, elements render, nothing breaks.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM_ARGS, require_chromium, served_process
from tests.support.dashboard import Loaded
from tests.support.player_probe import direction, play, player_frame, shown_frame, step_ms

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/f12b_shots")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AUDIO_TAKE = "Ultrasound/2/1"  # has audio and a point cloud in the tiny set
PAGES_AT_ONCE = 6
STEP_SECONDS = 25.0


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def served(loaded: Loaded) -> Iterator[tuple[str, int]]:
    args = ["--db", str(loaded.settings.db), "--runs", str(loaded.runs)]
    with served_process(args, {}) as (url, pid):
        yield url, pid


def browser(pw, chromium_path: Path):
    return pw.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)


def shoot(page, name: str) -> None:
    for where in (SHOTS, ARTIFACTS):
        where.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def no_error_on(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Something went wrong").count() == 0


def test_playback_audio_cloud_and_url(chromium: Path, served: tuple[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, _ = served
    with sync_playwright() as pw:
        b = browser(pw, chromium)
        page = b.new_page(viewport={"width": 1400, "height": 1200})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/frame?take={AUDIO_TAKE}&frame=10&overlays=0")
        player = player_frame(page)
        assert shown_frame(player) == 10
        audio = page.locator("audio")
        expect(audio.first).to_be_attached(timeout=60_000)
        assert audio.first.get_attribute("src").startswith("data:audio/wav")
        cloud = page.locator('[data-testid="stPlotlyChart"] .gl-container canvas')
        expect(cloud.first).to_be_attached(timeout=60_000)
        assert page.locator('svg[data-testid="scene-graph"] rect').count() >= 2
        shoot(page, "frame_viewer")
        result = play(player, 6.0)
        assert result["broken"] == 0
        frames = result["frames"]
        assert len(frames) >= 5 and frames == sorted(frames) and frames[0] >= 10, frames
        page.wait_for_url(re.compile(rf"frame={max(frames)}\b"), timeout=30_000)
        assert "overlays=0" in page.url and "take=Ultrasound%2F2%2F1" in page.url
        assert step_ms(player, "prev") > 0  # a step right after playback is not lost
        hear_playback(page, player)
        now = shown_frame(player)
        page.wait_for_url(re.compile(rf"frame={now}\b"), timeout=30_000)
        # a step reruns only the player and scene graph; once stepping stops, the panels follow
        expect(page.get_by_text(f"Scene graph of frame {now}", exact=True)).to_be_visible()
        expect(page.get_by_text(re.compile(rf"points at frame {now};"))).to_be_visible(
            timeout=30_000
        )
        page.goto(page.url)  # the URL alone brings the same view back
        again = player_frame(page)
        assert shown_frame(again) == now
        expect(page.get_by_role("switch", name="Gaze and hands")).not_to_be_checked()
        no_error_on(page)
        assert not errors, errors
        b.close()


SOUND_JS = """() => [A.ctx ? A.ctx.state : null, A.ctx ? A.ctx.currentTime : 0, A.buffers.size,
  A.started, S.frame]"""


def hear_playback(page, player) -> None:
    """Play with a real click (browsers allow sound only after one): the sound's seconds
    arrive, are decoded and started on the audio clock while the frames advance."""
    player.evaluate("() => go(0, 'test')")  # from the start: the tiny takes are short
    page.wait_for_timeout(1000)
    start = shown_frame(player)
    player.click("#play")
    page.wait_for_timeout(3000)
    state, clock, buffers, started, frame = player.evaluate(SOUND_JS)
    player.click("#play")
    assert state == "running" and clock > 1.0, (state, clock)
    assert buffers >= 2 and started >= 2 and frame >= start + 15, (buffers, started, frame)


def test_fallbacks_and_timeline_cursor(chromium: Path, served: tuple[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, _ = served
    with sync_playwright() as pw:
        b = browser(pw, chromium)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/frame?take=MISS/9/9&frame=3")
        expect(page.get_by_text("No take 'MISS/9/9' in the graph store")).to_be_visible(
            timeout=60_000
        )
        assert page.locator('[data-testid="stCustomComponentV1"]').count() == 0
        page.goto(f"{url}/frame?take=MISS/2/1&frame=abc")
        expect(page.get_by_text("?frame='abc' is not a frame number")).to_be_visible(timeout=60_000)
        page.goto(f"{url}/frame?take=MISS/2/1&frame=100000")
        expect(page.get_by_text(re.compile("beyond the end of this take"))).to_be_visible(
            timeout=60_000
        )
        last = shown_frame(player_frame(page))
        assert last > 0
        page.goto(f"{url}/frame?take=MISS/2/1&frame=25")
        player_frame(page)
        page.get_by_role("link", name="Timeline").click()
        expect(page.get_by_text("frame 25, last opened in the frame viewer")).to_be_visible(
            timeout=60_000
        )
        page.wait_for_timeout(1500)
        shoot(page, "timeline")
        no_error_on(page)
        b.close()


def rss_mb(pid: int) -> float:
    """Resident memory of the server process and its children, MB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total / 1024


def step_one_page(chromium: Path, url: str, i: int, out: dict) -> None:
    """One browser stepping the viewer for STEP_SECONDS; what went wrong, if anything."""
    from playwright.sync_api import sync_playwright

    got: dict = {"steps": 0, "lost": 0, "errors": [], "failed": None}
    try:
        with sync_playwright() as pw:
            b = browser(pw, chromium)
            page = b.new_page(viewport={"width": 1300, "height": 900})
            page.on("pageerror", lambda e: got["errors"].append(str(e)))
            page.goto(f"{url}/frame?take=MISS/1/2&frame={3 + 5 * i}")
            player = player_frame(page, 180)
            player.evaluate("() => { window.orgraphMark = 1; }")  # gone if the player remounts
            deadline = time.monotonic() + STEP_SECONDS
            way = "next"
            while time.monotonic() < deadline:
                way = direction(player, way)
                if step_ms(player, way) > 0:
                    got["steps"] += 1
                else:  # the step never showed, or the page moved the player elsewhere
                    got["lost"] += 1
                # now and then stop long enough for the panels to follow (a full rerun)
                page.wait_for_timeout(1300 if got["steps"] % 4 == 3 else 100)
            page.wait_for_timeout(2000)
            got["same_player"] = player.evaluate("() => window.orgraphMark === 1")
            got["broken"] = page.get_by_text("Image source error").count()
            got["exceptions"] = page.locator('[data-testid="stException"]').count()
            got["wrong"] = page.get_by_text("Something went wrong").count()
            got["shown"] = player.evaluate("() => document.getElementById('img').naturalWidth")
            b.close()
    except Exception as exc:  # reported by the test thread below
        got["failed"] = f"{type(exc).__name__}: {exc}"
    out[i] = got


def test_six_pages_step_at_once(chromium: Path, served: tuple[str, int]) -> None:
    url, pid = served
    results: dict[int, dict] = {}
    start = rss_mb(pid)
    threads = [
        threading.Thread(target=step_one_page, args=(chromium, url, i, results))
        for i in range(PAGES_AT_ONCE)
    ]
    for t in threads:
        t.start()
    peak = start
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mb(pid))
        time.sleep(0.5)
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
        assert r.status == 200  # the server is alive
    assert len(results) == PAGES_AT_ONCE
    for i, got in results.items():
        assert got["failed"] is None, (i, got["failed"])
        assert got["steps"] >= 2 and got["lost"] == 0, (i, got)  # count: the machine's load
        assert got["broken"] == 0 and got["exceptions"] == 0 and got["wrong"] == 0, (i, got)
        assert got["shown"] > 0 and not got["errors"], (i, got)
        assert got["same_player"], (i, got)  # the page never started a new player
    assert peak < start + 600, f"server RSS grew from {start:.0f} MB to {peak:.0f} MB"

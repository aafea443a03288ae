"""Measuring the frame viewer's player in a real browser (Playwright), for tests and bench/.

Times are taken inside the player's iframe (performance.now()), from the click to the
first animation frame after the new image is decoded and shown, so Playwright's own
round trips are not counted.
"""

from __future__ import annotations

import time
from typing import Any

PLAYER_URL_PART = "frame_player"
STEP_JS = """async (which) => {
  const img = document.getElementById('img');
  const want = Number(img.dataset.frame || -1) + (which === 'next' ? 1 : -1);
  const t0 = performance.now();
  document.getElementById(which).click();
  while (performance.now() - t0 < 30000) {
    await new Promise((r) => requestAnimationFrame(r));
    if (Number(img.dataset.frame) === want && img.complete && img.naturalWidth > 0) {
      try { await img.decode(); } catch (e) { continue; }  // replaced while decoding
      if (Number(img.dataset.frame) !== want) continue;
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    }
  }
  return -1;
}"""
PLAY_JS = """async (seconds) => {
  const img = document.getElementById('img');
  const seen = new Set(); let broken = 0;
  document.getElementById('play').click();
  const t0 = performance.now();
  let last = '';
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => requestAnimationFrame(r));
    if (img.src !== last && img.complete) {
      last = img.src;
      if (img.naturalWidth > 0) seen.add(img.dataset.frame); else broken++;
    }
  }
  document.getElementById('play').click();
  return {distinct: seen.size, seconds: (performance.now() - t0) / 1000, broken: broken,
          frames: Array.from(seen).map(Number)};
}"""


def player_frame(page: Any, timeout_s: float = 60.0) -> Any:
    """The player's iframe, once it shows an image."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if PLAYER_URL_PART in frame.url:
                try:
                    if frame.evaluate(
                        "() => { const i = document.getElementById('img');"
                        " return !!(i && i.dataset.frame !== undefined && i.naturalWidth > 0); }"
                    ):
                        return frame
                except Exception:  # the iframe is still loading
                    pass
        page.wait_for_timeout(200)
    raise AssertionError("the frame viewer's player did not show an image")


def shown_frame(frame: Any) -> int:
    """The frame number of the image the player shows."""
    return int(frame.evaluate("() => Number(document.getElementById('img').dataset.frame)"))


def total_frames(frame: Any) -> int:
    """How many frames the take in the player has."""
    return int(frame.evaluate("() => S.total"))


def direction(frame: Any, current: str) -> str:
    """Keep stepping `current` way; turn round 2 frames before either end."""
    n, total = shown_frame(frame), total_frames(frame)
    return "prev" if n >= total - 3 else "next" if n <= 2 else current


def step_ms(frame: Any, which: str = "next") -> float:
    """Milliseconds from a click on Next (or Prev) to the new image on screen (-1: never)."""
    return float(frame.evaluate(STEP_JS, which))


def play(frame: Any, seconds: float) -> dict[str, Any]:
    """Play for `seconds`: distinct frames shown, seconds taken, images that failed."""
    return dict(frame.evaluate(PLAY_JS, seconds))

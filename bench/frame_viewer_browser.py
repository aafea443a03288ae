"""Benchmark: the frame viewer in a real headless Chromium, one page or several at once.

Run:  .venv/bin/python bench/frame_viewer_browser.py                 # 4 cameras at 480x640
      .venv/bin/python bench/frame_viewer_browser.py --pages 6       # 6 pages on `tiny`
      .venv/bin/python bench/frame_viewer_browser.py --work /tmp/fvb --steps 60

Single page: one MISS take (240 frames, every modality) is generated at 480x640 and
loaded into an embedded store under --work (kept and reused); the viewer shows 4 of its
cameras. Measured inside the player's iframe: a step (click on Next to the new image on
screen; median and p95), the full page update after a step (until the scene graph
names the new frame), and distinct frames shown per second while playing at 1x and 2x.
Several pages: the generated `tiny` set, N pages stepping at once for --seconds; step
latency per page (image, and full update), broken images, server RSS. The baseline, in
the same run and browser: a plain page load of one mosaic JPEG from a local HTTP server.
Targets: >= 10 frames/s playing, <= 150 ms median step; <= 1 s median with 6 pages.
"""

from __future__ import annotations

import argparse
import http.server
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.player_probe import (  # noqa: E402
    direction,
    play,
    player_frame,
    shown_frame,
    step_ms,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TAKE = "MISS/1/1"


def prepare_single(work: Path, frames: int, size: tuple[int, int]) -> tuple[Path, Path]:
    """One MISS take with every modality at `size`, loaded; reused when present."""
    import h5py

    from orgraph.core.settings import Settings
    from orgraph.core.store import open_store
    from orgraph.loader.load import LoadOptions, load
    from orgraph.loader.synth import writer
    from orgraph.loader.synth.scales import TakeSpec
    from orgraph.loader.synth.sensors import SensorOptions
    from orgraph.loader.synth.take import generate_take

    h5, db = work / f"miss_1_{size[0]}x{size[1]}_{frames}.h5", work / f"db_{size[0]}x{size[1]}"
    if not h5.exists():
        print(f"generating {TAKE}: {frames} frames at {size[0]}x{size[1]} ...", flush=True)
        part = h5.with_suffix(".part")
        with h5py.File(part, "w") as f:
            writer.write_metadata(f, {"generator": "bench/frame_viewer_browser.py", "seed": 0})
            spec = TakeSpec("MISS", 1, 1, frames, "train", "miss_1")
            generate_take(f, spec, 0, size, SensorOptions(audio=True, point_cloud=True))
        part.replace(h5)
    if not (db / "graph.lbug").exists():
        with open_store(Settings(db=db), read_only=False) as store:
            load(store, LoadOptions((h5,)), progress=False, workers=1)
    return h5, db


def prepare_tiny(work: Path) -> Path:
    """The generated `tiny` set (48x64 frames), loaded; reused when present."""
    from orgraph.core.settings import Settings
    from orgraph.core.store import open_store
    from orgraph.loader.load import LoadOptions, load
    from orgraph.loader.synth import generate

    h5, db = work / "tiny_h5", work / "tiny_db"
    if not (h5 / "splits.h5").exists():
        generate(h5, scale="tiny", seed=3, merged=False, rgb=(48, 64), progress=False)
    if not (db / "graph.lbug").exists():
        files = tuple(sorted(p for p in h5.glob("*.h5") if p.name != "splits.h5"))
        with open_store(Settings(db=db), read_only=False) as store:
            load(store, LoadOptions(files, h5 / "splits.h5"), progress=False, workers=1)
    return db


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dashboard(db: Path):
    """`orgraph dashboard` on a free port: (url, pid), stopped afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "orgraph.cli", "dashboard", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield url, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, MB (from /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


@contextmanager
def image_server(jpeg: bytes):
    """A local HTTP server of one JPEG page, the baseline."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = jpeg if self.path.endswith(".jpg") else b'<img src="/m.jpg">'
            self.send_response(200)
            self.send_header(
                "Content-Type", "image/jpeg" if self.path.endswith(".jpg") else "text/html"
            )
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def baseline_ms(browser, url: str, loads: int = 15) -> list[float]:
    """Milliseconds to load a page holding one JPEG (until the image is decoded)."""
    page = browser.new_page()
    out = []
    for _ in range(loads):
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_function("() => document.images[0] && document.images[0].complete")
        out.append((time.perf_counter() - t0) * 1e3)
    page.close()
    return out


def full_update_ms(page, frame, which: str = "next") -> float:
    """Milliseconds from a click to the page's scene graph naming the new frame."""
    want = shown_frame(frame) + (1 if which == "next" else -1)
    t0 = time.perf_counter()
    frame.evaluate(f"() => document.getElementById('{which}').click()")
    page.get_by_text(f"Scene graph of frame {want}", exact=True).wait_for(timeout=60_000)
    return (time.perf_counter() - t0) * 1e3


def stats(name: str, ms: list[float]) -> str:
    a = np.asarray(ms)
    return (
        f"{name}: median {np.median(a):7.1f} ms  p95 {np.percentile(a, 95):7.1f} ms  (n={len(a)})"
    )


def single(args: argparse.Namespace) -> None:
    """One page, 4 cameras at 480x640: steps, full updates, playback at 1x and 2x."""
    from playwright.sync_api import sync_playwright

    from orgraph.dashboard import frame_images as fi

    size = tuple(int(v) for v in args.size.lower().split("x"))
    h5, db = prepare_single(args.work, args.frames, size)  # type: ignore[arg-type]
    from orgraph.loader.reader import EgoExOR

    with EgoExOR([h5]) as reader:
        sources = list(reader.media(TAKE).take.sources)
    ego = [s for s in sources if s in ("head_surgeon", "assistant", "circulator", "anesthetist")]
    cams = (ego + [s for s in sources if s not in ego])[: args.cameras]
    spec = fi.spec_for(h5, TAKE, cams, True, True)
    t0 = time.perf_counter()
    jpeg = fi.render(spec, 0)
    print(
        f"{len(cams)} cameras at {size[0]}x{size[1]} ({', '.join(cams)}); one mosaic drawn "
        f"in {1e3 * (time.perf_counter() - t0):.0f} ms server-side, {len(jpeg) / 1e3:.0f} kB JPEG"
    )
    query = f"frame?take={TAKE}&frame=10&cams={','.join(cams)}&audio=1&cloud=1"
    with dashboard(db) as (url, pid), image_server(jpeg) as base_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        base = baseline_ms(browser, base_url)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(f"{url}/{query}")
        frame = player_frame(page)
        page.wait_for_timeout(3000)
        steps = []
        for _ in range(args.steps):
            steps.append(step_ms(frame))
            page.wait_for_timeout(args.pause_ms)
        updates = [full_update_ms(page, frame) for _ in range(max(5, args.steps // 4))]
        playing = {}
        for speed in ("1", "2"):
            frame.select_option("#speed", speed)
            page.wait_for_timeout(1500)
            playing[speed] = play(frame, args.play_seconds)
            page.wait_for_timeout(1500)
        print(f"server RSS after the run: {rss_mb(pid):.0f} MB")
        browser.close()
    print(stats("baseline: plain page load of one mosaic JPEG", base))
    print(stats("step (click Next -> new image shown)       ", steps))
    print(stats("step, whole page updated (scene graph)     ", updates))
    print(
        f"step median / baseline median: {np.median(steps) / np.median(base):.2f}x; "
        f"target <= 150 ms: {'met' if np.median(steps) <= 150 else 'NOT met'}"
    )
    for speed, r in playing.items():
        rate = r["distinct"] / r["seconds"]
        print(
            f"playback {speed}x: {r['distinct']} distinct frames in {r['seconds']:.1f} s = "
            f"{rate:.1f} frames/s, {r['broken']} broken; target >= 10: "
            f"{'met' if rate >= 10 else 'NOT met'}"
        )


def one_page(browser, url: str, seconds: float, out: dict, key: int, extra: str = "") -> None:
    """One page stepping Next (Prev at the end) for `seconds`, timing each step."""
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/frame?take=MISS/1/2&frame={5 + key}{extra}")
    frame = player_frame(page, 120)
    images, updates = [], []
    deadline = time.monotonic() + seconds
    way = "next"
    while time.monotonic() < deadline:
        way = direction(frame, way)
        images.append(step_ms(frame, way))
        way = direction(frame, way)
        updates.append(full_update_ms(page, frame, way))
    broken = page.get_by_text("Image source error").count()
    exceptions = page.locator('[data-testid="stException"]').count()
    out[key] = {
        "images": images,
        "updates": updates,
        "errors": errors,
        "broken": broken,
        "exceptions": exceptions,
    }
    page.close()


def pages(args: argparse.Namespace) -> None:
    """N pages stepping at once on the tiny set, each in its own browser thread."""
    from playwright.sync_api import sync_playwright

    db = prepare_tiny(args.work)
    results: dict[int, dict] = {}
    with dashboard(db) as (url, pid):
        rss = [rss_mb(pid)]

        def worker(i: int) -> None:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                one_page(browser, url, args.seconds, results, i, args.query)
                browser.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.pages)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            rss.append(rss_mb(pid))
            time.sleep(1)
        alive = urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).status == 200
    for i, r in sorted(results.items()):
        print(
            f"page {i}: {stats('image', r['images'])};  {stats('full update', r['updates'])}; "
            f"broken {r['broken']}, exceptions {r['exceptions']}, js errors {len(r['errors'])}"
        )
    every = [t for r in results.values() for t in r["updates"]]
    imgs = [t for r in results.values() for t in r["images"]]
    print(f"{args.pages} pages for {args.seconds:.0f} s: {stats('full update, all pages', every)}")
    print(f"{args.pages} pages: {stats('image shown, all pages', imgs)}")
    print(
        f"server alive: {alive}; RSS {rss[0]:.0f} MB at start, max {max(rss):.0f} MB, "
        f"end {rss[-1]:.0f} MB; target median <= 1000 ms: "
        f"{'met' if statistics.median(every) <= 1000 else 'NOT met'}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/orgraph-fv-bench"))
    ap.add_argument("--frames", type=int, default=240)
    ap.add_argument("--size", default="480x640")
    ap.add_argument("--cameras", type=int, default=4)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--pause-ms", type=int, default=200, help="pause between steps")
    ap.add_argument("--play-seconds", type=float, default=6.0)
    ap.add_argument("--pages", type=int, default=0, help="N pages at once on tiny (0: single)")
    ap.add_argument("--seconds", type=float, default=40.0, help="stepping time with --pages")
    ap.add_argument("--query", default="", help="more URL parameters, e.g. '&cloud=0&audio=0'")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.pages:
        pages(args)
    else:
        single(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

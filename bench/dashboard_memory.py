"""Dashboard memory: what a read-only open costs, the page cache it needs, RSS across loads.

Run:  .venv/bin/python bench/dashboard_memory.py                     # egoexor scale, 8x8 RGB
      .venv/bin/python bench/dashboard_memory.py --scale small --cycles 5
      .venv/bin/python bench/dashboard_memory.py --skip-served        # parts 1 and 2 only

1. RSS per read-only open, kept open, with the engine's default page cache (about 80% of
   the machine) against the capped one (ORGRAPH_READ_BUFFER_POOL_MB, default 1024); each
   in a fresh process, printed as a ratio.
2. Every catalog query plus the dashboard's browse reads, from 1, 2 and 4 threads at once,
   at page-cache caps of 128 to 1024 MB: failures ("buffer pool is full") and peak RSS.
   The default cap is the smallest with no failure at 4 threads.
3. `orgraph dashboard` served and driven by headless Chromium while `orgraph load --force`
   and `orgraph load` run in other processes: the counts shown against the store, and the
   peak RSS of the dashboard process tree against its own idle baseline and the 1.5 GB
   target (tests/dashboard/test_live_browser.py asserts that bound at scale small).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
TARGET_RSS_MB = 1536
CAPS_MB = (128, 256, 512, 1024)
THREADS = (1, 2, 4)
CHROMIUM = "/usr/bin/chromium"


def prepare(work: Path, scale: str, rgb: str) -> tuple[list[Path], Path, Path]:
    """Generate and load once (reused by later runs); the files, splits and database."""
    h5, db = work / f"h5_{scale}", work / f"db_{scale}"
    if not (h5 / "splits.h5").exists():
        print(f"generating {scale} in {h5} ...", flush=True)
        subprocess.run(
            [*orgraph(), "synth", str(h5), "--scale", scale, "--rgb", rgb, "--quiet"], check=True
        )
    files = sorted(p for p in h5.glob("*.h5") if p.name != "splits.h5")
    if not (db / "graph.lbug").exists():
        load(files, h5 / "splits.h5", db)
    return files, h5 / "splits.h5", db


def orgraph() -> list[str]:
    return [sys.executable, "-m", "orgraph.cli"]


def load(files: list[Path], splits: Path, db: Path, *extra: str) -> float:
    t0 = time.perf_counter()
    cmd = [*orgraph(), "load", *map(str, files), "--splits", str(splits), "--db", str(db)]
    subprocess.run([*cmd, "--quiet", *extra], check=True, capture_output=True)
    return time.perf_counter() - t0


def rss_mb(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def tree_rss_mb(pid: int) -> int:
    pids, total = [pid], 0
    while pids:
        p = pids.pop()
        try:
            total += rss_mb(p)
            pids += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except FileNotFoundError:
            continue
    return total


# -- probes, each run in a fresh process --------------------------------------------
def probe_open(db: str, cap_mb: int, opens: int = 6) -> None:
    """MB of RSS per read-only open kept open (0 = the engine's default page cache)."""
    import ladybug

    path = str(Path(db) / "graph.lbug")

    def one():
        d = ladybug.Database(path, read_only=True, buffer_pool_size=cap_mb * 2**20)
        c = ladybug.Connection(d)
        c.execute("MATCH (t:Take) RETURN count(t)").get_next()
        return d, c

    kept = [one()]
    base = rss_mb()
    kept += [one() for _ in range(opens)]
    print(json.dumps({"per_open_mb": (rss_mb() - base) / opens}))


def probe_catalog(db: str, cap_mb: int, threads: int) -> None:
    """Every catalog query and browse read from `threads` threads at once at one cap."""
    from orgraph.core.store.ladybug_store import LadybugStore
    from orgraph.queries import browse
    from orgraph.queries.catalog import run_query
    from orgraph.queries.catalog.registry import CATALOG
    from orgraph.queries.stats import graph_summary

    store = LadybugStore(Path(db), read_buffer_pool_mb=cap_mb)
    take = store.query("MATCH (t:Take) RETURN t.key AS k ORDER BY t.frames DESC LIMIT 1")["k"][0]
    failures: list[str] = []

    def everything() -> None:
        for name, query in sorted(CATALOG.items()):
            params = {
                p.name: {"take": take, "frame": 10}.get(p.name) for p in query.params if p.required
            }
            try:
                run_query(store, name, params)
            except Exception as exc:  # noqa: BLE001 - counted and named below
                failures.append(f"{name}: {str(exc)[:60]}")
        for read in (graph_summary, browse.takes, lambda s: browse.frame_pointer(s, take, 10)):
            try:
                read(store)
            except Exception as exc:  # noqa: BLE001
                failures.append(str(exc)[:60])

    t0 = time.perf_counter()
    workers = [threading.Thread(target=everything) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    reads = threads * (len(CATALOG) + 3)
    print(
        json.dumps(
            {
                "reads": reads,
                "failed": len(failures),
                "peak_mb": peak,
                "seconds": time.perf_counter() - t0,
                "first": failures[:1],
            }
        )
    )


def probe(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the three parts ------------------------------------------------------------------
def part_open_cost(db: Path, cap: int) -> None:
    default = probe("--probe-open", str(db), "0")["per_open_mb"]
    capped = probe("--probe-open", str(db), str(cap))["per_open_mb"]
    print("\n1. RSS per read-only open (kept open, one small query)")
    print(f"   engine default cache: {default:6.1f} MB   (baseline)")
    print(f"   capped at {cap} MB:    {capped:6.1f} MB   ratio {capped / default:.2f}")


def part_cache_need(db: Path) -> None:
    print("\n2. catalog + browse reads at each page-cache cap (failures / reads, peak RSS)")
    print("   cap MB " + "".join(f"{f'{t} thread(s)':>24}" for t in THREADS))
    for cap in CAPS_MB:
        cells = []
        for threads in THREADS:
            r = probe("--probe-catalog", str(db), str(cap), str(threads))
            cells.append(
                f"{r['failed']:>3}/{r['reads']:<3} {r['peak_mb']:>5} MB {r['seconds']:5.1f}s"
            )
        print(f"   {cap:>6} " + "".join(f"{c:>24}" for c in cells))


def serve(db: Path, port: int) -> subprocess.Popen:
    cmd = [*orgraph(), "dashboard", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the dashboard did not start")


def part_served(files: list[Path], splits: Path, db: Path, cycles: int) -> None:
    from playwright.sync_api import sync_playwright

    from orgraph.core.settings import Settings
    from orgraph.core.store import open_store
    from orgraph.queries.stats import graph_summary

    with open_store(Settings(db=db)) as store:
        s = graph_summary(store)
    truth = (len(s["takes"]), s["frames"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc, url, peak, wrong = serve(db, port), f"http://127.0.0.1:{port}", [0], []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))

    threading.Thread(target=sample, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()

            def overview() -> tuple[int, int]:
                page.goto(url)
                shown = '[data-testid="stMetric"], [data-testid="stAlert"]'
                page.wait_for_selector(shown, timeout=120_000)
                page.wait_for_timeout(1000)
                alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
                if page.locator('[data-testid="stMetric"]').count() == 0:
                    print(f"   overview shows no counts: {[a[:100] for a in alerts]}")
                    return -1, -1
                values = {}
                for box in page.locator('[data-testid="stMetric"]').all():
                    label, value = [t for t in box.inner_text().splitlines() if t.strip()][:2]
                    values[label] = int(re.sub(r"\D", "", value))
                return values["Takes"], values["Frames"]

            def frame(i: int) -> None:
                t = s["takes"][0]
                take = f"{t['surgery_type']}/{t['procedure_id']}/{t['take_id']}"
                page.goto(f"{url}/frame?take={take}&frame={i}")
                shown = '[data-testid="stImage"], [data-testid="stAlert"]'
                page.wait_for_selector(shown, timeout=120_000)
                if page.locator('[data-testid="stImage"]').count() == 0:
                    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
                    print(f"   frame viewer shows no image: {[a[:100] for a in alerts]}")

            page.goto(f"{url}/console")
            page.wait_for_selector('[data-testid="stTextArea"]', timeout=120_000)
            page.wait_for_timeout(1000)
            idle = tree_rss_mb(proc.pid)
            t_force = t_load = 0.0
            for cycle in range(cycles):
                t_force += load(files, splits, db, "--force")
                t_load += load(files, splits, db)
                counts = overview()
                if counts != truth:
                    wrong.append(cycle)
                    print(f"   cycle {cycle}: overview shows takes, frames = {counts}")
                frame(10 + cycle)
            browser.close()
    finally:
        stop.set()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    print(
        f"\n3. served dashboard, {cycles} cycles of load --force + load + overview + frame viewer"
    )
    print(f"   counts right in {cycles - len(wrong)}/{cycles} cycles (takes, frames = {truth})")
    print(
        f"   loads: --force {t_force / cycles:.1f} s, unchanged {t_load / cycles:.1f} s per cycle"
    )
    print(
        f"   idle RSS {idle} MB (baseline); peak {peak[0]} MB, ratio {peak[0] / idle:.2f}; "
        f"target < {TARGET_RSS_MB} MB: {'ok' if peak[0] < TARGET_RSS_MB else 'OVER'}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--probe-open":
        return probe_open(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == "--probe-catalog":
        return probe_catalog(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    from orgraph.core.settings import DEFAULT_READ_BUFFER_POOL_MB

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", default="egoexor", choices=("tiny", "small", "egoexor"))
    p.add_argument("--rgb", default="8x8", help="generated image size HxW (default 8x8)")
    p.add_argument("--work", type=Path, default=Path("data/bench-dashboard-memory"))
    p.add_argument("--cycles", type=int, default=3)
    p.add_argument("--skip-served", action="store_true", help="parts 1 and 2 only")
    args = p.parse_args()
    files, splits, db = prepare(args.work, args.scale, args.rgb)
    print(f"scale {args.scale}, database {db} ({(db / 'graph.lbug').stat().st_size >> 20} MB)")
    part_open_cost(db, DEFAULT_READ_BUFFER_POOL_MB)
    part_cache_need(db)
    if not args.skip_served:
        part_served(files, splits, db, args.cycles)


if __name__ == "__main__":
    main()

"""Dashboard benchmark: first full render of each page, and frame-to-frame stepping.

Run:  .venv/bin/python bench/dashboard.py                          # egoexor scale, 8x8 RGB
      .venv/bin/python bench/dashboard.py --scale small --rgb 48x64
      .venv/bin/python bench/dashboard.py --work /tmp/dbench --steps 50

A dataset is generated (per-procedure files with RGB) and loaded into an embedded
store under --work (both kept and reused). Pages run through Streamlit's AppTest,
as the server runs them, but without the browser's network and drawing time. Each
page's first render is timed with empty caches (the store opened afresh, every query
run); stepping is the frame viewer's Next button, each step a full rerun. Figures are
printed against the targets (3 s first render, 300 ms per step) and as ratios against a
baseline in the same process: the same reads done directly (store query + HDF5 frame).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.core.settings import Settings  # noqa: E402
from orgraph.core.store import open_store  # noqa: E402
from orgraph.loader.load import LoadOptions, load  # noqa: E402
from orgraph.loader.reader import EgoExOR  # noqa: E402
from orgraph.queries.catalog import run_query  # noqa: E402

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ("overview", "timeline", "frame_viewer", "workflow", "console", "model")
FIRST_RENDER_S, STEP_S = 3.0, 0.3


def prepare(work: Path, scale: str, rgb: tuple[int, int]) -> tuple[Settings, list[Path]]:
    """Generate and load the dataset once; later runs reuse it."""
    from orgraph.loader.synth import generate

    h5, db = work / f"h5_{scale}", work / f"db_{scale}"
    if not (h5 / "splits.h5").exists():
        print(f"generating {scale} with RGB {rgb[0]}x{rgb[1]} in {h5} ...", flush=True)
        generate(h5, scale=scale, seed=0, merged=False, rgb=rgb, progress=False)
    files = sorted(p for p in h5.glob("*.h5") if p.name != "splits.h5")
    settings = Settings(db=db)
    if not (db / "graph.lbug").exists():
        print(f"loading into {db} ...", flush=True)
        with open_store(settings, read_only=False) as store:
            load(store, LoadOptions(tuple(files), h5 / "splits.h5"), progress=False)
    return settings, files


def longest_take(settings: Settings) -> tuple[str, int]:
    with open_store(settings) as store:
        df = store.query(
            "MATCH (t:Take) RETURN t.key AS take, t.frames AS frames ORDER BY frames DESC LIMIT 1"
        )
    return str(df["take"][0]), int(df["frames"][0])


def first_renders(take: str) -> dict[str, float]:
    """Seconds to the first full render of each page, caches emptied before each."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    out: dict[str, float] = {}
    for name in PAGES:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.query_params["take"] = take
        at.query_params["frame"] = "10"
        if name != "overview":
            at.run()  # the default page first, untimed; then the page on empty caches
            at.switch_page(f"views/{name}.py")
        st.cache_data.clear()
        st.cache_resource.clear()
        t0 = time.perf_counter()
        at.run()
        out[name] = time.perf_counter() - t0
        assert name == "overview" or at.title[0].value != "Overview", name
        if at.exception or at.error:
            print(f"  {name}: {[e.value for e in [*at.exception, *at.error]]}")
    return out


def stepping(take: str, steps: int) -> list[float]:
    """Seconds per Next click in the frame viewer (a full rerun each)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params["take"] = take
    at.query_params["frame"] = "0"
    at.run()
    at.switch_page("views/frame_viewer.py").run()
    times = []
    for i in range(steps):  # a step as the browser's player reports it (its component value)
        t0 = time.perf_counter()
        at.session_state["fv_player"] = {"frame": i + 1, "seq": i + 1, "mount": "bench"}
        at.run()
        times.append(time.perf_counter() - t0)
    return times


def direct_step(settings: Settings, files: list[Path], take: str, steps: int) -> list[float]:
    """Baseline: the same per-frame reads without the dashboard (open store and file)."""
    times = []
    with open_store(settings) as store, EgoExOR(files) as reader:
        media = reader.media(take)
        for frame in range(1, steps + 1):
            t0 = time.perf_counter()
            store.query("MATCH (f:Frame {key: $k}) RETURN f.file", {"k": f"{take}#{frame}"})
            run_query(store, "scene_graph_at_frame", {"take": take, "frame": frame})
            media.rgb(frame), media.gaze(frame), media.hands(frame)
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", default="egoexor", choices=("tiny", "small", "egoexor"))
    p.add_argument("--rgb", default="8x8", help="generated image size HxW (default 8x8)")
    p.add_argument("--work", type=Path, default=Path("data/bench-dashboard"))
    p.add_argument("--steps", type=int, default=30)
    args = p.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    h, w = (int(v) for v in args.rgb.lower().split("x"))
    settings, files = prepare(args.work, args.scale, (h, w))
    os.environ.update(
        ORGRAPH_BACKEND="embedded",
        ORGRAPH_DB=str(settings.db),
        ORGRAPH_RUNS=str(args.work / "runs"),
    )
    take, frames = longest_take(settings)
    print(f"\nscale {args.scale}, take {take} ({frames} frames), RGB {h}x{w}, AppTest")
    renders = first_renders(take)
    print(f"\n{'page':<14} {'first render':>12} {'target':>8} {'ratio':>7}")
    for name, secs in renders.items():
        print(
            f"{name:<14} {secs:>11.2f}s {FIRST_RENDER_S:>7.1f}s {secs / FIRST_RENDER_S:>7.2f}"
            f"  {'ok' if secs <= FIRST_RENDER_S else 'OVER'}"
        )
    steps = stepping(take, min(args.steps, frames - 1))
    base = direct_step(settings, files, take, min(args.steps, frames - 1))
    p50, p95 = statistics.median(steps), sorted(steps)[int(0.95 * (len(steps) - 1))]
    b50 = statistics.median(base)
    print(
        f"\nframe step (Next): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"target {STEP_S * 1000:.0f} ms (p95/target {p95 / STEP_S:.2f}) "
        f"{'ok' if p95 <= STEP_S else 'OVER'}"
    )
    print(
        f"baseline (same reads, no dashboard): p50 {b50 * 1000:.1f} ms; "
        f"dashboard/baseline {p50 / b50:.1f}x"
    )


if __name__ == "__main__":
    main()

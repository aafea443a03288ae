"""`orgraph media`, `clip` and `rerun` on a generated dataset loaded with relative paths,
read from another working directory; outputs checked against what was generated, the clips
with imageio-ffmpeg's ffmpeg, the recordings with Rerun's own reader."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from orgraph.cli import main
from orgraph.core.store import open_store
from orgraph.loader.media_formats import read_ply, read_wav
from orgraph.loader.reader import EgoExOR
from orgraph.loader.synth import SynthResult, generate
from tests.loader.rrd_counts import rrd_counts
from tests.support.signals import interruptible


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthResult, Path]:
    """A tiny dataset loaded from relative paths (cwd = its parent), and the store's dir."""
    root = tmp_path_factory.mktemp("media_cmd")
    result = generate(root / "h5", "tiny", seed=7, progress=False)
    before = os.getcwd()
    os.chdir(root)
    try:
        files = [str(Path("h5") / p.name) for p in result.files]
        assert main(["load", *files, "--splits", "h5/splits.h5", "--db", "db", "--quiet"]) == 0
    finally:
        os.chdir(before)
    return result, root / "db"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the command from a directory that has nothing to do with the data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGRAPH_MEDIA_ROOT", raising=False)
    return tmp_path


def _media_json(capsys, *argv: str) -> dict:
    assert main(["media", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _truth(result: SynthResult, key: str):
    return next(t for t in result.takes if t.key == key)


def test_load_stores_absolute_paths(loaded):
    result, db = loaded
    from orgraph.core.settings import Settings

    with open_store(Settings(backend="embedded", db=db)) as store:
        files = store.query("MATCH (t:Take) RETURN DISTINCT t.file AS f")["f"].tolist()
        frames = store.query("MATCH (f:Frame) RETURN DISTINCT f.file AS f")["f"].tolist()
    want = {str(p.resolve()) for p in result.files}
    assert set(files) == want and set(frames) == want
    assert all(Path(f).is_absolute() for f in files)


def test_media_json_matches_what_was_generated(loaded, elsewhere, capsys):
    result, db = loaded
    out = elsewhere / "frame"
    got = _media_json(capsys, "MISS/1/1", "--frame", "12", "--db", str(db), "--out", str(out))
    assert list(got) == [
        "take",
        "frame",
        "time",
        "cameras",
        "gaze",
        "hands",
        "audio",
        "point_cloud",
        "triplets",
    ]
    truth = _truth(result, "MISS/1/1")
    assert (got["take"], got["frame"], got["time"]) == ("MISS/1/1", 12, pytest.approx(0.8))
    with EgoExOR(result.files) as r:
        media = r.media("MISS/1/1")
        images = media.rgb(12)
        gaze = media.gaze(12, apply_offset=True)
        depth = media.gaze_depth(12)
        snippet = media.audio_snippet(12)
        cloud = media.point_cloud(12)
    assert [c["name"] for c in got["cameras"]] == list(truth.sources)
    for cam in got["cameras"]:
        assert (cam["height"], cam["width"]) == (48, 64)
        assert cam["blank"] == (not images[cam["name"]].any())
        assert cam["ego"] == (
            cam["name"] in ("head_surgeon", "assistant", "circulator", "anesthetist")
        )
        assert Path(cam["file"]).is_file()
    for role, xy in gaze.items():
        if xy is None:
            assert got["gaze"][role] is None
        else:
            assert got["gaze"][role]["x"] == pytest.approx(xy[0], abs=1e-3)
            assert got["gaze"][role]["depth"] == (
                None if depth[role] is None else pytest.approx(depth[role], abs=1e-4)
            )
    assert all(h is None or len(h) == 8 for h in got["hands"].values())
    assert got["audio"] == {
        "sample_rate": 48000,
        "samples": 3200,
        "channels": 2,
        "file": str(out.resolve() / "audio.wav"),
    }
    wav, rate = read_wav(Path(got["audio"]["file"]))
    assert rate == 48000 and wav.shape == (3200, 2)
    np.testing.assert_allclose(wav, snippet, atol=1.0 / 32767)
    assert got["point_cloud"]["points"] == 256
    ply = read_ply(Path(got["point_cloud"]["file"]))
    np.testing.assert_array_equal(np.stack([ply["x"], ply["y"], ply["z"]], 1), cloud.coordinates)
    assert sorted(map(tuple, got["triplets"])) == sorted(set(truth.annotations[12]))


def test_media_reports_absent_modalities(loaded, elsewhere, capsys):
    _, db = loaded
    got = _media_json(capsys, "MISS/1/2", "--frame", "3", "--db", str(db), "--out", "a")
    assert got["audio"] is None and got["point_cloud"]["points"] == 256
    assert not (elsewhere / "a" / "audio.wav").exists()
    got = _media_json(capsys, "Ultrasound/3/1", "--frame", "3", "--db", str(db), "--out", "b")
    assert got["point_cloud"] is None and got["audio"]["samples"] == 3200


def test_media_bad_input_is_one_line(loaded, elsewhere, capsys):
    _, db = loaded
    assert main(["media", "MISS/1/1", "--frame", "100000", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: frame 100000 out of range: take MISS/1/1 has frames 0..")
    assert main(["media", "MISS/9/9", "--frame", "1", "--db", str(db)]) == 1
    assert "take 'MISS/9/9' is not in the graph store" in capsys.readouterr().err


def test_moved_files_are_found_with_media_root(loaded, elsewhere, capsys, tmp_path_factory):
    result, db = loaded
    moved_db = tmp_path_factory.mktemp("moved") / "db"
    shutil.copytree(db, moved_db)
    hidden = tmp_path_factory.mktemp("h5_moved")
    src = result.files[0].parent
    os.rename(src, hidden / "h5")
    try:
        assert main(["media", "MISS/1/1", "--frame", "2", "--db", str(moved_db)]) == 1
        err = capsys.readouterr().err
        assert "named by the graph was not found" in err and "--media-root" in err
        argv = [
            "MISS/1/1",
            "--frame",
            "2",
            "--db",
            str(moved_db),
            "--media-root",
            str(hidden / "h5"),
        ]
        assert _media_json(capsys, *argv)["audio"]["samples"] == 3200
    finally:
        os.rename(hidden / "h5", src)


def _probe(path: Path) -> str:
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    return subprocess.run(
        [ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr


def _audio_samples(path: Path) -> int:
    """Decoded audio samples per channel of a clip (48 kHz stereo PCM through ffmpeg)."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    raw = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-vn", "-f", "s16le", "-ac", "2", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return len(raw) // 4


def test_clip_has_the_frames_the_rate_and_the_audio(loaded, elsewhere):
    _, db = loaded
    out = elsewhere / "c.mp4"
    assert main(["clip", "MISS/1/1", "--from", "5", "--to", "34", str(out), "--db", str(db)]) == 0
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 30 and seconds == pytest.approx(2.0, abs=0.05)
    info = _probe(out)
    assert re.search(r"Video: h264.* 15 fps", info), info
    assert re.search(r"Audio: aac.* 48000 Hz, stereo", info), info
    assert abs(_audio_samples(out) - 30 * 3200) <= 2048  # AAC frames pad by up to 1024
    quiet = elsewhere / "q.mp4"
    argv = ["clip", "MISS/1/2", "--from", "0", "--to", "9", str(quiet), "--db", str(db)]
    assert main([*argv, "--cameras", "external_1,head_surgeon"]) == 0
    assert "Audio:" not in _probe(quiet)
    assert imageio_ffmpeg.count_frames_and_secs(str(quiet))[0] == 10


def test_clip_lut_colours_only_the_external_views(loaded):
    from orgraph.loader.cube_lut import load_cube, write_cube
    from orgraph.loader.media_clip import ClipOptions, _Frames
    from orgraph.loader.media_frame import read_frame_media

    result, _ = loaded
    g = np.linspace(0.0, 1.0, 9)
    b, gg, r = np.meshgrid(g, g, g, indexing="ij")
    path = result.files[0].parent.parent / "invert.cube"
    write_cube(path, 1.0 - np.stack([r, gg, b], -1), "invert")
    lut = load_cube(path)
    with EgoExOR(result.files) as reader:
        media = reader.media("MISS/1/1")
        fm = read_frame_media(media, 8)
        plain, tinted = _Frames(media, ClipOptions()), _Frames(media, ClipOptions(lut=lut))
        for source in ("head_surgeon", "microscope", "external_2"):
            a, t = plain.tile(fm, source), tinted.tile(fm, source)
            if source.startswith("external_"):
                body = slice(a.shape[0] - 48 * 5, None)
                np.testing.assert_array_equal(t[body], 255 - a[body])
            else:
                np.testing.assert_array_equal(t, a)


def test_clips_for_a_moment_set(loaded, elsewhere, capsys):
    _, db = loaded
    moments = {
        "format": "orgraph-moments",
        "version": 1,
        "moments": [
            {"take": "MISS/1/1", "start_frame": 3, "end_frame": 7},
            {"take": "Ultrasound/2/1", "start_frame": 10, "end_frame": 12},
        ],
    }
    (elsewhere / "m.json").write_text(json.dumps(moments))
    assert main(["clip", "--moments", "m.json", "clips", "--db", str(db)]) == 0
    made = sorted(p.name for p in (elsewhere / "clips").iterdir())
    assert made == ["MISS_1_1_3-7.mp4", "Ultrasound_2_1_10-12.mp4"]
    assert imageio_ffmpeg.count_frames_and_secs(str(elsewhere / "clips" / made[1]))[0] == 3
    moments["moments"][0]["end_frame"] = "seven"
    (elsewhere / "m.json").write_text(json.dumps(moments))
    capsys.readouterr()
    assert main(["clip", "--moments", "m.json", "clips", "--db", str(db)]) == 1
    assert "m.json: moment 0 has take 'MISS/1/1', frames 3..'seven'" in capsys.readouterr().err


def test_rerun_recording_read_back_and_counted(loaded, elsewhere):
    from orgraph.core.settings import Settings
    from orgraph.gnn.writeback import write_predictions

    result, db = loaded
    truth = _truth(result, "MISS/1/1")
    settings = Settings(backend="embedded", db=db)
    with open_store(settings, read_only=False) as store:  # a "run" that drops one triplet a frame
        preds = {("MISS", 1, 1, f): ts[1:] for f, ts in truth.annotations.items() if f < 30}
        write_predictions(store, "dropper", preds, "test run")
    out = elsewhere / "r.rrd"
    argv = [
        "rerun",
        "MISS/1/1",
        "--from",
        "0",
        "--to",
        "19",
        "--run",
        "dropper",
        "--save",
        str(out),
    ]
    assert main([*argv, "--db", str(db)]) == 0
    counts = rrd_counts(out)
    with EgoExOR(result.files) as reader:
        media = reader.media("MISS/1/1")
        for f in range(20):
            images = media.rgb(f)
            shown = sum(1 for img in images.values() if img.any())
            assert counts.images.get(f, 0) == shown
            assert counts.points.get(("room/point_cloud", f)) == 256
            triplets = set(truth.annotations.get(f, []))
            assert counts.edges.get(("scene_graph/truth", f), 0) == 2 * len(triplets)
            if f in truth.annotations:
                dropped = set(truth.annotations[f][1:])
                assert counts.edges.get(("scene_graph/predicted", f), 0) == 2 * len(dropped)
            gaze = media.gaze(f, apply_offset=True)
            for role, xy in gaze.items():
                assert counts.points.get((f"cameras/{role}/gaze", f), 0) == (xy is not None)
    assert counts.timelines >= {"frame", "time"}
    assert counts.scalars_entities >= {"gaze_depth/head_surgeon"}


def test_rerun_unknown_run_is_refused(loaded, elsewhere, capsys):
    _, db = loaded
    argv = ["rerun", "MISS/1/1", "--to", "3", "--run", "nope", "--save", "x.rrd", "--db", str(db)]
    assert main(argv) == 1
    assert "no stored run 'nope'" in capsys.readouterr().err


def _free_ports(count: int) -> list[int]:
    """Free ports among 8720-8729 (the range this project's tests serve on)."""
    import socket

    found = []
    for port in range(8720, 8730):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                found.append(port)
        if len(found) == count:
            return found
    pytest.skip("no free port in 8720-8729")


def _listeners(ports: set[int]) -> set[tuple[str, int]]:
    """(address, port) of listening IPv4 sockets on the given ports, from /proc/net/tcp."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        addr, port = local.split(":")
        if state == "0A" and int(port, 16) in ports:  # 0A = LISTEN
            ip = ".".join(str(int(addr[i : i + 2], 16)) for i in (6, 4, 2, 0))
            out.add((ip, int(port, 16)))
    return out


def test_rerun_serve_is_local_and_offline(loaded, elsewhere):
    import signal
    import sys
    import time
    import urllib.request

    _, db = loaded
    web, grpc = _free_ports(2)
    exe = Path(sys.executable).parent / "orgraph"
    cmd = [str(exe), "rerun", "MISS/1/1", "--to", "5", "--serve", "--db", str(db)]
    cmd += ["--web-port", str(web), "--grpc-port", str(grpc)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Rerun web viewer: http://127.0.0.1:"), line + proc.stderr.read()
        url = line.split()[3]
        with urllib.request.urlopen(url, timeout=30) as page:
            html = page.read().decode()
            policy = page.headers["Content-Security-Policy"]
        assert "fonts.googleapis" not in html and "re_viewer.js" in html
        assert f"connect-src 'self' http://127.0.0.1:{grpc}" in policy
        assert "https:" not in policy and "*" not in policy
        wasm_url = f"http://127.0.0.1:{web}/re_viewer_bg.wasm"
        with urllib.request.urlopen(wasm_url, timeout=60) as wasm:
            assert wasm.read(4) == b"\x00asm"
        listening = _listeners({web, grpc})
        assert {p for _, p in listening} == {web, grpc}
        assert {ip for ip, _ in listening} == {"127.0.0.1"}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while _listeners({web, grpc}) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listeners({web, grpc})
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.neo4j
def test_media_json_through_neo4j(loaded, neo4j_settings, elsewhere, capsys, monkeypatch):
    """The same pointer and triplets through the Neo4j backend's --backend/--uri options."""
    from orgraph.loader.load import LoadOptions, load

    result, _ = loaded
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.neo4j_user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password.reveal())
    with open_store(neo4j_settings, read_only=False) as store:
        load(store, LoadOptions(tuple(result.files), result.splits), progress=False)
    argv = ["MISS/1/1", "--frame", "12", "--backend", "neo4j", "--uri", neo4j_settings.neo4j_uri]
    got = _media_json(capsys, *argv, "--out", "n")
    truth = _truth(result, "MISS/1/1")
    assert sorted(map(tuple, got["triplets"])) == sorted(set(truth.annotations[12]))
    assert got["audio"]["samples"] == 3200 and got["point_cloud"]["points"] == 256


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("imageio_ffmpeg", ["clip", "MISS/1/1", "--from", "0", "--to", "2", "x.mp4"]),
        ("rerun", ["rerun", "MISS/1/1", "--to", "2", "--save", "x.rrd"]),
        ("PIL.Image", ["media", "MISS/1/1", "--frame", "1"]),
    ],
)
def test_missing_media_extra_is_one_line(loaded, elsewhere, capsys, monkeypatch, module, argv):
    _, db = loaded
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    assert main([*argv, "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "orgraph[media]" in err and "\n" not in err
    assert not any(elsewhere.glob("x.*"))


def test_the_rest_works_without_the_media_extra(elsewhere, monkeypatch):
    for module in ("imageio_ffmpeg", "rerun", "PIL", "PIL.Image", "PIL.ImageDraw"):
        monkeypatch.setitem(sys.modules, module, None)
    for name in [
        m for m in sys.modules if m.startswith(("orgraph.commands", "orgraph.loader.media"))
    ]:
        monkeypatch.delitem(sys.modules, name)  # import the commands afresh, without the extra
    from orgraph.cli import build_parser
    from orgraph.cli import main as fresh_main

    assert "clip" in build_parser().format_help()
    assert fresh_main(["synth", "s", "--scale", "tiny", "--no-rgb", "--quiet"]) == 0
    with EgoExOR(sorted((elsewhere / "s").glob("miss_*.h5"))) as reader:
        assert reader.media("MISS/1/1").audio_snippet(0).shape == (3200, 2)

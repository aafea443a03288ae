"""The frame viewer in AppTest on a real loaded store: what the player is sent, the panels,
the URL state, the player's reports, and the fallbacks that must say what was wrong.
"""

from __future__ import annotations

import base64
import io
import json
import wave
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from orgraph.core.store import open_store
from orgraph.queries.catalog import run_query
from tests.support.apptest import app, page, texts
from tests.support.dashboard import Loaded

TAKE = "MISS/2/1"  # test split: the written-back run predicted it
AUDIO_TAKE = "Ultrasound/2/1"  # tiny: MISS/1/2 has no audio, Ultrasound/3/1 no point cloud


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, loaded: Loaded) -> AppTest:
    return app(monkeypatch, loaded.settings.db, loaded.runs)


def player_args(at: AppTest) -> dict:
    """The arguments the page sent to the player component this run."""
    comps = [e for e in at.main if getattr(e, "type", "") == "component_instance"]
    assert len(comps) == 1, "exactly one player on the page"
    return json.loads(comps[0].proto.json_args)


def report(at: AppTest, frame: int, seq: int, **more: object) -> AppTest:
    """What the browser's player sends after a step (its component value), then a rerun."""
    value = {"frame": frame, "seq": seq, "mount": "test", "playing": False, "speed": 1.0}
    at.session_state["fv_player"] = {**value, "spec": "", "have": [], **more}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def decoded(url: str) -> Image.Image:
    assert url.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_player_gets_the_frame_its_neighbours_and_their_triplets(
    at: AppTest, loaded: Loaded
) -> None:
    page(at, "frame_viewer", take=TAKE, frame="12")
    args = player_args(at)
    assert args["frame"] == 12 and args["total"] > 12 and args["fps"] == 15
    assert {"12", "13", "11"} <= set(args["frames"])  # drawn before answering
    image = decoded(args["frames"]["12"])
    assert image.format == "JPEG" and image.width >= 360
    with open_store(loaded.settings) as store:
        truth = run_query(store, "scene_graph_at_frame", {"take": TAKE, "frame": 12})
        intervals = run_query(store, "activity_timeline", {"take": TAKE})
    expected = sorted(f"{s} {r} {o}" for s, r, o in truth[["subject", "relation", "object"]].values)
    assert sorted(args["triplets"]["12"]) == expected
    strip = args["strip"]
    assert strip["take"] == TAKE and len(strip["intervals"]) == len(intervals) and strip["lanes"]
    assert "Scene graph of frame 12" in texts(at.markdown)
    assert sum('data-testid="scene-graph"' in m.value for m in at.markdown) == 1


def test_a_step_reported_by_the_player_moves_the_page_and_url(at: AppTest) -> None:
    page(at, "frame_viewer", take=TAKE, frame="3")
    jump = player_args(at)["jump"]
    report(at, 4, seq=1)
    assert "frame **4**" in texts(at.markdown)
    assert at.query_params["frame"] == "4"
    args = player_args(at)
    assert args["jump"] == jump  # the browser moved; the page does not move it again
    report(at, 4, seq=1, have=[3, 4, 5], spec=args["spec"])  # same seq: no move
    sent = player_args(at)["frames"]
    assert "3" not in sent and "5" not in sent and "6" in sent  # only what it lacks
    assert "frame **4**" in texts(at.markdown)
    report(at, 2, seq=2)
    assert "frame **2**" in texts(at.markdown) and at.query_params["frame"] == "2"
    assert player_args(at)["strip"] is not None  # the browser did not say it holds it
    report(at, 3, seq=3, strip=TAKE)
    assert player_args(at)["strip"] is None  # held: not sent again with every answer


def test_a_stale_url_is_an_echo_not_a_link(at: AppTest) -> None:
    """A rerun can carry the browser's URL from before the page's last write (a player
    report sent while that write was on its way): the page must not jump back to it."""
    page(at, "frame_viewer", take=TAKE, frame="3")
    jump = player_args(at)["jump"]
    report(at, 4, seq=1)
    report(at, 5, seq=2)
    at.query_params["frame"] = "4"  # the URL as the browser had it before frame 5 was written
    report(at, 6, seq=3)
    args = player_args(at)
    assert args["jump"] == jump and args["frame"] == 6
    assert "frame **6**" in texts(at.markdown) and at.query_params["frame"] == "6"
    at.toggle(key="fv_overlays").set_value(False).run()
    at.query_params["overlays"] = "1"  # stale again: the toggle was just turned off
    report(at, 7, seq=4)
    assert at.toggle(key="fv_overlays").value is False and at.query_params["overlays"] == "0"
    assert player_args(at)["jump"] == jump


def test_a_link_from_another_page_still_moves_the_player(at: AppTest) -> None:
    page(at, "frame_viewer", take=TAKE, frame="3")
    report(at, 4, seq=1)
    jump = player_args(at)["jump"]
    at.switch_page("views/timeline.py").run()
    at.query_params["take"], at.query_params["frame"] = TAKE, "3"  # a frame written before
    at.switch_page("views/frame_viewer.py").run()
    args = player_args(at)
    assert args["frame"] == 3 and args["jump"] != jump


def test_audio_waveform_cloud_and_gaze_depth(at: AppTest) -> None:
    page(at, "frame_viewer", take=AUDIO_TAKE, frame="20")
    audio = at.get("audio")
    assert len(audio) == 1
    url = audio[0].proto.url
    assert url.startswith("data:audio/wav;base64,")
    with wave.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as w:
        seconds = w.getnframes() / w.getframerate()
        assert w.getnchannels() == 2 and 0.9 <= seconds <= 1.1  # frames 13..27 at 15 FPS
    charts = at.get("plotly_chart")
    kinds = {json.loads(c.proto.spec)["data"][0]["type"] for c in charts}
    assert {"scatter", "scatter3d"} <= kinds
    assert "depth" in texts(at.markdown)


def raw_waveform(loaded: Loaded, take: str, first: int, last: int) -> np.ndarray:
    """The take's waveform samples of frames first..last, read with plain h5py."""
    from orgraph.loader.reader import EgoExOR

    with EgoExOR(list(loaded.files)) as reader:
        info = reader.media(take).take
    with h5py.File(info.file, "r") as f:
        wave_ds = f[info.group]["audio/waveform"]
        per_frame = wave_ds.shape[0] / info.frames
        return np.asarray(wave_ds[round(first * per_frame) : round((last + 1) * per_frame)])


def test_playback_gets_the_sound_ahead_in_one_second_chunks(at: AppTest, loaded: Loaded) -> None:
    page(at, "frame_viewer", take=AUDIO_TAKE, frame="20")
    args = player_args(at)
    assert args["sound"] is True and args["audio"] == {}  # stepping: the page's audio player
    report(at, 20, seq=1, playing=True, spec=args["spec"])
    args = player_args(at)
    total = args["total"]
    want = {str(s) for s in range(1, min(total - 1, 20 + 60) // 15 + 1)}  # 4 s ahead at 1x
    assert set(args["audio"]) == want
    for second, url in args["audio"].items():
        with wave.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as w:
            assert w.getnchannels() == 1 and w.getframerate() == 16_000
            got = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32767.0
        first = int(second) * 15
        raw = raw_waveform(loaded, AUDIO_TAKE, first, min(total - 1, first + 14)).mean(axis=1)
        assert abs(len(got) - len(raw) / 3) <= 1  # 48 kHz -> 16 kHz
        expected = np.interp(np.linspace(0, len(raw) - 1, len(got)), np.arange(len(raw)), raw)
        assert np.abs(got - expected).max() < 2e-4  # 16-bit rounding only
    report(at, 22, seq=2, playing=True, spec=args["spec"], heard=[1, 2])
    assert not {"1", "2"} & set(player_args(at)["audio"])  # only what the browser lacks


def test_no_sound_is_sent_when_it_is_off(at: AppTest) -> None:
    page(at, "frame_viewer", take=AUDIO_TAKE, frame="20", audio="0")
    report(at, 20, seq=1, playing=True, spec=player_args(at)["spec"])
    args = player_args(at)
    assert args["sound"] is False and args["audio"] == {}


def test_takes_without_audio_or_cloud_say_so(at: AppTest) -> None:
    page(at, "frame_viewer", take="MISS/1/2", frame="5")
    assert "has no audio" in texts(at.info)
    page(at, "frame_viewer", take="Ultrasound/3/1", frame="5")
    assert "has no point cloud" in texts(at.info)


def test_run_and_toggles_come_from_and_go_to_the_url(at: AppTest) -> None:
    page(at, "frame_viewer", take=TAKE, frame="7", overlays="0", audio="0", cloud="0")
    assert at.toggle(key="fv_overlays").value is False
    assert not at.get("audio") and not at.get("plotly_chart")
    assert at.selectbox(key="fv_run").value == "gnn"
    at.toggle(key="fv_cloud").set_value(True).run()
    assert at.query_params["cloud"] == "1" and at.query_params["overlays"] == "0"
    at.selectbox(key="fv_run").set_value("(ground truth only)").run()
    assert at.query_params["run"] == "(ground truth only)"
    assert "missed (truth only)" not in texts(at.markdown)


def test_timeline_keeps_take_frame_and_run_and_shows_the_cursor(at: AppTest) -> None:
    page(at, "frame_viewer", take=TAKE, frame="30", overlays="0")
    at.selectbox(key="fv_run").set_value("(ground truth only)").run()
    at.query_params.clear()
    at.switch_page("views/timeline.py").run()
    assert at.selectbox(key="tl_take").value == TAKE
    assert at.number_input(key="tl_frame").value == 30
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [s for s in fig["layout"].get("shapes", []) if s.get("type") == "line"]
    assert len(lines) == 1 and lines[0]["x0"] == pytest.approx(30 / 15)
    assert "frame 30, last opened" in texts(at.caption)
    next(b for b in at.button if b.label == "Open in frame viewer").click().run()
    assert at.title[0].value == "Frame viewer"
    assert "frame **30**" in texts(at.markdown)
    assert at.selectbox(key="fv_run").value == "(ground truth only)"
    assert at.toggle(key="fv_overlays").value is False


def test_unknown_take_is_named_not_replaced(at: AppTest) -> None:
    page(at, "frame_viewer", take="MISS/9/9", frame="3")
    error = texts(at.error)
    assert "No take 'MISS/9/9' in the graph store" in error
    assert at.selectbox(key="fv_take").value is None
    assert not [e for e in at.main if getattr(e, "type", "") == "component_instance"]
    at.selectbox(key="fv_take").set_value(TAKE).run()
    assert not at.error and at.query_params["take"] == TAKE


def test_unknown_take_on_the_timeline_too(at: AppTest) -> None:
    page(at, "timeline", take="Nope/1/1")
    assert "No take 'Nope/1/1'" in texts(at.error)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    "asked, shown, words",
    [
        ("99999", "last", "beyond the end"),
        ("-4", "0", "is negative"),
        ("abc", "0", "is not a frame number"),
        ("1.5", "0", "is not a frame number"),
    ],
)
def test_bad_frames_are_said_and_clamped(at: AppTest, asked: str, shown: str, words: str) -> None:
    page(at, "frame_viewer", take=TAKE, frame=asked)
    frames = player_args(at)["total"]
    want = frames - 1 if shown == "last" else int(shown)
    warning = texts(at.warning)
    assert (
        words in warning and f"showing {'the last frame, ' if shown == 'last' else ''}" in warning
    )
    assert f"frame **{want}**" in texts(at.markdown)
    assert at.query_params["frame"] == str(want)
    at.run()  # the notice was about the link; it does not repeat once the URL is fixed
    assert words not in texts(at.warning)


def test_missing_media_directory_is_said(at: AppTest, tmp_path: Path) -> None:
    page(at, "frame_viewer", take=TAKE, frame="2")
    missing = tmp_path / "not-here"
    at.sidebar.text_input(key="_media_root").set_value(str(missing)).run()
    notices = texts(at.warning) + texts(at.sidebar.warning)
    assert f"The media directory {missing} does not exist" in notices
    assert player_args(at)["frames"]  # the files were still found where the graph says


def test_gaze_lines_read_by_block_are_each_frames_own(loaded: Loaded) -> None:
    """The gaze line of a frame, read 32 frames at a time, equals that frame's own reading."""
    from orgraph.dashboard.frame_panels import GAZE_BLOCK, _gaze_line, gaze_depth_text
    from orgraph.loader.reader import EgoExOR

    with EgoExOR(list(loaded.files)) as reader:
        media = reader.media(TAKE)
        path, total = Path(media.take.file), media.take.frames
        picks = sorted({0, GAZE_BLOCK - 1, GAZE_BLOCK, GAZE_BLOCK + 1, total - 1})
        want = {f: _gaze_line(media.gaze(f, apply_offset=True), media.gaze_depth(f)) for f in picks}
    got = {f: gaze_depth_text(path, TAKE, f, True) for f in picks}
    assert got == want
    assert len(set(got.values())) > 1  # the lines differ from frame to frame

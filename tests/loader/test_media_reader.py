"""The media reader on generated files: audio and point clouds present or absent, their sizes
read from the shapes, str and bytes attributes, bad layouts named, and per-frame reads that
touch only the asked frame's chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import ENTITY_INDEX
from orgraph.loader.media_frame import read_frame_media
from orgraph.loader.reader import EgoExOR
from orgraph.loader.synth import SensorOptions, SynthResult, generate
from orgraph.loader.synth.audio import SAMPLES_PER_FRAME, make_sound
from orgraph.loader.synth.cloud import STATIONS
from orgraph.loader.synth.media import ENTITY_COLOURS
from orgraph.loader.synth.workflow import build_take


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("av"), "tiny", seed=5, progress=False)


def _reader(result: SynthResult) -> EgoExOR:
    return EgoExOR(result.files, splits=result.splits)


def _take(result: SynthResult, key: str):
    return next(t for t in result.takes if t.key == key)


def test_audio_sizes_come_from_the_shapes_and_snippets_are_windows_of_the_waveform(tiny):
    truth = _take(tiny, "MISS/1/1")
    with _reader(tiny) as r:
        media = r.media("MISS/1/1")
        info = media.audio_info()
        assert (info.sample_rate, info.channels, info.snippet_samples) == (48_000, 2, 3200)
        assert info.waveform_samples == truth.frames * SAMPLES_PER_FRAME
        wave = media.waveform(3, 7)
        assert wave.shape == (5 * 3200, 2) and wave.dtype == np.float32
        for k, f in enumerate(range(3, 8)):  # 3200-sample windows tile the waveform
            np.testing.assert_array_equal(media.audio_snippet(f), wave[k * 3200 : (k + 1) * 3200])
        assert media.waveform_span(0, truth.frames - 1) == (0, info.waveform_samples)
        with pytest.raises(DataFormatError, match="out of range"):
            media.waveform(5, truth.frames)


def test_a_snippet_length_other_than_a_frame_is_read_from_the_shape(tmp_path: Path):
    result = generate(
        tmp_path,
        "tiny",
        seed=2,
        rgb=None,
        progress=False,
        sensor=SensorOptions(snippet_samples=1000),
    )
    with _reader(result) as r:
        media = r.media("MISS/1/1")
        assert media.audio_info().snippet_samples == 1000
        snip = media.audio_snippet(10)
        assert snip.shape == (1000, 2)
        centre = 10 * 3200 + 1600  # the window is centred on the middle of the frame's period
        np.testing.assert_array_equal(snip, media.waveform(10, 10 + 1)[1600 - 500 : 1600 + 500])
        assert centre - 500 == 10 * 3200 + 1100


def test_takes_without_audio_or_cloud_report_them_absent(tiny):
    with _reader(tiny) as r:
        no_audio = r.media("MISS/1/2")
        assert no_audio.audio_info() is None
        assert no_audio.audio_snippet(0) is None and no_audio.waveform(0, 3) is None
        assert no_audio.point_cloud(0).points == 256
        no_cloud = r.media("Ultrasound/3/1")
        assert no_cloud.point_cloud(0) is None and not no_cloud.has_point_cloud()
        assert no_cloud.audio_snippet(0).shape == (3200, 2)
        fm = read_frame_media(no_cloud, 4)
        assert fm.point_cloud is None and fm.audio is not None


def test_flags_leave_both_out_of_every_take(tmp_path: Path):
    off = SensorOptions(audio=False, point_cloud=False)
    result = generate(tmp_path, "tiny", seed=2, rgb=None, progress=False, sensor=off)
    with _reader(result) as r:
        for take in r.takes:
            media = r.media(take)
            assert media.audio_info() is None and media.point_cloud(0) is None
    assert all(t.sounds is None and t.cloud is None for t in result.takes)


def _copy(tiny: SynthResult, tmp_path: Path) -> Path:
    dst = tmp_path / "miss_1.h5"
    shutil.copy(tiny.files[0], dst)
    return dst


@pytest.mark.parametrize(
    ("stored", "expected"), [(b"44100", 44100), ("32000", 32000), (np.int64(16000), 16000)]
)
def test_sample_rate_attribute_as_bytes_str_or_int(tiny, tmp_path, stored, expected):
    path = _copy(tiny, tmp_path)
    with h5py.File(path, "r+") as f:
        f["data/MISS/1/take/1/audio"].attrs["sample_rate"] = stored
    with EgoExOR([path]) as r:
        media = r.media("MISS/1/1")
        assert media.audio_info().sample_rate == expected
        a, b = media.waveform_span(2, 2)
        assert (a, b) == (round(2 * expected / 15), round(3 * expected / 15))


def test_sources_as_bytes_and_str_both_read(tiny):
    with _reader(tiny) as r:  # MISS takes store bytes, Ultrasound takes str
        for key in ("MISS/1/1", "Ultrasound/2/1"):
            fm = read_frame_media(r.media(key), 0)
            assert list(fm.images) == list(r.take(key).sources)
            assert all(isinstance(s, str) for s in fm.images)


def test_bad_layouts_are_named(tiny, tmp_path):
    path = _copy(tiny, tmp_path)
    with h5py.File(path, "r+") as f:
        g = f["data/MISS/1/take/1"]
        g["audio"].attrs["sample_rate"] = "fast"
        del g["point_cloud/colors"]
        g["point_cloud"].create_dataset("colors", data=np.zeros((3, 5, 3), np.float32))
        g2 = f["data/MISS/1/take/2"]
        g2.create_group("audio/waveform")
    with EgoExOR([path]) as r:
        with pytest.raises(DataFormatError, match=r"take/1/audio: attribute sample_rate='fast'"):
            r.media("MISS/1/1").audio_info()
        with pytest.raises(DataFormatError, match="point_cloud/colors: shape"):
            r.media("MISS/1/1").point_cloud(0)
        with pytest.raises(DataFormatError, match="audio/waveform: is a Group"):
            r.media("MISS/1/2").audio_info()


def _smash_chunk(path: Path, dataset: str, row: int) -> None:
    """Overwrite the stored bytes of the chunk holding `row` (axis 0) with garbage (0x7F...,
    a huge float32)."""
    with h5py.File(path, "r") as f:
        ds = f[dataset]
        info = ds.id.get_chunk_info_by_coord((row,) + (0,) * (ds.ndim - 1))
    with open(path, "r+b") as fh:
        fh.seek(info.byte_offset)
        fh.write(bytes([0x7F]) * info.size)


def test_a_frame_read_touches_only_that_frames_chunks(tmp_path: Path):
    result = generate(tmp_path / "g", "tiny", seed=4, rgb=(48, 64), progress=False)
    path = next(p for p in result.files if p.name == "miss_1.h5")
    group = "data/MISS/1/take/1"
    with EgoExOR([path]) as r:
        before = read_frame_media(r.media("MISS/1/1"), 20)
        wave_before = r.media("MISS/1/1").waveform(20, 20)
    for name in ("frames/rgb", "point_cloud/coordinates", "point_cloud/colors"):
        for f in (19, 21, 40):  # gzip chunks: reading them now fails
            _smash_chunk(path, f"{group}/{name}", f)
    for f in (19, 21):  # plain chunks: reading them now gives garbage
        _smash_chunk(path, f"{group}/audio/snippets", f)
        _smash_chunk(path, f"{group}/audio/waveform", f * SAMPLES_PER_FRAME)
    with EgoExOR([path]) as r:
        media = r.media("MISS/1/1")
        after = read_frame_media(media, 20)
        for s in before.images:
            np.testing.assert_array_equal(after.images[s], before.images[s])
        np.testing.assert_array_equal(after.audio, before.audio)
        for part in ("coordinates", "colors"):
            got, want = getattr(after.point_cloud, part), getattr(before.point_cloud, part)
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(media.waveform(20, 20), wave_before)
        with pytest.raises(DataFormatError, match="frames/rgb: error while reading"):
            media.rgb(21)
        with pytest.raises(DataFormatError, match="point_cloud/coordinates: error while reading"):
            media.point_cloud(19)
        assert not np.array_equal(media.audio_snippet(21), before.audio)
        assert np.abs(media.waveform(19, 19)).max() > 1.0  # the garbage, not sound


def test_sound_follows_the_scene_graph():
    rng = np.random.default_rng(1)
    frames = 1500
    model = build_take("MISS", frames, np.ones(frames, bool), rng)
    roles = ("head_surgeon", "assistant", "circulator", "anesthetist")
    sound = make_sound(model.rows, frames, roles, rng)
    wave = sound.waveform.reshape(frames, SAMPLES_PER_FRAME, 2)
    ev = sound.events
    assert ev["cutting"].sum() > 0 and ev["contact"].sum() > 0
    treble = (np.diff(wave, axis=1) ** 2).mean(axis=(1, 2))
    quiet = ~ev["cutting"] & ~ev["suction"] & ~ev["contact"]
    assert np.median(treble[ev["cutting"]]) > 10 * np.median(treble[quiet])
    speech = {k.split(":")[1]: v for k, v in ev.items() if k.startswith("speech:")}
    alone = speech["head_surgeon"] & quiet
    for role, mask in speech.items():
        if role != "head_surgeon":
            alone &= ~mask
    silent = quiet & ~np.any(list(speech.values()), axis=0)
    rms = np.sqrt((wave**2).mean(axis=1))  # [F, 2]
    assert alone.sum() > 10 and silent.sum() > 10
    assert np.median(rms[alone].sum(axis=1)) > 3 * np.median(rms[silent].sum(axis=1))
    left, right = np.median(rms[alone], axis=0)
    assert left > 1.3 * right  # the head surgeon stands on the left of the stereo image
    assert np.abs(sound.waveform).max() <= 1.0
    np.testing.assert_array_equal(np.round(sound.waveform * 32767) / 32767, sound.waveform)


def test_point_cloud_shows_the_patient_and_the_staff_where_they_are(tiny):
    truth = _take(tiny, "MISS/1/1")
    with _reader(tiny) as r:
        media = r.media("MISS/1/1")
        for f in (0, truth.frames // 2, truth.frames - 1):
            cloud = media.point_cloud(f)
            assert cloud.coordinates.shape == (256, 3) and cloud.colors.min() >= 0
            names = [*truth.cloud.fixtures, *truth.cloud.role_xy]
            palette = np.array([ENTITY_COLOURS[ENTITY_INDEX[n]][::-1] / 255.0 for n in names])
            dist = np.abs(cloud.colors[:, None, :] - palette[None]).max(axis=2)  # [P, names]
            nearest, close = dist.argmin(axis=1), dist.min(axis=1) < 0.06
            for k, name in enumerate(names):
                if name != "patient" and name not in truth.cloud.role_xy:
                    continue
                mine = cloud.coordinates[(nearest == k) & close]
                assert mine.shape[0] >= 5, (name, f)
                centre = np.median(mine[:, :2], axis=0)
                want = (0.0, 0.0) if name == "patient" else truth.cloud.role_xy[name][f]
                tol = 0.45 if name == "patient" else 0.2  # the patient lies along the table
                assert np.linalg.norm(centre - want) < tol, (name, f, centre, want)
    walks = np.stack(list(truth.cloud.role_xy.values()))
    assert walks.std(axis=1).max() > 0.05  # somebody walks during the take
    assert set(truth.cloud.role_xy) <= set(STATIONS)


def test_same_seed_same_sound_and_cloud(tmp_path: Path):
    a = generate(tmp_path / "a", "tiny", seed=9, rgb=None, progress=False)
    b = generate(tmp_path / "b", "tiny", seed=9, rgb=None, progress=False)
    with _reader(a) as ra, _reader(b) as rb:
        for key in ("MISS/1/1", "Ultrasound/2/1"):
            ma, mb = ra.media(key), rb.media(key)
            np.testing.assert_array_equal(ma.waveform(0, 9), mb.waveform(0, 9))
            np.testing.assert_array_equal(
                ma.point_cloud(5).coordinates, mb.point_cloud(5).coordinates
            )

"""The EgoExOR reader on real HDF5 files written in the exact published layout."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.vocabulary import GAZE_OFFSET, canonical_entity, canonical_relation
from orgraph.loader.reader import EgoExOR
from tests.loader.h5_fixtures import (
    FxTake,
    depth_value,
    gaze_xy,
    hand_points,
    rgb_value,
    standard_takes,
    write_egoexor,
    write_splits,
)


def canonical(takes: list[FxTake]) -> dict[str, dict[int, list[tuple[str, str, str]]]]:
    """What the reader must return, computed from the fixture spec with core.vocabulary."""
    return {
        f"{t.surgery_type}/{t.procedure_id}/{t.take_id}": {
            f: [
                (canonical_entity(s), canonical_relation(r), canonical_entity(o))
                for s, r, o in rows
            ]
            for f, rows in sorted(t.annotations.items())
        }
        for t in takes
    }


def read_all(reader: EgoExOR) -> dict[str, dict[int, list[tuple[str, str, str]]]]:
    """Every take's annotations as {key: by_frame()}."""
    return {a.take.key: a.by_frame() for a in reader.iter_annotations()}


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    return write_egoexor(tmp_path / "egoexor.h5", standard_takes())


def test_takes_are_sorted_with_canonical_sources_and_splits(merged: Path) -> None:
    with EgoExOR([merged]) as r:
        assert [t.key for t in r.takes] == ["MISS/1/1", "MISS/1/2", "Ultrasound/3/1"]
        t = r.take("MISS/1/2")
        assert t.frames == 6
        assert t.sources == ("assistant", "head_surgeon", "anesthetist", "external_1")
        assert t.split == "train"
        assert t.group == "/data/MISS/1/take/2"
        assert t.file == merged
        assert [x.split for x in r.takes] == ["validation", "train", "test"]
        with pytest.raises(UnknownNameError, match="MISS/9/9"):
            r.take("MISS/9/9")


def test_raw_vocabulary_and_canonical_mapping(merged: Path) -> None:
    with EgoExOR([merged]) as r:
        assert len(r.raw_vocabulary.entity) == 37
        assert len(r.raw_vocabulary.relation) == 23
        assert ("anaesthetist", 0) in r.raw_vocabulary.entity
        ent, rel = r.canonical_mapping["entity"], r.canonical_mapping["relation"]
        assert ent["anaesthetist"] == "anesthetist"
        assert ent["operation_table"] == ent["operating_table"] == "operating_table"
        assert ent["microcope"] == "microscope"
        assert rel["checking"] == rel["looking"] == "looking"
        assert rel["closeTo"] == "closeto" and rel["anesthasing"] == "anaesthetising"
        assert len(set(ent.values())) == 36 and len(set(rel.values())) == 22


def test_annotations_map_raw_spellings_and_keep_gaps_empties_duplicates(merged: Path) -> None:
    with EgoExOR([merged]) as r:
        ann = r.read_annotations("MISS/1/2")
        assert ann.annotated.tolist() == [0, 2, 3, 5]  # 1 and 4 have no frame group
        frames = ann.by_frame()
        assert frames[3] == []  # annotated but empty
        assert frames[0][0] == ("patient", "lyingon", "operating_table")
        assert frames[0][2] == ("anesthetist", "closeto", "operating_table")
        assert frames[2] == [
            ("assistant", "looking", "instrument_table"),
            ("assistant", "looking", "microscope"),
        ]
        assert frames[5] == [("head_surgeon", "holding", "scalpel")] * 2
        assert ann.triplet_count == 7 and ann.frame.tolist() == [0, 0, 0, 2, 2, 5, 5]
        assert read_all(r) == canonical(standard_takes())


@pytest.mark.parametrize(("str_attrs", "vlen"), [(True, False), (False, True), (True, True)])
def test_bytes_and_str_attributes_fixed_and_vlen_strings(
    tmp_path: Path, str_attrs: bool, vlen: bool
) -> None:
    path = write_egoexor(tmp_path / "v.h5", standard_takes(), str_attrs=str_attrs, vlen=vlen)
    with EgoExOR([path]) as r:
        assert read_all(r) == canonical(standard_takes())
        assert r.take("MISS/1/2").sources[2] == "anesthetist"
        assert r.raw_vocabulary.relation[14][0] == "lyingOn"
        assert [t.split for t in r.takes] == ["validation", "train", "test"]


def test_merged_and_per_procedure_files_give_the_same_answers(tmp_path: Path) -> None:
    takes = standard_takes()
    merged = write_egoexor(tmp_path / "merged.h5", takes)
    miss = write_egoexor(tmp_path / "miss_1.h5", takes[:2], splits=False)
    us = write_egoexor(tmp_path / "ultrasound_3.h5", takes[2:], splits=False, vlen=True)
    splits = write_splits(tmp_path / "splits.h5", takes)
    with EgoExOR([merged]) as a, EgoExOR([us, miss], splits=splits) as b:
        strip = [(t.key, t.frames, t.sources, t.split, t.group) for t in a.takes]
        assert strip == [(t.key, t.frames, t.sources, t.split, t.group) for t in b.takes]
        assert b.take("Ultrasound/3/1").file == us
        assert read_all(a) == read_all(b)
    with EgoExOR([miss]) as c:  # no splits file: splits unknown, not an error
        assert [t.split for t in c.takes] == [None, None]


def test_lenient_mode_skips_and_counts_unknown_names(tmp_path: Path) -> None:
    takes = standard_takes()
    takes[1].annotations[2] = [
        ("head_surgeon", "juggling", "scalpel"),
        ("robot", "holding", "robot"),
        ("assistant", "holding", "forceps"),
    ]
    path = write_egoexor(tmp_path / "u.h5", takes)
    with EgoExOR([path]) as r, pytest.raises(UnknownNameError) as err:
        r.read_annotations("MISS/1/1")
    msg = str(err.value)
    for part in (str(path), "MISS/1/1", "frame 2", "'juggling'", "/data/MISS/1/take/1/annotations"):
        assert part in msg
    with EgoExOR([path], lenient=True) as r:
        ann = r.read_annotations("MISS/1/1")
        assert ann.by_frame()[2] == [("assistant", "holding", "forceps")]
        assert ann.skipped == 2 and ann.unknown == {"juggling": 1, "robot": 2}
        list(r.iter_annotations())
        report = r.unknown_report()
        assert report.skipped == 4 and report.by_take == {"MISS/1/1": 4}
        assert "juggling" in str(report) and "4 triplets" in str(report)


def test_media_resolves_camera_ids_and_applies_gaze_offset_on_request(merged: Path) -> None:
    with EgoExOR([merged]) as r:
        m = r.media("MISS/1/2")  # ego columns: assistant, head_surgeon, anaesthetist (id 2, 1, 4)
        g = m.gaze(0)
        assert g == {
            "assistant": gaze_xy(0, 0),
            "head_surgeon": gaze_xy(0, 1),
            "anesthetist": gaze_xy(0, 2),
        }
        assert m.gaze(1)["assistant"] is None  # (-1, -1) is invalid
        shifted = m.gaze(0, apply_offset=True)  # MISS/1: anesthetist only
        x, y = gaze_xy(0, 2)
        assert shifted["anesthetist"] == (x + GAZE_OFFSET[0], y + GAZE_OFFSET[1])
        assert shifted["head_surgeon"] == g["head_surgeon"]
        us = r.media("Ultrasound/3/1").gaze(2, apply_offset=True)  # head_surgeon shifts
        assert us["head_surgeon"] == (gaze_xy(2, 0)[0] - 9, gaze_xy(2, 0)[1] - 4)
        assert us["assistant"] == gaze_xy(2, 1)
        assert m.gaze_depth(0) == {
            "assistant": depth_value(0, 0),
            "head_surgeon": depth_value(0, 1),
            "anesthetist": depth_value(0, 2),
        }
        assert set(m.gaze_depth(2).values()) == {None}  # 1.0 means unknown
        assert m.gaze_depth(3)["head_surgeon"] is None  # NaN
        hands = m.hands(3)
        assert np.isnan(hands["assistant"]).all()
        np.testing.assert_array_equal(hands["anesthetist"], hand_points(3, 2))
        assert m.rgb(4, "anesthetist")[0, 0, 0] == rgb_value(4, 2)
        allcams = m.rgb(4)
        assert list(allcams) == ["assistant", "head_surgeon", "anesthetist", "external_1"]
        assert allcams["external_1"].shape == (4, 5, 3)
        assert int(allcams["external_1"][0, 0, 0]) == rgb_value(4, 3)
        with pytest.raises(UnknownNameError, match="external_2"):
            m.rgb(0, "external_2")
        with pytest.raises(DataFormatError, match="out of range"):
            m.gaze(6)


def test_signal_validity_per_role(merged: Path) -> None:
    with EgoExOR([merged]) as r:
        v = r.signal_validity("MISS/1/2")
        assert set(v) == {"assistant", "head_surgeon", "anesthetist"}
        gaze, hands = v["assistant"]
        assert gaze.tolist() == [True, False, True, True, True, True]
        assert hands.tolist() == [True, True, True, False, True, True]
        assert v["head_surgeon"][0].all() and v["head_surgeon"][1].all()


def test_reading_annotations_never_opens_frames_rgb(tmp_path: Path) -> None:
    path = write_egoexor(tmp_path / "norgb.h5", standard_takes())
    with h5py.File(path, "r+") as f:  # every frames/rgb becomes an unopenable link
        for t in standard_takes():
            del f[t.group + "/frames/rgb"]
            f[t.group + "/frames/rgb"] = h5py.ExternalLink("does-not-exist.h5", "/rgb")
    with EgoExOR([path]) as r:
        assert read_all(r) == canonical(standard_takes())
        assert r.take("MISS/1/2").frames == 6
        r.signal_validity("MISS/1/2")
        assert r.media("MISS/1/2").gaze(0)
        with pytest.raises(DataFormatError, match="frames/rgb"):  # the link really is unreadable
            r.media("MISS/1/2").rgb(0)

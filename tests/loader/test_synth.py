"""The synthetic generator writes the real EgoExOR layout, deterministically, with signal in it."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.core.errors import ConfigError
from orgraph.core.vocabulary import (
    CAMERA_TYPE_IDS,
    EGO_ROLES,
    ENTITIES,
    GAZE_OFFSET,
    RAW_SOURCE_ALIASES,
    RELATIONS,
    canonical_entity,
    canonical_relation,
    entity_kind,
    gaze_offset_applies,
)
from orgraph.loader.synth import SynthResult, SynthTake, generate
from orgraph.loader.synth.media import ENTITY_COLOURS
from orgraph.loader.synth.scales import take_specs


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("tiny"), "tiny", seed=3, progress=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("small"), "small", seed=1, rgb=None, progress=False)


def _take_group(result: SynthResult, take: SynthTake) -> tuple[Path, str]:
    path = f"data/{take.surgery_type}/{take.procedure_id}/take/{take.take_id}"
    for file in result.files:
        with h5py.File(file, "r") as f:
            if path in f:
                return file, path
    raise AssertionError(f"{take.key} in no file")


def _read_annotations(g: h5py.Group) -> dict[int, list[tuple[str, str, str]]]:
    out = {}
    for name, frame in g["annotations"].items():
        rows = frame["rel_annotations"][()]
        out[int(name.removeprefix("frame_"))] = [
            (
                canonical_entity(s.decode()),
                canonical_relation(r.decode()),
                canonical_entity(o.decode()),
            )
            for s, r, o in rows
        ]
    return out


def _all_datasets(path: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with h5py.File(path, "r") as f:

        def visit(name: str, obj: object) -> None:
            if isinstance(obj, h5py.Dataset):
                arr = obj[()]
                out[name] = repr(arr.tolist()).encode() if arr.dtype.hasobject else arr.tobytes()

        f.visititems(visit)
    return out


def test_same_seed_gives_identical_data_and_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", "tiny", seed=5, rgb=(16, 20), progress=False)
    b = generate(tmp_path / "b", "tiny", seed=5, rgb=(16, 20), progress=False)
    c = generate(tmp_path / "c", "tiny", seed=6, rgb=(16, 20), progress=False)
    names = [p.name for p in a.files] + ["splits.h5"]
    assert names == [p.name for p in b.files] + ["splits.h5"]
    for name in names:
        da, db = _all_datasets(tmp_path / "a" / name), _all_datasets(tmp_path / "b" / name)
        assert da.keys() == db.keys() and len(da) >= 3
        assert all(da[k] == db[k] for k in da), name
    assert [t.annotations for t in a.takes] == [t.annotations for t in b.takes]
    assert [t.annotations for t in a.takes] != [t.annotations for t in c.takes]


def test_files_and_metadata_have_the_real_layout(tiny: SynthResult) -> None:
    assert {p.name for p in tiny.files} == {
        "miss_1.h5",
        "miss_2.h5",
        "ultrasound_2.h5",
        "ultrasound_3.h5",
    }
    with h5py.File(tiny.files[0], "r") as f:
        ent, rel = f["metadata/vocabulary/entity"], f["metadata/vocabulary/relation"]
        assert ent.shape == (37,) and rel.shape == (23,)
        assert ent.dtype.names == ("name", "id") and ent.dtype["name"].kind == "S"
        names = {n.decode() for n in ent["name"]}
        assert {"anaesthetist", "operation_table", "operating_table", "microcope"} <= names
        assert {canonical_entity(n) for n in names} == set(ENTITIES)
        rels = {n.decode() for n in rel["name"]}
        assert {"closeTo", "lyingOn", "checking", "looking", "anesthasing"} <= rels
        assert {canonical_relation(n) for n in rels} == set(RELATIONS)
        src = f["metadata/sources/sources"][()]
        assert {(n.decode(), int(i)) for n, i in src} == set(CAMERA_TYPE_IDS.items())
        assert {"version", "creation_date", "title"} <= set(f["metadata/dataset"].attrs)


def test_take_groups_have_the_real_datasets(tiny: SynthResult) -> None:
    for take in tiny.takes:
        file, path = _take_group(tiny, take)
        with h5py.File(file, "r") as f:
            g = f[path]
            attrs = g["sources"].attrs
            n = int(attrs["source_count"])
            raw = [attrs[f"source_{i}"] for i in range(n)]
            raw = [r.decode() if isinstance(r, bytes) else str(r) for r in raw]
            assert tuple(RAW_SOURCE_ALIASES.get(r, r) for r in raw) == take.sources
            rgb = g["frames/rgb"]
            assert rgb.shape == (take.frames, n, 48, 64, 3) and rgb.dtype == np.uint8
            assert rgb.compression == "gzip" and rgb.chunks[0] == 1
            ego = [s for s in take.sources if s in EGO_ROLES]
            gaze = g["eye_gaze/coordinates"]
            assert gaze.shape == (take.frames, len(ego), 3) and gaze.dtype == np.float32
            assert list(gaze[0, :, 0]) == [CAMERA_TYPE_IDS[s] for s in ego]
            assert g["eye_gaze_depth/values"].shape == (take.frames, len(ego))
            hands = g["hand_tracking/positions"]
            assert hands.shape == (take.frames, len(ego), 17) and hands.dtype == np.float32
            assert np.isnan(hands[:, :, 1:]).any() and not np.isnan(hands[:, :, 0]).any()
            assert (gaze[:, :, 1:] == -1).all(axis=2).any()  # some invalid gaze
            frame = g[f"annotations/frame_{min(take.annotations)}"]
            ra, sg = frame["rel_annotations"], frame["scene_graph"]
            assert ra.dtype.kind == "S" and ra.shape[1] == 3 and sg.dtype == np.float32
            assert sg.shape == ra.shape
            vocab_e = f["metadata/vocabulary/entity"]["name"]
            vocab_r = f["metadata/vocabulary/relation"]["name"]
            for (s, r, o), ids in zip(ra[()], sg[()], strict=True):
                assert (vocab_e[int(ids[0])], vocab_r[int(ids[1])], vocab_e[int(ids[2])]) == (
                    s,
                    r,
                    o,
                )


def test_annotations_in_file_equal_the_returned_truth(tiny: SynthResult) -> None:
    for take in tiny.takes:
        file, path = _take_group(tiny, take)
        with h5py.File(file, "r") as f:
            assert _read_annotations(f[path]) == take.annotations


def test_raw_spellings_are_written_never_the_canonical_variants(small: SynthResult) -> None:
    seen: Counter[bytes] = Counter()
    for file in small.files:
        with h5py.File(file, "r") as f:

            def visit(name: str, obj: object) -> None:
                if name.endswith("rel_annotations"):
                    seen.update(obj[()].ravel().tolist())

            f.visititems(visit)
    for raw in (
        b"anaesthetist",
        b"closeTo",
        b"lyingOn",
        b"checking",
        b"operation_table",
        b"microcope",
        b"anesthasing",
    ):
        assert seen[raw] > 0, raw
    for canonical in (b"anesthetist", b"closeto", b"lyingon", b"microscope", b"anaesthetising"):
        assert seen[canonical] == 0, canonical
    assert sum(seen.values()) == 3 * small.triplets


def test_some_frames_have_no_annotation_group_some_in_runs(small: SynthResult) -> None:
    missing = sum(t.frames - len(t.annotations) for t in small.takes)
    frames = sum(t.frames for t in small.takes)
    assert 0.02 < missing / frames < 0.08
    runs = 0
    for t in small.takes:
        absent = np.setdiff1d(np.arange(t.frames), list(t.annotations))
        runs += int((np.diff(absent) == 1).sum())
    assert runs > 5
    dups = sum(len(v) - len(set(v)) for t in small.takes for v in t.annotations.values())
    assert dups > 0  # the occasional exact duplicate row


def test_splits_are_per_take_non_empty_and_cover_every_frame(small: SynthResult) -> None:
    assert small.splits is not None
    by_take: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    counts: Counter[tuple[str, int, int]] = Counter()
    with h5py.File(small.splits, "r") as f:
        for name in ("train", "validation", "test"):
            table = f[f"splits/{name}"]
            assert table.compression == "gzip" and len(table) > 0
            rows = table[()]
            assert not np.all(np.diff(rows["frame_id"]) >= 0)  # shuffled
            for st, p, t in zip(
                rows["surgery_type"], rows["procedure_id"], rows["take_id"], strict=True
            ):
                by_take[(st.decode(), int(p), int(t))].add(name)
            counts.update(
                (st.decode(), int(p), int(t))
                for st, p, t in zip(
                    rows["surgery_type"], rows["procedure_id"], rows["take_id"], strict=True
                )
            )
    for take in small.takes:
        k = (take.surgery_type, take.procedure_id, take.take_id)
        assert by_take[k] == {take.split} and counts[k] == take.frames
    for scale in ("tiny", "small", "egoexor"):
        specs = take_specs(scale, 0)
        assert {s.split for s in specs} == {"train", "validation", "test"}
        assert {s.surgery_type for s in specs if s.split == "test"} == {"MISS", "Ultrasound"}
    ego = take_specs("egoexor", 0)
    assert sum(s.frames for s in ego) == 84_553 and 30 <= len(ego) <= 40


def test_merged_file_holds_takes_and_splits(tmp_path: Path) -> None:
    res = generate(tmp_path, "tiny", rgb=None, merged=True, progress=False)
    assert res.splits is None and [p.name for p in res.files] == ["egoexor.h5"]
    with h5py.File(res.files[0], "r") as f:
        assert {"data", "metadata", "splits"} <= set(f)
        assert set(f["data"]) == {"MISS", "Ultrasound"}
        assert f["data/MISS/1/take/1/frames/rgb"].shape[2:] == (1, 1, 3)
        assert sum(len(f[f"splits/{s}"]) for s in ("train", "validation", "test")) == res.frames


def test_every_entity_and_relation_used_at_small_scale(small: SynthResult) -> None:
    ents: set[str] = set()
    rels: set[str] = set()
    for t in small.takes:
        for trips in t.annotations.values():
            for s, r, o in trips:
                ents.update((s, o))
                rels.add(r)
    assert ents == set(ENTITIES) and rels == set(RELATIONS)
    assert 6.3 < small.triplets / small.frames < 7.1


def test_instruments_are_handed_over_between_roles(small: SynthResult) -> None:
    handovers = set()
    for t in small.takes:
        held: dict[tuple[str, str], list[int]] = defaultdict(list)
        for f, trips in t.annotations.items():
            for s, r, o in trips:
                if r == "holding" and s in EGO_ROLES:
                    held[(s, o)].append(f)
        for (giver, obj), frames in held.items():
            for (receiver, obj2), frames2 in held.items():
                if (
                    obj2 == obj
                    and receiver != giver
                    and any(0 < b - a <= 30 for a in frames[-3:] for b in frames2[:3])
                ):
                    handovers.add((t.key, obj, giver, receiver))
    objs = {o for _, o, g, r in handovers if (g, r) == ("assistant", "head_surgeon")}
    assert {"scalpel", "curette", "dressing_material"} <= objs
    assert ("ultrasound_probe", "head_surgeon", "assistant") in {h[1:] for h in handovers}


def test_context_predicts_relation_better_than_pair_prior(small: SynthResult) -> None:
    """(head_surgeon, patient): the objects present tell its relation, on held-out takes."""
    fit: dict[frozenset, Counter] = defaultdict(Counter)
    held_out = []
    for i, t in enumerate(small.takes):
        for trips in t.annotations.values():
            rel = [r for s, r, o in trips if (s, o) == ("head_surgeon", "patient")]
            if rel:
                ctx = frozenset(
                    e for s, _, o in trips for e in (s, o) if entity_kind(e) == "object"
                )
                if i % 2:
                    held_out.append((ctx, rel[0]))
                else:
                    fit[ctx][rel[0]] += 1
    prior_rel = sum(fit.values(), Counter()).most_common(1)[0][0]
    prior = sum(r == prior_rel for _, r in held_out) / len(held_out)
    guess = {c: n.most_common(1)[0][0] for c, n in fit.items()}
    ctx_acc = sum(guess.get(c, prior_rel) == r for c, r in held_out) / len(held_out)
    assert len({r for _, r in held_out}) >= 6
    assert ctx_acc > prior + 0.2


def test_gaze_points_at_the_looked_at_entity(small: SynthResult) -> None:
    """Nearest-centroid on (offset-corrected) gaze recovers the looked-at object."""
    hits = trials = majority = 0
    for take in small.takes:
        file, path = _take_group(small, take)
        with h5py.File(file, "r") as f:
            gaze = f[f"{path}/eye_gaze/coordinates"][()]
        ego = [s for s in take.sources if s in EGO_ROLES]
        for j, role in enumerate(ego):
            xy = gaze[:, j, 1:].astype(np.float64)
            if gaze_offset_applies(role, take.surgery_type, take.procedure_id, take.take_id):
                xy = xy + np.array(GAZE_OFFSET)
            samples = [
                (f, o)
                for f, trips in take.annotations.items()
                for s, r, o in trips
                if s == role and r == "looking" and gaze[f, j, 1] != -1
            ]
            if len(samples) < 20:
                continue
            train, test = samples[::2], samples[1::2]
            common = {o for o, n in Counter(o for _, o in train).items() if n >= 5}
            if len(common) < 2:
                continue
            train = [(f, o) for f, o in train if o in common]
            test = [(f, o) for f, o in test if o in common]
            cents = {o: xy[[f for f, oo in train if oo == o]].mean(axis=0) for o in common}
            names = list(cents)
            c = np.array([cents[n] for n in names])
            for f, o in test:
                hits += names[int(np.argmin(((c - xy[f]) ** 2).sum(axis=1)))] == o
            trials += len(test)
            majority += Counter(o for _, o in test).most_common(1)[0][1]
    assert trials > 100
    assert hits / trials > majority / trials + 0.15, (hits / trials, majority / trials)


def test_rgb_frames_show_entities_and_missing_cameras(tiny: SynthResult) -> None:
    zero_frames = 0
    for take in tiny.takes:
        file, path = _take_group(tiny, take)
        with h5py.File(file, "r") as f:
            rgb = f[f"{path}/frames/rgb"][()]
        zero_frames += int((rgb.reshape(rgb.shape[0], rgb.shape[1], -1).max(axis=2) == 0).sum())
        f0 = min(take.annotations)
        present = {e for trip in take.annotations[f0] for e in (trip[0], trip[2])}
        pixels = {tuple(p) for p in rgb[f0].reshape(-1, 3).tolist()}
        for e in present:
            assert tuple(ENTITY_COLOURS[ENTITIES.index(e)].tolist()) in pixels, e
    assert zero_frames > 0


def test_bad_arguments_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scale"):
        generate(tmp_path, "huge")
    with pytest.raises(ConfigError, match="rgb"):
        generate(tmp_path, "tiny", rgb=(10,))  # type: ignore[arg-type]
    assert not list(tmp_path.glob("*.h5*"))

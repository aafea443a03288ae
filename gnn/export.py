"""Export the graph store to per-take chunks of frame graphs plus a manifest (the raw dataset).

Annotations come from the store with Cypher; media from HDF5 through each frame's pointers
(file, h5_group, idx). One chunk per take, written atomically and tagged with the take's
content fingerprint, so an interrupted export resumes and an unchanged take is skipped;
the manifest is written last and carries the fingerprint of the whole graph.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from orgraph.core.errors import DataFormatError
from orgraph.core.progress import Progress
from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import ENTITIES, RELATIONS, SPLITS
from orgraph.gnn.features import FEATURE_VERSION, N_FEATURES, layout_description, role_signals
from orgraph.gnn.graphs import NONE_LABEL, frame_graph
from orgraph.gnn.store_read import (
    TakeRow,
    graph_fingerprint,
    read_annotated_frames,
    read_take_triplets,
    read_takes,
)
from orgraph.gnn.subset import Subset, load_subset
from orgraph.loader.reader import EgoExOR
from orgraph.loader.take_signals import RoleSignals, read_take_signals

MANIFEST = "manifest.json"
CHUNK_DIR = "takes"


@dataclass
class ExportReport:
    """What an export did."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    fingerprint: str = ""


def chunk_name(take: str) -> str:
    """File name of a take's chunk: MISS/1/2 -> MISS_1_2.pt."""
    return take.replace("/", "_") + ".pt"


def _atomic_save(obj: object, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def _read_chunk_meta(path: Path) -> dict | None:
    try:
        return torch.load(path, weights_only=False)["meta"]
    except Exception:  # a damaged or foreign chunk is simply rebuilt
        return None


class _MediaFiles:
    """Readers opened lazily per HDF5 file named by the frames' pointers."""

    def __init__(self) -> None:
        self._readers: dict[str, EgoExOR] = {}

    def media(self, file: str, group: str):
        if file not in self._readers:
            if not Path(file).exists():
                raise DataFormatError(
                    f"{file}: media file named by the graph's Frame nodes is missing "
                    "(the export reads gaze, hands and RGB from it)"
                )
            self._readers[file] = EgoExOR([file])
        reader = self._readers[file]
        for t in reader.takes:
            if t.group == group:
                return reader.media(t)
        raise DataFormatError(f"{file}:{group}: no such take group (named by the graph)")

    def close(self) -> None:
        for r in self._readers.values():
            r.close()


def build_chunk(
    store: GraphStore, take: TakeRow, files: _MediaFiles, subset: Subset | None = None
) -> dict:
    """All frame graphs of one take (or of its subset frames), in temporal order, with meta."""
    frames = read_annotated_frames(store, take.key)
    if subset is not None:
        frames = subset.keep(take.key, frames)
    truth = read_take_triplets(store, take.key)
    graphs = []
    empty = 0
    media = None
    take_signals: dict[str, RoleSignals] = {}
    for row in frames.itertuples(index=False):
        triplets = truth.get(int(row.idx), [])
        if not triplets:
            empty += 1
            continue
        if media is None:
            media = files.media(str(row.file), str(row.h5_group))
            take_signals = read_take_signals(media, apply_offset=True)
        images = media.rgb(int(row.idx))
        assert isinstance(images, dict)
        signals = role_signals(take_signals, images, media.take.sources, int(row.idx))
        g = frame_graph(
            (take.surgery_type, take.procedure_id, take.take_id),
            int(row.idx),
            int(row.idx) / max(take.frames - 1, 1),
            triplets,
            signals,
        )
        if g is not None:
            graphs.append(g)
    meta = {
        "take": take.key,
        "split": take.split,
        "fingerprint": take.fingerprint,
        "feature_version": FEATURE_VERSION,
        "annotated_frames": len(frames),
        "empty_frames": empty,
        "graphs": len(graphs),
        "file": str(frames["file"].iloc[0]) if len(frames) else "",
        "subset": subset.take_fingerprint(take.key) if subset is not None else "",
    }
    return {"meta": meta, "graphs": graphs}


def export(
    store: GraphStore,
    out_dir: Path,
    *,
    progress: bool = True,
    force: bool = False,
    moments: Path | None = None,
) -> ExportReport:
    """Write OUT_DIR/raw/{takes/*.pt, manifest.json}; see the module docstring.

    With `moments` (a moment-set file) only the annotated frames inside its moments are
    exported, takes without a moment are left out, and the manifest records the pattern.
    """
    start = time.perf_counter()
    raw = Path(out_dir) / "raw"
    takes = read_takes(store)
    subset = load_subset(moments, {t.key for t in takes}) if moments is not None else None
    if subset is not None:
        takes = [t for t in takes if t.key in subset.ranges]
    chunks = raw / CHUNK_DIR
    chunks.mkdir(parents=True, exist_ok=True)
    fingerprint = graph_fingerprint(takes, FEATURE_VERSION)
    if subset is not None:
        fingerprint = graph_fingerprint(takes, f"{FEATURE_VERSION}/subset:{subset.fingerprint}")
    report = ExportReport(fingerprint=fingerprint)
    files = _MediaFiles()
    metas: dict[str, dict] = {}
    bar = Progress(len(takes), "exporting", "take", enabled=progress)
    try:
        for take in takes:
            path = chunks / chunk_name(take.key)
            meta = None if force or not path.exists() else _read_chunk_meta(path)
            if (
                meta is not None
                and meta.get("fingerprint") == take.fingerprint
                and meta.get("feature_version") == FEATURE_VERSION
                and meta.get("split") == take.split
                and meta.get("subset", "") == (subset.take_fingerprint(take.key) if subset else "")
            ):
                report.skipped.append(take.key)
            else:
                chunk = build_chunk(store, take, files, subset)
                _atomic_save(chunk, path)
                meta = chunk["meta"]
                report.written.append(take.key)
            metas[take.key] = meta
            bar.update(1, note=take.key)
    finally:
        bar.close()
        files.close()
    wanted = {chunk_name(t.key) for t in takes}
    for stale in chunks.glob("*.pt"):
        if stale.name not in wanted:
            stale.unlink()
            report.removed.append(stale.name)
    for split in SPLITS:
        report.graphs[split] = sum(m["graphs"] for m in metas.values() if m["split"] == split)
    report.seconds = time.perf_counter() - start
    _write_manifest(raw / MANIFEST, store, takes, metas, report, subset)
    return report


def _write_manifest(
    path: Path,
    store: GraphStore,
    takes: list[TakeRow],
    metas: dict[str, dict],
    report: ExportReport,
    subset: Subset | None = None,
) -> None:
    manifest = {
        "dataset": "EgoExORSceneGraphs",
        "fingerprint": report.fingerprint,
        "feature_version": FEATURE_VERSION,
        "backend": store.backend,
        "vocabulary": {
            "entities": list(ENTITIES),
            "labels": [*RELATIONS, "none"],
            "none_label": NONE_LABEL,
        },
        "node_features": {"dim": N_FEATURES, "layout": layout_description()},
        "edges": "all ordered pairs of the frame's entities; y = first triplet's relation "
        "(truth order: longer interval first, then relation index) or none",
        "source_files": sorted({m["file"] for m in metas.values() if m.get("file")}),
        "splits": {
            s: {"takes": [t.key for t in takes if t.split == s], "graphs": report.graphs.get(s, 0)}
            for s in SPLITS
        },
        "takes": {
            t.key: {
                "split": t.split,
                "fingerprint": t.fingerprint,
                "graphs": metas[t.key]["graphs"],
                "annotated_frames": metas[t.key]["annotated_frames"],
                "empty_frames": metas[t.key]["empty_frames"],
                "chunk": f"{CHUNK_DIR}/{chunk_name(t.key)}",
            }
            for t in takes
        },
        "moments": subset.manifest() if subset is not None else None,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, path)


def read_manifest(out_dir: Path) -> dict:
    """The manifest of an export directory, or DataFormatError saying how to make one."""
    path = Path(out_dir) / "raw" / MANIFEST
    if not path.exists():
        raise DataFormatError(f"{path}: no export manifest; run `orgraph export {out_dir}`")
    return json.loads(path.read_text())

"""Counting what an .rrd holds, read back with Rerun's own reader (rerun.chunk.RrdReader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rerun.chunk import RrdReader


@dataclass
class RrdCounts:
    images: dict[int, int] = field(default_factory=dict)
    """Frame -> camera images logged."""
    points: dict[tuple[str, int], int] = field(default_factory=dict)
    """(entity, frame) -> 2-D or 3-D points."""
    edges: dict[tuple[str, int], int] = field(default_factory=dict)
    """(entity, frame) -> graph edges."""
    timelines: set[str] = field(default_factory=set)
    scalars_entities: set[str] = field(default_factory=set)


def rrd_counts(path: Path) -> RrdCounts:
    """Per-frame counts of images, points and graph edges in a recording."""
    out = RrdCounts()
    for chunk in RrdReader(path).stream():
        entity = chunk.entity_path.lstrip("/")
        batch = chunk.to_record_batch()
        names = batch.schema.names
        out.timelines |= set(chunk.timeline_names)
        if "frame" not in names:
            continue
        frames = batch.column("frame").to_pylist()
        cols = {n: batch.column(n).to_pylist() for n in names if ":" in n}
        for i, f in enumerate(frames):
            blob = cols.get("EncodedImage:blob") or cols.get("Image:buffer")
            if blob is not None and blob[i] is not None and entity.count("/") == 1:
                out.images[f] = out.images.get(f, 0) + 1
            for key in ("Points2D:positions", "Points3D:positions"):
                if key in cols and cols[key][i] is not None:
                    out.points[(entity, f)] = out.points.get((entity, f), 0) + len(cols[key][i])
            if "GraphEdges:edges" in cols and cols["GraphEdges:edges"][i] is not None:
                n = len(cols["GraphEdges:edges"][i])
                out.edges[(entity, f)] = out.edges.get((entity, f), 0) + n
            if "Scalars:scalars" in cols and cols["Scalars:scalars"][i] is not None:
                out.scalars_entities.add(entity)
    return out

"""Summary of an EgoExOR dataset as read from HDF5, and a plain-text table of it.

`summarize` is a pure function of the reader; `orgraph stats` builds the same
dict from the graph store, so the two can be compared key for key:

- takes: list of {surgery_type, procedure_id, take_id, frames, annotated_frames,
  triplets, split}, in the reader's take order (split is None when unassigned);
- frames, annotated_frames, triplets: totals (triplets = rows kept, duplicates included;
  an annotated frame has a frame_i group, even with 0 rows);
- relations, subjects, objects: {canonical name: triplet count}, names with count > 0,
  sorted by name;
- splits: frames per split, always train, validation, test (0 if empty), plus
  "unassigned" only when some take has no split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from orgraph.core.vocabulary import ENTITIES, RELATIONS, SPLITS, UNASSIGNED_SPLIT
from orgraph.loader.reader import EgoExOR
from orgraph.loader.takes import TakeAnnotations


def summarize(
    reader: EgoExOR, progress: Callable[[Iterable[TakeAnnotations]], Iterable] | None = None
) -> dict[str, Any]:
    """The summary dict described in the module docstring; `progress` may wrap the take stream."""
    stream: Iterable[TakeAnnotations] = reader.iter_annotations()
    if progress is not None:
        stream = progress(stream)
    takes = []
    subj = np.zeros(len(ENTITIES), dtype=np.int64)
    obj = np.zeros(len(ENTITIES), dtype=np.int64)
    rel = np.zeros(len(RELATIONS), dtype=np.int64)
    splits = {name: 0 for name in SPLITS}
    for ann in stream:
        t = ann.take
        takes.append(
            {
                "surgery_type": t.surgery_type,
                "procedure_id": t.procedure_id,
                "take_id": t.take_id,
                "frames": t.frames,
                "annotated_frames": int(ann.annotated.shape[0]),
                "triplets": ann.triplet_count,
                "split": t.split,
            }
        )
        subj += np.bincount(ann.subject, minlength=len(ENTITIES))
        obj += np.bincount(ann.object, minlength=len(ENTITIES))
        rel += np.bincount(ann.relation, minlength=len(RELATIONS))
        key = t.split if t.split is not None else UNASSIGNED_SPLIT
        splits[key] = splits.get(key, 0) + t.frames
    return {
        "takes": takes,
        "frames": sum(t["frames"] for t in takes),
        "annotated_frames": sum(t["annotated_frames"] for t in takes),
        "triplets": sum(t["triplets"] for t in takes),
        "relations": _counts(RELATIONS, rel),
        "subjects": _counts(ENTITIES, subj),
        "objects": _counts(ENTITIES, obj),
        "splits": splits,
    }


def _counts(names: tuple[str, ...], counts: np.ndarray) -> dict[str, int]:
    """{name: count} for counts > 0, sorted by name."""
    return {n: int(c) for n, c in sorted(zip(names, counts, strict=True)) if c > 0}


def format_summary(summary: dict[str, Any]) -> str:
    """A human-readable table of a summary dict (per take, totals, splits, top names)."""
    header = ("surgery", "proc", "take", "frames", "annotated", "triplets", "split")
    rows = [
        (
            t["surgery_type"],
            str(t["procedure_id"]),
            str(t["take_id"]),
            str(t["frames"]),
            str(t["annotated_frames"]),
            str(t["triplets"]),
            t["split"] or "-",
        )
        for t in summary["takes"]
    ]
    rows.append(
        (
            "total",
            "",
            "",
            str(summary["frames"]),
            str(summary["annotated_frames"]),
            str(summary["triplets"]),
            "",
        )
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    lines.append("")
    lines.append("frames per split: " + ", ".join(f"{k} {v}" for k, v in summary["splits"].items()))
    for key in ("relations", "subjects", "objects"):
        items = summary[key]
        lines.extend(_wrapped(f"{key} ({len(items)}): ", [f"{k} {v}" for k, v in items.items()]))
    return "\n".join(lines)


def _wrapped(prefix: str, items: list[str], width: int = 100) -> list[str]:
    """`prefix` and the comma-separated items, in lines of about `width` characters (short
    lines read better in a terminal and in a log); an item is never split."""
    texts = [item + "," for item in items[:-1]] + items[-1:]
    first = line = prefix.rstrip()
    lines = []
    for text in texts:
        if line != first and len(line) + 1 + len(text) > width:
            lines.append(line)
            line = "  " + text
        else:
            line += " " + text
    lines.append(line)
    return lines

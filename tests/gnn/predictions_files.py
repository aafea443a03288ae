"""A predictions file made from the store's truth with mistakes, in both accepted forms.

Half the frames use triplet lists, half the official `<SG> subject,object,relation; </SG>`
text; some frames repeat a pair with a second relation (the protocol keeps the first).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from orgraph.core.vocabulary import RELATIONS
from orgraph.gnn.evaluation import FrameKey, Triplet


def noisy(truth: dict[FrameKey, list[Triplet]], seed: int = 0) -> dict[FrameKey, list[Triplet]]:
    """Each frame's truth with some triplets dropped, relabelled or doubled."""
    rng = random.Random(seed)
    out: dict[FrameKey, list[Triplet]] = {}
    for key in sorted(truth):
        frame: list[Triplet] = []
        for s, r, o in truth[key]:
            roll = rng.random()
            if roll < 0.15:
                continue  # missed
            if roll < 0.35:
                r = rng.choice(RELATIONS)  # confused
            frame.append((s, r, o))
            if roll > 0.9:
                frame.append((s, rng.choice(RELATIONS), o))  # a second label for the pair
        out[key] = frame
    return out


def write_file(preds: dict[FrameKey, list[Triplet]], path: Path) -> Path:
    """Records of both forms: triplet lists and the official text."""
    records = []
    for i, (key, triplets) in enumerate(sorted(preds.items())):
        record = dict(zip(("surgery_type", "procedure_id", "take_id", "frame"), key, strict=True))
        if i % 2:
            body = "; ".join(f"{s},{o},{r}" for s, r, o in triplets)
            record["text"] = f"<SG> {body} </SG>"
        else:
            record["triplets"] = [list(t) for t in triplets]
        records.append(record)
    path.write_text(json.dumps(records))
    return path

"""Reading the Model page in AppTest: its charts' figures, arrays and tables by key."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure (as JSON) of the chart with this key."""
    found = [c for c in at.get("plotly_chart") if c.proto.id and c.key == key]
    assert found, [c.key for c in at.get("plotly_chart")]
    return json.loads(found[0].proto.spec)


def values(v: object) -> list:
    """A figure array as a list: plotly writes numpy arrays as base64 `bdata`."""
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(n) for n in str(v["shape"]).split(",")])
        return arr.tolist()
    return list(v)  # type: ignore[call-overload]


SIGNATURES = {  # tables that are not widgets carry no key in AppTest: found by columns
    "md_frames": ("open", "take", "frame", "subject", "object", "truth", "predicted", "in_a_row"),
    "mc_table": ("label", "difference", "support"),
    "mc_disagree": ("open A", "open B", "right"),
    "md_saved_consistency_table": ("take", "ground truth"),
    "md_saved_flicker_frames": ("open", "next_frame", "jaccard", "appeared", "disappeared"),
    "md_graph_flicker_frames": ("open", "next_frame", "jaccard", "appeared", "disappeared"),
}


def frame(at: AppTest, key: str):
    """The dataframe with this key (widgets), or with this key's columns."""
    for d in at.dataframe:
        if d.key == key:
            return d.value
    wanted = SIGNATURES.get(key)
    found = [d.value for d in at.dataframe if wanted and set(wanted) <= set(d.value.columns)]
    assert found, (key, [list(d.value.columns) for d in at.dataframe])
    return found[0]

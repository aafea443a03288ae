"""The Timeline Gantt: sub-lanes so no bar hides another, fixed colours, full tooltip."""

from __future__ import annotations

import pandas as pd

from orgraph.core.vocabulary import RELATIONS
from orgraph.dashboard.charts import RELATION_COLOURS, gantt, lane_label


def _intervals(rows: list[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["subject", "relation", "object", "start_frame", "end_frame"])
    return df.assign(
        start_time=df["start_frame"] / 15,
        end_time=(df["end_frame"] + 1) / 15,
        n_frames=df["end_frame"] - df["start_frame"] + 1,
    )


SIMULTANEOUS = _intervals(
    [
        ("head_surgeon", "holding", "scalpel", 0, 9),
        ("head_surgeon", "cutting", "patient", 2, 6),
        ("head_surgeon", "looking", "patient", 0, 9),
        ("assistant", "holding", "forceps", 3, 4),
    ]
)


def _bars(fig) -> list[tuple[str, float, float]]:
    out = []
    for trace in fig.data:
        for y, base, x in zip(trace.y, trace.base, trace.x, strict=True):
            out.append((y, float(base), float(base) + float(x)))
    return out


def test_simultaneous_bars_get_their_own_sub_lanes() -> None:
    for sub_lane in ("object", "relation"):
        bars = _bars(gantt(SIMULTANEOUS, ["head_surgeon", "assistant"], sub_lane))
        assert len(bars) == 4
        by_lane: dict[str, list[tuple[float, float]]] = {}
        for y, s, e in bars:
            by_lane.setdefault(y, []).append((s, e))
        if sub_lane == "relation":  # one bar per sub-lane here: nothing can overlap
            assert all(len(v) == 1 for v in by_lane.values())
        else:  # cutting and looking the patient share a sub-lane, never a relation colour
            assert sorted(by_lane) == sorted(
                [lane_label("head_surgeon", o) for o in ("scalpel", "patient")]
                + [lane_label("assistant", "forceps")]
            )


def test_colour_of_a_relation_never_depends_on_the_take() -> None:
    one = gantt(SIMULTANEOUS, ["head_surgeon", "assistant"])
    other = gantt(SIMULTANEOUS[SIMULTANEOUS["relation"] == "holding"], ["head_surgeon"])
    colours = {t.name: t.marker.color for t in one.data}
    assert {t.name: t.marker.color for t in other.data} == {"holding": colours["holding"]}
    assert colours == {r: RELATION_COLOURS[r] for r in colours}
    assert len(set(RELATION_COLOURS.values())) == len(RELATIONS)


def test_tooltip_shows_start_end_and_length_and_drag_zooms_time() -> None:
    fig = gantt(SIMULTANEOUS, ["head_surgeon", "assistant"])
    for t in fig.data:
        assert all(w in t.hovertemplate for w in ("start", "end", "length"))
    assert fig.layout.dragmode == "zoom"
    assert fig.layout.yaxis.fixedrange is True  # a drag zooms the time axis only

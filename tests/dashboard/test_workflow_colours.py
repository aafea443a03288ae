"""Fixed colours on the Workflow charts: a phase, key action, relation or role keeps its
colour whichever takes, surgery types or values a chart happens to show."""

from __future__ import annotations

import pandas as pd

from orgraph.dashboard.charts import (
    OBJECT_PATTERNS,
    RELATION_COLOURS,
    ROLE_COLOURS,
    bar,
    gantt,
    phase_chart,
)
from orgraph.dashboard.workflow_charts import (
    ALLEN_COLOURS,
    compare_takes,
    handover_sankey,
    together_network,
)
from orgraph.queries.catalog.concurrency import ALLEN_RELATIONS


def _phases(take: str, spans: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(take.split("/")[0], take, a, f, la, f * 100, la * 100) for a, (f, la) in spans.items()],
        columns=[
            "surgery_type",
            "take",
            "action",
            "first_position",
            "last_position",
            "first_seconds",
            "last_seconds",
        ],
    )


MISS = _phases(
    "MISS/1/1",
    {
        "cutting patient": (0.2, 0.4),
        "cutting tissue_paper": (0.3, 0.35),
        "dressing patient": (0.8, 1),
    },
)
ULTRASOUND = _phases(
    "Ultrasound/1/1", {"scanning patient": (0.1, 0.6), "dressing patient": (0.7, 1)}
)


def _looks(fig) -> dict[str, tuple[str, str]]:
    return {t.name: (t.marker.color, t.marker.pattern.shape) for t in fig.data}


def test_a_phase_has_one_look_in_every_take_and_surgery_type() -> None:
    miss, us = _looks(phase_chart(MISS)), _looks(phase_chart(ULTRASOUND))
    both = _looks(phase_chart(pd.concat([ULTRASOUND, MISS])))
    assert miss["dressing patient"] == us["dressing patient"] == both["dressing patient"]
    assert miss["cutting patient"] == both["cutting patient"]
    assert miss["dressing patient"][0] == RELATION_COLOURS["dressing"]  # the Timeline's colour
    assert (
        miss["cutting patient"][0] == miss["cutting tissue_paper"][0] == RELATION_COLOURS["cutting"]
    )
    assert miss["cutting patient"][1] != miss["cutting tissue_paper"][1]  # the object's pattern
    assert miss["cutting tissue_paper"][1] == OBJECT_PATTERNS["tissue_paper"]
    assert [t.name for t in phase_chart(pd.concat([ULTRASOUND, MISS])).data] == [
        "cutting patient",
        "cutting tissue_paper",
        "dressing patient",
        "scanning patient",
    ]  # vocabulary order, not the order of the frame


def test_timeline_comparison_and_phases_share_the_relation_colours() -> None:
    intervals = pd.DataFrame(
        {
            "subject": ["head_surgeon"],
            "relation": ["dressing"],
            "object": ["patient"],
            "start_frame": [0],
            "end_frame": [9],
            "start_time": [0.0],
            "end_time": [10 / 15],
            "n_frames": [10],
        }
    )
    rows = pd.DataFrame(
        [("A · phases", "dressing", "dressing patient", 0.0, 5.0)],
        columns=["lane", "relation", "what", "start_s", "end_s"],
    )
    timeline = {t.name: t.marker.color for t in gantt(intervals, ["head_surgeon"]).data}
    compared = {t.name: t.marker.color for t in compare_takes(rows).data}
    assert (
        timeline["dressing"]
        == compared["dressing"]
        == _looks(phase_chart(MISS))["dressing patient"][0]
    )


def test_allen_relations_and_roles_keep_their_colour() -> None:
    allen = ALLEN_COLOURS
    assert list(allen) == list(ALLEN_RELATIONS) and len(set(allen.values())) == len(allen)
    one = pd.DataFrame({"x_role": ["assistant"], "relation": ["meets"], "pairs": [3]})
    many = pd.DataFrame(
        {"x_role": ["assistant"] * 3, "relation": ["before", "during", "meets"], "pairs": [1, 2, 3]}
    )
    first = {
        t.name: t.marker.color for t in bar(one, "x_role", "pairs", "relation", colours=allen).data
    }
    second = {
        t.name: t.marker.color for t in bar(many, "x_role", "pairs", "relation", colours=allen).data
    }
    assert first["meets"] == second["meets"] == allen["meets"]
    assert len(set(second.values())) == 3

    def role_colours(pairs: list[tuple[str, str]]) -> dict[str, str]:
        df = pd.DataFrame(pairs, columns=["role_a", "role_b"]).assign(overlap_seconds=1.0)
        markers = together_network(df).data[-1]
        return dict(zip(markers.text, markers.marker.color, strict=True))

    small = role_colours([("assistant", "head_surgeon")])
    large = role_colours([("anesthetist", "head_surgeon"), ("assistant", "circulator")])
    assert small["head_surgeon"] == large["head_surgeon"] == ROLE_COLOURS["head_surgeon"]
    assert small["assistant"] == large["assistant"]


def test_handover_sankey_roles_keep_their_colour() -> None:
    def node_colours(rows: list[tuple[str, str, str]]) -> dict[str, str]:
        df = pd.DataFrame(rows, columns=["giver", "object", "receiver"])
        node = handover_sankey(df).data[0].node
        return dict(zip(node.label, node.color, strict=True))

    one = node_colours([("assistant", "scalpel", "head_surgeon")])
    other = node_colours(
        [("circulator", "syringe", "anesthetist"), ("assistant", "forceps", "head_surgeon")]
    )
    assert one["assistant (gives)"] == other["assistant (gives)"] == ROLE_COLOURS["assistant"]
    assert one["head_surgeon (receives)"] == other["head_surgeon (receives)"]
    assert one["scalpel"] == other["forceps"]  # objects are not told apart by colour

"""The Search page (AppTest on a real loaded store) and the moment links of other tables."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from orgraph.core.store import open_store
from orgraph.dashboard.moment_links import frame_url, linked, moment_targets
from orgraph.queries.patterns import find
from tests.support.apptest import app, page, texts
from tests.support.dashboard import Loaded

HANDOVER = "?a holding ?x then ?b holding ?x within 2s"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, loaded: Loaded) -> AppTest:
    return app(monkeypatch, loaded.settings.db, loaded.runs)


def test_search_from_url_lists_the_moments_of_find(at: AppTest, loaded: Loaded) -> None:
    page(at, "search", q=HANDOVER)
    with open_store(loaded.settings) as store:
        expected = find(store, HANDOVER).moments
    assert len(expected) > 0
    assert at.text_input(key="se_pattern").value == HANDOVER
    assert f"**{len(expected)}** moments" in texts(at.success)
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert list(table["take"]) == list(expected["take"])
    assert list(table["start_frame"]) == list(expected["start_frame"])
    first = expected.iloc[0]
    assert table["open"].iloc[0] == frame_url(first["take"], int(first["start_frame"]))
    assert "?a=" in table["bindings"].iloc[0] and " then " in table["steps"].iloc[0]
    assert len(at.get("plotly_chart")) == 1  # the strip per take
    assert len(at.get("image")) == min(12, len(expected))  # ego thumbnails of first frames
    assert len(at.get("download_button")) == 2  # CSV and moment set
    assert at.query_params["q"] == HANDOVER


def test_example_click_cypher_and_open_a_moment(at: AppTest, loaded: Loaded) -> None:
    page(at, "search")
    assert "Type a pattern" in texts(at.info)
    at.button(key="se_ex_2").click().run()  # "Handover": the URL now says q=...
    assert at.query_params["q"] == HANDOVER
    at.button(key="se_ex_0").click().run()  # "Scalpel in hand" wins over the old URL value
    assert at.text_input(key="se_pattern").value == "head_surgeon holding scalpel"
    assert at.query_params["q"] == "head_surgeon holding scalpel"
    assert not at.exception
    code = "\n".join(c.value for c in at.code)
    assert "MATCH (i:Interaction)" in code and '"object": "scalpel"' in code
    with open_store(loaded.settings) as store:
        first = find(store, "head_surgeon holding scalpel").moments.iloc[0]
    at.button(key="se_open_0").click().run()
    assert at.title[0].value == "Frame viewer"
    assert at.query_params["take"] == first["take"]
    assert at.query_params["frame"] == str(first["start_frame"])
    assert f"frame **{int(first['start_frame'])}**" in "\n".join(m.value for m in at.markdown)


def test_bad_pattern_points_at_the_name(at: AppTest) -> None:
    page(at, "search", q="head_surgeon holding scalpell")
    assert "did you mean scalpel?" in texts(at.error)
    assert "^^^^^^^^" in "\n".join(c.value for c in at.code)
    page(at, "search", q="!head_surgeon holding scalpel")
    assert "negation alone" in texts(at.error)


def test_names_are_offered_while_typing(at: AppTest) -> None:
    page(at, "search")
    at.text_input(key="se_pattern").set_value("head_surgeon holding scal").run()
    assert "`scalpel`" in texts(at.caption)
    at.selectbox(key="se_name").select("scalpel").run()
    assert at.text_input(key="se_pattern").value == "head_surgeon holding scalpel"


def test_filters_narrow_the_search(at: AppTest, loaded: Loaded) -> None:
    page(at, "search", q="* holding *")
    at.selectbox(key="se_split").set_value("test").run()
    with open_store(loaded.settings) as store:
        from orgraph.queries.patterns import Filters

        expected = find(store, "* holding *", Filters(split="test")).moments
    assert len(at.dataframe[0].value) == len(expected) > 0


def test_handover_and_timeline_tables_open_their_moments(at: AppTest) -> None:
    page(at, "workflow")
    at.radio(key="wf_view").set_value("Handovers").run()
    table = at.dataframe[0].value
    assert table["open"].iloc[0] == frame_url(
        table["take"].iloc[0], int(table["receiver_start_frame"].iloc[0])
    )
    page(at, "timeline", take="MISS/2/1")
    rows = at.dataframe[0].value
    assert rows["open"].iloc[0] == frame_url("MISS/2/1", int(rows["start_frame"].iloc[0]))


def test_console_results_with_frames_carry_links(at: AppTest) -> None:
    page(at, "console")
    at.text_area(key="cy_text").set_value(
        "MATCH (f:Frame) WHERE f.take = 'MISS/2/1' RETURN f.key AS key ORDER BY f.idx LIMIT 3"
    )
    at.text_area(key="cy_params").set_value("{}")
    at.button(key="cy_run").click().run()
    assert list(at.dataframe[0].value["open"]) == [frame_url("MISS/2/1", i) for i in range(3)]
    at.text_area(key="cy_text").set_value("MATCH (t:Take) RETURN t.key AS take LIMIT 2")
    at.button(key="cy_run").click().run()
    assert "open" not in at.dataframe[0].value.columns  # no frame, no link


@pytest.mark.parametrize(
    "df, expected",
    [
        (pd.DataFrame({"key": ["MISS/1/2#195", None]}), [("MISS/1/2", 195), None]),
        (pd.DataFrame({"f": [{"key": "Ultrasound/2/1#7", "idx": 7}]}), [("Ultrasound/2/1", 7)]),
        (pd.DataFrame({"i": [{"take": "MISS/1/1", "start_frame": 40}]}), [("MISS/1/1", 40)]),
        (pd.DataFrame({"take": ["MISS/1/1"], "frame": [12]}), [("MISS/1/1", 12)]),
        (pd.DataFrame({"take": ["MISS/1/1"], "idx": [3], "start_frame": [9]}), [("MISS/1/1", 3)]),
        (pd.DataFrame({"take": ["MISS/1/1"], "n": [3]}), None),
        (pd.DataFrame({"key": ["MISS/1/2#1", "MISS/1/2"]}), None),  # not every row is a frame
        (pd.DataFrame({"name": ["x"]}), None),
    ],
)
def test_moment_targets(df: pd.DataFrame, expected) -> None:
    assert moment_targets(df) == expected
    table, config = linked(df)
    assert ("open" in table.columns) == (expected is not None) == bool(config)


def test_frame_url_is_relative_and_encoded() -> None:
    assert frame_url("MISS/1/2", 120) == "frame?take=MISS/1/2&frame=120"
    assert frame_url("a b&c", 1) == "frame?take=a%20b%26c&frame=1"

"""The console page under hostile input (AppTest on a real store): a refused, too large,
incomplete or too slow query shows one message, and the app keeps serving its pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import app, page, texts
from tests.support.dashboard import SLOW, Loaded


def run(at: AppTest, text: str, params: str = "{}") -> str:
    at.text_area(key="cy_text").set_value(text)
    at.text_area(key="cy_params").set_value(params)
    at.button(key="cy_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return texts(at.error)


def overview_still_serves(at: AppTest) -> None:
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Takes", "Frames"}


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch, loaded: Loaded) -> AppTest:
    monkeypatch.setenv("ORGRAPH_QUERY_TIMEOUT", "2")
    return page(app(monkeypatch, loaded.settings.db, loaded.runs), "console")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x", "Not run: the query is too large."),
        ("RETURN " + "[" * 3000 + "1" + "]" * 3000 + " AS x", "levels of (), [] and {}"),
        ("RETURN 1" + "+1" * 40_000 + " AS x", "characters long"),
        ("SHOW USERS", "Refused: the console is read-only."),
        ("MATCH (t:Take) RETURN t.key AS k //\rSET t.split = 'x'", "SET is refused (line 2"),
        ("MATCH (t:Take) WITH t AS as SET t.split = 'x' RETURN 1", "SET is refused"),
        ("UPDATE httpfs", "UPDATE is refused"),
        ("MATCH (t:Take) WHERE t.key = $take RETURN t.key", "uses $take but no value"),
    ],
    ids=["parens3000", "brackets3000", "plus40000", "show", "cr", "as-as", "httpfs", "param"],
)
def test_hostile_text_shows_one_message_and_the_app_serves_on(
    console: AppTest, text: str, shown: str
) -> None:
    error = run(console, text)
    assert shown in error, error
    assert not console.dataframe  # nothing ran, so no result table
    overview_still_serves(console)


def test_slow_query_is_stopped_with_a_message(console: AppTest) -> None:
    error = run(console, SLOW)
    assert "**Stopped.** the query was stopped after 2 s" in error, error
    assert run(console, "MATCH (t:Take) RETURN count(t) AS n") == ""  # the next query runs
    assert int(console.dataframe[0].value["n"].iloc[0]) > 0
    overview_still_serves(console)

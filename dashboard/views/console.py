"""Cypher console: the user's read-only Cypher through queries.console, with JSON parameters.

Text that is not a bounded read is refused before it reaches the store, a query past
the time limit is stopped, and an engine crash is reported: each as one message,
while the app keeps serving. Results show as a table and, when they hold nodes, as
a graph.
"""

from __future__ import annotations

import json

import streamlit as st

from orgraph.core.errors import OrgraphError
from orgraph.core.keys import frame_key
from orgraph.core.store.deadline import QueryStopped
from orgraph.dashboard import data
from orgraph.dashboard.context import run_page, settings
from orgraph.dashboard.graphs import result_graph
from orgraph.dashboard.moment_links import linked, moment_targets
from orgraph.queries.console import MissingParameters
from orgraph.queries.cypher_guard import ConsoleRefused, QueryTooLarge, WriteRefused
from orgraph.queries.cypher_limits import MAX_DEPTH, MAX_TEXT_CHARS, MAX_TOKENS

EXAMPLE = "MATCH (f:Frame {key: $key})-[s:SHOWS]->(i:Interaction)\nRETURN f, s, i LIMIT 25"


def _params(text: str) -> dict | None:
    """The parameters as a JSON object, or None after saying what is wrong."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        st.error(f'Parameters must be a JSON object, e.g. {{"take": "MISS/1/1"}}: {exc}')
        return None
    if not isinstance(value, dict):
        st.error("Parameters must be a JSON object (name -> value), not a list or a value.")
        return None
    return value


def render() -> None:
    """The editor, then the result of the last run."""
    first = str(data.takes()["take"].iloc[0])
    text = st.text_area("Cypher (read-only)", EXAMPLE, height=140, key="cy_text")
    c1, c2 = st.columns([3, 1])
    params_text = c1.text_area(
        "Parameters (JSON)", json.dumps({"key": frame_key(first, 0)}), height=68, key="cy_params"
    )
    limit = c2.number_input(
        "Row limit", 1, settings().row_limit, min(1000, settings().row_limit), key="cy_limit"
    )
    if not st.button("Run", type="primary", key="cy_run"):
        st.caption(
            "Only reads run here: writes and administration (CREATE, MERGE, SET, DELETE, "
            f"SHOW, ...) are refused. At most {MAX_TEXT_CHARS:,} characters, {MAX_TOKENS:,} "
            f"tokens and {MAX_DEPTH} levels of brackets; stopped after "
            f"{settings().query_timeout:g} s."
        )
        return
    params = _params(params_text)
    if params is None:
        return
    try:
        df = data.console(text, params, int(limit))
    except OrgraphError as exc:
        st.error(_problem(exc))
        return
    more = " (cut at the row limit)" if df.attrs.get("truncated") else ""
    st.success(f"{len(df)} rows{more}")
    dot = result_graph(df)
    if dot is not None:
        st.graphviz_chart(dot)
    table, links = linked(df.map(_cell), targets=moment_targets(df))  # frame key or take+frame
    st.dataframe(table, hide_index=True, column_config=links)
    st.download_button(
        "Download result (CSV)", df.to_csv(index=False), file_name="result.csv", mime="text/csv"
    )


def _problem(exc: OrgraphError) -> str:
    """One message for a query that was refused, stopped or failed."""
    if isinstance(exc, WriteRefused):
        return f"**Refused: the console is read-only.** {exc}"
    if isinstance(exc, QueryTooLarge):
        return f"**Not run: the query is too large.** {exc}"
    if isinstance(exc, MissingParameters):
        return f"**Not run: a parameter has no value.** {exc}"
    if isinstance(exc, ConsoleRefused):
        return f"**Not run.** {exc}"
    if isinstance(exc, QueryStopped):
        return f"**Stopped.** {exc}"
    return f"**The query failed.** {exc}"


def _cell(value: object) -> object:
    """Nodes, relationships and lists as short JSON text, so the table can show them."""
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)[:300]
    return value


run_page("Cypher console", render)

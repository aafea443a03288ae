"""The read-only Cypher console: check the text, then run it with limits and parameters.

Two lines of defence: cypher_guard refuses any text that is not a bounded read
(an allow-list of read clauses; size bounds in cypher_limits) and every parameter
the text uses must be given, all before anything is sent; then the store runs it
as an untrusted read (GraphStore.query_untrusted: Neo4j READ-access transactions on
a connection of their own, LadybugDB opened read-only in a child process, and a
client-side deadline on both). User values reach the query only as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from orgraph.core.errors import OrgraphError
from orgraph.core.store import GraphStore
from orgraph.queries.cypher_guard import ConsoleRefused, check_read_only

DEFAULT_TIMEOUT = 30.0
"""Seconds a console query may run when the caller gives no timeout."""


class ParamError(OrgraphError):
    """A --param value is not of the form key=value."""


class MissingParameters(ConsoleRefused):
    """The text uses a $parameter for which no value was given."""

    def __init__(self, names: list[str]) -> None:
        listed = ", ".join(f"${n}" for n in names)
        how = ", ".join(f"--param {n}=VALUE" for n in names)
        super().__init__(
            f"the query uses {listed} but no value was given for "
            f"{'it' if len(names) == 1 else 'them'}: give {how} (in the dashboard, add "
            "the name to the parameters JSON); nothing was sent to the database"
        )
        self.names = names


def parse_param(text: str) -> tuple[str, Any]:
    """`key=value` -> (key, value): the value parsed as JSON when it is valid JSON, else text."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise ParamError(f"--param {text!r}: expected key=value with a name as key")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return key, value


def parse_params(items: Iterable[str]) -> dict[str, Any]:
    """Several `key=value` strings as one parameter dict (a repeated key: the last wins)."""
    return dict(parse_param(item) for item in items)


def run_console(
    store: GraphStore,
    text: str,
    params: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    row_limit: int | None = None,
) -> pd.DataFrame:
    """Run a read-only Cypher text; df.attrs["truncated"] says whether row_limit cut it.

    Raises ConsoleRefused (WriteRefused, QueryTooLarge, MissingParameters) before
    anything is sent, and StoreError (QueryStopped past `timeout`) from the store.
    """
    checked = check_read_only(text)
    given = dict(params or {})
    missing = sorted(checked.params - given.keys())
    if missing:
        raise MissingParameters(missing)
    df = store.query_untrusted(text, given, timeout=timeout or DEFAULT_TIMEOUT, row_limit=row_limit)
    df.attrs.setdefault("truncated", False)
    return df

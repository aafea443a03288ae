"""The read-only Cypher console: check the text, then run it with limits and parameters.

Two lines of defence: cypher_guard refuses writing or administering text before it
is sent, and the store itself reads in a read-only way (Neo4j: READ-access
transactions; LadybugDB: the database opened read-only). User values reach the
query only as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from orgraph.core.errors import OrgraphError
from orgraph.core.store import GraphStore
from orgraph.queries.cypher_guard import check_read_only


class ParamError(OrgraphError):
    """A --param value is not of the form key=value."""


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
    """Run a read-only Cypher text; df.attrs["truncated"] says whether row_limit cut it."""
    check_read_only(text)
    df = store.query(text, dict(params or {}), timeout=timeout, row_limit=row_limit)
    df.attrs.setdefault("truncated", False)
    return df

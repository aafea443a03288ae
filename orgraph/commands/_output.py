"""Printing a query result, shared by `orgraph query` and `orgraph cypher`."""

from __future__ import annotations

import sys

import pandas as pd

FORMATS = ("table", "json", "csv")


def render(df: pd.DataFrame, fmt: str) -> str:
    """The rows as an aligned table, JSON records or CSV."""
    if fmt == "json":
        return df.to_json(orient="records", indent=2, default_handler=str)
    if fmt == "csv":
        return df.to_csv(index=False).rstrip("\n")
    if df.empty:
        return f"(no rows; columns: {', '.join(map(str, df.columns))})"
    with pd.option_context(
        "display.max_rows", None, "display.max_columns", None, "display.width", 200
    ):
        return df.to_string(index=False)


def print_result(df: pd.DataFrame, fmt: str, row_limit: int) -> None:
    """Print the rows, and on stderr a note when the row limit cut them."""
    print(render(df, fmt))
    if df.attrs.get("truncated"):
        print(
            f"note: result cut at {row_limit} rows, only the first {row_limit} rows are shown "
            "(raise it with --limit)",
            file=sys.stderr,
        )

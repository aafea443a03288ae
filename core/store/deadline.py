"""A client-side deadline for console reads: the caller gets its answer or an error in time.

Engines check their own query timeout only at some points (not while parsing or
planning), so a console read also runs against a clock here: past `timeout` plus
GRACE_SECONDS the caller is told the query was stopped, whatever the engine is doing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from orgraph.core.errors import StoreError

T = TypeVar("T")

GRACE_SECONDS = 1.0
"""How long past its timeout a query may take before the client stops waiting."""


class QueryStopped(StoreError):
    """A console query ran past its time limit and was stopped."""

    def __init__(self, timeout: float) -> None:
        super().__init__(
            f"the query was stopped after {timeout:g} s, its time limit "
            "(raise it with --timeout or ORGRAPH_QUERY_TIMEOUT)"
        )
        self.timeout = timeout


def check_timeout(timeout: float) -> float:
    """A console timeout must be a positive number of seconds."""
    if not timeout > 0:
        raise StoreError(f"the query timeout must be a positive number of seconds, got {timeout}")
    return float(timeout)


def call_with_deadline(
    fn: Callable[[], T], timeout: float, on_late: Callable[[], None] | None = None
) -> T:
    """fn() in a daemon thread; QueryStopped once timeout + GRACE_SECONDS have passed.

    `on_late` runs (in the background) when the caller gave up, to cancel what fn is
    still doing; fn's thread is left to end on its own.
    """
    box: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="orgraph-console-read", daemon=True).start()
    if not done.wait(check_timeout(timeout) + GRACE_SECONDS):
        if on_late is not None:
            threading.Thread(target=on_late, name="orgraph-console-cancel", daemon=True).start()
        raise QueryStopped(timeout)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]

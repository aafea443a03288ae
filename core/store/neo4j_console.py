"""Console reads on Neo4j: a connection of their own, READ access, two clocks.

Each console read gets its own driver (so a stuck read holds no connection that
other users wait for, and no global lock), runs in an explicit READ-access
transaction with the server-side timeout, and is tagged in the transaction
metadata. The caller waits at most timeout + GRACE_SECONDS (core.store.deadline);
past that, in the background, the read is ended on the server with TERMINATE
TRANSACTIONS (found by its tag) and the driver is closed. Measured with driver 6.4:
closing the driver shuts its sockets down, which ends a read blocked on its answer,
and the server then drops the transaction; a managed `execute_read` would retry on
a new connection instead, hence the explicit transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import neo4j
import pandas as pd
from neo4j import exceptions as nx

from orgraph.core.errors import StoreError
from orgraph.core.store.deadline import QueryStopped, call_with_deadline, check_timeout

log = logging.getLogger("orgraph.store")

TAG = "orgraph_console"
"""Transaction metadata key that marks a console read."""

_TIMED_OUT = ("TransactionTimedOut", "TransactionTimedOutClientConfiguration")


class Neo4jConsole:
    """Runs one console read at a time on a dedicated driver (see the module docstring)."""

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str],
        database: str,
        convert: Callable[[Any], Any],
        friendly: Callable[[Exception], StoreError],
    ) -> None:
        self.uri = uri
        self.auth = auth
        self.database = database
        self.convert = convert
        self.friendly = friendly

    def run(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        *,
        timeout: float,
        row_limit: int | None,
    ) -> pd.DataFrame:
        """The rows of one read, QueryStopped past `timeout`, or a one-line StoreError."""
        timeout = check_timeout(timeout)
        tag = uuid.uuid4().hex
        driver = neo4j.GraphDatabase.driver(self.uri, auth=self.auth, connection_timeout=10)

        def read() -> pd.DataFrame:
            return self._read(driver, tag, cypher, dict(params or {}), timeout, row_limit)

        def cancel() -> None:
            self._terminate(driver, tag)
            driver.close()  # wakes the read thread: its socket is shut down

        try:
            df = call_with_deadline(read, timeout, on_late=cancel)
        except QueryStopped:
            raise
        except Exception as exc:
            driver.close()
            if isinstance(exc, nx.Neo4jError) and any(c in str(exc.code) for c in _TIMED_OUT):
                raise QueryStopped(timeout) from None
            raise self.friendly(exc) from None
        driver.close()
        return df

    def _read(
        self,
        driver: neo4j.Driver,
        tag: str,
        cypher: str,
        params: dict[str, Any],
        timeout: float,
        row_limit: int | None,
    ) -> pd.DataFrame:
        rows: list[list[Any]] = []
        truncated = False
        session = driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS)
        with session, session.begin_transaction(timeout=timeout, metadata={TAG: tag}) as tx:
            result = tx.run(cypher, params)  # type: ignore[arg-type]
            keys = list(result.keys())
            for record in result:
                if row_limit is not None and len(rows) >= row_limit:
                    truncated = True
                    break
                rows.append([self.convert(v) for v in record.values()])
            result.consume()
        df = pd.DataFrame(rows, columns=keys)
        df.attrs["truncated"] = truncated
        return df

    def _terminate(self, driver: neo4j.Driver, tag: str) -> None:
        """End the tagged transaction on the server (best effort: it may have ended)."""
        try:
            found, _, _ = driver.execute_query(
                "SHOW TRANSACTIONS YIELD transactionId AS id, metaData "
                f"WHERE metaData.{TAG} = $tag RETURN id",
                tag=tag,
                database_=self.database,
            )
            ids = [row["id"] for row in found]
            if ids:
                driver.execute_query(
                    "TERMINATE TRANSACTIONS $ids", ids=ids, database_=self.database
                )
        except Exception:  # the caller already has its answer; the server timeout remains
            log.debug("could not terminate console transaction %s", tag, exc_info=True)

"""Console scope: administration is refused, not only writes, and Neo4j console reads run with
the least privilege the server offers.

Neo4j Community has no roles (every user may administer), so the least privilege it offers
is a READ-access transaction on the graph's database: the server itself then refuses every
write, to the graph and to the system database (users, databases, privileges). What it
still runs in READ access (SHOW SETTINGS / TRANSACTIONS, TERMINATE TRANSACTIONS, dbms.*
procedures) only the guard refuses; the tests pin both lines.
"""

from __future__ import annotations

import neo4j
import pytest

from orgraph.core.errors import StoreError
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.queries.console import run_console
from orgraph.queries.cypher_guard import ConsoleRefused, check_read_only
from tests.support.stores import neo4j_settings  # noqa: F401

SERVER_REFUSES = (  # writes in READ access, to the graph or to the system database
    "CREATE USER sneaky SET PASSWORD 'abcdefgh1'",
    "ALTER USER neo4j SET PASSWORD 'abcdefgh2'",
    "CREATE DATABASE other",
    "DROP DATABASE neo4j",
    "STOP DATABASE neo4j",
    "GRANT ROLE admin TO neo4j",
    "CREATE (n:Sneaky) RETURN n",
    "CALL db.createLabel('Sneaky')",
)
GUARD_ONLY = (  # the server runs these in READ access; the guard must refuse them
    "SHOW USERS",
    "SHOW DATABASES",
    "SHOW SETTINGS",
    "SHOW TRANSACTIONS",
    "SHOW PROCEDURES YIELD name RETURN name",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CALL dbms.listConfig() YIELD name RETURN name",
    "CALL dbms.killConnections(['bolt-1'])",
    "CALL dbms.components() YIELD name RETURN name",
    "CALL db.clearQueryCaches()",
    "MATCH (n) RETURN n UNION SHOW USERS",
    "USE system SHOW USERS",
)


@pytest.mark.parametrize("text", SERVER_REFUSES + GUARD_ONLY)
def test_guard_refuses_administration(text: str) -> None:
    with pytest.raises(ConsoleRefused) as err:
        check_read_only(text)
    assert "\n" not in str(err.value)


def _users(settings: Settings) -> list[str]:
    uri, user, password = settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password
    with neo4j.GraphDatabase.driver(uri, auth=(user, password.reveal())) as driver:
        rows, _, _ = driver.execute_query("SHOW USERS YIELD user RETURN user", database_="system")
    return sorted(r["user"] for r in rows)


@pytest.mark.neo4j
def test_neo4j_console_reads_cannot_write_anywhere(neo4j_settings: Settings) -> None:  # noqa: F811
    """Past the guard (query_untrusted directly), the READ-access session refuses writes."""
    users = _users(neo4j_settings)
    with open_store(neo4j_settings) as store:
        for text in SERVER_REFUSES:
            with pytest.raises(StoreError, match="read access mode") as err:
                store.query_untrusted(text, timeout=20)
            assert "\n" not in str(err.value)
        assert int(store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]) == 0
    assert _users(neo4j_settings) == users


@pytest.mark.neo4j
def test_neo4j_console_refuses_administration_before_the_server(
    neo4j_settings: Settings,  # noqa: F811
) -> None:
    with open_store(neo4j_settings) as store:
        for text in GUARD_ONLY:
            with pytest.raises(ConsoleRefused):
                run_console(store, text)

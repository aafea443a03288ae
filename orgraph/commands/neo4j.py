"""`orgraph neo4j start|stop|status`: the project's local Neo4j server, without Docker."""

from __future__ import annotations

import argparse
import sys

from orgraph.core import neo4j_server


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `neo4j` command and its start, stop and status actions."""
    parser = subparsers.add_parser(
        "neo4j",
        help="start, stop or inspect the project's local Neo4j 5.26 server",
        description=(
            "Manage a local Neo4j 5.26 community server run from Maven-resolved jars "
            "(needs Java 17+ and Maven; no Docker). Files live under "
            "$ORGRAPH_CACHE/neo4j (default ~/.cache/orgraph/neo4j); the generated "
            "password is stored there in the file 'password' (mode 0600), user neo4j."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    start = actions.add_parser(
        "start", help="start the server (no-op if running) and wait until Bolt answers"
    )
    start.add_argument(
        "--port",
        type=int,
        default=None,
        help="Bolt port on 127.0.0.1 (default: $ORGRAPH_NEO4J_PORT or 7687)",
    )
    start.add_argument(
        "--timeout",
        type=float,
        default=neo4j_server.DEFAULT_START_TIMEOUT,
        help="seconds to wait for Bolt to answer (default: %(default)s)",
    )
    stop = actions.add_parser("stop", help="stop the server (SIGTERM, then SIGKILL)")
    stop.add_argument(
        "--timeout",
        type=float,
        default=neo4j_server.DEFAULT_STOP_TIMEOUT,
        help="seconds to wait after SIGTERM before SIGKILL (default: %(default)s)",
    )
    actions.add_parser("status", help="say whether the server runs, its pid and URI")
    parser.set_defaults(func=run)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Carry out the chosen action; errors surface as OrgraphError (one line)."""
    if args.action == "start":
        before = neo4j_server.status()
        if before["running"]:
            print(f"Neo4j already running (pid {before['pid']}) at {before['uri']}")
            return 0
        uri = neo4j_server.start(port=args.port, timeout=args.timeout, log=_progress)
        print(f"Neo4j running at {uri} (user neo4j, password in {before['home']}/password)")
        return 0
    if args.action == "stop":
        stopped = neo4j_server.stop(timeout=args.timeout)
        print("Neo4j stopped" if stopped else "Neo4j was not running")
        return 0
    info = neo4j_server.status()
    if info["running"]:
        print(f"running  pid {info['pid']}  {info['uri']}  Neo4j {info['version']}")
    else:
        print(f"stopped  (would listen on {info['uri']})  Neo4j {info['version']}")
    print(f"home {info['home']}  log {info['log']}")
    return 0

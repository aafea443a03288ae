"""Where the local Neo4j server keeps its files, its neo4j.conf, and its JVM flags.

Everything lives under the cache directory's neo4j/ (Settings.cache, $ORGRAPH_CACHE) so
the server never touches the source tree.
Sizes suit a 2-core, 24 GB machine shared with other work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from orgraph.core.errors import ConfigError
from orgraph.core.settings import DEFAULT_NEO4J_PORT, LOCAL_HOST, load_settings, local_uri

DEFAULT_PORT = DEFAULT_NEO4J_PORT
PORT_ENV = "ORGRAPH_NEO4J_PORT"
HOST = LOCAL_HOST
HEAP_INITIAL = "2g"
HEAP_MAX = "4g"
PAGECACHE = "2g"

# The vendor's conf/neo4j.conf `server.jvm.additional` list for Java 17, minus
# -XX:+AlwaysPreTouch (it would commit the whole heap at once on a shared machine).
JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


@dataclass(frozen=True)
class Neo4jPaths:
    """The files and folders of the project's local server, all under one home."""

    home: Path

    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def conf(self) -> Path:
        return self.home / "conf"

    @property
    def conf_file(self) -> Path:
        return self.conf / "neo4j.conf"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def plugins(self) -> Path:
        return self.home / "plugins"

    @property
    def imports(self) -> Path:
        return self.home / "import"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def pid_file(self) -> Path:
        return self.run / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"

    @property
    def server_log(self) -> Path:
        return self.logs / "neo4j.log"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def folders(self) -> tuple[Path, ...]:
        """The folders the server needs to exist before it starts."""
        return (self.conf, self.data, self.logs, self.run, self.imports, self.plugins)


def local_paths() -> Neo4jPaths:
    """The paths under the cache directory of the current settings (read at call time)."""
    return Neo4jPaths(load_settings().cache_dir / "neo4j")


def requested_port(port: int | None = None) -> int:
    """The Bolt port: the argument, else the settings' (ORGRAPH_NEO4J_PORT, else 7687)."""
    if port is None:
        return load_settings().neo4j_port
    if not 1 <= port <= 65535:
        raise ConfigError(f"Neo4j port {port} (from {PORT_ENV} or --port) is outside 1-65535")
    return port


def uri_for(port: int) -> str:
    """The Bolt URI of the local server on a port."""
    return local_uri(port)


def render_config(paths: Neo4jPaths, port: int) -> str:
    """The neo4j.conf text: Bolt on localhost only, HTTP off, auth on, no usage report."""
    d = paths
    lines = [
        "# Written by `orgraph neo4j start` (core/neo4j_config.py); edits are overwritten.",
        f"server.directories.data={d.data}",
        f"server.directories.logs={d.logs}",
        f"server.directories.run={d.run}",
        f"server.directories.import={d.imports}",
        f"server.directories.plugins={d.plugins}",
        f"server.directories.transaction.logs.root={d.data / 'transactions'}",
        f"server.default_listen_address={HOST}",
        f"server.bolt.listen_address={HOST}:{port}",
        f"server.bolt.advertised_address={HOST}:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "# LOAD CSV may not read the server's files (the console refuses LOAD anyway).",
        "dbms.security.allow_csv_import_from_file_urls=false",
        "dbms.usage_report.enabled=false",
        f"server.memory.heap.initial_size={HEAP_INITIAL}",
        f"server.memory.heap.max_size={HEAP_MAX}",
        f"server.memory.pagecache.size={PAGECACHE}",
        "# No backups or cluster here: keep only the latest transaction log file, of at most",
        "# 64 MiB (older ones are pruned at each checkpoint and at shutdown), so repeated",
        "# loads and wipes do not fill the disk.",
        "db.tx_log.rotation.retention_policy=keep_none",
        "db.tx_log.rotation.size=64M",
        "# Bolt's netty waits 5 s per event loop on shutdown by default; 1 s is plenty here.",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=1",
    ]
    return "\n".join(lines) + "\n"


def write_config(paths: Neo4jPaths, port: int) -> Path:
    """Create the server's folders and write its neo4j.conf for this port."""
    for folder in paths.folders():
        folder.mkdir(parents=True, exist_ok=True)
    paths.conf_file.write_text(render_config(paths, port))
    return paths.conf_file


def configured_port(paths: Neo4jPaths) -> int | None:
    """The Bolt port in the written neo4j.conf, if there is one."""
    try:
        text = paths.conf_file.read_text()
    except OSError:
        return None
    match = re.search(r"^server\.bolt\.listen_address=[^:\n]*:(\d+)\s*$", text, re.M)
    return int(match.group(1)) if match else None


def server_command(java: str, paths: Neo4jPaths) -> list[str]:
    """The java command line that runs the community server in the foreground."""
    return [
        java,
        f"-Xms{HEAP_INITIAL}",
        f"-Xmx{HEAP_MAX}",
        *JVM_FLAGS,
        "-cp",
        f"{paths.plugins}/*:{paths.conf}/*:{paths.lib}/*",
        "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={paths.home}",
        f"--config-dir={paths.conf}",
    ]

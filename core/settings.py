"""Settings from the environment or a config file; the password never leaves this object.

This module is the only reader of ORGraph's configuration: every other module gets a
Settings (or a value from one). Precedence: explicit overrides > environment > config
file > defaults. The config file is TOML, found at $ORGRAPH_CONFIG or ./orgraph.toml,
with the field names as keys (backend, db, neo4j_uri, buffer_pool_mb, ...; ENV_VARS).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orgraph.core.errors import ConfigError

BACKENDS = ("embedded", "neo4j")
DEFAULT_DB = Path("data/orgraph.lbug")
DEFAULT_CACHE = Path("~/.cache/orgraph")
DEFAULT_NEO4J_PORT = 7687
LOCAL_HOST = "127.0.0.1"

ENV_VARS = {
    "backend": "ORGRAPH_BACKEND",
    "db": "ORGRAPH_DB",
    "neo4j_uri": "NEO4J_URI",
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
    "neo4j_database": "NEO4J_DATABASE",
    "query_timeout": "ORGRAPH_QUERY_TIMEOUT",
    "row_limit": "ORGRAPH_ROW_LIMIT",
    "buffer_pool_mb": "ORGRAPH_BUFFER_POOL_MB",
    "read_buffer_pool_mb": "ORGRAPH_READ_BUFFER_POOL_MB",
    "runs": "ORGRAPH_RUNS",
    "media_root": "ORGRAPH_MEDIA_ROOT",
    "threads": "ORGRAPH_THREADS",
    "cache": "ORGRAPH_CACHE",
    "neo4j_port": "ORGRAPH_NEO4J_PORT",
}
"""Settings field -> environment variable; orgraph.toml takes the field names as keys."""
TEST_KNOBS = ("ORGRAPH_LOAD_GROUP_TRIPLETS",)
"""Variables only tests set (to shrink a limit on a small dataset); not settings, not in
the README, read only from the environment through test_knob()."""
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_READ_BUFFER_POOL_MB = 1024
"""Page cache of each read-only embedded open (dashboard, queries, export).

The engine's own default is about 80% of the machine, reserved per open; 1024 MB ran
every catalog query from four concurrent threads at EgoExOR scale (bench/dashboard_memory.py).
"""
MIN_BUFFER_POOL_MB = 64


class Secret(str):
    """A string that shows as '***' in repr and str, so it cannot leak into logs."""

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def reveal(self) -> str:
        """The real value, for the one place that needs it: the driver."""
        return str.__str__(self)


def local_uri(port: int) -> str:
    """The Bolt URI of a server on this machine (the project's local Neo4j)."""
    return f"bolt://{LOCAL_HOST}:{port}"


@dataclass(frozen=True)
class Settings:
    """Every setting of ORGraph: where the graph lives, how to reach it, limits and folders."""

    backend: str = "embedded"
    db: Path = DEFAULT_DB
    neo4j_uri: str = local_uri(DEFAULT_NEO4J_PORT)
    neo4j_user: str = "neo4j"
    neo4j_password: Secret = field(default_factory=lambda: Secret(""), repr=False)
    neo4j_database: str = "neo4j"
    query_timeout: float = 30.0
    row_limit: int = 10_000
    buffer_pool_mb: int = 0
    """Page cache of the writing embedded engine; 0 keeps the engine's default."""
    read_buffer_pool_mb: int = DEFAULT_READ_BUFFER_POOL_MB
    runs: Path = Path("runs")
    media_root: Path | None = None
    threads: int = 1
    cache: Path = DEFAULT_CACHE
    neo4j_port: int = DEFAULT_NEO4J_PORT

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given non-None values replaced and validated."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return _validated(replace(self, **_coerce(clean)))

    def where(self) -> str:
        """The store in use, for messages and pages: the database directory or the URI
        (without its userinfo)."""
        return redact_uri(self.neo4j_uri) if self.backend == "neo4j" else str(self.db)

    def store_args(self) -> str:
        """The command-line flags that name this store, for hints such as "load it with ..."."""
        if self.backend == "neo4j":
            return f"--backend neo4j --uri {redact_uri(self.neo4j_uri)}"
        return f"--db {self.db}"

    @property
    def cache_dir(self) -> Path:
        """The cache directory with ~ expanded (the local Neo4j lives under it)."""
        return Path(self.cache).expanduser()


def _path(value: object) -> Path:
    return Path(str(value)).expanduser() if str(value).startswith("~") else Path(str(value))


def _optional_path(value: object) -> Path | None:
    return Path(str(value)).expanduser() if str(value).strip() else None


def _secret(value: object) -> Secret:
    return Secret(value.reveal() if isinstance(value, Secret) else str(value))


_CONVERT: dict[str, Callable[[Any], object]] = {
    "db": _path,
    "runs": _path,
    "cache": _path,
    "media_root": _optional_path,
    "neo4j_password": _secret,
    "query_timeout": float,
    "row_limit": int,
    "buffer_pool_mb": int,
    "read_buffer_pool_mb": int,
    "threads": int,
    "neo4j_port": int,
}


def _coerce(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        try:
            out[key] = _CONVERT.get(key, str)(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"setting {key} ({ENV_VARS.get(key, key)}) has an invalid value: {value!r}"
            ) from None
    return out


def _validated(settings: Settings) -> Settings:
    if settings.backend not in BACKENDS:
        raise ConfigError(
            f"unknown backend {settings.backend!r}: expected one of {', '.join(BACKENDS)}"
        )
    check_neo4j_uri(settings.neo4j_uri)
    if settings.query_timeout <= 0 or settings.row_limit <= 0:
        raise ConfigError("query_timeout and row_limit must be positive")
    if settings.read_buffer_pool_mb < MIN_BUFFER_POOL_MB:
        raise ConfigError(
            f"ORGRAPH_READ_BUFFER_POOL_MB must be at least {MIN_BUFFER_POOL_MB}, "
            f"got {settings.read_buffer_pool_mb}"
        )
    if settings.buffer_pool_mb != 0 and settings.buffer_pool_mb < MIN_BUFFER_POOL_MB:
        raise ConfigError(
            f"ORGRAPH_BUFFER_POOL_MB must be 0 (the engine's default) or at least "
            f"{MIN_BUFFER_POOL_MB}, got {settings.buffer_pool_mb}"
        )
    if settings.threads < 1:
        raise ConfigError(f"ORGRAPH_THREADS must be at least 1, got {settings.threads}")
    if not 1 <= settings.neo4j_port <= 65535:
        raise ConfigError(
            f"Neo4j port {settings.neo4j_port} (ORGRAPH_NEO4J_PORT or --port) is outside 1-65535"
        )
    return settings


_USERINFO_IN_TEXT = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^\s'\"]*@")


def redact_uri(uri: str) -> str:
    """The URI with any user name or password (the part before '@') shown as '***'.

    Every message, log line or page that shows a URI shows it through this. Up to the
    last '@' is hidden, so a password with an unescaped '/' or '@' is hidden too.
    """
    scheme, sep, rest = uri.partition("://") if "://" in uri else ("", "", uri)
    at = rest.rfind("@")
    if at < 0:
        return uri
    return f"{scheme}{sep}***{rest[at:]}"


def redact_text(text: str) -> str:
    """A message with the userinfo of every URI in it redacted (for texts from drivers)."""
    return _USERINFO_IN_TEXT.sub(r"\1***@", text)


def check_neo4j_uri(uri: str) -> None:
    """Refuse a Neo4j URI with a wrong scheme, or with credentials in it.

    The driver does not take a user or password from the URI, and a URI travels where a
    password must not (command lines, logs, messages): credentials come from
    NEO4J_USER / NEO4J_PASSWORD only.
    """
    shown = redact_uri(uri)
    if uri.split("://", 1)[0] not in NEO4J_SCHEMES:
        raise ConfigError(f"NEO4J_URI {shown!r} must start with bolt:// or neo4j:// (or +s/+ssc)")
    if shown != uri:
        raise ConfigError(
            f"NEO4J_URI {shown!r} holds a user name or password: give the URI without them "
            "and set NEO4J_USER / NEO4J_PASSWORD (environment or orgraph.toml) instead"
        )


def test_knob(name: str) -> str:
    """The value of a test-only variable of TEST_KNOBS ('' when unset)."""
    if name not in TEST_KNOBS:
        raise ValueError(f"{name} is not a test knob: make it a Settings field")
    return os.environ.get(name, "")


def config_path() -> Path | None:
    """The config file in use, if any."""
    explicit = os.environ.get("ORGRAPH_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"ORGRAPH_CONFIG points at {path}, which is not a file")
        return path
    local = Path("orgraph.toml")
    return local if local.is_file() else None


def _from_file(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    section = data.get("orgraph", data)
    unknown = set(section) - set(ENV_VARS)
    if unknown:
        raise ConfigError(f"config file {path} has unknown keys: {', '.join(sorted(unknown))}")
    return dict(section)


def local_neo4j_password(cache: Path | None = None) -> str | None:
    """The password of the project's local Neo4j server, if `orgraph neo4j start` made one
    (under `cache`, by default the settings' cache directory)."""
    where = load_settings().cache_dir if cache is None else Path(cache).expanduser()
    path = where / "neo4j" / "password"
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, config file, environment, then explicit overrides.

    Unset, the Neo4j URI is the local server's on `neo4j_port` and the password the one
    that server generated.
    """
    values: dict[str, object] = {}
    path = config_path()
    if path is not None:
        values.update(_from_file(path))
    for key, env in ENV_VARS.items():
        if os.environ.get(env):
            values[key] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = _coerce(values)
    if "neo4j_uri" not in coerced:
        coerced["neo4j_uri"] = local_uri(int(coerced.get("neo4j_port", DEFAULT_NEO4J_PORT)))  # type: ignore[call-overload]
    if "neo4j_password" not in coerced:
        local = local_neo4j_password(coerced.get("cache", DEFAULT_CACHE))  # type: ignore[arg-type]
        if local:
            coerced["neo4j_password"] = Secret(local)
    return _validated(replace(Settings(), **coerced))

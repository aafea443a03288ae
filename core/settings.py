"""Settings from the environment or a config file; the password never leaves this object.

Precedence: explicit overrides > environment > config file > defaults. The config
file is TOML, found at $ORGRAPH_CONFIG or ./orgraph.toml, with the same keys in
lower case (backend, db, neo4j_uri, neo4j_user, neo4j_password, ...).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from orgraph.core.errors import ConfigError

BACKENDS = ("embedded", "neo4j")
DEFAULT_DB = Path("data/orgraph.lbug")
CACHE_DIR = Path(os.environ.get("ORGRAPH_CACHE", Path.home() / ".cache" / "orgraph"))

_ENV_KEYS = {
    "backend": "ORGRAPH_BACKEND",
    "db": "ORGRAPH_DB",
    "neo4j_uri": "NEO4J_URI",
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
    "neo4j_database": "NEO4J_DATABASE",
    "query_timeout": "ORGRAPH_QUERY_TIMEOUT",
    "row_limit": "ORGRAPH_ROW_LIMIT",
    "read_buffer_pool_mb": "ORGRAPH_READ_BUFFER_POOL_MB",
}
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


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and how to reach it."""

    backend: str = "embedded"
    db: Path = DEFAULT_DB
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: Secret = field(default_factory=lambda: Secret(""), repr=False)
    neo4j_database: str = "neo4j"
    query_timeout: float = 30.0
    row_limit: int = 10_000
    read_buffer_pool_mb: int = DEFAULT_READ_BUFFER_POOL_MB

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given non-None values replaced and validated."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return _validated(replace(self, **_coerce(clean)))


def _coerce(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        try:
            if key == "db":
                out[key] = Path(str(value))
            elif key == "neo4j_password":
                out[key] = Secret(value.reveal() if isinstance(value, Secret) else str(value))
            elif key == "query_timeout":
                out[key] = float(value)  # type: ignore[arg-type]
            elif key in ("row_limit", "read_buffer_pool_mb"):
                out[key] = int(value)  # type: ignore[call-overload]
            else:
                out[key] = str(value)
        except ValueError as exc:
            raise ConfigError(f"setting {key!r} has an invalid value: {exc}") from None
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
    unknown = set(section) - set(_ENV_KEYS)
    if unknown:
        raise ConfigError(f"config file {path} has unknown keys: {', '.join(sorted(unknown))}")
    return dict(section)


def local_neo4j_password() -> str | None:
    """The password of the project's local Neo4j server, if `orgraph neo4j start` made one."""
    path = CACHE_DIR / "neo4j" / "password"
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, config file, environment, then explicit overrides."""
    values: dict[str, object] = {}
    path = config_path()
    if path is not None:
        values.update(_from_file(path))
    for key, env in _ENV_KEYS.items():
        if os.environ.get(env):
            values[key] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "neo4j_password" not in values:
        local = local_neo4j_password()
        if local:
            values["neo4j_password"] = local
    return _validated(replace(Settings(), **_coerce(values)))

"""User-facing errors: one clear message naming what was wrong and where."""

from __future__ import annotations


class OrgraphError(Exception):
    """An error whose message is meant for the user, printed without a traceback."""


class DataFormatError(OrgraphError):
    """An input file does not have the EgoExOR layout that was expected."""


class UnknownNameError(DataFormatError):
    """A raw entity or relation name has no canonical mapping."""


class StoreError(OrgraphError):
    """The graph store could not be reached or refused an operation."""


class StoreUnreachable(StoreError):
    """The graph store's server did not answer (down, wrong address, network)."""


class ConfigError(OrgraphError):
    """A setting is missing or invalid."""


class Neo4jServerError(OrgraphError):
    """The project's local Neo4j server could not be set up, started or stopped."""

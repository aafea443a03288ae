"""The catalog of named workflow-mining queries; importing it registers them all."""

from __future__ import annotations

import importlib
import pkgutil

from orgraph.queries.catalog.registry import CATALOG, CatalogQuery, Param, get_query, run_query

__all__ = ["CATALOG", "CatalogQuery", "Param", "get_query", "run_query"]

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

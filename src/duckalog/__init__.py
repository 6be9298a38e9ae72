# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Duckalog: build DuckDB catalogs from declarative YAML or JSON configs, atomically.

    >>> import duckalog
    >>> catalog = duckalog.load_catalog("duckalog.yaml")      # doctest: +SKIP
    >>> duckalog.build(catalog)                              # doctest: +SKIP
    >>> con = duckalog.connect("catalog.duckdb")             # doctest: +SKIP
    >>> con.sql("SELECT * FROM orders")                      # doctest: +SKIP

Attributes are imported on first use, so ``import duckalog`` (and the CLI's
``--help``) stays fast and never loads duckdb until a build needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .builder import BuildResult, build
    from .config import Catalog, Config, load_catalog
    from .connection import connect
    from .errors import BuildError, ConfigError, DuckalogError, QueryError, SessionError
    from .sql import render
    from .statements import generate

    __version__: str

_LAZY: dict[str, tuple[str, str]] = {
    "build": (".builder", "build"),
    "BuildResult": (".builder", "BuildResult"),
    "load_catalog": (".config", "load_catalog"),
    "Catalog": (".config", "Catalog"),
    "Config": (".config", "Config"),
    "connect": (".connection", "connect"),
    "generate": (".statements", "generate"),
    "render": (".sql", "render"),
    "DuckalogError": (".errors", "DuckalogError"),
    "ConfigError": (".errors", "ConfigError"),
    "BuildError": (".errors", "BuildError"),
    "SessionError": (".errors", "SessionError"),
    "QueryError": (".errors", "QueryError"),
}

__all__ = [
    "BuildError",
    "BuildResult",
    "Catalog",
    "Config",
    "ConfigError",
    "DuckalogError",
    "QueryError",
    "SessionError",
    "__version__",
    "build",
    "connect",
    "generate",
    "load_catalog",
    "render",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("duckalog")
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module, __name__), attribute)
    raise AttributeError(f"module 'duckalog' has no attribute {name!r}")

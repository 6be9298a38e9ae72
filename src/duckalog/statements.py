# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every statement a build runs, in order.

1. the session (:mod:`duckalog.session`), with ``INSTALL`` after the settings
   that decide where extensions go: the ``setup`` phase, outside the transaction;
2. schemas, then views in dependency order (:mod:`duckalog.dependencies`),
   each with its comment;
3. the session, stored in the catalog for later connections.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from .config.model import EXTENSION_LOADING_SETTINGS, View, fold
from .config.resolved import Catalog, Located, Origin
from .dependencies import order_views
from .paths import relative_to, shown_path
from .session import folder_of, folder_variable, statements, steps, store
from .sql import (
    CATALOG,
    SETUP,
    Statement,
    quote_ident,
    quote_string,
    view_name,
    view_query,
)


def _describe(kind: str, name: str, origin: Origin, key: str = "") -> str:
    return f"{kind} {name} ({origin.file}: {origin.key}{key})"


def _view_key(view: View) -> str:
    """The key a view's failure is reported at: what it reads (and the SQL file, by name)."""
    if view.sql_file is not None:
        return f".sql_file: {shown_path(view.sql_file)}"
    if view.sql is not None:
        return ".sql"
    return ".uri" if view.uri is not None else ".table"


def portable_views(catalog: Catalog) -> Catalog:
    """A portable catalog's file views with paths under its folder made relative to it."""
    if not catalog.portable:
        return catalog
    folder = folder_of(catalog.database)
    views = []
    for located in catalog.views:
        view = located.item
        if view.uri is not None:
            relative = relative_to(view.uri, folder)
            if relative != view.uri:
                located = Located(dataclasses.replace(view, uri=relative), located.origin)
        views.append(located)
    return dataclasses.replace(catalog, views=tuple(views))


def generate(catalog: Catalog, building: Mapping[Path, Path] | None = None) -> list[Statement]:
    """Every statement that builds ``catalog``, in execution order.

    Views come in dependency order (read with DuckDB's parser when the catalog
    has ``sql`` views); raises :class:`~duckalog.errors.ConfigError` for a cycle.
    ``building`` maps the database of an attached catalog to the file the build
    attaches instead (its scratch copy); the stored session names the real one.
    """
    variable = folder_variable(catalog)
    catalog = portable_views(order_views(catalog))
    session = steps(catalog)
    result: list[Statement] = []
    setup = list(zip(session, statements(steps(catalog, building) if building else session)))
    # INSTALL comes after the settings that decide where extensions go, before any LOAD.
    loading = [
        statement
        for step, statement in setup
        if step.kind == "set" and step.name in EXTENSION_LOADING_SETTINGS
    ]
    result.extend(loading)
    for extension in catalog.install_extensions:
        result.append(
            Statement(
                f"INSTALL {quote_ident(extension.item)}",
                _describe("extension", extension.item, extension.origin),
                SETUP,
            )
        )
    result.extend(statement for _, statement in setup[len(loading) :])
    schemas: dict[str, str] = {}
    for located in catalog.views:
        schema = located.item.schema
        if schema and fold(schema) != "main":
            schemas.setdefault(fold(schema), schema)
    for schema in schemas.values():
        result.append(
            Statement(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}", f"schema {schema}")
        )
    for located in catalog.views:
        view = located.item
        name = view_name(view)
        subject = _describe("view", name, located.origin, _view_key(view))
        query = view_query(view, variable)
        result.append(Statement(f"CREATE VIEW {name} AS {query}", subject, CATALOG))
        if view.description is not None:
            result.append(
                Statement(f"COMMENT ON VIEW {name} IS {quote_string(view.description)}", subject)
            )
    result.extend(store(catalog, session))
    return result


def session_statements(catalog: Catalog) -> list[Statement]:
    """Only what another client must run after opening the built catalog (no INSTALL)."""
    return statements(steps(catalog))


__all__ = ["generate", "portable_views", "session_statements"]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The fully loaded catalog definition: imports merged, paths absolute, env resolved.

This is what SQL generation and the builder consume. Every item remembers
where it was declared (:class:`Origin`) so errors can point back at the file
and key path.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Generic, TypeVar, Union

from .model import (
    DuckDBAttachment,
    PostgresAttachment,
    Secret,
    SettingValue,
    SQLiteAttachment,
    View,
)

T = TypeVar("T")

Attachment = Union[DuckDBAttachment, SQLiteAttachment, PostgresAttachment]


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where something was declared: a config file and a key path in it."""

    file: Path
    key: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}"


@dataclasses.dataclass(frozen=True)
class Located(Generic[T]):
    """A config item together with its :class:`Origin`."""

    item: T
    origin: Origin


@dataclasses.dataclass(frozen=True)
class Catalog:
    """Everything needed to build one DuckDB catalog.

    ``install_extensions`` and ``load_extensions`` hold names, or for
    ``load_extensions`` also absolute paths of ``.duckdb_extension`` files.
    ``setting_origins`` says where each setting was (last) set.
    ``secret_references`` maps the origin of every credential value (secret
    parameter, postgres password, credential setting) to the form a catalog may
    store: its ``${env:NAME}`` template, or None when the value was written in
    the config and so may never be stored. ``ordered`` is True once ``views``
    are in dependency order (:func:`duckalog.dependencies.order_views`).
    """

    config_file: Path
    database: Path
    install_extensions: tuple[Located[str], ...] = ()
    load_extensions: tuple[Located[str], ...] = ()
    settings: dict[str, SettingValue] = dataclasses.field(default_factory=dict)
    setting_origins: dict[str, Origin] = dataclasses.field(default_factory=dict)
    secrets: tuple[Located[Secret], ...] = ()
    attachments: tuple[Located[Attachment], ...] = ()
    views: tuple[Located[View], ...] = ()
    #: Catalogs of other configs (``attachments.duckalog``), built before this one.
    children: tuple[Located[Child], ...] = ()
    portable: bool = False
    #: Values that must never be printed (secret parameters, passwords).
    secret_values: frozenset[str] = frozenset()
    secret_references: dict[Origin, str | None] = dataclasses.field(default_factory=dict)
    ordered: bool = False

    def with_database(self, database: Path) -> Catalog:
        """The same catalog, built into another file."""
        return dataclasses.replace(self, database=database)

    def setting_origin(self, name: str) -> Origin:
        """Where setting ``name`` was set (a generic origin for settings made in code)."""
        return self.setting_origins.get(name, Origin(self.config_file, f"duckdb.settings.{name}"))


@dataclasses.dataclass(frozen=True)
class Child:
    """The catalog of another config (``attachments.duckalog``), attached under ``alias``."""

    alias: str
    read_only: bool
    catalog: Catalog


def attached_catalogs(catalog: Catalog) -> list[Catalog]:
    """Every catalog ``catalog`` attaches, at any depth, each after those it attaches; once each.

    ``catalog`` itself is not included. Catalogs are the same when they build the
    same file.
    """
    found: dict[Path, Catalog] = {}

    def visit(parent: Catalog) -> None:
        for child in parent.children:
            nested = child.item.catalog
            if nested.database not in found:
                visit(nested)
                found.setdefault(nested.database, nested)

    visit(catalog)
    return list(found.values())

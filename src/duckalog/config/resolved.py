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
    """Everything needed to build one DuckDB catalog."""

    config_file: Path
    database: Path
    install_extensions: tuple[str, ...] = ()
    load_extensions: tuple[str, ...] = ()
    settings: dict[str, SettingValue] = dataclasses.field(default_factory=dict)
    secrets: tuple[Located[Secret], ...] = ()
    attachments: tuple[Located[Attachment], ...] = ()
    views: tuple[Located[View], ...] = ()
    #: Values that must never be printed (secret parameters, passwords).
    secret_values: frozenset[str] = frozenset()

    def with_database(self, database: Path) -> Catalog:
        """The same catalog, built into another file."""
        return dataclasses.replace(self, database=database)

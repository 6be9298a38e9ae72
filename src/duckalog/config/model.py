# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The config model: the single definition both validation and the JSON Schema come from.

Each class is one mapping in the config file; each field one key. Field types
are read at runtime (``typing.get_type_hints``) by :mod:`duckalog.config.validate`
and :mod:`duckalog.schema`; the ``spec()`` metadata carries what a type cannot
say (description, pattern, bounds, whether a value is a path or a secret).

This module deliberately has no ``from __future__ import annotations`` and uses
``typing.Optional``/``List``/``Dict``: the annotations are evaluated at runtime
on Python 3.9, where ``X | None`` does not exist.
"""

# spec() returns dataclasses.field(...): calling it in a default is the point.
# ruff: noqa: RUF009

import dataclasses
from typing import Any, ClassVar, Literal, Optional, Union

#: Names of DuckDB objects: any text without control characters. Quotes,
#: semicolons and comment markers are allowed; every name is quoted in SQL.
NAME_PATTERN = "^[^\\u0000-\\u001f\\u007f]+$"
NAME_MAX_LENGTH = 255
#: Keys that Duckalog writes as SQL keywords or option names.
KEYWORD_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
#: File name suffix of a DuckDB extension binary.
EXTENSION_SUFFIX = ".duckdb_extension"
#: An extension to LOAD: a name, or a path to an extension file.
EXTENSION_PATTERN = "^(?:[A-Za-z_][A-Za-z0-9_]*|[^\\u0000-\\u001f\\u007f]*\\.duckdb_extension)$"
#: Secret parameters that are configuration, not credentials, and may be shown.
PUBLIC_SECRET_PARAMETERS = frozenset(
    {
        "region",
        "endpoint",
        "url_style",
        "use_ssl",
        "account_name",
        "host",
        "port",
        "database",
        "dbname",
        "user",
    }
)
#: Words in a DuckDB setting's name that mark its value as a credential
#: (s3_secret_access_key, s3_session_token, azure_storage_connection_string ...).
CREDENTIAL_WORDS = (
    "secret",
    "password",
    "token",
    "access_key",
    "key_id",
    "connection_string",
    "credential",
)
#: DuckDB settings whose value is a directory (or, for file_search_path, a
#: comma-separated list of them): relative ones resolve like every other path.
PATH_SETTINGS = frozenset(
    {
        "extension_directory",
        "file_search_path",
        "home_directory",
        "secret_directory",
        "temp_directory",
    }
)
#: DuckDB settings that decide how extensions are found and loaded: applied before
#: INSTALL and LOAD; every other setting comes after the loads, so an extension's
#: own settings (sqlite_all_varchar) exist when they are set.
EXTENSION_LOADING_SETTINGS = frozenset(
    {
        "extension_directory",
        "autoinstall_known_extensions",
        "autoload_known_extensions",
        "autoinstall_extension_repository",
        "custom_extension_repository",
        "allow_community_extensions",
        "allow_extensions_metadata_mismatch",
        "home_directory",
    }
)
#: Schema of the tables a build stores the session in; views cannot use it.
SESSION_SCHEMA = "_duckalog"

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(name: str) -> str:
    """An identifier as DuckDB compares it: case-insensitive for ASCII letters only.

    ``Orders`` and ``orders`` are one name; ``ÄBC`` and ``äbc`` are two.
    """
    return name.translate(_ASCII_LOWER)


def is_credential_setting(name: str) -> bool:
    """Whether a DuckDB setting holds a credential (redacted, never stored in a catalog)."""
    folded = fold(name)
    return any(word in folded for word in CREDENTIAL_WORDS)


SettingValue = Union[bool, int, float, str]
#: Any JSON value (string, number, boolean, list, mapping), e.g. a CSV ``columns`` map.
OptionValue = Any

SOURCES = ("parquet", "csv", "json", "delta", "iceberg", "duckdb", "sqlite", "postgres")
FILE_SOURCES = ("parquet", "csv", "json")
#: Table formats: a folder of data files with a log or metadata, read by an extension.
TABLE_FORMAT_SOURCES = ("delta", "iceberg")
#: Sources that read ``uri`` with ``options``.
URI_SOURCES = FILE_SOURCES + TABLE_FORMAT_SOURCES
DATABASE_SOURCES = ("duckdb", "sqlite", "postgres")
Source = Literal["parquet", "csv", "json", "delta", "iceberg", "duckdb", "sqlite", "postgres"]
#: The DuckDB extension each table format needs; a build loads it without being asked.
SOURCE_EXTENSIONS = {"delta": "delta", "iceberg": "iceberg"}


def spec(
    description: str,
    *,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    pattern: Optional[str] = None,
    key_pattern: Optional[str] = None,
    min_length: Optional[int] = None,
    max_length: Optional[int] = None,
    minimum: Optional[int] = None,
    maximum: Optional[int] = None,
    const: Any = dataclasses.MISSING,
    path: bool = False,
    path_suffix: Optional[str] = None,
    secret: bool = False,
) -> Any:
    """Declare a config key: its description and the constraints its type cannot express.

    ``path`` marks a filesystem path resolved against the config file's folder;
    ``path_suffix`` marks a value that is such a path only when it ends with that
    suffix (otherwise it is a name); ``secret`` marks a value that is redacted
    from SQL listings, errors and logs and never stored in a catalog.
    """
    metadata: dict[str, Any] = {"description": description, "path": path, "secret": secret}
    if path_suffix is not None:
        metadata["path_suffix"] = path_suffix
    for key, value in (
        ("pattern", pattern),
        ("key_pattern", key_pattern),
        ("min_length", min_length),
        ("max_length", max_length),
        ("minimum", minimum),
        ("maximum", maximum),
    ):
        if value is not None:
            metadata[key] = value
    if const is not dataclasses.MISSING:
        metadata["const"] = const
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def name_spec(description: str, **kwargs: Any) -> Any:
    """A DuckDB object name (view, schema, alias, secret)."""
    return spec(
        description,
        pattern=NAME_PATTERN,
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        **kwargs,
    )


@dataclasses.dataclass(frozen=True)
class Secret:
    """A DuckDB secret (``CREATE SECRET``); every other key is a secret parameter."""

    #: Unknown keys are collected here instead of being rejected.
    __extra_keys__: ClassVar[str] = "parameters"

    type: str = spec("Secret type, e.g. s3, gcs, r2, azure, http.", pattern=KEYWORD_PATTERN)
    name: str = name_spec("Secret name.")
    provider: Optional[str] = spec(
        "Secret provider, e.g. config or credential_chain.",
        default=None,
        pattern=KEYWORD_PATTERN,
    )
    scope: Optional[str] = spec("URL prefix the secret applies to.", default=None)
    parameters: dict[str, SettingValue] = spec(
        "Secret parameters (key_id, secret, region, ...). Values are redacted in every"
        " listing, and stored in a catalog only as ${env:NAME} references, except region,"
        " endpoint, url_style, use_ssl, account_name, host, port, database, dbname and user.",
        default_factory=dict,
        key_pattern=KEYWORD_PATTERN,
        secret=True,
    )


@dataclasses.dataclass(frozen=True)
class DuckDB:
    """How the DuckDB connection that builds the catalog is set up."""

    database: Optional[str] = spec(
        "Catalog file to build (default catalog.duckdb beside the config).",
        default=None,
        path=True,
        min_length=1,
    )
    install_extensions: list[str] = spec(
        "Extensions to INSTALL (needs the extension repository).",
        default_factory=list,
        pattern=KEYWORD_PATTERN,
    )
    load_extensions: list[str] = spec(
        "Extensions to LOAD: a name, or a path to a .duckdb_extension file (relative to"
        " this config's folder).",
        default_factory=list,
        pattern=EXTENSION_PATTERN,
        path_suffix=EXTENSION_SUFFIX,
    )
    settings: dict[str, SettingValue] = spec(
        "DuckDB settings applied with SET, e.g. threads: 2. Relative directories in"
        " extension_directory, file_search_path, home_directory, secret_directory and"
        " temp_directory resolve against this config's folder.",
        default_factory=dict,
        key_pattern=KEYWORD_PATTERN,
    )
    secrets: list[Secret] = spec(
        "Secrets created before attachments and views.", default_factory=list
    )
    portable: bool = spec(
        "Store paths under the catalog's folder relative to it, so the folder can be"
        " copied or mounted elsewhere (duckalog.connect sets file_search_path).",
        default=False,
    )


@dataclasses.dataclass(frozen=True)
class DuckDBAttachment:
    """Another DuckDB database file, attached under an alias."""

    alias: str = name_spec("Name the database is attached as.")
    path: str = spec("Database file.", path=True, min_length=1)
    read_only: bool = spec("Attach read-only.", default=True)


@dataclasses.dataclass(frozen=True)
class SQLiteAttachment:
    """A SQLite database file, attached under an alias (sqlite extension)."""

    alias: str = name_spec("Name the database is attached as.")
    path: str = spec("Database file.", path=True, min_length=1)
    read_only: bool = spec("Attach read-only.", default=True)


@dataclasses.dataclass(frozen=True)
class PostgresAttachment:
    """A PostgreSQL database, attached under an alias (postgres extension)."""

    alias: str = name_spec("Name the database is attached as.")
    host: str = spec("Server host name.", min_length=1)
    database: str = spec("Database name.", min_length=1)
    user: str = spec("User name.", min_length=1)
    port: int = spec("Server port.", default=5432, minimum=1, maximum=65535)
    password: Optional[str] = spec(
        "Password; normally ${env:PGPASSWORD}. Redacted everywhere; a catalog stores only"
        " the ${env:NAME} reference.",
        default=None,
        secret=True,
    )
    read_only: bool = spec("Attach read-only.", default=True)


@dataclasses.dataclass(frozen=True)
class DuckalogAttachment:
    """Another Duckalog config: its catalog is built first, then attached under an alias."""

    alias: str = name_spec("Name the catalog is attached as; its views are alias.schema.view.")
    config: str = spec(
        "The other config file (relative to this config's folder). It is built with this"
        " one, all or nothing, and its session (attachments, extensions, settings,"
        " secrets) becomes part of this catalog's session.",
        path=True,
        min_length=1,
    )
    read_only: bool = spec("Attach read-only.", default=True)


@dataclasses.dataclass(frozen=True)
class Attachments:
    """Databases attached before views are created; views reference them by alias."""

    duckdb: list[DuckDBAttachment] = spec("DuckDB files.", default_factory=list)
    sqlite: list[SQLiteAttachment] = spec("SQLite files.", default_factory=list)
    postgres: list[PostgresAttachment] = spec("PostgreSQL databases.", default_factory=list)
    duckalog: list[DuckalogAttachment] = spec(
        "Catalogs of other Duckalog configs, built first.", default_factory=list
    )


@dataclasses.dataclass(frozen=True)
class View:
    """One view of the catalog: over files or a table format (uri), an attached table, or SQL."""

    #: JSON Schema rules across keys; :func:`duckalog.config.loader.check_view` enforces them.
    __schema_rules__: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {"required": [key], "not": {"anyOf": [{"required": [other]} for other in others]}}
            for key, others in (
                ("sql", ("source", "sql_file")),
                ("sql_file", ("source", "sql")),
                ("source", ("sql", "sql_file")),
            )
        ],
    }

    name: str = name_spec("View name.")
    schema: Optional[str] = name_spec("Schema the view is created in (default main).", default=None)
    source: Optional[Source] = spec("What the view reads; omit for an sql view.", default=None)
    uri: Optional[str] = spec(
        "File, glob or URL for parquet, csv and json views; the table's folder for delta;"
        " the table's folder or a metadata file for iceberg. Relative paths resolve"
        " against the config file's folder.",
        default=None,
        min_length=1,
        path=True,
    )
    database: Optional[str] = name_spec(
        "Attachment alias for duckdb, sqlite and postgres views.", default=None
    )
    table: Optional[str] = name_spec("Table in the attached database.", default=None)
    table_schema: Optional[str] = name_spec(
        "Schema of the table in the attached database (default main, or public for postgres).",
        default=None,
    )
    sql: Optional[str] = spec(
        "A single SELECT statement defining the view.", default=None, min_length=1
    )
    sql_file: Optional[str] = spec(
        "A file holding the view's single SELECT statement (instead of sql), relative to"
        " the config file's folder; read as UTF-8 when the config is loaded.",
        default=None,
        min_length=1,
        path=True,
    )
    options: dict[str, OptionValue] = spec(
        "Named parameters of read_parquet / read_csv / read_json / delta_scan /"
        " iceberg_scan, e.g. hive_partitioning: true or allow_moved_paths: true.",
        default_factory=dict,
        key_pattern=KEYWORD_PATTERN,
    )
    description: Optional[str] = spec("Stored as the view's comment.", default=None)
    tags: list[str] = spec("Free-form labels.", default_factory=list)


@dataclasses.dataclass(frozen=True)
class Config:
    """A Duckalog config file."""

    version: int = spec("Config format version.", default=1, const=1)
    duckdb: DuckDB = spec("DuckDB connection set-up.", default_factory=DuckDB)
    attachments: Attachments = spec("Attached databases.", default_factory=Attachments)
    imports: list[str] = spec(
        "Other config files merged into this one, relative to this file.",
        default_factory=list,
        path=True,
        min_length=1,
    )
    views: list[View] = spec("Views of the catalog.", default_factory=list)

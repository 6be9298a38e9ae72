# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""SQL text: quoting, literals and the statement for each kind of config item.

Every identifier goes through :func:`quote_ident` and every value through
:func:`literal`; nothing from a config is pasted into SQL unquoted, except the
body of an ``sql`` view, which is the user's own query (the builder checks it
is exactly one SELECT). Statements carry a redacted ``display`` form for
listings, so secret values never reach ``generate-sql`` output or logs.

Which statements a build runs, and in which order, is decided in
:mod:`duckalog.statements`; this module only writes each one.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from .config.model import (
    EXTENSION_SUFFIX,
    PUBLIC_SECRET_PARAMETERS,
    TABLE_FORMAT_SOURCES,
    PostgresAttachment,
    Secret,
    SettingValue,
    SQLiteAttachment,
    View,
    fold,
)
from .config.resolved import Attachment
from .paths import is_url

REDACTED = "***"
SETUP = "setup"
CATALOG = "catalog"

#: Schema of an attached table when the config does not name one.
DEFAULT_TABLE_SCHEMA = {"duckdb": "main", "sqlite": "main", "postgres": "public"}
READERS = {
    "parquet": "read_parquet",
    "csv": "read_csv",
    "json": "read_json",
    "delta": "delta_scan",
    "iceberg": "iceberg_scan",
}


def quote_ident(name: str) -> str:
    """Quote a DuckDB identifier: wrap in double quotes, double any inside."""
    if "\x00" in name:
        raise ValueError("identifier contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """``a.b.c`` with every part quoted."""
    return ".".join(quote_ident(part) for part in parts)


def quote_string(value: str) -> str:
    """A SQL string literal: wrap in single quotes, double any inside."""
    if "\x00" in value:
        raise ValueError("string contains a NUL character")
    return "'" + value.replace("'", "''") + "'"


def literal(value: Any) -> str:
    """A SQL literal for a config value: string, number, boolean, list or mapping."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite")
        return repr(value)
    if isinstance(value, str):
        return quote_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{quote_string(str(k))}: {literal(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} as SQL")


@dataclasses.dataclass(frozen=True)
class Statement:
    """One SQL statement, what it creates (for errors) and a listing-safe form."""

    sql: str
    subject: str
    phase: str = CATALOG
    display: str = ""

    @property
    def shown(self) -> str:
        """The statement as it may be printed (secrets replaced by ``***``)."""
        return self.display or self.sql


def _named_args(options: Mapping[str, Any]) -> str:
    return "".join(f", {quote_ident(name)} = {literal(value)}" for name, value in options.items())


def in_folder(path: str, variable: str) -> str:
    """SQL for ``path`` (relative) inside the folder held by DuckDB variable ``variable``.

    With the variable unset, ``path`` stays relative (to the current directory).
    """
    folder = f"getvariable({quote_string(variable)})"
    return f"coalesce({folder} || '/', '') || {quote_string(path)}"


def view_query(view: View, folder_variable: str | None = None) -> str:
    """The SELECT a view is defined by.

    ``folder_variable`` names the variable a portable catalog keeps its folder
    in: a ``delta`` or ``iceberg`` view's relative ``uri`` is read from there,
    as those readers do not look up relative paths in ``file_search_path``.
    """
    if view.sql is not None:
        return view.sql.strip().rstrip(";").rstrip()
    source = view.source or ""
    if source in READERS:
        uri = view.uri or ""
        relative = not os.path.isabs(uri) and not is_url(uri)
        if source in TABLE_FORMAT_SOURCES and folder_variable is not None and relative:
            location = in_folder(uri, folder_variable)
        else:
            location = literal(uri)
        arguments = location + _named_args(view.options)
        return f"SELECT * FROM {READERS[source]}({arguments})"  # noqa: S608 - all quoted
    database, table = view.database or "", view.table or ""
    schema = view.table_schema or DEFAULT_TABLE_SCHEMA[source]
    return f"SELECT * FROM {qualified(database, schema, table)}"  # noqa: S608 - all quoted


def view_name(view: View) -> str:
    """The quoted, schema-qualified name of a view."""
    return qualified(view.schema, view.name) if view.schema else quote_ident(view.name)


def set_setting(name: str, value: SettingValue, redact: bool = False) -> str:
    """``SET name = value``; ``redact`` hides the value (a credential setting)."""
    return f"SET {quote_ident(name)} = {literal(REDACTED if redact else value)}"


def set_variable(name: str, value: str) -> str:
    """``SET VARIABLE name = 'value'`` (read with ``getvariable('name')``)."""
    return f"SET VARIABLE {quote_ident(name)} = {quote_string(value)}"


def load_extension(extension: str) -> str:
    """``LOAD name``, or ``LOAD 'path'`` for a ``.duckdb_extension`` file."""
    if extension.endswith(EXTENSION_SUFFIX):
        return f"LOAD {quote_string(extension)}"
    return f"LOAD {quote_ident(extension)}"


def create_secret(secret: Secret, redact: bool) -> str:
    """``CREATE SECRET`` (temporary: it lives as long as the connection)."""
    params: list[tuple[str, Any]] = [("type", secret.type)]
    if secret.provider:
        params.append(("provider", secret.provider))
    if secret.scope:
        params.append(("scope", secret.scope))
    for name, value in secret.parameters.items():
        hidden = redact and fold(name) not in PUBLIC_SECRET_PARAMETERS
        params.append((name, REDACTED if hidden else value))
    body = ", ".join(f"{quote_ident(name)} {literal(value)}" for name, value in params)
    return f"CREATE SECRET {quote_ident(secret.name)} ({body})"


def _libpq_value(value: str) -> str:
    """A libpq connection-string value: single-quoted, backslash escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def attach(attachment: Attachment, redact: bool) -> str:
    """``ATTACH`` of a DuckDB file, a SQLite file or a PostgreSQL database."""
    options: list[str] = []
    if isinstance(attachment, PostgresAttachment):
        parts = {
            "host": attachment.host,
            "port": str(attachment.port),
            "dbname": attachment.database,
            "user": attachment.user,
        }
        if attachment.password is not None:
            parts["password"] = REDACTED if redact else attachment.password
        target = " ".join(f"{key}={_libpq_value(value)}" for key, value in parts.items())
        options.append("TYPE postgres")
    else:
        target = attachment.path
        if isinstance(attachment, SQLiteAttachment):
            options.append("TYPE sqlite")
    if attachment.read_only:
        options.append("READ_ONLY")
    suffix = f" ({', '.join(options)})" if options else ""
    return f"ATTACH {quote_string(target)} AS {quote_ident(attachment.alias)}{suffix}"


def ends_in_line_comment(text: str, connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``text`` ends inside a ``--`` comment, so a ``;`` after it would be swallowed.

    DuckDB's own parser decides (its tokenizer drops comments before 2.0):
    ``text;SELECT 0`` is two statements unless the ``;`` fell into a comment.
    ``--`` inside a string literal (a path like ``'/data/a--b.csv'``), a quoted
    identifier or a ``/* */`` comment is therefore never taken for one. Text
    the parser refuses counts as ending in a comment: the caller then puts the
    ``;`` on a line of its own, which is right either way.
    """
    try:
        return len(connection.extract_statements(f"{text};SELECT 0")) != 2
    except duckdb.ParserException:
        return True


def render(statements: Iterable[Statement]) -> str:
    """A listing of statements, each ending in ``;``, secrets redacted."""
    lines = []
    connection = duckdb.connect()  # in memory, only to parse
    try:
        for statement in statements:
            text = statement.shown
            # An sql view may end in a -- comment, which would swallow the semicolon.
            ending = "\n;\n" if ends_in_line_comment(text, connection) else ";\n"
            lines.append(text + ending)
    finally:
        connection.close()
    return "".join(lines)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""SQL generation: quoting, literals and the statements that build a catalog.

Every identifier goes through :func:`quote_ident` and every value through
:func:`literal`; nothing from a config is pasted into SQL unquoted, except the
body of an ``sql`` view, which is the user's own query (the builder checks it
is exactly one SELECT). Statements carry a redacted ``display`` form for
listings, so secret values never reach ``generate-sql`` output or logs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

from .config.loader import PUBLIC_SECRET_PARAMETERS
from .config.model import PostgresAttachment, Secret, SQLiteAttachment, View
from .config.resolved import Attachment, Catalog, Located

REDACTED = "***"
SETUP = "setup"
CATALOG = "catalog"

#: Schema of an attached table when the config does not name one.
DEFAULT_TABLE_SCHEMA = {"duckdb": "main", "sqlite": "main", "postgres": "public"}
READERS = {"parquet": "read_parquet", "csv": "read_csv", "json": "read_json"}


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


def view_query(view: View) -> str:
    """The SELECT a view is defined by."""
    if view.sql is not None:
        return view.sql.strip().rstrip(";").rstrip()
    source = view.source or ""
    if source in READERS:
        arguments = literal(view.uri) + _named_args(view.options)
        return f"SELECT * FROM {READERS[source]}({arguments})"  # noqa: S608 - all quoted
    database, table = view.database or "", view.table or ""
    schema = view.table_schema or DEFAULT_TABLE_SCHEMA[source]
    return f"SELECT * FROM {qualified(database, schema, table)}"  # noqa: S608 - all quoted


def view_name(view: View) -> str:
    """The quoted, schema-qualified name of a view."""
    return qualified(view.schema, view.name) if view.schema else quote_ident(view.name)


def _secret(secret: Secret, redact: bool) -> str:
    params: list[tuple[str, Any]] = [("type", secret.type)]
    if secret.provider:
        params.append(("provider", secret.provider))
    if secret.scope:
        params.append(("scope", secret.scope))
    for name, value in secret.parameters.items():
        hidden = redact and name.lower() not in PUBLIC_SECRET_PARAMETERS
        params.append((name, REDACTED if hidden else value))
    body = ", ".join(f"{quote_ident(name)} {literal(value)}" for name, value in params)
    return f"CREATE SECRET {quote_ident(secret.name)} ({body})"


def _libpq_value(value: str) -> str:
    """A libpq connection-string value: single-quoted, backslash escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _attach(attachment: Attachment, redact: bool) -> str:
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


def _describe(kind: str, name: str, located: Located[Any]) -> str:
    return f"{kind} {name} ({located.origin})"


def _schemas(views: Iterable[Located[View]]) -> dict[str, str]:
    """Schemas to create, first spelling wins (identifiers are case-insensitive)."""
    found: dict[str, str] = {}
    for located in views:
        schema = located.item.schema
        if schema and schema.lower() != "main":
            found.setdefault(schema.lower(), schema)
    return found


def generate(catalog: Catalog) -> list[Statement]:
    """Every statement that builds ``catalog``, in execution order."""
    statements: list[Statement] = []
    for name, value in catalog.settings.items():
        statements.append(
            Statement(f"SET {quote_ident(name)} = {literal(value)}", f"setting {name}", SETUP)
        )
    for name in catalog.install_extensions:
        statements.append(Statement(f"INSTALL {quote_ident(name)}", f"extension {name}", SETUP))
    for name in catalog.load_extensions:
        statements.append(Statement(f"LOAD {quote_ident(name)}", f"extension {name}", SETUP))
    for declared in catalog.secrets:
        secret = declared.item
        statements.append(
            Statement(
                _secret(secret, redact=False),
                _describe("secret", quote_ident(secret.name), declared),
                SETUP,
                _secret(secret, redact=True),
            )
        )
    for attached in catalog.attachments:
        attachment = attached.item
        statements.append(
            Statement(
                _attach(attachment, redact=False),
                _describe("attachment", quote_ident(attachment.alias), attached),
                SETUP,
                _attach(attachment, redact=True),
            )
        )
    for schema in _schemas(catalog.views).values():
        statements.append(
            Statement(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}", f"schema {schema}")
        )
    for located in catalog.views:
        view = located.item
        name = view_name(view)
        subject = _describe("view", name, located)
        statements.append(Statement(f"CREATE VIEW {name} AS {view_query(view)}", subject))
        if view.description is not None:
            statements.append(
                Statement(f"COMMENT ON VIEW {name} IS {quote_string(view.description)}", subject)
            )
    return statements


def render(statements: Iterable[Statement]) -> str:
    """A listing of statements, each ending in ``;``, secrets redacted."""
    lines = []
    for statement in statements:
        text = statement.shown
        # An sql view may end in a -- comment, which would swallow the semicolon.
        lines.append(f"{text}\n;\n" if "--" in text.rsplit("\n", 1)[-1] else f"{text};\n")
    return "".join(lines)

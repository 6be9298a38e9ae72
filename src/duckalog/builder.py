# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Atomic catalog builds.

The catalog is built in a fresh database file inside a private temporary folder
beside the target (same filesystem, and the same file name, so DuckDB gives
the database the same name as the final catalog). Only when every statement
succeeded is the file fsynced and moved over the target with ``os.replace``,
which is atomic: readers see the old catalog or the new one, never a mix. On
any failure the temporary folder is removed and the target is left as it was.
A target another process holds read-write is never replaced, and builds in one
folder run one at a time (:mod:`duckalog.guard`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config.resolved import Catalog
from .dependencies import Dependencies, analyse, attachment_users, order_views
from .errors import BuildError, ConfigError, ConfigErrors
from .extensions import with_hint
from .guard import build_lock, no_writers
from .redact import Redactor
from .sql import SETUP, Statement
from .statements import generate, portable_views
from .wording import plural

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("duckalog")


@dataclasses.dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    database: Path
    views: int
    statements: int
    seconds: float
    #: Lines saying which views need the session that duckalog.connect restores
    #: ("4 views use attachment pg: ..."); empty when a plain DuckDB client is enough.
    notes: tuple[str, ...] = ()


def check_sql_views(connection: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Every ``sql`` view must be exactly one SELECT (no smuggled second statement)."""
    errors: list[ConfigError] = []
    for located in catalog.views:
        sql = located.item.sql
        if sql is None:
            continue
        try:
            parsed = connection.extract_statements(sql)
        except Exception:  # noqa: S112 - a syntax error is reported when the view is built
            continue
        kinds = [str(statement.type).rsplit(".", 1)[-1] for statement in parsed]
        if kinds != ["SELECT"]:
            found = f"{len(kinds)} statements" if len(kinds) != 1 else f"a {kinds[0]} statement"
            errors.append(
                ConfigError(
                    f"must be a single SELECT statement, found {found}",
                    file=located.origin.file,
                    key=f"{located.origin.key}.sql",
                )
            )
    if errors:
        raise ConfigErrors(errors)


def prepare(
    catalog: Catalog, connection: duckdb.DuckDBPyConnection
) -> tuple[Catalog, Dependencies]:
    """The checks that need DuckDB's parser; ``catalog`` with views in creation order.

    Raises :class:`ConfigError` for an ``sql`` view that is not one SELECT, or
    for views that read each other in a cycle.
    """
    check_sql_views(connection, catalog)
    dependencies = analyse(catalog, connection)
    return order_views(catalog, dependencies=dependencies), dependencies


def validate_sql(catalog: Catalog) -> Catalog:
    """Run :func:`prepare` on an in-memory database; the catalog in creation order."""
    import duckdb

    connection = duckdb.connect(":memory:")
    try:
        return prepare(catalog, connection)[0]
    finally:
        connection.close()


OPEN_WITH = "open with duckalog.connect or duckalog query"


def session_notes(catalog: Catalog, dependencies: Dependencies) -> tuple[str, ...]:
    """Which views need more than the catalog file (``dependencies`` of ``catalog``)."""
    notes = []
    for alias, count in attachment_users(catalog, dependencies).items():
        verb = "uses" if count == 1 else "use"
        notes.append(f"{plural(count, 'view')} {verb} attachment {alias}: {OPEN_WITH}")
    if catalog.portable:
        moved = sum(
            a.item.uri != b.item.uri for a, b in zip(catalog.views, portable_views(catalog).views)
        )
        if moved:
            verb = "reads" if moved == 1 else "read"
            notes.append(
                f"{plural(moved, 'view')} {verb} files relative to the catalog's folder:"
                f" {OPEN_WITH} (other clients: SET file_search_path to that folder)"
            )
    needs = [
        plural(len(items), noun)
        for items, noun in (
            (catalog.secrets, "secret"),
            (catalog.load_extensions, "extension load"),
        )
        if items
    ]
    if needs and catalog.views:
        notes.append(f"views may need the session's {' and '.join(needs)}: {OPEN_WITH}")
    return tuple(notes)


def _execute(
    connection: duckdb.DuckDBPyConnection, statements: Sequence[Statement], redact: Redactor
) -> None:
    import duckdb

    debug = log.isEnabledFor(logging.DEBUG)
    for statement in statements:
        if debug:
            log.debug("%s", redact(statement.shown))
        try:
            connection.execute(statement.sql)
        except duckdb.Error as error:
            raise BuildError(with_hint(redact(str(error))), subject=statement.subject) from None


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:  # e.g. directories cannot be opened on Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build(catalog: Catalog, database: Path | None = None) -> BuildResult:
    """Build ``catalog`` into ``database`` (default: the config's), all or nothing.

    Raises :class:`ConfigError` (exit 2) for problems found before anything
    runs, :class:`BuildError` (exit 3) when DuckDB refuses a statement, when the
    target cannot be written, or when another process holds it read-write; the
    previous catalog is then left byte for byte as it was.
    """
    import duckdb

    started = time.perf_counter()
    target = Path(os.path.abspath(database or catalog.database))
    catalog = catalog.with_database(target)
    redact = Redactor(catalog.secret_values)
    subject = f"catalog {target}"
    if not target.parent.is_dir():
        raise BuildError(f"folder {target.parent} does not exist", subject=subject)
    log.info("building %s into %s", plural(len(catalog.views), "view"), target)
    try:
        with build_lock(target.parent):
            statements, notes = _build_in(catalog, target, redact, subject)
    except duckdb.Error as error:  # outside any one statement: connect, commit, close
        raise BuildError(redact(str(error)), subject=subject) from None
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise BuildError(f"{error.strerror}{where}", subject=subject) from None
    seconds = time.perf_counter() - started
    log.info("built %s in %.3f s", target, seconds)
    return BuildResult(target, len(catalog.views), statements, seconds, notes)


def _build_in(
    catalog: Catalog, target: Path, redact: Redactor, subject: str
) -> tuple[int, tuple[str, ...]]:
    """Build in a private folder beside ``target``, then replace it: (statements, notes)."""
    import duckdb

    try:
        workdir = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        )
    except OSError as error:
        raise BuildError(
            f"cannot write beside the catalog: {error.strerror}", subject=subject
        ) from None
    try:
        scratch = workdir / target.name
        connection = duckdb.connect(str(scratch))
        try:
            ordered, dependencies = prepare(catalog, connection)
            statements = generate(ordered)
            _execute(connection, [s for s in statements if s.phase == SETUP], redact)
            # One transaction for the catalog: one commit instead of one per view.
            connection.execute("BEGIN TRANSACTION")
            _execute(connection, [s for s in statements if s.phase != SETUP], redact)
            connection.execute("COMMIT")
        finally:
            connection.close()
        _fsync(scratch)
        with no_writers(target, subject):
            # A stale write-ahead log of the old catalog would be replayed into the new one.
            _remove(target.with_name(target.name + ".wal"))
            os.replace(scratch, target)
        _fsync(target.parent)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return len(statements), session_notes(catalog, dependencies)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


__all__ = [
    "BuildResult",
    "build",
    "check_sql_views",
    "prepare",
    "session_notes",
    "validate_sql",
]

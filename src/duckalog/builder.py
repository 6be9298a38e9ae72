# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Atomic catalog builds.

The catalog is built in a fresh database file inside a private temporary folder
beside the target (same filesystem, and the same file name, so DuckDB gives
the database the same name as the final catalog). Only when every statement
succeeded is the file fsynced and moved over the target with ``os.replace``,
which is atomic: readers see the old catalog or the new one, never a mix, and
two concurrent builds each replace the target with a complete catalog. On any
failure the temporary folder is removed and the target is never opened.
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
from .errors import BuildError, ConfigError, ConfigErrors
from .redact import Redactor
from .sql import SETUP, Statement, generate

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


def validate_sql(catalog: Catalog) -> None:
    """Run the checks that need DuckDB's parser, on an in-memory database."""
    import duckdb

    connection = duckdb.connect(":memory:")
    try:
        check_sql_views(connection, catalog)
    finally:
        connection.close()


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
            raise BuildError(redact(str(error)), subject=statement.subject) from None


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
    """Build ``catalog`` into ``database`` (default: the config's), all or nothing."""
    import duckdb

    started = time.perf_counter()
    target = Path(os.path.abspath(database or catalog.database))
    statements = generate(catalog)
    redact = Redactor(catalog.secret_values)
    subject = f"catalog {target}"
    if not target.parent.is_dir():
        raise BuildError(f"folder {target.parent} does not exist", subject=subject)
    log.info("building %d views into %s", len(catalog.views), target)
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
            check_sql_views(connection, catalog)
            _execute(connection, [s for s in statements if s.phase == SETUP], redact)
            # One transaction for the catalog: one commit instead of one per view.
            connection.execute("BEGIN TRANSACTION")
            _execute(connection, [s for s in statements if s.phase != SETUP], redact)
            connection.execute("COMMIT")
        finally:
            connection.close()
        _fsync(scratch)
        # A stale write-ahead log of the old catalog would be replayed into the new one.
        _remove(target.with_name(target.name + ".wal"))
        os.replace(scratch, target)
        _fsync(target.parent)
    except duckdb.Error as error:  # outside any one statement: connect, commit, close
        raise BuildError(redact(str(error)), subject=subject) from None
    except OSError as error:
        raise BuildError(f"{error.strerror}: {error.filename}", subject=subject) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - started
    log.info("built %s in %.3f s", target, seconds)
    return BuildResult(target, len(catalog.views), len(statements), seconds)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


__all__ = ["BuildResult", "build", "check_sql_views", "validate_sql"]

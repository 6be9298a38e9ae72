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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config.resolved import Catalog, attached_catalogs
from .dependencies import Dependencies, analyse, attachment_users, order_views
from .errors import BuildError, ConfigError, ConfigErrors
from .extensions import with_hint
from .guard import build_lock, no_writers
from .paths import shown_path
from .redact import Redactor
from .session import folder_variable, steps
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
    #: The catalogs of attachments.duckalog built with this one (at any depth), first to last.
    attached: tuple[BuildResult, ...] = ()


def check_sql_views(connection: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Every ``sql`` (or ``sql_file``) view must be exactly one SELECT (no smuggled second one)."""
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
            file = located.item.sql_file
            rule = f"a single SELECT statement, found {found}"
            errors.append(
                ConfigError(
                    f"{shown_path(file)} must hold {rule}" if file else f"must be {rule}",
                    file=located.origin.file,
                    key=f"{located.origin.key}.{'sql_file' if file else 'sql'}",
                )
            )
    if errors:
        raise ConfigErrors(errors)


def prepare(
    catalog: Catalog, connection: duckdb.DuckDBPyConnection, attached: bool = False
) -> tuple[Catalog, Dependencies]:
    """The checks that need DuckDB's parser; ``catalog`` with views in creation order.

    Raises :class:`ConfigError` for an ``sql`` view that is not one SELECT, for
    views that read each other in a cycle, for a view of an attached catalog
    that is missing, or (``attached``: the catalog is attached by another) that
    cannot be found from the other catalog's session.
    """
    check_sql_views(connection, catalog)
    dependencies = analyse(catalog, connection, attached)
    return order_views(catalog, dependencies=dependencies), dependencies


def validate_sql(catalog: Catalog) -> Catalog:
    """Run :func:`prepare` on an in-memory database; the catalog in creation order.

    The catalogs it attaches (``attachments.duckalog``) are checked too.
    """
    import duckdb

    connection = duckdb.connect(":memory:")
    try:
        for attached in attached_catalogs(catalog):
            prepare(attached, connection, attached=True)
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
        moved = [
            b.item
            for a, b in zip(catalog.views, portable_views(catalog).views)
            if a.item.uri != b.item.uri
        ]
        if moved:
            verb = "reads" if len(moved) == 1 else "read"
            variable = folder_variable(catalog)
            other = "SET file_search_path to that folder"
            if variable is not None:
                other += f", and SET VARIABLE {variable} to it for delta and iceberg views"
            notes.append(
                f"{plural(len(moved), 'view')} {verb} files relative to the catalog's folder:"
                f" {OPEN_WITH} (other clients: {other})"
            )
    session = steps(catalog)
    needs = [
        plural(count, noun)
        for count, noun in (
            (sum(step.kind == "secret" for step in session), "secret"),
            (sum(step.kind == "load" for step in session), "extension load"),
        )
        if count
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

    The catalogs it attaches (``attachments.duckalog``, at any depth) are built
    first, each in its own scratch file; only when every one of them and
    ``catalog`` itself succeeded are the files replaced, each atomically. Raises
    :class:`ConfigError` (exit 2) for problems found before anything runs,
    :class:`BuildError` (exit 3) when DuckDB refuses a statement, when a target
    cannot be written, or when another process holds one read-write; every
    previous catalog is then left byte for byte as it was.
    """
    import duckdb

    started = time.perf_counter()
    target = Path(os.path.abspath(database or catalog.database))
    catalog = catalog.with_database(target)
    redact = Redactor(catalog.secret_values)
    catalogs = [*attached_catalogs(catalog), catalog]
    for item in catalogs:
        folder = Path(os.path.abspath(item.database)).parent
        if not folder.is_dir():
            raise BuildError(f"folder {folder} does not exist", subject=_subject(item))
    log.info("building %s into %s", plural(len(catalog.views), "view"), target)
    try:
        with contextlib.ExitStack() as locks:
            folders = {Path(os.path.abspath(item.database)).parent for item in catalogs}
            for folder in sorted(folders):  # one order everywhere: no deadlock between builds
                locks.enter_context(build_lock(folder))
            results = _build_all(catalogs, redact)
    except duckdb.Error as error:  # outside any one statement: connect, commit, close
        raise BuildError(redact(str(error)), subject=_subject(catalog)) from None
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise BuildError(f"{error.strerror}{where}", subject=_subject(catalog)) from None
    seconds = time.perf_counter() - started
    log.info("built %s in %.3f s", target, seconds)
    attached = tuple(
        BuildResult(item.database, len(item.views), count, seconds, notes)
        for item, (count, notes) in zip(catalogs, results)
    )
    count, notes = results[-1]
    return BuildResult(target, len(catalog.views), count, seconds, notes, attached[:-1])


def _subject(catalog: Catalog) -> str:
    return f"catalog {os.path.abspath(catalog.database)}"


def _build_all(catalogs: Sequence[Catalog], redact: Redactor) -> list[tuple[int, tuple[str, ...]]]:
    """Build each catalog in a scratch file beside its target, then replace them all.

    A catalog attaches the scratch files of the catalogs built before it. Returns
    (statements, notes) of each.
    """
    workdirs: list[Path] = []
    try:
        scratches: dict[Path, Path] = {}
        results = []
        for item in catalogs:
            target = Path(os.path.abspath(item.database))
            try:
                workdir = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                )
            except OSError as error:
                raise BuildError(
                    f"cannot write beside the catalog: {error.strerror}", subject=_subject(item)
                ) from None
            workdirs.append(workdir)
            scratch = workdir / target.name
            attached = item is not catalogs[-1]
            results.append(_build_in(item, scratch, scratches, redact, attached))
            scratches[item.database] = scratch
        with contextlib.ExitStack() as holders:
            for item in catalogs:
                target = Path(os.path.abspath(item.database))
                holders.enter_context(no_writers(target, _subject(item)))
            for item in catalogs:
                target = Path(os.path.abspath(item.database))
                # A stale write-ahead log of the old catalog would be replayed into the new one.
                _remove(target.with_name(target.name + ".wal"))
                os.replace(scratches[item.database], target)
        for folder in {Path(os.path.abspath(item.database)).parent for item in catalogs}:
            _fsync(folder)
    finally:
        for workdir in workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def _build_in(
    catalog: Catalog,
    scratch: Path,
    building: Mapping[Path, Path],
    redact: Redactor,
    attached: bool,
) -> tuple[int, tuple[str, ...]]:
    """Build ``catalog`` into the new file ``scratch``: (statements, notes).

    ``building`` maps attached catalogs to their scratch files, attached instead;
    ``attached`` says ``catalog`` is one of them.
    """
    import duckdb

    connection = duckdb.connect(str(scratch))
    try:
        ordered, dependencies = prepare(catalog, connection, attached)
        statements = generate(ordered, building)
        _execute(connection, [s for s in statements if s.phase == SETUP], redact)
        # One transaction for the catalog: one commit instead of one per view.
        connection.execute("BEGIN TRANSACTION")
        _execute(connection, [s for s in statements if s.phase != SETUP], redact)
        connection.execute("COMMIT")
    finally:
        connection.close()
    _fsync(scratch)
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

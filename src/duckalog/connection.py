# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Open a built catalog with the session its views need (``duckalog.connect``).

The module is not named ``connect``: importing it would shadow the
``duckalog.connect`` function with the module.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import session
from .errors import ConfigError, SessionError
from .extensions import with_hint
from .guard import is_duckdb_file
from .redact import Redactor

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("duckalog")


def connect(
    source: os.PathLike[str] | str,
    *,
    read_only: bool = True,
    environ: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a catalog and restore its session; every view of it then works.

    ``source`` is the catalog file itself (a DuckDB database that
    ``duckalog build`` wrote) or the config it was built from. The catalog is
    opened with :func:`duckdb.connect` (``read_only`` as given), then its session
    is replayed in order: settings, extension loads, secrets, attachments
    (views are never rebuilt). From the catalog file, the session is the one
    the build stored in it, with credentials read from ``environ`` (default
    ``os.environ``) through the ``${env:NAME}`` references the config used;
    from a config, it is the config's current session.

    Returns the open connection; the caller closes it. Raises
    :class:`~duckalog.errors.ConfigError` (a missing source, an invalid config)
    or :class:`~duckalog.errors.SessionError` (the catalog cannot be opened, a
    credential is not stored or its variable is unset, DuckDB refuses a step);
    the connection is then closed and nothing is changed.
    """
    import duckdb

    path = Path(source)
    env = os.environ if environ is None else environ
    from_config = not is_duckdb_file(path)
    steps: Sequence[session.Step] = ()
    secrets: frozenset[str] = frozenset()
    if from_config:
        if not path.is_file():
            raise ConfigError("no such catalog or config file", file=path)
        from .config import load_catalog

        catalog = load_catalog(path, env)
        database = Path(os.path.abspath(catalog.database))
        steps, secrets = session.steps(catalog), catalog.secret_values
        if not is_duckdb_file(database):
            raise SessionError(
                f"{database} is not a built catalog: build it with `duckalog build {path}`"
            )
    else:
        database = Path(os.path.abspath(path))
    try:
        connection = duckdb.connect(str(database), read_only=read_only)
    except duckdb.Error as error:
        raise SessionError(f"{database}: {error}") from None
    try:
        if not from_config:
            rows = session.read(connection)
            if rows is None:
                log.debug("%s stores no session: nothing to restore", database)
                return connection
            steps, secrets = session.restore(rows, database, env)
        _replay(connection, steps, Redactor(secrets))
    except BaseException:
        connection.close()
        raise
    return connection


def _replay(
    connection: duckdb.DuckDBPyConnection, steps: Sequence[session.Step], redact: Redactor
) -> None:
    import duckdb

    debug = log.isEnabledFor(logging.DEBUG)
    for step in steps:
        if debug:
            log.debug("%s", redact(step.sql(True)))
        try:
            connection.execute(step.sql(False))
        except duckdb.Error as error:
            raise SessionError(with_hint(redact(str(error))), subject=step.subject) from None


__all__ = ["connect"]

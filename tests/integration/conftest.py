# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fixtures of the integration tests: DuckDB extensions offline and a real PostgreSQL.

``extension_directory``: the folder the PyPI packages ``duckdb-ext-*`` install
their binaries under (``site-packages/duckdb_ext/extensions``); setting DuckDB's
``extension_directory`` to it makes ``LOAD sqlite`` / ``LOAD postgres`` work
without network.

``postgres``: one PostgreSQL server for the session, started from the
PostgreSQL binaries found on PATH (or under /usr/lib/postgresql/*/bin), as an
unprivileged user when the tests run as root (initdb refuses root), listening
on 127.0.0.1 on a free port with its sockets in a private temporary folder.
It is always stopped: at the end of the session, and by the kernel
(PR_SET_PDEATHSIG) should the test process die. Without PostgreSQL binaries
the tests using it are skipped with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path. The tests import
# `services` from here and the library suite's `support` (the CLI run in-process, digests).
sys.path.insert(0, str(Path(__file__).parent))
sys.path.append(str(Path(__file__).parents[1] / "library"))

from services import PostgresServer, find_binary


@pytest.fixture(scope="session")
def extension_directory() -> Path:
    """Where duckdb-ext-* wheels put the extension binaries (the nox session installs them)."""
    try:
        import duckdb_ext  # type: ignore[import-not-found]
    except ImportError:
        pytest.fail("the duckdb-ext-* wheels are not installed: run `scripts/nox -s integration`")
    folder = Path(next(iter(duckdb_ext.__path__))) / "extensions"
    if not any(folder.glob("v*/*/*.duckdb_extension")):
        pytest.fail(f"no extension binaries under {folder}")
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A running PostgreSQL server for the whole test session (see the module docstring)."""
    binaries = {name: find_binary(name) for name in ("initdb", "postgres", "psql")}
    missing = sorted(name for name, path in binaries.items() if path is None)
    if missing:
        pytest.skip(f"no PostgreSQL here: {', '.join(missing)} not found on PATH")
    server = PostgresServer(
        str(binaries["initdb"]), str(binaries["postgres"]), str(binaries["psql"])
    )
    try:
        server.start()
        yield server
    finally:
        server.remove()

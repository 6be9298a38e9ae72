# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Real services for the integration tests: a throw-away PostgreSQL, DuckDB extension files.

The fixtures in ``conftest.py`` use these; tests import the helpers from here.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SUPERUSER = "postgres"
#: Upper bound for the server to start or stop; a healthy one needs well under a second.
STARTUP_LIMIT = 60.0


def extension_file(extension_directory: Path, name: str) -> Path:
    """The binary of one extension (``sqlite_scanner``, ``postgres_scanner``...)."""
    found = sorted(extension_directory.glob(f"v*/*/{name}.duckdb_extension"))
    if not found:
        pytest.fail(f"no {name}.duckdb_extension under {extension_directory}")
    return found[0]


def find_binary(name: str) -> str | None:
    """A PostgreSQL program on PATH or under /usr/lib/postgresql/*/bin; None if absent."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask the kernel to stop the server (immediate shutdown) when the test process dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGQUIT)


def quote_literal(value: str) -> str:
    """A PostgreSQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A PostgreSQL quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


class PostgresServer:
    """A throw-away PostgreSQL cluster: ``start``, ``stop``, ``psql``; superuser ``postgres``.

    Local (socket) connections are trusted; TCP connections on 127.0.0.1 need a
    password (scram-sha-256), so tests can prove a password really works.
    """

    host = "127.0.0.1"

    def __init__(self, initdb: str, postgres: str, psql: str) -> None:
        self.initdb, self.postgres_binary, self.psql_binary = initdb, postgres, psql
        self.user: str | None = None
        if os.geteuid() == 0:  # initdb refuses root: run the server as an unprivileged user
            for candidate in ("postgres", "nobody"):
                with contextlib.suppress(KeyError):
                    pwd.getpwnam(candidate)
                    self.user = candidate
                    break
        self.base = Path(tempfile.mkdtemp(prefix="duckalog-pg-"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.sockets.mkdir()
        self.log = self.base / "server.log"
        if self.user is not None:
            record = pwd.getpwnam(self.user)
            for path in (self.base, self.sockets):
                os.chown(path, record.pw_uid, record.pw_gid)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._run(
            [
                *(self.initdb, "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8", "--locale=C"),
                *("--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"),
            ]
        )

    def _run(self, argv: list[str], stdin: str | None = None) -> str:
        """Run a PostgreSQL client program as the server's user; its output, or RuntimeError."""
        done = subprocess.run(
            argv,
            input=stdin,
            user=self.user,
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=STARTUP_LIMIT,
            check=False,
        )
        if done.returncode != 0:
            name = Path(argv[0]).name
            raise RuntimeError(f"{name} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        """Start the server (on the same port after a stop) and wait until it accepts queries."""
        for _attempt in range(3):
            self.port = self.port or _free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [
                        *(self.postgres_binary, "-D", str(self.data), "-p", str(self.port)),
                        *("-h", self.host, "-k", str(self.sockets), "-c", "fsync=off"),
                    ],
                    user=self.user,
                    cwd=self.base,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            deadline = time.monotonic() + STARTUP_LIMIT
            while self.process.poll() is None and time.monotonic() < deadline:
                if self._ready():
                    return
                time.sleep(0.05)
            self.stop()
            self.port = 0  # the port may have been taken meanwhile: try another
        raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text(errors='replace')}")

    def _ready(self) -> bool:
        done = subprocess.run(
            [self.psql_binary, *self._connection("postgres"), "-c", "SELECT 1"],
            capture_output=True,
            timeout=STARTUP_LIMIT,
            check=False,
        )
        return done.returncode == 0

    def _connection(self, database: str) -> list[str]:
        return ["-h", str(self.sockets), "-p", str(self.port), "-U", SUPERUSER, "-d", database]

    def stop(self) -> None:
        """Fast shutdown; killed if it does not stop in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STARTUP_LIMIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser (over the socket); stop at the first error."""
        return self._run(
            [
                *(self.psql_binary, *self._connection(database), "-X", "-q", "-A", "-t"),
                *("-v", "ON_ERROR_STOP=1", "-f", "-"),
            ],
            stdin=sql,
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

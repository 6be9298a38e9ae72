# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Helpers shared by the library tests: run the installed ``duckalog``, inspect catalogs."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb

BIN = Path(sys.executable).parent
DUCKALOG = str(BIN / ("duckalog.exe" if os.name == "nt" else "duckalog"))


@dataclasses.dataclass
class Run:
    """Result of one ``duckalog`` invocation."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed console script in a subprocess."""
    environ = dict(os.environ)
    environ.update(env or {})
    done = subprocess.run(
        [DUCKALOG, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120
    )
    return Run(done.returncode, done.stdout, done.stderr)


def run_main(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the CLI's ``main`` in this process (fast), as the console script would be run.

    The working directory and environment are changed for the call and restored.
    """
    from duckalog.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    try:
        os.chdir(cwd)
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse: --help, usage errors
                code = exit.code if isinstance(exit.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Run(code, out.getvalue(), err.getvalue())


def write_parquet(path: Path, rows: int = 3) -> Path:
    """A small parquet file with columns id, label, amount."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    try:
        connection.execute(
            "COPY (SELECT i AS id, 'row ' || i AS label, i * 1.5 AS amount FROM range(?) t(i))"
            f" TO '{path.as_posix()}' (FORMAT parquet)",
            [rows],
        )
    finally:
        connection.close()
    return path


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` on a catalog opened read-only by plain DuckDB (no session)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def duckdb_file(path: Path, sql: str) -> Path:
    """A DuckDB database file at ``path`` holding what ``sql`` creates; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    try:
        connection.execute(sql)
    finally:
        connection.close()
    return path


def views_in(database: Path) -> dict[str, str]:
    """``{"schema.view": sql}`` of the user views in a catalog file."""
    rows = query(
        database, "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal"
    )
    return {f"{schema}.{name}": str(sql) for schema, name, sql in rows}


def digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """Every file and folder below ``folder``, relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))

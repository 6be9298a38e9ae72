# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Catalogs over a real PostgreSQL server, built and reopened through duckalog.connect."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from services import PostgresServer, quote_ident, quote_literal
from support import digest, listing, run_main

import duckalog
from duckalog.errors import SessionError

#: Quotes, spaces, a backslash and non-ASCII: everything libpq and SQL must escape.
PASSWORD = 'it\'s a "pass word" \\ with ünïcode'
SCHEMA = "Straße"
TABLE = "select"  # a reserved word


@pytest.fixture(scope="module")
def app(postgres: PostgresServer) -> PostgresServer:
    """Database ``app`` owned by ``reader`` (password PASSWORD) with a table and a view."""
    postgres.psql(
        f"CREATE ROLE reader LOGIN PASSWORD {quote_literal(PASSWORD)};"
        " CREATE DATABASE app OWNER reader;"
    )
    postgres.psql(
        f"SET ROLE reader;"
        f" CREATE SCHEMA {quote_ident(SCHEMA)};"
        f" CREATE TABLE {quote_ident(SCHEMA)}.{quote_ident(TABLE)} ("
        ' "order" integer PRIMARY KEY, "größe" numeric(12, 3), "ÄBC" text, day date, tags text[]);'
        f" INSERT INTO {quote_ident(SCHEMA)}.{quote_ident(TABLE)} VALUES"
        " (1, 1234.500, 'eins', '2024-02-29', ARRAY['a', 'b']),"
        " (2, -0.001, NULL, '1999-12-31', ARRAY[]::text[]),"
        " (3, 99999999.999, 'drei', NULL, ARRAY['ü', 'x y']);"
        f' CREATE VIEW public.big AS SELECT "order", "größe"'
        f' FROM {quote_ident(SCHEMA)}.{quote_ident(TABLE)} WHERE "größe" > 1;',
        database="app",
    )
    return postgres


def config_text(extension_directory: Path, password: str = "${env:T_PGPASSWORD}") -> str:
    return f"""\
duckdb:
  settings: {{extension_directory: "{extension_directory}", autoinstall_known_extensions: false}}
  load_extensions: [postgres]
  secrets:
    - {{type: postgres, name: pg_login, host: 127.0.0.1, port: "${{env:T_PGPORT}}",
       database: app, user: reader, password: "{password}"}}
attachments:
  postgres:
    - {{alias: pg, host: 127.0.0.1, port: "${{env:T_PGPORT}}", database: app, user: reader,
       password: "{password}"}}
views:
  - name: summary
    sql: 'SELECT count(*) AS n, sum("größe") AS total FROM "Ünïcode"."select"'
  - {{name: "select", schema: "Ünïcode", source: postgres, database: pg, table: "{TABLE}",
     table_schema: "{SCHEMA}"}}
  - {{name: big, source: postgres, database: pg, table: big}}
"""


@pytest.fixture
def env(app: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"T_PGPORT": str(app.port), "T_PGPASSWORD": PASSWORD}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def project(tmp_path: Path, extension_directory: Path, env: dict[str, str]) -> Iterator[Path]:
    (tmp_path / "duckalog.yaml").write_text(config_text(extension_directory), encoding="utf-8")
    yield tmp_path


def build(project: Path) -> None:
    run = run_main("build", "duckalog.yaml", cwd=project)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[1:] == [
        "3 views use attachment pg: open with duckalog.connect or duckalog query",
        "views may need the session's 1 secret and 1 extension load:"
        " open with duckalog.connect or duckalog query",
    ]


def test_build_and_reopen_with_the_session(project: Path) -> None:
    build(project)
    catalog = project / "catalog.duckdb"
    assert PASSWORD.encode() not in catalog.read_bytes()
    assert listing(project) == ["catalog.duckdb", "duckalog.yaml"]
    # A plain DuckDB session has no attachment: the reported failure.
    plain = duckdb.connect(str(catalog), read_only=True)
    with pytest.raises(duckdb.Error, match='Catalog "pg" does not exist'):
        plain.execute("SELECT * FROM big")
    plain.close()

    connection = duckalog.connect(catalog)
    try:
        rows = connection.execute(
            'SELECT "order", "größe", "ÄBC", day, tags FROM "Ünïcode"."select" ORDER BY 1'
        ).fetchall()
        summary = connection.execute("SELECT n, total FROM summary").fetchall()
        big = connection.execute('SELECT "order" FROM big ORDER BY 1').fetchall()
        # The secret was restored with the password from the environment: it logs in.
        connection.execute("ATTACH '' AS again (TYPE postgres, SECRET pg_login, READ_ONLY)")
        again = connection.execute("SELECT count(*) FROM again.public.big").fetchall()
    finally:
        connection.close()
    assert rows == [
        (1, decimal.Decimal("1234.500"), "eins", datetime.date(2024, 2, 29), ["a", "b"]),
        (2, decimal.Decimal("-0.001"), None, datetime.date(1999, 12, 31), []),
        (3, decimal.Decimal("99999999.999"), "drei", None, ["ü", "x y"]),
    ]
    assert summary == [(3, decimal.Decimal("100001234.498"))]
    assert big == [(1,), (3,)]
    assert again == [(2,)]


def test_query_command_over_postgres(project: Path) -> None:
    build(project)
    run = run_main(
        "query", "catalog.duckdb", "SELECT * FROM big ORDER BY 1", "--format", "csv", cwd=project
    )
    assert (run.code, run.stdout) == (0, "order,größe\n1,1234.500\n3,99999999.999\n"), run.stderr


def test_wrong_password_fails_and_leaves_the_catalog(project: Path) -> None:
    build(project)
    before = digest(project / "catalog.duckdb"), listing(project)
    wrong = "wrong 'pass' word"
    run = run_main("build", "duckalog.yaml", cwd=project, env={"T_PGPASSWORD": wrong})
    assert run.code == 3
    assert run.stderr.startswith(
        'duckalog: error: build failed at attachment "pg" (duckalog.yaml: attachments.postgres[0])'
    )
    assert "password authentication failed" in run.stderr
    assert wrong not in run.stderr and PASSWORD not in run.stderr
    assert (digest(project / "catalog.duckdb"), listing(project)) == before
    # Opening with the wrong password fails the same way, redacted.
    query = run_main(
        "query", "catalog.duckdb", "SELECT 1", cwd=project, env={"T_PGPASSWORD": wrong}
    )
    assert query.code == 3
    assert 'cannot open the catalog at attachment "pg"' in query.stderr
    assert wrong not in query.stderr


def test_stopped_server_fails_and_leaves_the_catalog(project: Path, app: PostgresServer) -> None:
    build(project)
    before = digest(project / "catalog.duckdb"), listing(project)
    app.stop()
    try:
        run = run_main("build", "duckalog.yaml", cwd=project)
        opened = run_main("query", "catalog.duckdb", "SELECT * FROM big", cwd=project)
    finally:
        app.start()
    assert run.code == 3
    assert run.stderr.startswith(
        'duckalog: error: build failed at attachment "pg" (duckalog.yaml: attachments.postgres[0])'
    )
    assert "Connection refused" in run.stderr
    assert PASSWORD not in run.stderr
    assert (digest(project / "catalog.duckdb"), listing(project)) == before
    assert opened.code == 3
    assert 'cannot open the catalog at attachment "pg"' in opened.stderr
    assert PASSWORD not in opened.stderr


def test_a_literal_password_is_never_stored(
    tmp_path: Path, extension_directory: Path, env: dict[str, str]
) -> None:
    text = config_text(
        extension_directory, password=PASSWORD.replace("\\", "\\\\").replace('"', '\\"')
    )
    (tmp_path / "duckalog.yaml").write_text(text, encoding="utf-8")
    build(tmp_path)
    catalog = tmp_path / "catalog.duckdb"
    assert PASSWORD.encode() not in catalog.read_bytes()
    with pytest.raises(SessionError) as caught:
        duckalog.connect(catalog)
    assert 'secret "pg_login" (duckalog.yaml: duckdb.secrets[0])' in str(caught.value)
    assert "password was written in the config" in str(caught.value)
    connection = duckalog.connect(tmp_path / "duckalog.yaml")
    try:
        assert connection.execute("SELECT count(*) FROM big").fetchone() == (2,)
    finally:
        connection.close()

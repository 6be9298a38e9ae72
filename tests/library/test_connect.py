# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""duckalog.connect: a catalog opened with its session, from the catalog alone or its config.

Everything here runs on DuckDB's core (attached DuckDB files, settings, the
built-in ``http`` secret type): no extension, no network. SQLite and PostgreSQL
attachments are covered by tests/integration.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from support import duckdb_file, listing, query, write_parquet

import duckalog
from duckalog.builder import build
from duckalog.config import load_catalog
from duckalog.errors import ConfigError, SessionError

TOKEN = 'tok en\'s "very" secret'


def make_reference(path: Path) -> Path:
    """A DuckDB file with crm.people (id, name)."""
    return duckdb_file(
        path,
        "CREATE SCHEMA crm; CREATE TABLE crm.people AS"
        " SELECT * FROM (VALUES (1, 'Ada'), (2, 'Grace')) t(id, name)",
    )


def project(folder: Path, text: str) -> Path:
    """A folder with data/orders.parquet, ref.duckdb and the config ``text``."""
    write_parquet(folder / "data" / "orders.parquet")
    make_reference(folder / "ref.duckdb")
    config = folder / "duckalog.yaml"
    config.write_text(text, encoding="utf-8")
    return config


SESSION = """\
duckdb:
  settings: {threads: 3, default_null_order: nulls_first_on_asc_last_on_desc}
  secrets:
    - {type: http, name: web, bearer_token: "${env:T_TOKEN}", scope: "https://example.invalid"}
attachments:
  duckdb: [{alias: ref, path: ref.duckdb}]
views:
  - {name: named_orders, sql: "SELECT o.id, p.name FROM orders o JOIN people p USING (id)"}
  - {name: people, source: duckdb, database: ref, table: people, table_schema: crm}
  - {name: orders, source: parquet, uri: data/orders.parquet}
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("T_TOKEN", TOKEN)
    return build(load_catalog(project(tmp_path, SESSION))).database


def test_a_plain_duckdb_client_cannot_use_views_over_attachments(catalog: Path) -> None:
    """Why connect exists: DuckDB does not keep ATTACH, so the view fails without it."""
    # duckdb 1.4: Catalog "ref" does not exist; 2.0: ... because schema "ref.crm" does not exist.
    with pytest.raises(duckdb.Error, match=r"(Catalog \"ref\"|schema \"ref\.crm\") does not exist"):
        query(catalog, "SELECT * FROM people")


@pytest.mark.parametrize("source", ["catalog", "config"])
def test_connect_restores_the_session(catalog: Path, source: str) -> None:
    opened = catalog if source == "catalog" else catalog.parent / "duckalog.yaml"
    connection = duckalog.connect(opened)
    try:
        rows = connection.execute("SELECT id, name FROM named_orders ORDER BY id").fetchall()
        threads = connection.execute("SELECT current_setting('threads')").fetchone()
        order = connection.execute("SELECT current_setting('default_null_order')").fetchone()
        secrets = connection.execute("SELECT name, type, scope FROM duckdb_secrets()").fetchall()
        with pytest.raises(duckdb.Error, match="read-only"):
            connection.execute("CREATE TABLE scratch AS SELECT 1")
    finally:
        connection.close()
    assert rows == [(1, "Ada"), (2, "Grace")]
    assert threads == (3,)
    assert order == ("NULLS_FIRST_ON_ASC_LAST_ON_DESC",)
    assert secrets == [("web", "http", ["https://example.invalid"])]


def test_the_catalog_stores_the_session_but_never_a_secret_value(catalog: Path) -> None:
    rows = query(
        catalog,
        "SELECT position, kind, name, definition, not_stored, origin"
        " FROM _duckalog.session ORDER BY position",
    )
    assert [(r[1], r[2]) for r in rows] == [
        ("set", "threads"),
        ("set", "default_null_order"),
        ("secret", "web"),
        ("attach", "ref"),
    ]
    assert json.loads(str(rows[2][3])) == {
        "type": "http",
        "name": "web",
        "scope": "https://example.invalid",
        "bearer_token": "${env:T_TOKEN}",
    }
    assert json.loads(str(rows[3][3])) == {
        "type": "duckdb",
        "alias": "ref",
        "path": str(catalog.parent / "ref.duckdb"),
        "read_only": True,
    }
    assert rows[3][5] == "duckalog.yaml: attachments.duckdb[0]"
    assert query(catalog, "SELECT key, value FROM _duckalog.info ORDER BY key") == [
        ("format", "1"),
        ("portable", "false"),
    ]
    for text in (TOKEN, "very"):
        assert text.encode() not in catalog.read_bytes()


def test_a_secret_comes_from_the_environment_when_the_catalog_is_opened(catalog: Path) -> None:
    """The variable is read when the catalog is opened (tests/integration checks the value
    really reaches the server; DuckDB never shows a secret's value)."""
    connection = duckalog.connect(catalog, environ={"T_TOKEN": "another-token"})
    try:
        assert connection.execute("SELECT name FROM duckdb_secrets()").fetchall() == [("web",)]
    finally:
        connection.close()
    with pytest.raises(SessionError) as caught:
        duckalog.connect(catalog, environ={})
    assert str(caught.value) == (
        'cannot open the catalog at secret "web" (duckalog.yaml: duckdb.secrets[0]):'
        " bearer_token: environment variable T_TOKEN is not set (and has no default)"
    )


def test_a_literal_secret_is_not_stored_and_opening_the_catalog_alone_names_it(
    tmp_path: Path,
) -> None:
    text = SESSION.replace('"${env:T_TOKEN}"', "written-in-the-config")
    config = project(tmp_path, text)
    target = build(load_catalog(config)).database
    assert b"written-in-the-config" not in target.read_bytes()
    with pytest.raises(SessionError) as caught:
        duckalog.connect(target)
    message = str(caught.value)
    assert 'secret "web" (duckalog.yaml: duckdb.secrets[0])' in message
    assert "bearer_token was written in the config" in message
    assert "duckalog.connect(CONFIG)" in message
    connection = duckalog.connect(config)  # the config has the value
    try:
        assert connection.execute("SELECT count(*) FROM named_orders").fetchone() == (2,)
    finally:
        connection.close()


def test_a_default_is_part_of_the_value_and_is_not_stored(tmp_path: Path) -> None:
    text = SESSION.replace("${env:T_TOKEN}", "${env:T_UNSET_TOKEN:-fallback-secret}")
    target = build(load_catalog(project(tmp_path, text), {})).database
    assert b"fallback-secret" not in target.read_bytes()
    with pytest.raises(SessionError, match="bearer_token was written in the config"):
        duckalog.connect(target)


def test_read_write_connection(catalog: Path) -> None:
    connection = duckalog.connect(catalog, read_only=False)
    try:
        connection.execute("CREATE TABLE notes AS SELECT 'kept' AS note")
        assert connection.execute("SELECT count(*) FROM people").fetchone() == (2,)
    finally:
        connection.close()
    assert query(catalog, "SELECT note FROM notes") == [("kept",)]


def test_a_catalog_without_a_session_opens_as_plain_duckdb(tmp_path: Path) -> None:
    config = project(
        tmp_path, "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n"
    )
    target = build(load_catalog(config)).database
    assert query(target, "SELECT count(*) FROM duckdb_tables()") == [(0,)]  # nothing stored
    connection = duckalog.connect(target)
    try:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (3,)
    finally:
        connection.close()


def test_a_catalog_of_a_newer_format_is_refused(catalog: Path) -> None:
    connection = duckdb.connect(str(catalog))
    connection.execute("UPDATE _duckalog.info SET value = '99' WHERE key = 'format'")
    connection.close()
    with pytest.raises(SessionError, match="format 99, this duckalog reads format 1"):
        duckalog.connect(catalog)


def test_a_failing_step_closes_the_connection_and_names_the_step(catalog: Path) -> None:
    (catalog.parent / "ref.duckdb").unlink()
    with pytest.raises(SessionError) as caught:
        duckalog.connect(catalog)
    assert 'at attachment "ref" (duckalog.yaml: attachments.duckdb[0])' in str(caught.value)
    # Nothing holds the catalog: it can be opened read-write at once.
    duckdb.connect(str(catalog)).close()


def test_sources_that_are_not_catalogs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such catalog or config file"):
        duckalog.connect(tmp_path / "nope.duckdb")
    config = project(
        tmp_path, "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n"
    )
    with pytest.raises(SessionError, match="is not a built catalog: build it with"):
        duckalog.connect(config)  # not built yet
    assert not (tmp_path / "catalog.duckdb").exists()


PORTABLE = """\
duckdb: {portable: true}
attachments:
  duckdb: [{alias: ref, path: db/ref.duckdb}]
views:
  - {name: orders, source: parquet, uri: data/orders.parquet}
  - {name: all_orders, source: parquet, uri: "data/*.parquet", options: {union_by_name: true}}
  - {name: people, source: duckdb, database: ref, table: people, table_schema: crm}
  - {name: report, sql: "SELECT count(*) AS n FROM all_orders, people"}
"""


def test_a_portable_catalog_works_after_its_folder_moves(tmp_path: Path) -> None:
    original = tmp_path / "original"
    write_parquet(original / "data" / "orders.parquet")
    (original / "db").mkdir()
    make_reference(original / "db" / "ref.duckdb")
    (original / "duckalog.yaml").write_text(PORTABLE, encoding="utf-8")
    result = build(load_catalog(original / "duckalog.yaml"))
    assert "read files relative to the catalog's folder" in "\n".join(result.notes)
    uris = query(result.database, "SELECT sql FROM duckdb_views() WHERE view_name = 'orders'")
    assert "read_parquet('data/orders.parquet')" in str(uris[0][0])
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(original, moved)
    shutil.rmtree(original)
    connection = duckalog.connect(moved / "catalog.duckdb")
    try:
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            for name in ("orders", "all_orders", "people", "report")
        }
        search_path = connection.execute("SELECT current_setting('file_search_path')").fetchone()
    finally:
        connection.close()
    assert counts == {"orders": (3,), "all_orders": (3,), "people": (2,), "report": (1,)}
    assert search_path == (str(moved),)
    assert listing(moved) == [
        "catalog.duckdb",
        "data",
        "data/orders.parquet",
        "db",
        "db/ref.duckdb",
        "duckalog.yaml",
    ]


def test_generate_sql_session_prints_only_what_another_client_runs(catalog: Path) -> None:
    from support import run_main

    run = run_main("generate-sql", "--session", "duckalog.yaml", cwd=catalog.parent)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        'SET "threads" = 3;',
        "SET \"default_null_order\" = 'nulls_first_on_asc_last_on_desc';",
        'CREATE SECRET "web" ("type" \'http\', "scope" \'https://example.invalid\','
        " \"bearer_token\" '***');",
        f"ATTACH '{catalog.parent / 'ref.duckdb'}' AS \"ref\" (READ_ONLY);",
    ]
    # ... and those statements, run by plain DuckDB after opening the catalog, work.
    connection = duckdb.connect(str(catalog), read_only=True)
    try:
        for line in run.stdout.splitlines():
            connection.execute(line.replace("'***'", "'x'"))
        assert connection.execute("SELECT count(*) FROM named_orders").fetchone() == (2,)
    finally:
        connection.close()

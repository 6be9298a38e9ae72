# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Atomic builds: all or nothing, previous catalog untouched, no leftovers, concurrency-safe."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from support import digest, duckdb_file, listing, views_in, write_parquet

from duckalog.builder import build
from duckalog.config import load_catalog
from duckalog.errors import BuildError, ConfigError

GOOD = """\
duckdb: {database: catalog.duckdb}
views:
  - {name: orders, schema: sales, source: parquet, uri: data/orders.parquet}
  - {name: total, sql: "SELECT sum(amount) AS total FROM sales.orders", description: Sum}
"""


def make(tmp_path: Path, text: str = GOOD) -> Path:
    write_parquet(tmp_path / "data" / "orders.parquet")
    config = tmp_path / "duckalog.yaml"
    config.write_text(text, encoding="utf-8")
    return config


def test_build_creates_the_views(tmp_path: Path) -> None:
    config = make(tmp_path)
    result = build(load_catalog(config))
    assert result.database == tmp_path / "catalog.duckdb"
    assert result.views == 2
    views = views_in(result.database)
    assert set(views) == {"sales.orders", "main.total"}
    connection = duckdb.connect(str(result.database), read_only=True)
    try:
        assert connection.execute("SELECT total FROM total").fetchone() == (4.5,)
    finally:
        connection.close()
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_rebuild_gives_the_same_views(tmp_path: Path) -> None:
    config = make(tmp_path)
    first = views_in(build(load_catalog(config)).database)
    second = views_in(build(load_catalog(config)).database)
    assert first == second


def test_failure_leaves_previous_catalog_byte_identical(tmp_path: Path) -> None:
    config = make(tmp_path)
    target = build(load_catalog(config)).database
    before = digest(target)
    broken = GOOD + "  - {name: ghost, source: parquet, uri: data/missing.parquet}\n"
    config.write_text(broken, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(load_catalog(config))
    message = str(caught.value)
    assert 'view "ghost"' in message
    assert "duckalog.yaml: views[2]" in message
    assert "missing.parquet" in message
    assert digest(target) == before
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_failure_without_previous_catalog_leaves_nothing(tmp_path: Path) -> None:
    config = make(tmp_path, GOOD + "  - {name: bad, sql: SELECT * FROM no_such_table}\n")
    with pytest.raises(BuildError, match='view "bad"'):
        build(load_catalog(config))
    assert listing(tmp_path) == ["data", "data/orders.parquet", "duckalog.yaml"]


def test_smuggled_statement_in_sql_view_is_rejected_before_anything_runs(tmp_path: Path) -> None:
    config = make(tmp_path, "views: [{name: v, sql: 'SELECT 1; CREATE TABLE pwned AS SELECT 1'}]\n")
    with pytest.raises(ConfigError, match=r"views\[0\].sql: must be a single SELECT statement"):
        build(load_catalog(config))
    assert not (tmp_path / "catalog.duckdb").exists()


def test_stale_wal_of_the_old_catalog_is_not_replayed(tmp_path: Path) -> None:
    config = make(tmp_path)
    target = build(load_catalog(config)).database
    (tmp_path / "catalog.duckdb.wal").write_bytes(b"garbage from a crashed writer")
    build(load_catalog(config))
    assert not (tmp_path / "catalog.duckdb.wal").exists()
    assert set(views_in(target)) == {"sales.orders", "main.total"}


def test_missing_target_folder_is_a_build_error(tmp_path: Path) -> None:
    config = make(tmp_path)
    with pytest.raises(BuildError, match="does not exist"):
        build(load_catalog(config), tmp_path / "nope" / "catalog.duckdb")


def test_views_over_an_attached_duckdb_file(tmp_path: Path) -> None:
    reference = duckdb_file(
        tmp_path / "ref.duckdb",
        "CREATE SCHEMA crm; CREATE TABLE crm.people AS SELECT 1 AS id, 'Ada' AS name",
    )
    before = digest(reference)
    config = make(
        tmp_path,
        "attachments: {duckdb: [{alias: ref, path: ref.duckdb}]}\n"
        "views: [{name: people, source: duckdb, database: ref, table: people,"
        " table_schema: crm}]\n",
    )
    target = build(load_catalog(config)).database
    assert digest(reference) == before  # attached read-only
    connection = duckdb.connect(str(target), read_only=True)
    try:
        connection.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        assert connection.execute("SELECT name FROM people").fetchall() == [("Ada",)]
    finally:
        connection.close()


CONCURRENT_BUILDER = textwrap.dedent(
    """
    import sys
    from duckalog.builder import build
    from duckalog.config import load_catalog
    for _ in range(int(sys.argv[2])):
        build(load_catalog(sys.argv[1]))
    """
)


def test_two_concurrent_builds_of_one_target(tmp_path: Path) -> None:
    """Two real processes rebuild the same catalog repeatedly; it always ends complete."""
    views = "".join(
        f"  - {{name: v{i}, source: parquet, uri: data/orders.parquet}}\n" for i in range(30)
    )
    config = make(tmp_path, "views:\n" + views)
    workers = [
        subprocess.Popen([sys.executable, "-c", CONCURRENT_BUILDER, str(config), "4"])
        for _ in range(2)
    ]
    codes = [worker.wait(timeout=120) for worker in workers]
    assert codes == [0, 0]
    assert set(views_in(tmp_path / "catalog.duckdb")) == {f"main.v{i}" for i in range(30)}
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_csv_and_json_views_with_reader_options(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "people.csv").write_text("id;name\n1;Ada\n2;Grace\n", encoding="utf-8")
    (tmp_path / "data" / "events.json").write_text(
        '[{"id": 1, "kind": "start"}, {"id": 2, "kind": "stop"}]', encoding="utf-8"
    )
    config = tmp_path / "duckalog.yaml"
    config.write_text(
        "views:\n"
        "  - {name: people, source: csv, uri: data/people.csv,"
        " options: {delim: ';', header: true, columns: {id: INTEGER, name: VARCHAR}}}\n"
        "  - {name: events, source: json, uri: data/events.json, options: {format: array}}\n",
        encoding="utf-8",
    )
    target = build(load_catalog(config)).database
    connection = duckdb.connect(str(target), read_only=True)
    try:
        names = connection.execute("SELECT name FROM people ORDER BY id").fetchall()
        assert names == [("Ada",), ("Grace",)]
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (2,)
    finally:
        connection.close()

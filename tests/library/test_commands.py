# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The CLI's behaviour, run in this process (``duckalog.cli.main``): query, validate, build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import duckdb_file, run_main, write_parquet

CONFIG = '''\
attachments:
  duckdb: [{alias: ref, path: ref.duckdb}]
views:
  - {name: orders, source: parquet, uri: data/orders.parquet}
  - {name: people, source: duckdb, database: ref, table: people}
  - name: odd
    sql: >-
      SELECT 1.50::DECIMAL(4, 2) AS "price, ""net""", DATE '2024-02-29' AS day,
      [1, 2] AS list, NULL AS nothing, 'Zoë' AS name
'''


@pytest.fixture
def built(tmp_path: Path) -> Path:
    write_parquet(tmp_path / "data" / "orders.parquet")
    duckdb_file(tmp_path / "ref.duckdb", "CREATE TABLE people AS SELECT 7 AS id, 'Ada' AS name")
    (tmp_path / "duckalog.yaml").write_text(CONFIG, encoding="utf-8")
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    return tmp_path


def test_build_says_which_views_need_the_session(built: Path) -> None:
    run = run_main("build", "duckalog.yaml", cwd=built)
    assert run.stdout.splitlines()[1:] == [
        "1 view uses attachment ref: open with duckalog.connect or duckalog query"
    ]
    assert run_main("build", "-q", "duckalog.yaml", cwd=built).stdout == ""


@pytest.mark.parametrize("source", ["catalog.duckdb", "duckalog.yaml"])
def test_query_a_view_over_an_attachment(built: Path, source: str) -> None:
    run = run_main("query", source, "SELECT id, name FROM people", cwd=built)
    assert run.code == 0, run.stderr
    assert "Ada" in run.stdout and "7" in run.stdout
    assert run.stderr == ""


def test_query_as_csv_uses_duckdbs_text_of_each_value(built: Path) -> None:
    run = run_main("query", "catalog.duckdb", "SELECT * FROM odd", "--format", "csv", cwd=built)
    assert run.code == 0, run.stderr
    assert run.stdout == ('"price, ""net""",day,list,nothing,name\n1.50,2024-02-29,"[1, 2]",,Zoë\n')


def test_query_as_json_keeps_numbers_and_lists(built: Path) -> None:
    run = run_main("query", "catalog.duckdb", "SELECT * FROM odd", "--format", "json", cwd=built)
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == [
        {'price, "net"': 1.5, "day": "2024-02-29", "list": [1, 2], "nothing": None, "name": "Zoë"}
    ]
    run = run_main(
        "query",
        "catalog.duckdb",
        "SELECT 1 AS row, 2 AS row_ WHERE false",
        "--format",
        "json",
        cwd=built,
    )
    assert (run.code, run.stdout) == (0, "[]\n")
    run = run_main(
        "query",
        "catalog.duckdb",
        "SELECT id AS row FROM orders ORDER BY id",
        "--format",
        "json",
        cwd=built,
    )
    assert json.loads(run.stdout) == [{"row": 0}, {"row": 1}, {"row": 2}]


def test_a_failing_query_is_one_error_block(built: Path) -> None:
    run = run_main("query", "catalog.duckdb", "SELECT * FROM peeple", cwd=built)
    assert run.code == 3
    lines = run.stderr.splitlines()
    assert lines[0] == (
        "duckalog: error: query failed: Catalog Error: Table with name peeple does not exist!"
    )
    assert len(lines) > 1 and all(line.startswith("    ") and line.strip() for line in lines[1:])
    assert run.stdout == ""


def test_query_needs_a_catalog_or_config(tmp_path: Path) -> None:
    run = run_main("query", "missing.duckdb", "SELECT 1", cwd=tmp_path)
    assert (run.code, run.stderr) == (
        2,
        "duckalog: error: missing.duckdb: no such catalog or config file\n",
    )


def test_validate_check_files(tmp_path: Path) -> None:
    write_parquet(tmp_path / "data" / "a.parquet")
    (tmp_path / "duckalog.yaml").write_text(
        "duckdb: {load_extensions: [json, ext/none.duckdb_extension]}\n"
        "attachments:\n"
        "  duckdb: [{alias: r, path: r.duckdb}, {alias: w, path: new.duckdb, read_only: false}]\n"
        "views:\n"
        "  - {name: a, source: parquet, uri: data/a.parquet}\n"
        "  - {name: b, source: parquet, uri: 'data/**/*.parquet'}\n"
        "  - {name: c, source: csv, uri: data/missing.csv}\n"
        "  - {name: d, source: parquet, uri: 'nowhere/*.parquet'}\n"
        "  - {name: e, source: json, uri: 'https://example.invalid/e.json'}\n",
        encoding="utf-8",
    )
    plain = run_main("validate", "duckalog.yaml", cwd=tmp_path)
    assert (plain.code, plain.stdout) == (0, "duckalog.yaml: valid (5 views)\n")
    run = run_main("validate", "--check-files", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"duckalog: error: duckalog.yaml: views[2].uri: no local file matches"
        f" {tmp_path / 'data' / 'missing.csv'}",
        f"duckalog: error: duckalog.yaml: views[3].uri: no local file matches"
        f" {tmp_path / 'nowhere' / '*.parquet'}",
        f"duckalog: error: duckalog.yaml: attachments.duckdb[0].path: no such database file:"
        f" {tmp_path / 'r.duckdb'}",
        f"duckalog: error: duckalog.yaml: duckdb.load_extensions[1]: no such extension file:"
        f" {tmp_path / 'ext' / 'none.duckdb_extension'}",
    ]


def test_help_lists_the_query_command_and_its_formats(tmp_path: Path) -> None:
    run = run_main("query", "--help", cwd=tmp_path)
    assert run.code == 0
    assert "--format {table,csv,json}" in run.stdout

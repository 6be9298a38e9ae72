# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Catalogs over real SQLite files, with the sqlite extension loaded offline."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest
from services import extension_file
from support import listing, run_main

import duckalog


def make_sqlite(path: Path) -> Path:
    """A SQLite file whose column "Größe" holds an integer, a real and text (SQLite allows it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute('CREATE TABLE "Größe" ("order" INTEGER, "Größe" INTEGER, "ÄBC" TEXT)')
    connection.executemany(
        'INSERT INTO "Größe" VALUES (?, ?, ?)', [(1, 10, "x"), (2, 2.5, "y"), (3, "groß", None)]
    )
    connection.commit()
    connection.close()
    return path


def write_config(folder: Path, text: str) -> Path:
    make_sqlite(folder / "data" / "legacy.db")
    config = folder / "duckalog.yaml"
    config.write_text(text, encoding="utf-8")
    return config


VIEWS = """\
attachments:
  sqlite: [{alias: legacy, path: data/legacy.db}]
views:
  - {name: sizes, source: sqlite, database: legacy, table: "Größe"}
  - {name: "order", sql: 'SELECT "order", "Größe" FROM sizes ORDER BY "order"'}
"""


def test_a_binding_setting_holds_when_the_catalog_is_reopened(
    tmp_path: Path, extension_directory: Path
) -> None:
    """sqlite_all_varchar changes the view's column types: it must hold in every session."""
    settings = (
        f'duckdb:\n  settings: {{extension_directory: "{extension_directory}",'
        " autoinstall_known_extensions: false, sqlite_all_varchar: true}\n"
    )
    write_config(tmp_path, settings + VIEWS)
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    catalog = tmp_path / "catalog.duckdb"
    # Attaching alone is not enough: without the setting the view no longer binds.
    plain = duckdb.connect(str(catalog), read_only=True)
    try:
        plain.execute(f"SET extension_directory = '{extension_directory}'")
        plain.execute(f"ATTACH '{tmp_path / 'data' / 'legacy.db'}' AS legacy (TYPE sqlite)")
        with pytest.raises(duckdb.Error, match="Contents of view were altered"):
            plain.execute("SELECT * FROM sizes")
    finally:
        plain.close()
    connection = duckalog.connect(catalog)
    try:
        rows = connection.execute('SELECT * FROM "order"').fetchall()
    finally:
        connection.close()
    assert rows == [("1", "10"), ("2", "2.5"), ("3", "groß")]


def test_a_portable_catalog_with_its_extension_file_moves_as_a_folder(
    tmp_path: Path, extension_directory: Path
) -> None:
    """load_extensions takes a path (relative to the config); the whole folder moves."""
    original = tmp_path / "original"
    binary = original / "ext" / "sqlite_scanner.duckdb_extension"
    binary.parent.mkdir(parents=True)
    shutil.copyfile(extension_file(extension_directory, "sqlite_scanner"), binary)
    text = (
        "duckdb:\n  portable: true\n"
        "  settings: {autoinstall_known_extensions: false, autoload_known_extensions: false,"
        " sqlite_all_varchar: true}\n"
        "  load_extensions: [ext/sqlite_scanner.duckdb_extension]\n"
    )
    write_config(original, text + VIEWS)
    assert run_main("build", "duckalog.yaml", cwd=original).code == 0
    moved = tmp_path / "elsewhere"
    shutil.copytree(original, moved)
    shutil.rmtree(original)
    run = run_main(
        "query", "catalog.duckdb", 'SELECT count(*) AS n FROM "order"', "--format", "csv", cwd=moved
    )
    assert (run.code, run.stdout) == (0, "n\n3\n"), run.stderr
    stored = run_main(
        "query",
        "catalog.duckdb",
        "SELECT definition FROM _duckalog.session WHERE kind <> 'set'",
        "--format",
        "csv",
        cwd=moved,
    )
    assert stored.stdout.splitlines()[1:] == [
        '"{""extension"": ""ext/sqlite_scanner.duckdb_extension""}"',
        '"{""alias"": ""legacy"", ""path"": ""data/legacy.db"", ""read_only"": true,'
        ' ""type"": ""sqlite""}"',
    ]
    assert listing(moved) == [
        "catalog.duckdb",
        "data",
        "data/legacy.db",
        "duckalog.yaml",
        "ext",
        "ext/sqlite_scanner.duckdb_extension",
    ]


def test_a_relative_extension_directory_resolves_against_the_config(
    tmp_path: Path, extension_directory: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(extension_directory, project / "extensions")
    text = (
        "duckdb:\n  settings: {extension_directory: extensions,"
        " autoinstall_known_extensions: false, sqlite_all_varchar: true}\n"
    )
    write_config(project, text + VIEWS)
    run = run_main("build", "project/duckalog.yaml", cwd=tmp_path)  # from another folder
    assert run.code == 0, run.stderr
    run = run_main("query", "project/catalog.duckdb", 'SELECT count(*) FROM "order"', cwd=tmp_path)
    assert run.code == 0, run.stderr


def test_a_missing_extension_names_its_key_and_the_offline_route(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    text = (
        "duckdb:\n  settings: {extension_directory: empty, autoinstall_known_extensions: false}\n"
        + VIEWS
    )
    write_config(tmp_path, text)
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 3
    assert run.stderr.startswith(
        'duckalog: error: build failed at attachment "legacy"'
        " (duckalog.yaml: attachments.sqlite[0])"
    )
    assert "to provide the extension offline, set duckdb.settings.extension_directory" in run.stderr
    assert listing(tmp_path) == ["data", "data/legacy.db", "duckalog.yaml", "empty"]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Catalogs over real Delta Lake and Iceberg tables, with the extensions loaded offline.

The tables are written once per module (``lake``) by deltalake and pyiceberg;
tests that change or move tables work on copies. Every catalog is reopened
through ``duckalog.connect`` and its rows compared with what was written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from services import extension_file
from support import digest, listing, query, run_main
from tables import DeltaTable, IcebergTable, write_delta, write_iceberg

import duckalog
from duckalog.builder import OPEN_WITH


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[DeltaTable, IcebergTable]:
    folder = tmp_path_factory.mktemp("lake")
    return write_delta(folder / "events"), write_iceberg(folder / "warehouse")


def offline(extension_directory: Path, *extra: str) -> str:
    """``duckdb.settings`` that load extensions from the wheels' folder, never downloading."""
    settings = ", ".join(
        [
            f'extension_directory: "{extension_directory}"',
            "autoinstall_known_extensions: false",
            *extra,
        ]
    )
    return f"duckdb:\n  settings: {{{settings}}}\n"


def rows(source: Path, sql: str) -> list[tuple[object, ...]]:
    return results(source, sql)[0]


def results(source: Path, *queries: str) -> list[list[tuple[object, ...]]]:
    """Rows of each query on one ``duckalog.connect`` (each connection loads the extensions)."""
    connection = duckalog.connect(source)
    try:
        return [connection.execute(sql).fetchall() for sql in queries]
    finally:
        connection.close()


def build(folder: Path, config: str = "duckalog.yaml") -> list[str]:
    run = run_main("build", config, cwd=folder)
    assert run.code == 0, run.stderr
    return run.stdout.splitlines()


def stored(catalog: Path) -> list[tuple[str, str, str]]:
    found = query(catalog, "SELECT kind, name, origin FROM _duckalog.session ORDER BY position")
    return [(str(kind), str(name), str(origin)) for kind, name, origin in found]


def test_delta_table_with_two_commits_and_a_schema_change(
    tmp_path: Path, extension_directory: Path, lake: tuple[DeltaTable, IcebergTable]
) -> None:
    delta = lake[0]
    (tmp_path / "duckalog.yaml").write_text(
        offline(extension_directory)
        + "views:\n"
        + "  - {name: scored, sql: 'SELECT id, score FROM events WHERE score IS NOT NULL'}\n"
        + f'  - {{name: events, source: delta, uri: "{delta.folder}",'
        + " options: {filename: true}}\n",
        encoding="utf-8",
    )
    assert build(tmp_path)[1:] == [f"views may need the session's 1 extension load: {OPEN_WITH}"]
    catalog = tmp_path / "catalog.duckdb"
    assert ("load", "delta", "duckalog.yaml: views[1].source") in stored(catalog)
    read, files, scored = results(
        catalog,
        "SELECT id, name, score FROM events ORDER BY id",
        "SELECT DISTINCT filename FROM events",
        "SELECT * FROM scored ORDER BY id",
    )
    assert read == delta.rows
    assert len(files) == delta.versions and all(str(f[0]).endswith(".parquet") for f in files)
    assert scored == [(r[0], r[2]) for r in delta.rows if r[2] is not None]


def test_iceberg_table_by_metadata_file_and_by_folder(
    tmp_path: Path, extension_directory: Path, lake: tuple[DeltaTable, IcebergTable]
) -> None:
    iceberg = lake[1]
    (tmp_path / "duckalog.yaml").write_text(
        # pyiceberg's SQL catalog writes no version-hint.text: reading a table's folder
        # needs the iceberg extension's version guessing.
        offline(extension_directory, "unsafe_enable_version_guessing: true")
        + "views:\n"
        + f'  - {{name: by_metadata, source: iceberg, uri: "{iceberg.metadata}"}}\n'
        + f'  - {{name: by_folder, source: iceberg, uri: "{iceberg.folder}",'
        + " options: {allow_moved_paths: true}}\n",
        encoding="utf-8",
    )
    build(tmp_path)
    catalog = tmp_path / "catalog.duckdb"
    assert [step[:2] for step in stored(catalog)][2:4] == [
        ("load", "iceberg"),
        ("set", "unsafe_enable_version_guessing"),
    ]
    assert results(
        catalog,
        "SELECT id, region, amount FROM by_metadata ORDER BY id",
        "SELECT id, region, amount FROM by_folder ORDER BY id",
    ) == [iceberg.rows, iceberg.rows]
    # The deleted partition's data file is still on disk; the table no longer has it.
    assert iceberg.deleted_file.is_file()


def test_an_attached_catalog_brings_its_extension_into_the_session(
    tmp_path: Path, extension_directory: Path, lake: tuple[DeltaTable, IcebergTable]
) -> None:
    """The parent loads nothing itself; its session restores what the child's views need."""
    delta = lake[0]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.yaml").write_text(
        offline(extension_directory)
        + f'views:\n  - {{name: events, source: delta, uri: "{delta.folder}"}}\n',
        encoding="utf-8",
    )
    (tmp_path / "duckalog.yaml").write_text(
        "attachments:\n  duckalog: [{alias: kid, config: sub/child.yaml}]\n"
        "views:\n  - {name: names, sql: 'SELECT id, name FROM kid.main.events'}\n",
        encoding="utf-8",
    )
    printed = build(tmp_path)
    assert printed[0] == f"built {tmp_path / 'sub' / 'catalog.duckdb'} (1 view), attached"
    assert printed[1].startswith(f"built {tmp_path / 'catalog.duckdb'} (1 view) in ")
    assert printed[2:] == [
        "1 view uses attachment kid: open with duckalog.connect or duckalog query",
        f"views may need the session's 1 extension load: {OPEN_WITH}",
    ]
    catalog = tmp_path / "catalog.duckdb"
    assert stored(catalog) == [
        ("set", "extension_directory", "sub/child.yaml: duckdb.settings.extension_directory"),
        (
            "set",
            "autoinstall_known_extensions",
            "sub/child.yaml: duckdb.settings.autoinstall_known_extensions",
        ),
        ("load", "delta", "sub/child.yaml: views[0].source"),
        ("attach", "kid", "duckalog.yaml: attachments.duckalog[0]"),
    ]
    plain = duckdb.connect(str(catalog), read_only=True)
    try:
        with pytest.raises(duckdb.Error, match='Catalog "kid" does not exist'):
            plain.execute("SELECT * FROM names")
    finally:
        plain.close()
    expected = [(r[0], r[1]) for r in delta.rows]
    assert rows(catalog, "SELECT * FROM names ORDER BY id") == expected
    assert rows(tmp_path / "duckalog.yaml", "SELECT * FROM names ORDER BY id") == expected


def test_a_portable_folder_with_every_kind_of_view_moves(
    tmp_path: Path, extension_directory: Path, lake: tuple[DeltaTable, IcebergTable]
) -> None:
    """Delta, Iceberg, sql_file and an attached portable catalog in a subfolder: copy the
    folder elsewhere, delete the original, and every view still reads the same rows."""
    original = tmp_path / "original"
    delta = write_delta(original / "lake" / "events")
    # Written inside the folder: its metadata names absolute paths there, gone after the move.
    iceberg = write_iceberg(original / "lake" / "warehouse")
    shutil.copytree(lake[0].folder, original / "sub" / "events")
    (original / "sql").mkdir()
    (original / "sql" / "summary.sql").write_text(
        "-- one row per source\n"
        "SELECT 'delta' AS source, count(*) AS n FROM events\n"
        "UNION ALL SELECT 'iceberg', count(*) FROM orders\n"
        "UNION ALL SELECT 'attached', count(*) FROM kid.main.events\n",
        encoding="utf-8",
    )
    # Built on its own first, the attached config carries the settings its views need.
    (original / "sub" / "child.yaml").write_text(
        offline(extension_directory)
        + "  portable: true\nviews:\n  - {name: events, source: delta, uri: events}\n",
        encoding="utf-8",
    )
    folder = iceberg.folder.relative_to(original)
    (original / "duckalog.yaml").write_text(
        offline(extension_directory, "unsafe_enable_version_guessing: true")
        + "  portable: true\n"
        + "attachments:\n  duckalog: [{alias: kid, config: sub/child.yaml}]\n"
        + "views:\n"
        + "  - {name: summary, sql_file: sql/summary.sql}\n"
        + "  - {name: events, source: delta, uri: lake/events}\n"
        + f"  - {{name: orders, source: iceberg, uri: {folder},"
        + " options: {allow_moved_paths: true}}\n",
        encoding="utf-8",
    )
    build(original)
    moved = tmp_path / "moved"
    shutil.copytree(original, moved)
    shutil.rmtree(original)
    catalog = moved / "catalog.duckdb"
    views, events, orders, attached, summary = results(
        catalog,
        "SELECT sql FROM duckdb_views() WHERE NOT internal",
        "SELECT id, name, score FROM events ORDER BY id",
        "SELECT id, region, amount FROM orders ORDER BY id",
        "SELECT id, name, score FROM kid.main.events ORDER BY id",
        "SELECT * FROM summary ORDER BY source",
    )
    assert len(views) == 4 and all(str(original) not in str(sql) for (sql,) in views)
    assert (events, orders, attached) == (delta.rows, iceberg.rows, lake[0].rows)
    assert summary == sorted(
        [
            ("delta", len(delta.rows)),
            ("iceberg", len(iceberg.rows)),
            ("attached", len(lake[0].rows)),
        ]
    )
    # The attached catalog opens alone too, from where it now is.
    assert rows(moved / "sub" / "catalog.duckdb", "SELECT count(*) FROM events") == [
        (len(lake[0].rows),)
    ]


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
    extension_directory: Path,
    lake: tuple[DeltaTable, IcebergTable],
) -> Path:
    """Two built catalogs over copies of the tables, ``delta/`` and ``iceberg/`` (one
    extension each: every build loads its extensions, and they are large)."""
    folder = tmp_path_factory.mktemp("built")
    shutil.copytree(lake[0].folder, folder / "delta" / "events")
    shutil.copytree(lake[1].folder, folder / "iceberg" / "orders")
    views = {
        "delta": "  - {name: events, source: delta, uri: events}\n",
        "iceberg": "  - {name: orders, source: iceberg,"
        f" uri: orders/metadata/{lake[1].metadata.name}}}\n",
    }
    for name, view in views.items():
        text = offline(extension_directory) + "views:\n" + view
        (folder / name / "duckalog.yaml").write_text(text, encoding="utf-8")
        build(folder / name)
    return folder


def break_delta_log(project: Path) -> None:
    last = sorted((project / "events" / "_delta_log").glob("*.json"))[-1]
    last.write_text('{"add": {"path": ', encoding="utf-8")


def not_a_delta_table(project: Path) -> None:
    shutil.rmtree(project / "events" / "_delta_log")


def break_iceberg_metadata(project: Path) -> None:
    metadata = sorted((project / "orders" / "metadata").glob("*.metadata.json"))[-1]
    text = metadata.read_text(encoding="utf-8")
    metadata.write_text(text[: len(text) // 2], encoding="utf-8")


def not_an_iceberg_table(project: Path) -> None:
    metadata = sorted((project / "orders" / "metadata").glob("*.metadata.json"))[-1]
    metadata.write_text(json.dumps({"not": "iceberg"}), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "kind", "view"),
    [
        (break_delta_log, "delta", "events"),
        (not_a_delta_table, "delta", "events"),
        (break_iceberg_metadata, "iceberg", "orders"),
        (not_an_iceberg_table, "iceberg", "orders"),
    ],
)
def test_a_broken_table_fails_the_build_and_keeps_the_catalog(
    built: Path, tmp_path: Path, damage: Callable[[Path], None], kind: str, view: str
) -> None:
    project = tmp_path / kind
    shutil.copytree(built / kind, project)
    before = digest(project / "catalog.duckdb")
    damage(project)
    changed = listing(project)
    run = run_main("build", "duckalog.yaml", cwd=project)
    assert run.code == 3, run.stderr
    assert run.stderr.startswith(
        f'duckalog: error: build failed at view "{view}" (duckalog.yaml: views[0].uri): '
    )
    assert (digest(project / "catalog.duckdb"), listing(project)) == (before, changed)


def test_iceberg_without_avro_names_the_extension_and_the_offline_route(
    tmp_path: Path, extension_directory: Path, lake: tuple[DeltaTable, IcebergTable]
) -> None:
    """The iceberg extension loads avro itself: a folder with iceberg alone is not enough."""
    only = tmp_path / "only-iceberg"
    binary = extension_file(extension_directory, "iceberg")
    target = only / binary.relative_to(extension_directory)
    target.parent.mkdir(parents=True)
    shutil.copyfile(binary, target)
    (tmp_path / "duckalog.yaml").write_text(
        offline(only)
        + f'views:\n  - {{name: orders, source: iceberg, uri: "{lake[1].metadata}"}}\n',
        encoding="utf-8",
    )
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 3
    assert run.stderr.startswith(
        "duckalog: error: build failed at extension iceberg (duckalog.yaml: views[0].source)"
    )
    assert "avro" in run.stderr
    assert "to provide the extension offline" in run.stderr
    assert listing(tmp_path) == [
        "duckalog.yaml",
        "only-iceberg",
        *sorted(str(p.relative_to(tmp_path)) for p in only.rglob("*")),
    ]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``sql_file`` views and ``attachments.duckalog`` (catalogs of other configs), end to end.

Neither needs a DuckDB extension: attached catalogs are DuckDB files. The
attached configs here carry their own session (a DuckDB attachment), which the
parent's session must restore.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from support import digest, duckdb_file, listing, query, run_main, write_parquet

import duckalog
from duckalog.config import load_catalog
from duckalog.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reference_db(path: Path) -> Path:
    """A DuckDB file with table ``rates`` (code, rate)."""
    return duckdb_file(
        path,
        "CREATE TABLE rates AS SELECT * FROM"
        " (VALUES ('EUR', 1.0::DOUBLE), ('USD', 0.9::DOUBLE)) t(code, rate)",
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A parent config attaching ``ref/duckalog.yaml``, which attaches a DuckDB file itself."""
    write_parquet(tmp_path / "data" / "orders.parquet")
    reference_db(tmp_path / "ref" / "rates.duckdb")
    write(
        tmp_path / "ref" / "duckalog.yaml",
        "attachments:\n  duckdb: [{alias: rates_db, path: rates.duckdb}]\n"
        "views:\n"
        "  - {name: usd, schema: fx, sql: \"SELECT rate FROM main.rates WHERE code = 'USD'\"}\n"
        "  - {name: rates, source: duckdb, database: rates_db, table: rates}\n",
    )
    write(
        tmp_path / "sql" / "in_usd.sql",
        "-- orders priced in USD, through the attached catalog\n"
        "SELECT o.id, o.amount * r.rate AS usd\n"
        "FROM orders AS o, ref.fx.usd AS r\n",
    )
    write(
        tmp_path / "duckalog.yaml",
        "attachments:\n  duckalog: [{alias: ref, config: ref/duckalog.yaml}]\n"
        "views:\n"
        "  - {name: total, sql: 'SELECT sum(usd) AS usd FROM in_usd'}\n"
        "  - {name: in_usd, sql_file: sql/in_usd.sql}\n"
        "  - {name: orders, source: parquet, uri: data/orders.parquet}\n"
        "  - {name: codes, source: duckdb, database: ref, table: rates}\n",
    )
    return tmp_path


def expected_total() -> float:
    return sum(i * 1.5 for i in range(3)) * 0.9


def test_a_tree_builds_and_reopens_with_every_session(tree: Path) -> None:
    run = run_main("build", "duckalog.yaml", cwd=tree)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"built {tree / 'ref' / 'catalog.duckdb'} (2 views), attached"
    # In session order: what the attached catalog's views read, then the catalog itself.
    assert lines[2:] == [
        "3 views use attachment rates_db: open with duckalog.connect or duckalog query",
        "3 views use attachment ref: open with duckalog.connect or duckalog query",
    ]
    catalog = tree / "catalog.duckdb"
    # The attached catalog's own attachment is part of the parent's session.
    assert query(catalog, "SELECT kind, name, origin FROM _duckalog.session ORDER BY position") == [
        ("attach", "rates_db", "ref/duckalog.yaml: attachments.duckdb[0]"),
        ("attach", "ref", "duckalog.yaml: attachments.duckalog[0]"),
    ]
    # A plain DuckDB session has no "ref" (the message varies across duckdb releases).
    with pytest.raises(duckdb.Error, match=r'does not exist.*"ref[".]|"ref[".].*does not exist'):
        query(catalog, "SELECT * FROM total")
    for source in (catalog, tree / "duckalog.yaml"):
        connection = duckalog.connect(source)
        try:
            (total,) = connection.execute("SELECT usd FROM total").fetchone() or (None,)
            codes = connection.execute("SELECT code FROM codes ORDER BY 1").fetchall()
            direct = connection.execute("SELECT count(*) FROM ref.main.rates").fetchall()
        finally:
            connection.close()
        assert float(total) == pytest.approx(expected_total())
        assert codes == [("EUR",), ("USD",)]
        assert direct == [(2,)]
    # The attached catalog stands alone too, with its own session.
    alone = run_main(
        "query",
        "ref/catalog.duckdb",
        "SELECT count(*) AS n FROM fx.usd",
        "--format",
        "csv",
        cwd=tree,
    )
    assert (alone.code, alone.stdout) == (0, "n\n1\n"), alone.stderr


def test_validate_generate_sql_and_dry_run_cover_the_tree(tree: Path) -> None:
    run = run_main("validate", "duckalog.yaml", cwd=tree)
    assert (run.code, run.stdout) == (
        0,
        "duckalog.yaml: valid (4 views); attaches ref/duckalog.yaml (2 views)\n",
    ), run.stderr
    sql = run_main("generate-sql", "duckalog.yaml", cwd=tree).stdout
    child, parent = sql.split("-- catalog ")
    assert child.startswith(
        f"-- attached catalog {tree / 'ref' / 'catalog.duckdb'}, from ref/duckalog.yaml\n"
    )
    assert 'CREATE VIEW "fx"."usd"' in child and "rates_db" in child
    assert f"ATTACH '{tree / 'ref' / 'catalog.duckdb'}' AS \"ref\" (READ_ONLY);" in parent
    # sql_file's text, in dependency order: orders and in_usd before total.
    creates = [
        line.split(" AS ")[0] for line in parent.splitlines() if line.startswith("CREATE VIEW")
    ]
    assert creates == [
        'CREATE VIEW "orders"',
        'CREATE VIEW "in_usd"',
        'CREATE VIEW "total"',
        'CREATE VIEW "codes"',
    ]
    assert "FROM orders AS o, ref.fx.usd AS r" in parent
    session = run_main("generate-sql", "duckalog.yaml", "--session", cwd=tree).stdout
    assert session == (
        f"ATTACH '{tree / 'ref' / 'rates.duckdb'}' AS \"rates_db\" (READ_ONLY);\n"
        f"ATTACH '{tree / 'ref' / 'catalog.duckdb'}' AS \"ref\" (READ_ONLY);\n"
    )
    dry = run_main("build", "duckalog.yaml", "--dry-run", cwd=tree)
    assert dry.stdout == f"-- dry run: would build {tree / 'catalog.duckdb'}\n" + sql
    assert listing(tree) == [
        "data",
        "data/orders.parquet",
        "duckalog.yaml",
        "ref",
        "ref/duckalog.yaml",
        "ref/rates.duckdb",
        "sql",
        "sql/in_usd.sql",
    ]


def test_a_failed_parent_leaves_both_catalogs(tree: Path) -> None:
    """All or nothing across the tree: the attached catalog is not replaced either."""
    assert run_main("build", "duckalog.yaml", cwd=tree).code == 0
    catalogs = [tree / "catalog.duckdb", tree / "ref" / "catalog.duckdb"]
    before = [digest(c) for c in catalogs], listing(tree)
    (tree / "data" / "orders.parquet").unlink()
    changed = listing(tree)
    run = run_main("build", "duckalog.yaml", cwd=tree)
    assert run.code == 3
    assert run.stderr.startswith(
        'duckalog: error: build failed at view "orders" (duckalog.yaml: views[2].uri)'
    )
    assert ([digest(c) for c in catalogs], listing(tree)) == (before[0], changed)


def test_a_writer_on_the_attached_catalog_stops_the_whole_build(tree: Path) -> None:
    assert run_main("build", "duckalog.yaml", cwd=tree).code == 0
    catalogs = [tree / "catalog.duckdb", tree / "ref" / "catalog.duckdb"]
    before = [digest(c) for c in catalogs], listing(tree)
    writer = duckdb.connect(str(catalogs[1]))
    try:
        run = run_main("build", "duckalog.yaml", cwd=tree)
    finally:
        writer.close()
    assert run.code == 3
    assert f"build failed at catalog {catalogs[1]}" in run.stderr
    assert "is open in this process" in run.stderr
    assert ([digest(c) for c in catalogs], listing(tree)) == before


def test_a_portable_tree_moves_as_a_folder(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for config in (tree / "duckalog.yaml", tree / "ref" / "duckalog.yaml"):
        config.write_text(
            "duckdb: {portable: true}\n" + config.read_text(encoding="utf-8"), encoding="utf-8"
        )
    assert run_main("build", "duckalog.yaml", cwd=tree).code == 0
    moved = tmp_path_factory.mktemp("elsewhere") / "tree"
    shutil.copytree(tree, moved)
    shutil.rmtree(tree)
    run = run_main(
        "query",
        str(moved / "catalog.duckdb"),
        "SELECT round(usd, 6) AS usd FROM total",
        "--format",
        "csv",
        cwd=moved.parent,
    )
    assert (run.code, run.stdout) == (0, f"usd\n{round(expected_total(), 6)}\n"), run.stderr
    stored = query(
        moved / "catalog.duckdb",
        "SELECT name, definition FROM _duckalog.session WHERE kind = 'attach' ORDER BY position",
    )
    assert [(name, '"path": "ref/' in str(definition)) for name, definition in stored] == [
        ("rates_db", True),
        ("ref", True),
    ]


def test_a_portable_parent_needs_a_portable_child_in_its_folder(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    config = tree / "duckalog.yaml"
    config.write_text(
        "duckdb: {portable: true}\n" + config.read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_catalog("duckalog.yaml", {})
    assert str(caught.value) == (
        "duckalog.yaml: attachments.duckalog[0].config: this catalog is portable and"
        " ref/duckalog.yaml builds its catalog inside this catalog's folder: make that one"
        " portable too (duckdb.portable: true in ref/duckalog.yaml)"
    )


def test_an_attached_view_outside_main_must_name_main_views_with_their_schema(
    tree: Path,
) -> None:
    """Alone, fx.usd finds main.rates; attached, DuckDB looks in ref.fx only."""
    child = tree / "ref" / "duckalog.yaml"
    child.write_text(
        child.read_text(encoding="utf-8").replace("main.rates", "rates"), encoding="utf-8"
    )
    alone = run_main("build", "ref/duckalog.yaml", cwd=tree)
    assert alone.code == 0, alone.stderr
    for command in ("validate", "build"):
        run = run_main(command, "duckalog.yaml", cwd=tree)
        assert run.code == 2, run.stderr
        assert run.stderr == (
            "duckalog: error: ref/duckalog.yaml: views[0].sql: reads rates without its schema:"
            " in a catalog attached by another config (attachments.duckalog) DuckDB looks for"
            " it in schema fx only; write main.rates\n"
        )


def test_a_config_attached_through_two_others_is_built_once(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "duckalog.yaml", "views: [{name: one, sql: 'SELECT 1 AS n'}]\n")
    for name in ("a", "b"):
        write(
            tmp_path / name / "duckalog.yaml",
            "attachments:\n  duckalog: [{alias: shared, config: ../shared/duckalog.yaml}]\n"
            f"views: [{{name: {name}, sql: 'SELECT n FROM shared.one'}}]\n",
        )
    write(
        tmp_path / "duckalog.yaml",
        "attachments:\n  duckalog:\n"
        "    - {alias: a, config: a/duckalog.yaml}\n    - {alias: b, config: b/duckalog.yaml}\n"
        "views: [{name: every, sql: 'SELECT * FROM a.a UNION ALL SELECT * FROM b.b'}]\n",
    )
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert [line.split(" (")[0] for line in run.stdout.splitlines()[:3]] == [
        f"built {tmp_path / 'shared' / 'catalog.duckdb'}",
        f"built {tmp_path / 'a' / 'catalog.duckdb'}",
        f"built {tmp_path / 'b' / 'catalog.duckdb'}",
    ]
    assert query(
        tmp_path / "catalog.duckdb", "SELECT name FROM _duckalog.session ORDER BY position"
    ) == [("shared",), ("a",), ("b",)]
    run = run_main(
        "query", "catalog.duckdb", "SELECT sum(n) AS n FROM every", "--format", "csv", cwd=tmp_path
    )
    assert (run.code, run.stdout) == (0, "n\n2\n"), run.stderr


@pytest.mark.parametrize(
    ("parent", "child", "message"),
    [
        (
            "attachments:\n  duckalog: [{alias: k, config: c.yaml}, {alias: k2, config: c.yaml}]\n",
            "duckdb: {database: c.duckdb}\n",
            "attachments.duckalog[1].config: c.yaml is attached already"
            " (at p.yaml: attachments.duckalog[0])",
        ),
        (
            "attachments:\n  duckdb: [{alias: k, path: x.duckdb}]\n"
            "  duckalog: [{alias: K, config: c.yaml}]\n",
            "duckdb: {database: c.duckdb}\n",
            "attachments.duckalog[0].alias: duplicate attachment alias 'K'",
        ),
        (
            "attachments:\n  duckdb: [{alias: x, path: x.duckdb}]\n"
            "  duckalog: [{alias: k, config: c.yaml}]\n",
            "duckdb: {database: c.duckdb}\n"
            "attachments:\n  duckdb: [{alias: x, path: other.duckdb}]\n",
            "c.yaml: attachments.duckdb[0]: attachment alias 'x' is declared at"
            " p.yaml: attachments.duckdb[0] too",
        ),
        (
            "attachments:\n  duckalog: [{alias: k, config: missing.yaml}]\n",
            "",
            "attachments.duckalog[0].config: config file not found: missing.yaml",
        ),
        (
            "attachments:\n  duckalog: [{alias: k, config: c.yaml}]\n"
            "views: [{name: v, source: sqlite, database: k, table: t}]\n",
            "duckdb: {database: c.duckdb}\n",
            "views[0].database: attachment 'k' is a duckalog database, not sqlite",
        ),
    ],
)
def test_invalid_trees(
    tmp_path: Path, parent: str, child: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if child:
        write(tmp_path / "c.yaml", child)
    write(tmp_path / "p.yaml", parent)
    with pytest.raises(ConfigError) as caught:
        load_catalog("p.yaml", {})
    assert message in str(caught.value)


def test_sql_file_errors_name_the_file(tmp_path: Path) -> None:
    write(tmp_path / "q" / "latin1.sql", "")
    (tmp_path / "q" / "latin1.sql").write_bytes("SELECT 'Größe'".encode("latin-1"))
    write(tmp_path / "q" / "empty.sql", "-- nothing\n   \n")
    write(tmp_path / "q" / "a.sql", "SELECT * FROM b\n")
    write(tmp_path / "q" / "b.sql", "SELECT * FROM a\n")
    cases = {
        "views: [{name: v, sql_file: q/latin1.sql}]": (
            "views[0].sql_file: q/latin1.sql: not a UTF-8 text file"
        ),
        "views: [{name: v, sql_file: q}]": "views[0].sql_file: q: is a directory, not an SQL file",
        "views: [{name: v, sql_file: q/a.sql, sql: SELECT 1}]": (
            "views[0].sql_file: not allowed in an sql view"
        ),
        "views: [{name: v, sql_file: q/a.sql, source: parquet}]": (
            "views[0].source: not allowed in an sql_file view"
        ),
        "views: [{name: a, sql_file: q/a.sql}, {name: b, sql_file: q/b.sql}]": (
            "views read each other in a cycle: main.a (duckalog.yaml: views[0].sql_file: q/a.sql)"
            " -> main.b (duckalog.yaml: views[1].sql_file: q/b.sql) -> main.a"
        ),
    }
    for text, message in cases.items():
        write(tmp_path / "duckalog.yaml", text + "\n")
        run = run_main("validate", "duckalog.yaml", cwd=tmp_path)
        assert (run.code, message in run.stderr) == (2, True), (text, run.stderr)
    # Only comments: DuckDB finds no statement at all.
    write(tmp_path / "duckalog.yaml", "views: [{name: v, sql_file: q/empty.sql}]\n")
    run = run_main("validate", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 2 and "q/empty.sql" in run.stderr, run.stderr


def test_sql_file_is_relative_to_the_file_that_names_it(tmp_path: Path) -> None:
    write(tmp_path / "parts" / "queries" / "one.sql", "SELECT 1 AS n;\n")
    write(tmp_path / "parts" / "views.yaml", "views: [{name: one, sql_file: queries/one.sql}]\n")
    write(tmp_path / "project" / "duckalog.yaml", "imports: [../parts/views.yaml]\n")
    run = run_main("build", "project/duckalog.yaml", cwd=tmp_path)  # from another folder
    assert run.code == 0, run.stderr
    assert query(tmp_path / "project" / "catalog.duckdb", "SELECT n FROM one") == [(1,)]


def test_check_files_looks_into_attached_configs_and_delta_folders(tmp_path: Path) -> None:
    (tmp_path / "lake" / "events").mkdir(parents=True)
    write(
        tmp_path / "kid.yaml",
        "duckdb: {database: kid.duckdb}\n"
        "views: [{name: p, source: parquet, uri: gone/*.parquet}]\n",
    )
    write(
        tmp_path / "duckalog.yaml",
        "attachments:\n  duckalog: [{alias: kid, config: kid.yaml}]\n"
        "views:\n  - {name: events, source: delta, uri: lake/events}\n"
        "  - {name: trips, source: iceberg, uri: lake/trips/metadata/v1.metadata.json}\n",
    )
    assert run_main("validate", "duckalog.yaml", cwd=tmp_path).code == 0
    run = run_main("validate", "duckalog.yaml", "--check-files", cwd=tmp_path)
    assert run.code == 2
    gone = tmp_path / "gone" / "*.parquet"
    assert run.stderr.splitlines() == [
        f"duckalog: error: kid.yaml: views[0].uri: no local file matches {gone}",
        "duckalog: error: duckalog.yaml: views[0].uri: not a Delta table"
        f" (no _delta_log folder): {tmp_path / 'lake' / 'events' / '_delta_log'}",
        "duckalog: error: duckalog.yaml: views[1].uri: no local file matches"
        f" {tmp_path / 'lake' / 'trips' / 'metadata' / 'v1.metadata.json'}",
    ]


def test_delta_and_iceberg_views_generate_their_readers(tmp_path: Path) -> None:
    """Without the extensions (this suite has none): the SQL, and the extension loaded for them."""
    write(
        tmp_path / "duckalog.yaml",
        "duckdb: {portable: true}\n"
        "views:\n"
        "  - {name: e, source: delta, uri: lake/events, options: {file_row_number: true}}\n"
        "  - {name: t, source: iceberg, uri: /elsewhere/trips,"
        " options: {allow_moved_paths: true}}\n",
    )
    catalog = load_catalog(tmp_path / "duckalog.yaml", {})
    from duckalog.session import folder_variable

    variable = folder_variable(catalog)
    assert variable is not None and variable.startswith("duckalog_folder_")
    sql = run_main("generate-sql", "duckalog.yaml", cwd=tmp_path).stdout
    assert 'LOAD "delta";\nLOAD "iceberg";\n' in sql
    assert (
        'CREATE VIEW "e" AS SELECT * FROM delta_scan('
        f"coalesce(getvariable('{variable}') || '/', '')"
        " || 'lake/events', \"file_row_number\" = true);"
    ) in sql
    assert (
        "CREATE VIEW \"t\" AS SELECT * FROM iceberg_scan('/elsewhere/trips',"
        ' "allow_moved_paths" = true);' in sql
    )
    session = run_main("generate-sql", "duckalog.yaml", "--session", cwd=tmp_path).stdout
    assert f"SET VARIABLE \"{variable}\" = '{tmp_path}';" in session


def test_the_top_catalog_may_name_main_views_without_schema_after_reading_an_attached_one(
    tree: Path,
) -> None:
    """The attached-catalog rule applies to attached catalogs only, whatever came before."""
    config = tree / "duckalog.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "  - {name: again, schema: report, sql: 'SELECT usd FROM total'}\n",
        encoding="utf-8",
    )
    run = run_main("build", "duckalog.yaml", cwd=tree)
    assert run.code == 0, run.stderr
    connection = duckalog.connect(tree / "catalog.duckdb")
    try:
        assert connection.execute("SELECT count(*) FROM report.again").fetchall() == [(1,)]
    finally:
        connection.close()


def test_init_help_names_the_new_kinds_of_view(tmp_path: Path) -> None:
    run = run_main("init", "--help", cwd=tmp_path)
    assert run.code == 0
    text = " ".join(run.stdout.split())
    assert "sql_file, delta and iceberg views and of an attached duckalog config" in text


def test_an_attached_configs_credentials_are_stored_by_reference_only(tmp_path: Path) -> None:
    write(
        tmp_path / "kid" / "duckalog.yaml",
        "duckdb:\n  secrets:\n"
        '    - {type: s3, name: lake, key_id: "${env:T_KEY}", secret: "${env:T_SECRET}"}\n'
        "views: [{name: k, sql: 'SELECT 1 AS n'}]\n",
    )
    write(
        tmp_path / "duckalog.yaml",
        "attachments:\n  duckalog: [{alias: kid, config: kid/duckalog.yaml}]\n"
        "views: [{name: v, sql: 'SELECT n FROM kid.k'}]\n",
    )
    env = {"T_KEY": "AKIA-kid-key", "T_SECRET": "kid secret value"}
    run = run_main("generate-sql", "duckalog.yaml", cwd=tmp_path, env=env)
    assert run.code == 0, run.stderr
    parent = run.stdout.split("-- catalog ")[1]
    stored = [
        line for line in parent.splitlines() if line.startswith('INSERT INTO "_duckalog"."session"')
    ]
    assert len(stored) == 1
    assert '"secret": "${env:T_SECRET}"' in stored[0] and '"key_id": "${env:T_KEY}"' in stored[0]
    assert "kid/duckalog.yaml: duckdb.secrets[0]" in stored[0]
    assert all(value not in run.stdout for value in env.values())
    session = run_main("generate-sql", "duckalog.yaml", "--session", cwd=tmp_path, env=env)
    assert session.stdout.startswith(
        'CREATE SECRET "lake" ("type" \'s3\', "key_id" \'***\', "secret" \'***\');\n'
    )

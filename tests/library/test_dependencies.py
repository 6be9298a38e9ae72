# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Views in any order: dependencies read with DuckDB's parser, cycles are invalid configs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from support import duckdb_file, query, run_main, views_in, write_parquet

from duckalog.builder import build
from duckalog.config import load_catalog
from duckalog.config.model import View
from duckalog.config.resolved import Catalog, Located, Origin
from duckalog.dependencies import TableRef, analyse, attachment_users, order_views, table_refs
from duckalog.errors import BuildError, ConfigError


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def parser() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_table_refs_come_from_duckdbs_parser(parser: duckdb.DuckDBPyConnection) -> None:
    refs = table_refs(
        parser,
        [
            "WITH recent AS (SELECT * FROM sales.orders) SELECT * FROM recent"
            ' JOIN pg.public."Kunden" k ON true WHERE id IN (SELECT id FROM ids)',
            "SELECT 'FROM fake' AS text, * FROM read_parquet('x.parquet') -- FROM commented",
            "SELECT * FROM (SELECT * FROM a UNION ALL SELECT * FROM b.c) t",
            "SELEC broken",
            "CREATE TABLE t AS SELECT 1",
        ],
    )
    assert refs == [
        [
            TableRef("", "sales", "orders"),
            TableRef("pg", "public", "Kunden"),
            TableRef("", "", "ids"),
        ],
        [],
        [TableRef("", "", "a"), TableRef("", "b", "c")],
        None,
        None,
    ]


def test_a_cte_hides_a_view_of_the_same_name_only_where_it_is_in_scope(
    parser: duckdb.DuckDBPyConnection,
) -> None:
    [refs] = table_refs(
        parser,
        ["SELECT * FROM (WITH base AS (SELECT 1) SELECT * FROM base) t, base, main.base"],
    )
    assert refs == [TableRef("", "", "base"), TableRef("", "main", "base")]


VIEWS = """\
imports: [more.yaml]
views:
  - {name: top, sql: "SELECT * FROM Middle"}
  - {name: middle, schema: main, sql: "SELECT * FROM s.base JOIN catalog.main.other USING (id)"}
  - {name: unrelated, sql: "WITH middle AS (SELECT 1 AS id) SELECT * FROM middle"}
"""
MORE = """\
views:
  - {name: other, sql: "SELECT * FROM s.base"}
  - {name: base, schema: s, source: parquet, uri: data/orders.parquet}
"""


def test_views_in_any_order_across_imports(tmp_path: Path) -> None:
    write_parquet(tmp_path / "data" / "orders.parquet")
    write(tmp_path, "more.yaml", MORE)
    config = write(tmp_path, "duckalog.yaml", VIEWS)
    catalog = load_catalog(config)
    assert [v.item.name for v in catalog.views] == ["other", "base", "top", "middle", "unrelated"]
    ordered = order_views(catalog)
    assert [v.item.name for v in ordered.views] == ["base", "other", "middle", "top", "unrelated"]
    run = run_main("validate", "duckalog.yaml", cwd=tmp_path)
    assert (run.code, run.stdout) == (0, "duckalog.yaml: valid (5 views)\n"), run.stderr
    result = build(catalog)
    assert set(views_in(result.database)) == {
        "main.top",
        "main.middle",
        "main.other",
        "main.unrelated",
        "s.base",
    }
    assert query(result.database, "SELECT count(*) FROM top") == [(3,)]


def test_dry_run_and_generate_sql_list_views_in_creation_order(tmp_path: Path) -> None:
    write_parquet(tmp_path / "data" / "orders.parquet")
    write(tmp_path, "more.yaml", MORE)
    write(tmp_path, "duckalog.yaml", VIEWS)
    for argv in (["generate-sql", "duckalog.yaml"], ["build", "--dry-run", "duckalog.yaml"]):
        run = run_main(*argv, cwd=tmp_path)
        assert run.code == 0, run.stderr
        created = [line.split(" AS ")[0] for line in run.stdout.splitlines() if "VIEW" in line]
        assert created == [
            'CREATE VIEW "s"."base"',
            'CREATE VIEW "other"',
            'CREATE VIEW "main"."middle"',
            'CREATE VIEW "top"',
            'CREATE VIEW "unrelated"',
        ]
    assert not (tmp_path / "catalog.duckdb").exists()


CYCLE = """\
views:
  - {name: a, sql: "SELECT * FROM b"}
  - {name: b, sql: "SELECT * FROM c"}
  - {name: c, sql: "SELECT * FROM A"}
"""


@pytest.mark.parametrize("command", ["validate", "build", "generate-sql"])
def test_a_cycle_is_an_invalid_config_showing_the_cycle(tmp_path: Path, command: str) -> None:
    write(tmp_path, "duckalog.yaml", CYCLE)
    run = run_main(command, "duckalog.yaml", cwd=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr == (
        "duckalog: error: duckalog.yaml: views[0]: views read each other in a cycle:"
        " main.a (duckalog.yaml: views[0]) -> main.b (duckalog.yaml: views[1])"
        " -> main.c (duckalog.yaml: views[2]) -> main.a\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duckalog.yaml"]


def test_names_fold_as_duckdb_folds_them(tmp_path: Path) -> None:
    """``ORDERS`` names the view orders; ``Äbc`` does not name ``äbc`` (ASCII folding only)."""
    config = write(
        tmp_path,
        "c.yaml",
        "views:\n"
        '  - {name: top, sql: "SELECT * FROM ORDERS, \\"Äbc\\""}\n'
        "  - {name: orders, sql: SELECT 1 AS id}\n"
        '  - {name: "äbc", sql: SELECT 2 AS id}\n'
        '  - {name: "Äbc", sql: SELECT 3 AS id}\n',
    )
    catalog = load_catalog(config)
    dependencies = analyse(catalog)
    assert dependencies.views[0] == (1, 3)
    assert [v.item.name for v in order_views(catalog).views] == ["orders", "Äbc", "top", "äbc"]


def test_attachment_users_count_views_reading_through_other_views(tmp_path: Path) -> None:
    duckdb_file(tmp_path / "ref.duckdb", "CREATE TABLE people AS SELECT 1 AS id")
    config = write(
        tmp_path,
        "duckalog.yaml",
        "attachments:\n"
        "  duckdb: [{alias: ref, path: ref.duckdb}, {alias: Other, path: ref.duckdb}]\n"
        "views:\n"
        "  - {name: direct, source: duckdb, database: ref, table: people}\n"
        '  - {name: through_view, sql: "SELECT * FROM direct"}\n'
        '  - {name: two_part, sql: "SELECT * FROM REF.people"}\n'
        '  - {name: three_part, sql: "SELECT * FROM other.main.people"}\n'
        '  - {name: none, sql: "SELECT 1"}\n',
    )
    catalog = load_catalog(config)
    assert attachment_users(catalog, analyse(catalog)) == {"ref": 3, "Other": 1}
    run = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[1:] == [
        "3 views use attachment ref: open with duckalog.connect or duckalog query",
        "1 view uses attachment Other: open with duckalog.connect or duckalog query",
    ]


def test_a_config_without_sql_views_needs_no_parser(tmp_path: Path) -> None:
    config = write(tmp_path, "c.yaml", "views: [{name: a, source: csv, uri: a.csv}]\n")
    catalog = load_catalog(config)
    assert analyse(catalog, connection=None).views == ((),)


def test_an_unparsable_view_keeps_its_place_and_fails_when_built(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "c.yaml",
        'views: [{name: a, sql: "SELEC 1"}, {name: b, sql: "SELECT * FROM a"}]\n',
    )
    catalog = load_catalog(config)
    assert [v.item.name for v in order_views(catalog).views] == ["a", "b"]
    with pytest.raises(BuildError, match=r'view "a" \(.*c.yaml: views\[0\].sql\): Parser Error'):
        build(catalog)


def test_self_reference_is_a_cycle() -> None:
    view = Located(View(name="v", sql="SELECT * FROM v"), Origin(Path("c.yaml"), "views[0]"))
    catalog = Catalog(config_file=Path("c.yaml"), database=Path("c.duckdb"), views=(view,))
    with pytest.raises(ConfigError, match=r"main.v \(c.yaml: views\[0\]\) -> main.v$"):
        order_views(catalog)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""SQL generation and quoting, including property tests that names cannot inject SQL."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from duckalog.builder import build
from duckalog.config.model import (
    DuckDBAttachment,
    PostgresAttachment,
    Secret,
    SQLiteAttachment,
    View,
)
from duckalog.config.resolved import Catalog, Located, Origin
from duckalog.sql import Statement, ends_in_line_comment, literal, quote_ident, quote_string, render
from duckalog.statements import generate

ORIGIN = Origin(Path("test.yaml"), "views[0]")

FRAGMENTS = ['"', "'", ";", "--", "/*", "*/", "DROP TABLE t", " ", "`", "\\", "$$", "x", "Ö", "🦆"]
# Printable text (no control characters: the model rejects them) mixed with SQL metacharacters.
names = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
        min_size=1,
        max_size=24,
    ),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map("".join),
)
texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


def located_views(*views: View) -> tuple[Located[View], ...]:
    return tuple(Located(v, Origin(Path("t.yaml"), f"views[{i}]")) for i, v in enumerate(views))


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("orders", '"orders"'),
        ('a"b', '"a""b"'),
        ('x"; DROP TABLE t; --', '"x""; DROP TABLE t; --"'),
    ],
)
def test_quote_ident(name: str, quoted: str) -> None:
    assert quote_ident(name) == quoted


def test_quote_string_and_literals() -> None:
    assert quote_string("it's") == "'it''s'"
    assert literal(True) == "true"
    assert literal(3) == "3"
    assert literal(1.5) == "1.5"
    assert literal(["a", "b"]) == "['a', 'b']"
    assert literal({"a": "INTEGER"}) == "{'a': 'INTEGER'}"
    with pytest.raises(ValueError, match="finite"):
        literal(math.inf)
    with pytest.raises(ValueError, match="NUL"):
        quote_ident("a\x00b")


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory connection for the round-trip properties (connecting is slow)."""
    connection = duckdb.connect()
    yield connection
    connection.close()


@settings(max_examples=120, deadline=None)
@given(name=names)
def test_quoted_identifier_round_trips(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    description = connection.execute(f"SELECT 1 AS {quote_ident(name)}").description
    assert description is not None
    assert description[0][0] == name


@settings(max_examples=120, deadline=None)
@given(text=texts)
def test_string_literal_round_trips(connection: duckdb.DuckDBPyConnection, text: str) -> None:
    assert connection.execute(f"SELECT {quote_string(text)}").fetchone() == (text,)


@settings(max_examples=60, deadline=None)
@given(view=names, schema=names)
def test_hostile_names_create_exactly_one_view(
    connection: duckdb.DuckDBPyConnection, view: str, schema: str
) -> None:
    """The generated statements for hostile names create exactly the declared objects."""
    assume(schema.lower() not in ("main", "pg_catalog", "information_schema"))
    catalog = Catalog(
        config_file=Path("t.yaml"),
        database=Path("unused.duckdb"),
        views=located_views(View(name=view, schema=schema, sql="SELECT 42 AS answer")),
    )
    connection.execute("ATTACH ':memory:' AS scratch")
    connection.execute("USE scratch")
    try:
        for statement in generate(catalog):
            connection.execute(statement.sql)
        views = connection.execute(
            "SELECT schema_name, view_name FROM duckdb_views()"
            " WHERE database_name = 'scratch' AND NOT internal"
        ).fetchall()
        tables = connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'scratch'"
        ).fetchone()
        schemas = connection.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = 'scratch'"
        ).fetchall()
        answer = connection.execute(
            f"SELECT answer FROM {quote_ident(schema)}.{quote_ident(view)}"
        ).fetchone()
    finally:
        connection.execute("USE memory")
        connection.execute("DETACH scratch")
    assert views == [(schema, view)]
    assert tables == (0,)
    assert {name for (name,) in schemas} == {"main", schema}
    assert answer == (42,)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(view=names, schema=names, description=texts)
def test_hostile_names_in_a_real_build(
    tmp_path: Path, parquet: Path, view: str, schema: str, description: str
) -> None:
    """A real file build with hostile names: exactly the declared views, readable, no tables."""
    assume(schema.lower() != "main")
    database = tmp_path / "catalog.duckdb"
    database.unlink(missing_ok=True)
    catalog = Catalog(
        config_file=Path("t.yaml"),
        database=database,
        views=located_views(
            View(
                name=view,
                schema=schema,
                source="parquet",
                uri=str(parquet),
                description=description,
            ),
            View(name=view, sql="SELECT 42 AS answer"),
        ),
    )
    build(catalog)
    connection = duckdb.connect(str(database), read_only=True)
    try:
        views = connection.execute(
            "SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal"
            " ORDER BY schema_name = 'main'"
        ).fetchall()
        tables = connection.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        rows = connection.execute(
            f"SELECT count(*) FROM {quote_ident(schema)}.{quote_ident(view)}"
        ).fetchone()
    finally:
        connection.close()
    assert views == [(schema, view, description), ("main", view, None)]
    assert tables == (0,)
    assert rows == (3,)


def test_generated_sql_for_every_kind_of_object() -> None:
    catalog = Catalog(
        config_file=Path("t.yaml"),
        database=Path("c.duckdb"),
        install_extensions=(Located("json", ORIGIN),),
        load_extensions=(Located("json", ORIGIN),),
        settings={"threads": 2, "memory_limit": "1GB"},
        secrets=(
            Located(
                Secret(
                    type="s3",
                    name="lake",
                    parameters={"key_id": "AKIA1", "secret": "topsecret", "region": "eu"},
                ),
                ORIGIN,
            ),
        ),
        attachments=(
            Located(
                PostgresAttachment(
                    alias="pg", host="db", database="app", user="o'neil", password="pw'd"
                ),
                ORIGIN,
            ),
            Located(SQLiteAttachment(alias="old", path="/d/legacy.db"), ORIGIN),
            Located(DuckDBAttachment(alias="rw", path="/d/it's.duckdb", read_only=False), ORIGIN),
        ),
        views=located_views(
            View(
                name="o",
                schema="sales",
                source="csv",
                uri="/d/o.csv",
                options={"header": True, "columns": {"a": "INT"}},
            ),
            View(name="p", source="postgres", database="pg", table="customers"),
            View(name="q", sql="SELECT 1 -- trailing comment"),
        ),
        secret_values=frozenset({"AKIA1", "topsecret", "pw'd"}),
    )
    statements = generate(catalog)
    real = [s.sql for s in statements]
    assert real[:12] == [
        'INSTALL "json"',
        'LOAD "json"',
        'SET "threads" = 2',  # after LOAD: an extension's settings exist only once loaded
        "SET \"memory_limit\" = '1GB'",
        'CREATE SECRET "lake" ("type" \'s3\', "key_id" \'AKIA1\','
        " \"secret\" 'topsecret', \"region\" 'eu')",
        "ATTACH 'host=''db'' port=''5432'' dbname=''app'' user=''o\\''neil''"
        " password=''pw\\''d''' AS \"pg\" (TYPE postgres, READ_ONLY)",
        "ATTACH '/d/legacy.db' AS \"old\" (TYPE sqlite, READ_ONLY)",
        "ATTACH '/d/it''s.duckdb' AS \"rw\"",
        'CREATE SCHEMA IF NOT EXISTS "sales"',
        'CREATE VIEW "sales"."o" AS SELECT * FROM read_csv(\'/d/o.csv\','
        " \"header\" = true, \"columns\" = {'a': 'INT'})",
        'CREATE VIEW "p" AS SELECT * FROM "pg"."public"."customers"',
        'CREATE VIEW "q" AS SELECT 1 -- trailing comment',
    ]
    # Then the session is stored in the catalog, credentials left out (not by reference).
    assert real[12:14] == [
        'CREATE SCHEMA "_duckalog"',
        'CREATE TABLE "_duckalog"."session" (position INTEGER NOT NULL, kind VARCHAR NOT NULL,'
        " name VARCHAR NOT NULL, definition VARCHAR NOT NULL, not_stored VARCHAR[] NOT NULL,"
        " origin VARCHAR NOT NULL)",
    ]
    assert "['key_id', 'secret']::VARCHAR[]" in real[14]
    assert "['password']::VARCHAR[]" in real[14]
    stored = "\n".join(real[12:])
    for secret in ("AKIA1", "topsecret", "pw'd", "pw''d"):
        assert secret not in stored
    listing = render(statements)
    for secret in ("AKIA1", "topsecret", "pw\\''d", "pw'd"):
        assert secret not in listing
    assert "\"key_id\" '***'" in listing
    assert "'eu'" in listing  # region is not a credential
    assert "-- trailing comment\n;\n" in listing  # the comment cannot swallow the terminator
    # every listed statement parses as exactly one statement
    connection = duckdb.connect()
    try:
        parsed = connection.extract_statements(listing)
    finally:
        connection.close()
    assert len(parsed) == len(statements)


def test_settings_that_decide_where_extensions_come_from_go_first() -> None:
    catalog = Catalog(
        config_file=Path("t.yaml"),
        database=Path("/d/c.duckdb"),
        install_extensions=(Located("spatial", ORIGIN),),
        load_extensions=(Located("/d/ext/x.duckdb_extension", ORIGIN),),
        settings={
            "threads": 1,
            "extension_directory": "/d/ext",
            "autoload_known_extensions": False,
        },
        portable=True,
    )
    assert [s.sql for s in generate(catalog)][:6] == [
        "SET \"extension_directory\" = '/d/ext'",
        'SET "autoload_known_extensions" = false',
        'INSTALL "spatial"',
        "LOAD '/d/ext/x.duckdb_extension'",
        'SET "threads" = 1',
        "SET \"file_search_path\" = '/d'",
    ]


@pytest.mark.parametrize(
    ("text", "in_comment"),
    [
        ("SELECT 1 -- trailing comment", True),
        ("SELECT 1 --", True),
        ("SELECT 1 -- first\n-- second", True),
        ("SELECT 1 -- a comment, then a line\nFROM t", False),
        ("SELECT 1 -- ends with its newline\n", False),
        # A run found this: a temporary folder named "...--..." in a file view's path.
        ("SELECT * FROM read_parquet('/tmp/run--1/x.parquet')", False),
        ("SELECT * FROM read_csv('/d/a--b.csv') -- but this is one", True),
        ('SELECT "col--umn" FROM t', False),
        ("SELECT 1 /* -- inside a block comment */", False),
        ("SELECT '--'", False),
    ],
)
def test_only_a_real_line_comment_moves_the_terminator(text: str, in_comment: bool) -> None:
    listing = render([Statement(text, "view"), Statement(text, "view")])
    assert listing == (f"{text}\n;\n" if in_comment else f"{text};\n") * 2
    connection = duckdb.connect()
    try:
        assert ends_in_line_comment(text, connection) is in_comment
        # Each listed statement still ends where it should.
        assert len(connection.extract_statements(listing)) == 2
    finally:
        connection.close()

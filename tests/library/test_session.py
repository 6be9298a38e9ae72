# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The stored session round-trips: what a build stores is what connect replays."""

from __future__ import annotations

from collections.abc import Iterator
from os.path import normpath
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duckalog import session
from duckalog.config.model import DuckDBAttachment, PostgresAttachment, Secret, SQLiteAttachment
from duckalog.config.resolved import Catalog, Located, Origin

ORIGIN = Origin(Path("conf.yaml"), "x")
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
    min_size=1,
    max_size=20,
)
texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=30,
)


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def round_trip(
    connection: duckdb.DuckDBPyConnection, catalog: Catalog, environ: dict[str, str]
) -> tuple[list[session.Step], list[session.Step]]:
    """(steps of the catalog, steps read back from what a build stores)."""
    built = session.steps(catalog)
    connection.execute("ATTACH ':memory:' AS scratch")
    connection.execute("USE scratch")
    try:
        for statement in session.store(catalog, built):
            connection.execute(statement.sql)
        rows = session.read(connection)
    finally:
        connection.execute("USE memory")
        connection.execute("DETACH scratch")
    assert rows is not None
    restored, _ = session.restore(rows, catalog.database, environ)
    return built, restored


@settings(max_examples=40, deadline=None)
@given(alias=names, secret_name=names, path=texts, host=texts, value=texts, password=texts)
# Found by hypothesis: a file named "~" came back as the home folder, and a path with a
# comma was split as if it were a list of paths.
@example(alias="a", secret_name="s", path="~", host="h", value="v", password="p")
@example(alias="a", secret_name="s", path=",", host="h", value="v", password="p")
@example(alias="a", secret_name="s", path="x,~y", host="h", value="v", password="p")
def test_hostile_values_round_trip(
    connection: duckdb.DuckDBPyConnection,
    alias: str,
    secret_name: str,
    path: str,
    host: str,
    value: str,
    password: str,
) -> None:
    folder = Path("/catalogs/here")
    secret_origin = Origin(Path("conf.yaml"), "duckdb.secrets[0]")
    pg_origin = Origin(Path("conf.yaml"), "attachments.postgres[0]")
    catalog = Catalog(
        config_file=Path("conf.yaml"),
        database=folder / "c.duckdb",
        settings={"threads": 2, "default_collation": value},
        secrets=(
            Located(
                Secret(type="http", name=secret_name, parameters={"bearer_token": password}),
                secret_origin,
            ),
        ),
        attachments=(
            # Paths as the loader gives them: absolute and normalized.
            Located(DuckDBAttachment(alias=alias, path=normpath(f"/elsewhere/{path}")), ORIGIN),
            Located(SQLiteAttachment(alias=alias + "2", path=normpath(f"{folder}/{path}")), ORIGIN),
            Located(
                PostgresAttachment(
                    alias=alias + "3", host=host or "h", database="d", user="u", password=password
                ),
                pg_origin,
            ),
        ),
        portable=True,
        secret_references={
            Origin(Path("conf.yaml"), "duckdb.secrets[0].bearer_token"): "${env:T_TOKEN}",
            Origin(Path("conf.yaml"), "attachments.postgres[0].password"): "${env:T_PW}",
        },
    )
    built, restored = round_trip(connection, catalog, {"T_TOKEN": password, "T_PW": password})
    assert [step.sql(False) for step in restored] == [step.sql(False) for step in built]


def test_a_credential_written_in_the_config_is_listed_not_stored(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    catalog = Catalog(
        config_file=Path("conf.yaml"),
        database=Path("/c/c.duckdb"),
        settings={"s3_secret_access_key": "literal-key"},
    )
    statements = session.store(catalog, session.steps(catalog))
    assert "literal-key" not in "\n".join(s.sql for s in statements)
    assert "['value']::VARCHAR[]" in statements[2].sql

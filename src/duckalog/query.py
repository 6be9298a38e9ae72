# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Run one query and write its result as a table, CSV or JSON (``duckalog query``).

Values are formatted by DuckDB itself: CSV cells are DuckDB's text form of each
value (``CAST(... AS VARCHAR)``; NULL is an empty cell) and JSON rows are
DuckDB's ``to_json`` of each row (numbers stay numbers, dates are strings).
The table is DuckDB's own rendering, which elides the middle of long results;
CSV and JSON write every row (held in memory: duckdb 2 relations keep no
cursor to stream from).
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

from .config.model import fold
from .errors import QueryError
from .sql import quote_ident

if TYPE_CHECKING:
    import duckdb

FORMATS = ("table", "csv", "json")


def write(
    connection: duckdb.DuckDBPyConnection, query: str, output_format: str, out: TextIO
) -> None:
    """Run ``query`` on ``connection`` and write its result to ``out``.

    Raises :class:`~duckalog.errors.QueryError` with DuckDB's message when the
    query fails. A statement without a result (``SET ...``) writes nothing.
    """
    import duckdb

    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r} (expected one of {FORMATS})")
    try:
        relation = connection.sql(query)
        if relation is None:
            return
        if output_format == "table":
            out.write(str(relation))
            return
        if output_format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(relation.columns)
            text = relation.project("CAST(COLUMNS(*) AS VARCHAR)")
            writer.writerows(["" if v is None else v for v in row] for row in text.fetchall())
            return
        # The row alias must not be a column name, or to_json would take the column.
        alias, names = "row", {fold(name) for name in relation.columns}
        while fold(alias) in names:
            alias += "_"
        rows = relation.set_alias(alias).project(f"to_json({quote_ident(alias)})").fetchall()
        out.write("[" + ",".join(f"\n{text}" for (text,) in rows) + ("\n]\n" if rows else "]\n"))
    except duckdb.Error as error:
        raise QueryError(str(error)) from None


__all__ = ["FORMATS", "write"]

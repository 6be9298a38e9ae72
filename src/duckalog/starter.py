# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The starter config ``duckalog init`` writes: valid, buildable as is, commented."""

from __future__ import annotations

STARTER_CONFIG = """\
# Duckalog config: `duckalog build duckalog.yaml` turns it into a DuckDB catalog.
# Editors can validate it with the schema printed by `duckalog schema`.
version: 1

duckdb:
  # The catalog file, relative to this config's folder.
  database: catalog.duckdb
  settings:
    threads: 2

views:
  # A view over SQL: works as is.
  - name: hello
    sql: "SELECT 42 AS answer, 'duckalog' AS tool"
    description: A first view; replace it with your own.

  # A view over Parquet files (paths relative to this file; globs allowed):
  # - name: orders
  #   schema: sales
  #   source: parquet
  #   uri: data/orders/*.parquet
  #   options: {hive_partitioning: true}

  # A view over CSV files, with reader options:
  # - name: customers
  #   source: csv
  #   uri: data/customers.csv
  #   options: {header: true}

  # Values can come from the environment: ${env:NAME} or ${env:NAME:-default}.
"""

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

  # A view whose SELECT lives in its own file (relative to this file):
  # - name: revenue
  #   sql_file: sql/revenue.sql

  # A Delta Lake table (its folder) and an Iceberg table (its folder or a
  # metadata file); the delta / iceberg extension is loaded for you:
  # - name: events
  #   source: delta
  #   uri: lake/events
  # - name: trips
  #   source: iceberg
  #   uri: lake/trips/metadata/v3.metadata.json

# Another config's catalog, built first and attached: its views are ref.main.NAME.
# attachments:
#   duckalog:
#     - {alias: ref, config: ../reference/duckalog.yaml}

  # Values can come from the environment: ${env:NAME} or ${env:NAME:-default}.
"""

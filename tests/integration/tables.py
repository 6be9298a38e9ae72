# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Real Delta Lake and Iceberg tables, written offline by their reference writers.

Delta with ``deltalake`` (delta-rs), Iceberg with ``pyiceberg`` and its SQLite
catalog (SQLAlchemy) writing Parquet data files with pyarrow. Each writer
returns what a reader must see, so tests compare query results with what was
written, never with hard-coded results of a reader.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyarrow as pa


@dataclasses.dataclass(frozen=True)
class DeltaTable:
    """A Delta table folder and its rows at the latest version, ordered by id."""

    folder: Path
    rows: list[tuple[Any, ...]]
    versions: int


def write_delta(folder: Path) -> DeltaTable:
    """Two commits: (id, name), then rows with a new column ``score`` (a schema change)."""
    from deltalake import DeltaTable as Reader
    from deltalake import write_deltalake

    first = pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["eins", "zwei"]})
    second = pa.table(
        {
            "id": pa.array([3, 4], pa.int64()),
            "name": ["drei", "vier ü"],
            "score": pa.array([1.5, None], pa.float64()),
        }
    )
    write_deltalake(str(folder), first)
    write_deltalake(str(folder), second, mode="append", schema_mode="merge")
    table = Reader(str(folder))
    assert [field.name for field in table.schema().fields] == ["id", "name", "score"]
    rows = sorted(
        (row["id"], row["name"], row.get("score"))
        for row in [*first.to_pylist(), *second.to_pylist()]
    )
    return DeltaTable(folder, rows, table.version() + 1)


@dataclasses.dataclass(frozen=True)
class IcebergTable:
    """An Iceberg table: its folder, latest metadata file, rows (by id) and a data file
    that the table no longer contains but that is still on disk."""

    folder: Path
    metadata: Path
    rows: list[tuple[Any, ...]]
    deleted_file: Path


def write_iceberg(warehouse: Path) -> IcebergTable:
    """Table ``lake.orders`` partitioned by region; one partition deleted (its file is
    dropped from the table), one row deleted (its file rewritten)."""
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.expressions import EqualTo
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import DoubleType, LongType, NestedField, StringType

    warehouse.mkdir(parents=True)
    catalog = SqlCatalog(
        "local", uri=f"sqlite:///{warehouse / 'catalog.db'}", warehouse=warehouse.as_uri()
    )
    catalog.create_namespace("lake")
    schema = Schema(
        NestedField(1, "id", LongType(), required=False),
        NestedField(2, "region", StringType(), required=False),
        NestedField(3, "amount", DoubleType(), required=False),
    )
    spec = PartitionSpec(
        PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="region")
    )
    table = catalog.create_table("lake.orders", schema=schema, partition_spec=spec)
    data = pa.table(
        {
            "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "region": ["eu", "eu", "us", "apac", "us"],
            "amount": pa.array([10.0, 20.5, 30.0, None, 50.25], pa.float64()),
        }
    )
    table.append(data)
    us_files = [
        Path(task.file.file_path.removeprefix("file://"))
        for task in table.scan(row_filter=EqualTo("region", "us")).plan_files()
    ]
    table.delete(EqualTo("region", "us"))
    table.delete(EqualTo("id", 1))
    table = catalog.load_table("lake.orders")
    rows = sorted(
        (row["id"], row["region"], row["amount"])
        for row in data.to_pylist()
        if row["region"] != "us" and row["id"] != 1
    )
    assert sorted(tuple(r.values()) for r in table.scan().to_arrow().to_pylist()) == rows
    metadata = Path(table.metadata_location.removeprefix("file://"))
    assert len(us_files) == 1 and us_files[0].is_file()
    return IcebergTable(metadata.parent.parent, metadata, rows, us_files[0])

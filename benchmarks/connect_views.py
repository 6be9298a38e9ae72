# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Benchmark: what ``duckalog.connect`` costs over ``duckdb.connect`` plus the ATTACH calls.

Run it with the Python that has duckalog installed (e.g. the nox tests venv):

    .nox/tests-3-11/bin/python benchmarks/connect_views.py [--views 1000] [--repeat 15]

It builds one catalog of ``--views`` views (parquet views, one in ten an sql
view over another, one in ten over an attached DuckDB file) whose session has
two settings and two attachments, then times, alternating and best of
``--repeat``, opening the catalog and closing it again:

* plain   - ``duckdb.connect(catalog, read_only=True)``, then by hand the same
  SET and ATTACH statements the session holds (what the target is measured
  against: the ATTACH calls themselves are not duckalog's overhead);
* catalog - ``duckalog.connect(catalog)``: reads the stored session and
  replays it;
* config  - ``duckalog.connect(config)``: loads the config (YAML, all views)
  and replays its session, for reference.

It prints the times, and the overhead catalog - plain in milliseconds (target:
at most 50 ms at 1000 views), then the same two opens in fresh processes
(imports included), for reference.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

import duckalog


def make_project(folder: Path, views: int) -> tuple[Path, Path, list[str]]:
    """A config, its built catalog and the session statements a plain client runs."""
    data = folder / "data"
    data.mkdir()
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT range AS id, range * 1.5 AS amount FROM range(100))"
        f" TO '{data / 'orders.parquet'}' (FORMAT parquet)"
    )
    connection.close()
    for name in ("ref", "more"):
        connection = duckdb.connect(str(folder / f"{name}.duckdb"))
        connection.execute("CREATE TABLE people AS SELECT range AS id FROM range(10)")
        connection.close()
    lines = [
        "duckdb:",
        "  settings: {threads: 2, memory_limit: 1GB}",
        "attachments:",
        "  duckdb: [{alias: ref, path: ref.duckdb}, {alias: more, path: more.duckdb}]",
        "views:",
    ]
    for index in range(views):
        if index % 10 == 1:
            lines.append(f'  - {{name: v{index}, sql: "SELECT * FROM v{index - 1}"}}')
        elif index % 10 == 2:
            lines.append(f"  - {{name: v{index}, source: duckdb, database: ref, table: people}}")
        else:
            lines.append(f"  - {{name: v{index}, source: parquet, uri: data/orders.parquet}}")
    config = folder / "duckalog.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalog = duckalog.build(duckalog.load_catalog(config)).database
    session = [
        "SET threads = 2",
        "SET memory_limit = '1GB'",
        f"ATTACH '{folder / 'ref.duckdb'}' AS ref (READ_ONLY)",
        f"ATTACH '{folder / 'more.duckdb'}' AS more (READ_ONLY)",
    ]
    return config, catalog, session


def plain_open(catalog: Path, session: list[str]) -> None:
    connection = duckdb.connect(str(catalog), read_only=True)
    for statement in session:
        connection.execute(statement)
    connection.close()


def duckalog_open(source: Path) -> None:
    duckalog.connect(source).close()


def best(
    runs: dict[str, Callable[[], None]], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Best time of each run on ``clock``, in seconds, alternating the runs."""
    found = dict.fromkeys(runs, math.inf)
    for _ in range(repeat):
        for name, run in runs.items():
            started = clock()
            run()
            found[name] = min(found[name], clock() - started)
    return found


def cold(code: str) -> Callable[[], None]:
    """A run of ``python -c code`` in a fresh process."""
    return lambda: subprocess.run([sys.executable, "-c", code], check=True) and None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"duckalog {duckalog.__version__}, duckdb {duckdb.__version__}, Python {python}")
    with tempfile.TemporaryDirectory(prefix="duckalog-bench-") as scratch:
        config, catalog, session = make_project(Path(scratch), args.views)
        duckalog_open(catalog)  # imports and first-use caches out of the timings
        runs: dict[str, Callable[[], None]] = {
            "plain": lambda: plain_open(catalog, session),
            "catalog": lambda: duckalog_open(catalog),
            "config": lambda: duckalog_open(config),
        }
        wall = best(runs, args.repeat)
        # CPU time of this process (all of DuckDB's threads): steadier on a loaded machine.
        cpu = best(runs, args.repeat, time.process_time)
        print(f"{args.views} views, {len(session)} session statements; best of {args.repeat}:")
        print(f"{'':40}{'wall ms':>10}{'cpu ms':>10}")
        for name, label in (
            ("plain", "duckdb.connect + SET/ATTACH by hand"),
            ("catalog", "duckalog.connect(catalog file)"),
            ("config", "duckalog.connect(config file)"),
        ):
            print(f"  {label:38}{wall[name] * 1000:10.1f}{cpu[name] * 1000:10.1f}")
        overhead = (wall["catalog"] - wall["plain"]) * 1000
        overhead_cpu = (cpu["catalog"] - cpu["plain"]) * 1000
        print(
            f"overhead of duckalog.connect(catalog): wall {overhead:+.1f} ms,"
            f" cpu {overhead_cpu:+.1f} ms (target <= 50 ms)"
        )
        statements = repr(session)
        plain_code = (
            f"import duckdb; c = duckdb.connect({str(catalog)!r}, read_only=True)\n"
            f"for s in {statements}: c.execute(s)\nc.close()"
        )
        duckalog_code = f"import duckalog; duckalog.connect({str(catalog)!r}).close()"
        fresh = best({"plain": cold(plain_code), "duckalog": cold(duckalog_code)}, 5)
        print(
            f"fresh process, imports included (best of 5): plain {fresh['plain'] * 1000:.0f} ms,"
            f" duckalog {fresh['duckalog'] * 1000:.0f} ms"
            f" ({(fresh['duckalog'] - fresh['plain']) * 1000:+.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

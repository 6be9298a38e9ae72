# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Benchmark: building N parquet views with Duckalog vs a plain DuckDB script.

Run it with the Python that has duckalog installed (e.g. the nox tests venv):

    .nox/tests-3-11/bin/python benchmarks/build_views.py [--sizes 10 100 1000] [--repeat 5]

For each N it creates N small parquet files, then times, alternating and
best of ``--repeat``:

* plain   - a DuckDB script: connect, one CREATE VIEW per file, close
  (autocommit: one commit per view, as most hand-written scripts do);
* plain-tx - the same script inside one transaction (the fastest plain
  script we know; the ratio is taken against the faster of the two);
* library - ``duckalog.build(duckalog.load_catalog(config))``, config parsing
  and the atomic replace included;
* cli     - ``duckalog build config`` in a subprocess (interpreter start-up and
  imports included), for reference.

It prints the times and the ratio library / fastest plain, and the wall time of
``duckalog --help`` next to a bare ``python -c pass`` (best of 10 each, so
machine load shows). Targets: ratio <= 1.15 at N=1000; --help <= 80 ms.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import duckdb

import duckalog

DUCKALOG = str(Path(sys.executable).parent / "duckalog")


def make_files(folder: Path, count: int) -> list[Path]:
    """``count`` parquet files (copies of one 100-row file) under ``folder/data``."""
    data = folder / "data"
    data.mkdir(parents=True)
    first = data / "part-0.parquet"
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT range AS id, range * 1.5 AS amount FROM range(100)) TO '{first}'"
        " (FORMAT parquet)"
    )
    connection.close()
    files = [first]
    for index in range(1, count):
        files.append(data / f"part-{index}.parquet")
        shutil.copyfile(first, files[-1])
    return files


def plain_script(database: Path, files: list[Path], transaction: bool = False) -> None:
    """What a user would write by hand with the DuckDB Python API."""
    connection = duckdb.connect(str(database))
    if transaction:
        connection.execute("BEGIN TRANSACTION")
    for index, file in enumerate(files):
        connection.execute(f"CREATE VIEW v{index} AS SELECT * FROM read_parquet('{file}')")
    if transaction:
        connection.execute("COMMIT")
    connection.close()


def write_config(folder: Path, files: list[Path]) -> Path:
    lines = ["version: 1", "duckdb: {database: duckalog.duckdb}", "views:"]
    lines += [
        f"  - {{name: v{index}, source: parquet, uri: {file.relative_to(folder)}}}"
        for index, file in enumerate(files)
    ]
    config = folder / "duckalog.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def best_of(repeat: int, run: Callable[[], None], cleanup: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        cleanup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def command_time(argv: list[str], repeat: int = 10) -> float:
    """Best wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def measure(count: int, repeat: int, with_cli: bool) -> tuple[float, float, float, float]:
    """Best times (plain, plain-tx, library, cli) in seconds for ``count`` views."""
    with tempfile.TemporaryDirectory(prefix="duckalog-bench-") as scratch:
        folder = Path(scratch)
        files = make_files(folder, count)
        config = write_config(folder, files)
        plain_db, duckalog_db = folder / "plain.duckdb", folder / "duckalog.duckdb"

        def clean() -> None:
            for path in (plain_db, duckalog_db):
                path.unlink(missing_ok=True)

        plain = plain_tx = library = float("inf")
        # Alternate the variants so machine noise hits all alike.
        for _ in range(repeat):
            plain = min(plain, best_of(1, lambda: plain_script(plain_db, files), clean))
            plain_tx = min(plain_tx, best_of(1, lambda: plain_script(plain_db, files, True), clean))
            library = min(
                library, best_of(1, lambda: duckalog.build(duckalog.load_catalog(config)), clean)
            )
        cli = float("nan")
        if with_cli:
            argv = [DUCKALOG, "build", "-q", str(config)]
            cli = best_of(
                max(1, repeat // 2),
                lambda: subprocess.run(argv, check=True, capture_output=True),  # type: ignore[func-returns-value]
                clean,
            )
        return plain, plain_tx, library, cli


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess CLI timing")
    args = parser.parse_args()

    python = sys.version.split()[0]
    print(f"duckalog {duckalog.__version__}, duckdb {duckdb.__version__}, Python {python}")
    print(f"{'N':>6} {'plain s':>8} {'plain-tx s':>10} {'library s':>9} {'ratio':>6} {'cli s':>7}")
    ratio = float("nan")
    for count in args.sizes:
        plain, plain_tx, library, cli = measure(count, args.repeat, not args.no_cli)
        ratio = library / min(plain, plain_tx)
        print(
            f"{count:>6} {plain:>8.3f} {plain_tx:>10.3f} {library:>9.3f} {ratio:>6.2f} {cli:>7.3f}"
        )
    help_ms = command_time([DUCKALOG, "--help"]) * 1000
    bare_ms = command_time([sys.executable, "-c", "pass"]) * 1000
    print(f"duckalog --help: {help_ms:.0f} ms; python -c pass: {bare_ms:.0f} ms (best of 10)")
    print(f"ratio at N={args.sizes[-1]}: {ratio:.2f} (target <= 1.15); --help target <= 80 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

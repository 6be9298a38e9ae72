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
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

import duckdb

import duckalog

DUCKALOG = str(Path(sys.executable).parent / "duckalog")


class Timing(NamedTuple):
    """Seconds: wall clock, and CPU (robust when the machine is shared and loaded)."""

    wall: float
    cpu: float

    def best(self, other: Timing) -> Timing:
        return Timing(min(self.wall, other.wall), min(self.cpu, other.cpu))


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


def best_of(repeat: int, run: Callable[[], object], cleanup: Callable[[], None]) -> Timing:
    """Best wall time and best CPU time (this process and its children, all threads)."""
    walls, cpus = [], []
    for _ in range(repeat):
        cleanup()
        cpu_before = _cpu()
        started = time.perf_counter()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu_before)
    return Timing(min(walls), min(cpus))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command_time(argv: list[str], repeat: int = 10) -> float:
    """Best wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def measure(count: int, repeat: int, with_cli: bool) -> dict[str, Timing]:
    """Best timings of plain, plain-tx, library and cli for ``count`` views."""
    with tempfile.TemporaryDirectory(prefix="duckalog-bench-") as scratch:
        folder = Path(scratch)
        files = make_files(folder, count)
        config = write_config(folder, files)
        plain_db, duckalog_db = folder / "plain.duckdb", folder / "duckalog.duckdb"

        def clean() -> None:
            for path in (plain_db, duckalog_db):
                path.unlink(missing_ok=True)

        runs: dict[str, Callable[[], object]] = {
            "plain": lambda: plain_script(plain_db, files),
            "plain-tx": lambda: plain_script(plain_db, files, True),
            "library": lambda: duckalog.build(duckalog.load_catalog(config)),
        }
        if with_cli:
            argv = [DUCKALOG, "build", "-q", str(config)]
            runs["cli"] = lambda: subprocess.run(argv, check=True, capture_output=True)
        timings = {name: Timing(math.inf, math.inf) for name in runs}
        # Alternate the variants so machine noise hits all alike.
        for _ in range(repeat):
            for name, run in runs.items():
                timings[name] = timings[name].best(best_of(1, run, clean))
        return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess CLI timing")
    args = parser.parse_args()

    python = sys.version.split()[0]
    print(f"duckalog {duckalog.__version__}, duckdb {duckdb.__version__}, Python {python}")
    print("best of", args.repeat, "- wall s / cpu s; ratio = library / fastest plain")
    header = ["N", "plain", "plain-tx", "library", "cli", "ratio wall", "ratio cpu"]
    print("".join(f"{h:>15}" for h in header))
    ratios = (math.nan, math.nan)
    for count in args.sizes:
        t = measure(count, args.repeat, not args.no_cli)
        plain = t["plain"].best(t["plain-tx"])
        ratios = (t["library"].wall / plain.wall, t["library"].cpu / plain.cpu)
        cells = [str(count)]
        for name in ("plain", "plain-tx", "library", "cli"):
            timing = t.get(name, Timing(math.nan, math.nan))
            cells.append(f"{timing.wall:.3f}/{timing.cpu:.3f}")
        cells += [f"{ratios[0]:.2f}", f"{ratios[1]:.2f}"]
        print("".join(f"{c:>15}" for c in cells))
    help_ms = command_time([DUCKALOG, "--help"]) * 1000
    bare_ms = command_time([sys.executable, "-c", "pass"]) * 1000
    print(f"duckalog --help: {help_ms:.0f} ms; python -c pass: {bare_ms:.0f} ms (best of 10)")
    print(
        f"ratio at N={args.sizes[-1]}: wall {ratios[0]:.2f}, cpu {ratios[1]:.2f}"
        " (target <= 1.15); --help target <= 80 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

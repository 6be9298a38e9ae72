# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Rebuilding a catalog that other processes use: real processes hold it open.

A holder process opens the catalog (read-write or read-only), says "ready" and
then runs the SQL lines the test writes to its stdin, printing each result, so
every step is synchronised by reading a line: no sleeps, no timing.
"""

from __future__ import annotations

import selectors
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from support import digest, listing, query, run_main, write_parquet

from duckalog.builder import build
from duckalog.config import load_catalog
from duckalog.errors import BuildError

HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read-only")
    if sys.argv[2] == "read-write":
        connection.execute("CREATE TABLE mine AS SELECT 42 AS x")
    print("ready", flush=True)
    for line in sys.stdin:
        try:
            print(connection.execute(line).fetchall(), flush=True)
        except Exception as error:
            print("ERROR", error, flush=True)
    connection.close()
    """
)
LOCKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from duckalog.guard import build_lock
    with build_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.read()
    """
)
CONFIG = "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n"


class Process:
    """A Python child process spoken to line by line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, sql: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(sql + "\n")
        self.process.stdin.flush()
        return self.line()

    def finish(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        return self.process.wait(timeout=60)

    def stop(self) -> None:
        """Kill the process if it still runs; close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        with self.process:  # closes the pipes and waits
            pass


@pytest.fixture
def holders() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for holder in started:
        holder.stop()


def make(tmp_path: Path, text: str = CONFIG) -> Path:
    write_parquet(tmp_path / "data" / "orders.parquet")
    (tmp_path / "duckalog.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "duckalog.yaml"


def held_catalog(tmp_path: Path, holders: list[Process], mode: str) -> tuple[Path, Process]:
    """The catalog built from :func:`make`'s config, open in another process in ``mode``
    (``read-write`` or ``read-only``); returns its path and that process, ready."""
    target = build(load_catalog(make(tmp_path))).database
    holder = Process(HOLDER, str(target), mode)
    holders.append(holder)
    assert holder.line() == "ready"
    return target, holder


def test_a_read_write_holder_makes_the_build_fail_and_change_nothing(
    tmp_path: Path, holders: list[Process]
) -> None:
    target, holder = held_catalog(tmp_path, holders, "read-write")
    wal = target.with_name("catalog.duckdb.wal")
    assert wal.is_file()  # the holder's committed table is still in its write-ahead log
    before = (digest(target), digest(wal), listing(tmp_path))

    run = run_main("build", "duckalog.yaml", cwd=tmp_path)

    assert run.code == 3
    assert f"{target} is open read-write in another process" in run.stderr
    assert (digest(target), digest(wal), listing(tmp_path)) == before
    # The holder goes on working and keeps everything it writes.
    assert holder.ask("INSERT INTO mine VALUES (43)") == "[(1,)]"
    assert holder.ask("SELECT count(*) FROM orders") == "[(3,)]"
    assert holder.finish() == 0
    assert query(target, "SELECT x FROM mine ORDER BY x") == [(42,), (43,)]
    # Once it is gone, the build goes through.
    assert run_main("build", "duckalog.yaml", cwd=tmp_path).code == 0


def test_read_only_holders_keep_reading_the_old_catalog(
    tmp_path: Path, holders: list[Process]
) -> None:
    target, holder = held_catalog(tmp_path, holders, "read-only")
    (tmp_path / "duckalog.yaml").write_text(
        CONFIG.replace("]", ", {name: total, sql: 'SELECT sum(amount) AS s FROM orders'}]"),
        encoding="utf-8",
    )

    run = run_main("build", "duckalog.yaml", cwd=tmp_path)

    assert run.code == 0, run.stderr
    assert holder.ask("SELECT count(*) FROM orders") == "[(3,)]"
    assert holder.finish() == 0
    assert query(target, "SELECT s FROM total") == [(4.5,)]
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_a_second_build_waits_for_the_first(tmp_path: Path, holders: list[Process]) -> None:
    """Builds in one folder are serialized: the second waits, says so, then builds."""
    make(tmp_path)
    locker = Process(LOCKER, str(tmp_path))
    holders.append(locker)
    assert locker.line() == "locked"
    with subprocess.Popen(
        [sys.executable, "-m", "duckalog", "build", "duckalog.yaml"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as second:
        try:
            assert second.stderr is not None
            with selectors.DefaultSelector() as selector:
                selector.register(second.stderr, selectors.EVENT_READ)
                assert selector.select(timeout=120), "the second build never said it waits"
            assert second.stderr.readline() == (
                f"duckalog: waiting for another build in {tmp_path} to finish\n"
            )
            assert not (tmp_path / "catalog.duckdb").exists()  # it really waits
            assert locker.finish() == 0
            assert second.wait(timeout=120) == 0
        finally:
            if second.poll() is None:
                second.kill()
    assert query(tmp_path / "catalog.duckdb", "SELECT count(*) FROM orders") == [(3,)]
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_a_read_write_connection_in_this_process_also_blocks_the_build(tmp_path: Path) -> None:
    config = make(tmp_path)
    target = build(load_catalog(config)).database
    before = digest(target)
    connection = duckdb.connect(str(target))
    try:
        with pytest.raises(BuildError, match="is open in this process"):
            build(load_catalog(config))
    finally:
        connection.close()
    assert digest(target) == before
    build(load_catalog(config))


def test_a_file_that_is_not_a_duckdb_database_is_never_replaced(tmp_path: Path) -> None:
    config = make(tmp_path)
    (tmp_path / "catalog.duckdb").write_text("my notes, not a database\n", encoding="utf-8")
    before = listing(tmp_path)
    with pytest.raises(BuildError, match="is not a DuckDB database: refusing to replace it"):
        build(load_catalog(config))
    assert (tmp_path / "catalog.duckdb").read_text(encoding="utf-8") == "my notes, not a database\n"
    assert listing(tmp_path) == before


def test_the_build_lock_is_released_after_a_failed_build(tmp_path: Path) -> None:
    config = make(tmp_path, "views: [{name: bad, sql: SELECT * FROM missing}]\n")
    with pytest.raises(BuildError):
        build(load_catalog(config))
    config.write_text(CONFIG, encoding="utf-8")
    assert build(load_catalog(config)).views == 1  # a held lock would make this wait forever
    assert listing(tmp_path) == ["catalog.duckdb", "data", "data/orders.parquet", "duckalog.yaml"]


def test_a_corrupt_old_catalog_is_rebuilt(tmp_path: Path) -> None:
    config = make(tmp_path)
    target = build(load_catalog(config)).database
    damaged = bytearray(target.read_bytes())
    damaged[5000:9000] = b"x" * 4000  # inside the first data block: its checksum fails
    target.write_bytes(bytes(damaged))
    with pytest.raises(duckdb.Error, match="checksum"):
        query(target, "SELECT count(*) FROM orders")
    build(load_catalog(config))
    assert query(target, "SELECT count(*) FROM orders") == [(3,)]


def test_an_unplaceable_error_on_the_old_catalog_fails_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: DuckDB refuses the old catalog for a reason the build cannot place."""
    config = make(tmp_path)
    target = build(load_catalog(config)).database
    before = digest(target), listing(tmp_path)
    real_connect = duckdb.connect

    def refuse_the_target(database: str = ":memory:", *args: object, **kwargs: object) -> object:
        if database == str(target):
            raise duckdb.IOException("IO Error: something new went wrong")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(duckdb, "connect", refuse_the_target)
    with pytest.raises(BuildError, match="cannot tell whether another process writes"):
        build(load_catalog(config))
    assert (digest(target), listing(tmp_path)) == before

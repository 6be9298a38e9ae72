# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Replacing a catalog safely while other processes use it.

Readers: a process holding the old catalog read-only keeps reading the old
file after ``os.replace`` (it holds the old inode); nothing to do.

Writers: a process holding the catalog read-write would go on writing into the
orphaned old file, and its write-ahead log sits beside the target. A build must
not replace the file then. DuckDB's own file lock tells: the build opens the
target read-only before replacing it, which fails while a writer holds it, and
keeps that connection (a shared lock) until the file is replaced, so no writer
can start in between. In this process, DuckDB refuses the same check with a
"different configuration" error, reported the same way.

Concurrent builds of one folder are serialized with an advisory ``flock`` on
the folder (where the platform has one): the second build waits, then builds
and replaces in turn, so neither can remove the other's files.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

log = logging.getLogger("duckalog")

#: Bytes 8-11 of every DuckDB database file.
MAGIC = b"DUCK"
#: DuckDB errors that mean the old file is unusable, not held: it may be replaced.
_UNREADABLE = ("version number", "corrupt database file", "checksum")


def is_duckdb_file(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database file (by its header)."""
    try:
        with open(path, "rb") as file:
            return file.read(12)[8:12] == MAGIC
    except OSError:
        return False


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for one build; wait while another build holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; os.replace still keeps the target whole
        yield
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("waiting for another build in %s to finish", folder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def no_writers(target: Path, subject: str) -> Iterator[None]:
    """Hold ``target`` read-only while it is replaced; fail if a writer holds it.

    Raises :class:`BuildError` when another process (or this one) has the
    catalog open read-write, or when ``target`` exists but is not a DuckDB
    database (the build refuses to replace such a file).
    """
    if not target.is_file():
        yield
        return
    if not is_duckdb_file(target):
        raise BuildError(
            f"{target} exists and is not a DuckDB database: refusing to replace it"
            " (move it away, or build another file with --database)",
            subject=subject,
        )
    import duckdb

    try:
        holder = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as error:
        message = str(error)
        if "Could not set lock" in message or "Conflicting lock" in message:
            raise BuildError(
                f"{target} is open read-write in another process; the catalog, its"
                " write-ahead log and that process's data are left as they are: close it"
                f" there (or open it read-only) and build again. DuckDB: {message}",
                subject=subject,
            ) from None
        if "different configuration" in message:
            raise BuildError(
                f"{target} is open in this process (read-write, or with other settings);"
                " close that connection and build again",
                subject=subject,
            ) from None
        if not any(sign in message.lower() for sign in _UNREADABLE):
            # Fail closed: an error we cannot place may hide a writer.
            raise BuildError(
                f"cannot tell whether another process writes {target}, so it is left as it is"
                f" (move it away to build anyway). DuckDB: {message}",
                subject=subject,
            ) from None
        # DuckDB read the header (the lock is taken first) and found a file it cannot use
        # (a newer storage version, a corrupt block): no writer holds it; rebuild it.
        log.debug("cannot open the old catalog %s read-only: %s", target, message)
        yield
        return
    try:
        yield
    finally:
        holder.close()


__all__ = ["build_lock", "is_duckdb_file", "no_writers"]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``SOURCE_DATE_EPOCH`` of a release build: what the archives can store, and the proof's mtimes.

The build stamps every archive member with the commit time. A wheel is a zip,
whose member dates run from 1980-01-01 to 2107-12-31; an sdist is a gzip'd tar,
whose gzip header holds an unsigned 32-bit time (last second 2106-02-07T06:28:15Z).
A commit dated outside both fails the build deep inside the backend (a
``struct.error`` from gzip), so :func:`check_storable` refuses it first, naming
the commit date and the value.

The reproducibility proof rebuilds from a second export whose files carry other
mtimes: :func:`second_export_mtime` is the commit time moved by
:data:`MTIME_SHIFT_S` (more than a year, plus an odd number of seconds), so a
build that leaks source mtimes differs in year, day, hour, minute and even in
zip's 2-second resolution, also when the commit is less than a second old.
"""

from __future__ import annotations

import datetime

from release_gates.problems import GateFailure, Problem

# 1980-01-01T00:00:00Z: the first time a zip member can carry.
EARLIEST = 315_532_800
# 2106-02-07T06:28:15Z: the last time a gzip header (unsigned 32 bit) can carry.
LATEST = 2**32 - 1
# 400 days, 1 h, 1 min and 3 s: another year, day, hour, minute and 2-second zip slot.
MTIME_SHIFT_S = 400 * 86_400 + 3_600 + 60 + 3

EPOCH_OUT_OF_RANGE = Problem(
    "build.epoch-out-of-range",
    "SOURCE_DATE_EPOCH={epoch} (the commit date of {commit}, {date}) is outside what the "
    "dists can store: zip and gzip hold times from {earliest} to {latest}",
    "The commit's committer date is wrong (a clock far off, or a rewritten history): "
    "re-commit with a correct date (`git commit --amend --no-edit --date=now` with "
    "GIT_COMMITTER_DATE=now) and tag that commit.",
)


def iso(epoch: int) -> str:
    """``epoch`` as an ISO 8601 UTC time, for messages (any int, also beyond 2106)."""
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    try:
        return (moment + datetime.timedelta(seconds=epoch)).isoformat().replace("+00:00", "Z")
    except OverflowError:
        return "a date Python cannot represent"


def check_storable(epoch: int, commit: str) -> None:
    """Raise :data:`EPOCH_OUT_OF_RANGE` unless zip and gzip can both store ``epoch``."""
    if not EARLIEST <= epoch <= LATEST:
        raise GateFailure(
            EPOCH_OUT_OF_RANGE,
            epoch=epoch,
            commit=commit[:12],
            date=iso(epoch),
            earliest=iso(EARLIEST),
            latest=iso(LATEST),
        )


def second_export_mtime(epoch: int) -> int:
    """The mtime every file of the proof's second export gets (never ``epoch`` itself).

    Later than the commit when that stays storable, else earlier: the value must
    itself be storable, or a leaking build would crash instead of differing.
    """
    later = epoch + MTIME_SHIFT_S
    return later if later <= LATEST else epoch - MTIME_SHIFT_S

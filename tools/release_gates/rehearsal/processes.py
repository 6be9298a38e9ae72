# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The rehearsal's child processes: each in its own process group, stopped as a whole.

A gate starts tools that start tools (nox, pip, build backends, pypiserver). Its
command is therefore started as the leader of a new process group, and stopping
it means stopping the group: SIGTERM, a grace period, then SIGKILL. A gate that
exits while members of its group still run has left processes behind; the
rehearsal kills them and counts that as a failure. On Linux the members are read
from ``/proc`` (a zombie, already dead, does not count); elsewhere
``os.killpg(pgid, 0)`` answers, counting zombies too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# How long a process group gets between SIGTERM and SIGKILL.
KILL_GRACE_S = 5.0
# How long a gate's group may take to empty after the gate itself exited.
SETTLE_S = 2.0


@dataclass
class Child:
    """A started command: its process, where its output goes, when it started.

    ``services`` holds what was started for it (a local index) and is closed when
    the child is collected.
    """

    process: subprocess.Popen[bytes]
    log_path: Path
    started: float = field(default_factory=time.monotonic)
    services: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @property
    def elapsed_s(self) -> float:
        """Seconds since it started."""
        return time.monotonic() - self.started


def start(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` as a new process group, output (both streams) to ``log_path``.

    Raises :class:`OSError` when the program cannot be started.
    """
    with log_path.open("wb") as log:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stoppable as a whole
        )


def group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` is still running (zombies do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, which counts zombies too
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name: state, ppid, pgrp, ...
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            return True
    return False


def kill_group(pgid: int, grace_s: float = KILL_GRACE_S) -> None:
    """SIGTERM a process group, then SIGKILL whatever is still there after ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and group_alive(pgid):
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def stop(child: Child) -> None:
    """Stop a child's whole process group, collect its exit status, close its services."""
    kill_group(child.process.pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.process.wait(timeout=KILL_GRACE_S)
    child.services.close()


def left_behind(pgid: int, wait_s: float = SETTLE_S) -> bool:
    """Whether the group still has members ``wait_s`` after its leader exited (then kill them)."""
    deadline = time.monotonic() + wait_s
    while group_alive(pgid):
        if time.monotonic() > deadline:
            kill_group(pgid, grace_s=1.0)
            return True
        time.sleep(0.05)
    return False

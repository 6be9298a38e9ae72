# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Time the README's two commands from a fresh clone, cold and warm, session by session.

    python benchmarks/feedback.py [--ref HEAD] [--merge REF] [--only ci|today|release] [--keep]

Each part runs in its own ``git clone`` of ``--ref`` in a temporary folder, with
empty download caches (``XDG_CACHE_HOME`` is a new folder: uv's and pip's caches
start empty, as on a fresh CI machine):

``ci``
    ``.ci/run``'s two commands in their order, ``scripts/nox -t tests`` then
    ``scripts/nox -s release -- --offline`` (cold), then both again in the same
    clone (warm: what a developer gets by running the README command again).
``today``
    ``scripts/nox -t tests`` without the sessions the issue adds
    (``-k "not workflow_run and not integration"``), cold then warm.
``release``
    the rehearsal alone, cold (nothing made by a test run before it).

For each command: wall and CPU time (user + system of the command and every
process it waited for, from ``wait4``), the load average before and after (the
machine may be shared: compare CPU as well as wall time), and its parts: each nox
session's wall time (nox's ``--report``; sessions of a tag run two at a time, so
they overlap) or each gate's (the rehearsal's ``<== gate: ... in N s`` lines).
Then each target of issue 15 with its measured time. ``--merge REF`` merges a
branch of this repository into each clone first, to time what lands together.

Exits 1 if a command failed or a target was missed. ``DUCKALOG_ACTIONS_MIRROR``
(default: ``../shared/fixtures/actions`` beside the repository, as ``.ci/run``)
is passed on as an absolute path, since the clones live elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ("scripts/nox", "-t", "tests")
TODAY = (*TESTS, "-k", "not workflow_run and not integration")
RELEASE = ("scripts/nox", "-s", "release", "--", "--offline")
# Issue 15's targets, in seconds of wall time on the 2-core development machine.
TARGETS_S = {
    "tests cold": 480.0,
    "tests warm": 240.0,
    "today's sessions cold": 240.0,
    "today's sessions warm": 120.0,
    "release cold (alone)": 120.0,
    "release warm": 45.0,
    ".ci/run (tests cold + release)": 900.0,
}
_GATE_DONE = re.compile(r"<== (\S+): (\w+(?: \w+)?) in ([0-9.]+) s")
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "feedback benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.invalid",
    "GIT_COMMITTER_NAME": "feedback benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.invalid",
}


@dataclass
class Timing:
    """One command: wall and CPU seconds, exit code, load averages, and its parts."""

    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    code: int = 0
    load: str = ""
    parts: list[tuple[str, float]] = field(default_factory=list)


def shell_env(cache: Path) -> dict[str, str]:
    """A new shell's environment, with empty download caches under ``cache``.

    Started through pyenv's shim, this script may inherit ``PYENV_VERSION`` pinned
    to one Python, which would hide the others from ``scripts/nox``; nox and uv
    settings of the caller's shell are dropped too.
    """
    dropped = ("PYENV_VERSION", "VIRTUAL_ENV", "PIP_CACHE_DIR")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("UV_", "NOX_", "RELEASE_GATES_"))
    }
    env["XDG_CACHE_HOME"] = str(cache)
    mirror = os.environ.get("DUCKALOG_ACTIONS_MIRROR", "../shared/fixtures/actions")
    env["DUCKALOG_ACTIONS_MIRROR"] = str((ROOT / mirror).resolve())
    return env


def _load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def run_timed(name: str, command: tuple[str, ...], clone: Path, env: dict[str, str]) -> Timing:
    """Run ``command`` in ``clone``, its output to ``<clone>/../<name>.log``; time it."""
    timing = Timing(name)
    stem = clone.parent / name.replace(" ", "-").replace("'", "")
    report = stem.with_suffix(".nox.json")
    argv = list(command)
    if command[:3] == TESTS:
        argv[1:1] = ["--report", str(report)]  # a nox option: before the sessions' `--`
    before = _load()
    begin = time.monotonic()
    with stem.with_suffix(".log").open("w", encoding="utf-8") as log:
        child = subprocess.Popen(
            argv, cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert child.stdout is not None
        try:
            for line in child.stdout:
                log.write(line)
                if done := _GATE_DONE.search(line):
                    timing.parts.append((f"{done[1]} ({done[2].lower()})", float(done[3])))
        except KeyboardInterrupt:  # nox and the rehearsal stop their own children on SIGINT
            child.send_signal(signal.SIGINT)
            child.wait()
            raise
        _, status, usage = os.wait4(child.pid, 0)  # reaped here, with its CPU time
        child.stdout.close()
    timing.wall_s = time.monotonic() - begin
    timing.code = child.returncode = os.waitstatus_to_exitcode(status)
    timing.cpu_s = usage.ru_utime + usage.ru_stime
    timing.load = f"{before} -> {_load()}"
    if report.exists():
        sessions = json.loads(report.read_text(encoding="utf-8"))["sessions"]
        timing.parts = [
            (max(s.get("signatures") or [s["name"]], key=len), float(s.get("duration") or 0.0))
            for s in sessions
        ]
    print(f"  {name}: {timing.wall_s:.0f} s wall, {timing.cpu_s:.0f} s CPU, exit {timing.code}, "
          f"load {timing.load}", flush=True)  # fmt: skip
    return timing


def clone_at(ref: str, merge: list[str], folder: Path) -> Path:
    """A fresh clone of this repository at ``ref`` in ``folder/d``, ``merge`` merged in."""
    clone = folder / "d"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", ref], cwd=clone, check=True)
    for other in merge:
        subprocess.run(
            ["git", "merge", "--quiet", "--no-edit", f"origin/{other}"],
            cwd=clone, check=True, env={**os.environ, **_GIT_IDENTITY},
        )  # fmt: skip
    return clone


def print_table(timings: list[Timing]) -> None:
    """One row per command, then its sessions or gates, indented."""
    heading = f"{'command / session or gate':<46} {'wall s':>8} {'CPU s':>8}  exit"
    print(f"\n{heading}  load before -> after")
    for timing in timings:
        print(f"{timing.name:<46} {timing.wall_s:>8.1f} {timing.cpu_s:>8.1f}  {timing.code:>4}  "
              f"{timing.load}")  # fmt: skip
        for part, wall in timing.parts:
            print(f"    {part:<42} {wall:>8.1f}")


def check_targets(timings: dict[str, Timing]) -> bool:
    """Print each target with its measured time; True if every command passed and every
    measured target was met."""
    ok = all(t.code == 0 for t in timings.values())
    print()
    for name, target in TARGETS_S.items():
        if name in timings:
            measured = timings[name].wall_s
            met = measured <= target
            ok = ok and met
            print(f"{name:<34} {measured:7.1f} s  target {target:5.0f} s  "
                  f"{'met' if met else 'MISSED'}")  # fmt: skip
    return ok


def part_ci(workdir: Path, ref: str, merge: list[str], timings: dict[str, Timing]) -> None:
    """``.ci/run``'s two commands cold, then both again warm, in one clone."""
    clone = clone_at(ref, merge, workdir / "ci")
    env = shell_env(workdir / "ci" / "cache")
    for name, command in (("tests cold", TESTS), ("release after tests", RELEASE),
                          ("tests warm", TESTS), ("release warm", RELEASE)):  # fmt: skip
        timings[name] = run_timed(name, command, clone, env)
        if name == "release after tests":
            ci = Timing(".ci/run (tests cold + release)")
            for part in (timings["tests cold"], timings["release after tests"]):
                ci.wall_s += part.wall_s
                ci.cpu_s += part.cpu_s
                ci.code = ci.code or part.code
            timings[ci.name] = ci


def part_today(workdir: Path, ref: str, merge: list[str], timings: dict[str, Timing]) -> None:
    """The sessions that existed before issue 15's targets were set, cold then warm."""
    clone = clone_at(ref, merge, workdir / "today")
    env = shell_env(workdir / "today" / "cache")
    for name in ("today's sessions cold", "today's sessions warm"):
        timings[name] = run_timed(name, TODAY, clone, env)


def part_release(workdir: Path, ref: str, merge: list[str], timings: dict[str, Timing]) -> None:
    """The rehearsal alone, cold."""
    clone = clone_at(ref, merge, workdir / "release")
    env = shell_env(workdir / "release" / "cache")
    timings["release cold (alone)"] = run_timed("release cold (alone)", RELEASE, clone, env)


PARTS = {"ci": part_ci, "today": part_today, "release": part_release}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--ref", default="HEAD", help="commit to clone (default HEAD)")
    parser.add_argument(
        "--merge", action="append", default=[], help="branch to merge into each clone first"
    )
    parser.add_argument(
        "--only", action="append", choices=sorted(PARTS), help="run only this part (repeatable)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the clones, caches and logs")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C
    # A short path: PostgreSQL's socket path in the integration session's temporary
    # folder inside the clone must stay under 108 bytes.
    workdir = Path(tempfile.mkdtemp(prefix="fb-", dir="/tmp"))
    # The integration tests run PostgreSQL as an unprivileged user: it must reach the clone.
    workdir.chmod(0o755)
    timings: dict[str, Timing] = {}
    print(f"benchmark in {workdir}, {os.cpu_count()} CPUs", flush=True)
    try:
        for name in options.only or list(PARTS):
            PARTS[name](workdir, options.ref, options.merge, timings)
    finally:
        print_table(list(timings.values()))
        ok = check_targets(timings)
        if options.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

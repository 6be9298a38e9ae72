# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Time the release rehearsal from a fresh clone: cold (no nox venvs), then warm (`nox -R`).

    python benchmarks/rehearsal.py [--keep] [-- extra rehearsal args]

Clones the committed HEAD of this repository into a temporary directory, runs
``scripts/nox -s release -- --offline`` there (cold: no ``.nox``, no
``.venv-nox``), then ``scripts/nox -R -s release -- --offline`` (warm), and
prints both wall times, each rehearsal's exit code and whether the targets
(cold <= 300 s, warm <= 90 s) were met. Exits 1 if a target was missed or a
rehearsal failed. The pip download cache is shared with the machine, as on a
developer's laptop or a CI runner with a cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_ENV = "RELEASE_GATES_RESULTS"
COLD_TARGET_S = 300.0
WARM_TARGET_S = 90.0


def fresh_shell_env() -> dict[str, str]:
    """The environment of a new shell: without what pyenv's shim or nox exported to us.

    Started through pyenv's ``python3`` shim, this script inherits ``PYENV_VERSION``
    pinned to one Python, which would hide the others from ``scripts/nox`` (and from
    the smoke gate's search for every Python).
    """
    env = dict(os.environ)
    for name in ("PYENV_VERSION", "VIRTUAL_ENV", "NOX_CURRENT_SESSION", RESULTS_ENV):
        env.pop(name, None)
    return env


def timed(command: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    """Run ``command`` with its output going to ``log``; return (seconds, exit code)."""
    start = time.monotonic()
    with log.open("wb") as out:
        code = subprocess.run(
            command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=fresh_shell_env()
        ).returncode
    return time.monotonic() - start, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone and logs")
    parser.add_argument("--online", action="store_true", help="rehearse without --offline")
    parser.add_argument("extra", nargs="*", help="extra arguments for the rehearsal")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="duckalog-rehearsal-bench-"))
    clone = workdir / "duckalog"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True
    ).stdout.strip()
    rehearsal_args = ([] if options.online else ["--offline"]) + options.extra
    runs = {
        "cold": ["scripts/nox", "-s", "release", "--", *rehearsal_args],
        "warm": ["scripts/nox", "-R", "-s", "release", "--", *rehearsal_args],
    }
    targets = {"cold": COLD_TARGET_S, "warm": WARM_TARGET_S}
    print(f"benchmark: clone of {head} in {clone}", flush=True)
    ok = True
    try:
        for name, command in runs.items():
            log = workdir / f"{name}.log"
            seconds, code = timed(command, clone, log)
            within = seconds <= targets[name]
            ok = ok and within and code == 0
            verdict = "within" if within else "OVER"
            print(
                f"{name}: {seconds:6.1f} s (target {targets[name]:.0f} s: {verdict}),"
                f" rehearsal exit code {code}, log {log}",
                flush=True,
            )
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-14:]
            print("\n".join(f"    {line}" for line in tail), flush=True)
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("benchmark: " + ("all targets met" if ok else "TARGET MISSED or rehearsal failed"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The nox runner every job bootstraps (``scripts/nox`` -> ``.venv-nox``), made once per clone.

Each job's first ``scripts/nox`` creates ``.venv-nox`` from the hash-locked
``security/nox.txt`` with the Python setup-python put on ``PATH``. That is the
same for every job, so it is made once in the clone, with that very
interpreter from the seeded tool cache and the jobs' clean environment, and act
copies it into every job (``.venv-nox`` is git-ignored, so the runner passes
``--use-gitignore=false``; the clone holds no other ignored file). Each job
still gets a copy of its own, and every nox session a job runs still builds its
own virtualenv from its own lock.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from workflow_run.environment import clean_environment
from workflow_run.errors import WorkflowRunError
from workflow_run.runner import Workbench

# The Python the workflows give nox (`python-version: "3.11"`, listed last).
NOX_PYTHON = "3.11"


def tool_cache_python(bench: Workbench, minor: str = NOX_PYTHON) -> Path:
    """``bin/python3`` of the newest ``minor`` in the seeded tool cache, as jobs see it."""
    folder = bench.action_cache / "tool_cache" / "Python"
    versions = sorted(
        (p for p in folder.glob(f"{minor}.*") if (p / "x64" / "bin" / "python3").exists()),
        key=lambda p: tuple(int(part) for part in p.name.split(".")),
    )
    if not versions:
        raise WorkflowRunError(f"no Python {minor} in the tool cache {folder}")
    return versions[-1] / "x64" / "bin" / "python3"


def seed_nox(clone: Path, bench: Workbench) -> Path:
    """Run ``scripts/nox --version`` in ``clone`` so it holds ``.venv-nox``; returns it."""
    home = clone.parent / f"{clone.name}-home"
    env = clean_environment(
        home, bench.pip_cache, extra={"NOX_BOOTSTRAP_PYTHON": str(tool_cache_python(bench))}
    )
    done = subprocess.run(
        ["scripts/nox", "--version"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise WorkflowRunError(f"scripts/nox could not bootstrap in {clone}: {done.stderr.strip()}")
    return clone / ".venv-nox"

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Helpers shared by the gate tests: run a gate's CLI as the workflow does; build dists.

Imported as ``tests.gates.helpers`` (pytest's importlib mode names test modules
from the rootdir, so no ``sys.path`` change is needed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EPOCH = "1764028800"  # 2025-11-25T00:00:00Z: SOURCE_DATE_EPOCH of every test build


@dataclass
class Run:
    """One run of a gate's CLI: exit code, everything it printed, and its JSON result."""

    returncode: int
    output: str
    result: dict[str, Any]

    @property
    def problem(self) -> object:
        return self.result.get("problem_code")


def run_gate_cli(
    gate: str,
    args: Sequence[str],
    workdir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """``python -m release_gates.gates.<gate> <args>`` in a subprocess, recording its result.

    Each call records into a fresh ``results-N`` directory under ``workdir``, so
    several runs in one test do not read each other's JSON.
    """
    results = workdir / f"results-{len(list(workdir.glob('results-*')))}"
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "tools"),
        "RELEASE_GATES_RESULTS": str(results),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", f"release_gates.gates.{gate}", *args],
        env=full_env, capture_output=True, text=True, timeout=300, check=False, cwd=cwd,
    )  # fmt: skip
    result = json.loads((results / f"{gate}.json").read_text(encoding="utf-8"))
    return Run(done.returncode, done.stdout + done.stderr, result)


def build_dists(project: Path, out: Path) -> None:
    """Wheel and sdist of ``project`` into ``out`` (pinned hatchling, no isolation)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel",
         "--outdir", str(out), str(project)],
        check=True, capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )  # fmt: skip

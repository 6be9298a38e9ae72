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

from release_gates import registry
from release_gates.result import GateResult

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
        """The problem code the gate reported (None when it passed)."""
        return self.result.get("problem_code")

    def failure(self, code: str) -> str:
        """The summary of a run that must have failed with problem ``code`` (exit code 1).

        Raises AssertionError, showing everything the gate printed, when it did not.
        """
        assert self.returncode == 1, f"exit code {self.returncode}, not 1:\n{self.output}"
        assert self.problem == code, f"problem {self.problem!r}, not {code!r}:\n{self.output}"
        return str(self.result["summary"])

    @property
    def gate_result(self) -> GateResult:
        """The result as the gates' own :class:`GateResult`."""
        return GateResult.from_json(json.dumps(self.result))


def module_of(name: str) -> str:
    """The module ``nox -s <name>`` runs: a registry gate or workflow tool."""
    return next(entry.module for entry in registry.entries() if entry.name == name)


def python_under_coverage() -> list[str]:
    """``python``, or ``python -m coverage run -p`` when these tests are being measured.

    So ``nox -s gate_tests`` measures the gates themselves, without tracing every
    pip, build or twine process a gate starts.
    """
    coverage = sys.modules.get("coverage")
    current = coverage.Coverage.current() if coverage is not None else None
    if current is None:
        return [sys.executable]
    rcfile = str(current.config.config_file or ROOT / "pyproject.toml")
    return [sys.executable, "-m", "coverage", "run", "--parallel-mode", "--rcfile", rcfile]


def run_gate_cli(
    gate: str,
    args: Sequence[str],
    workdir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> Run:
    """``python -m <module of gate> <args>`` in a subprocess, as ``nox -s <gate>`` runs it.

    Every gate test runs its gate through here. Each call records into a fresh
    ``results-N`` directory under ``workdir``, so several runs in one test do not
    read each other's JSON. ``GITHUB_*`` variables are never inherited: a gate
    under test must not write into a real workflow's outputs or summary.
    """
    results = workdir / f"results-{len(list(workdir.glob('results-*')))}"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full_env = {
        **inherited,
        "PYTHONPATH": str(ROOT / "tools"),
        "RELEASE_GATES_RESULTS": str(results),
        **(env or {}),
    }
    done = subprocess.run(
        [*python_under_coverage(), "-m", module_of(gate), *args],
        env=full_env, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd,
    )  # fmt: skip
    recorded = results / f"{gate}.json"
    assert recorded.is_file(), f"{gate} wrote no result:\n{done.stdout}{done.stderr}"
    result = json.loads(recorded.read_text(encoding="utf-8"))
    return Run(done.returncode, done.stdout + done.stderr, result)


def build_dists(project: Path, out: Path) -> None:
    """Wheel and sdist of ``project`` into ``out`` (pinned hatchling, no isolation)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel",
         "--outdir", str(out), str(project)],
        check=True, capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )  # fmt: skip

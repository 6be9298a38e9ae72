# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The one result shape every gate reports, and the uniform way a gate runs.

A gate's ``main`` calls :func:`run_gate` with a function that does the work and
returns a :class:`GateResult`. ``run_gate`` times it, turns a
:class:`~release_gates.problems.GateFailure` into a clear message and exit code 1,
and writes the result as JSON into ``$RELEASE_GATES_RESULTS/<gate>.json`` when that
variable is set, which is how the rehearsal and the release report collect them.
"""

from __future__ import annotations

import enum
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from release_gates.problems import GateFailure

RESULTS_ENV = "RELEASE_GATES_RESULTS"


class Status(str, enum.Enum):
    """How a gate ended. ``NOT_RUN`` is never a pass."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"
    SKIPPED = "skipped"  # a gate it depends on failed


@dataclass(frozen=True)
class GateResult:
    """What one gate found: status, a one-line summary, details for the report."""

    gate: str
    status: Status
    summary: str
    duration_s: float = 0.0
    problem_code: str | None = None
    fix: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """Serialize deterministically (sorted keys) for the report."""
        data = asdict(self)
        data["status"] = self.status.value
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> GateResult:
        """Parse what :meth:`to_json` wrote."""
        data = json.loads(text)
        data["status"] = Status(data["status"])
        return cls(**data)


def write_result(result: GateResult, directory: Path | None = None) -> Path | None:
    """Write ``result`` to ``directory`` (default ``$RELEASE_GATES_RESULTS``)."""
    target = directory or (Path(os.environ[RESULTS_ENV]) if os.environ.get(RESULTS_ENV) else None)
    if target is None:
        return None
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{result.gate}.json"
    path.write_text(result.to_json(), encoding="utf-8")
    return path


def run_gate(gate: str, work: Callable[[], GateResult]) -> int:
    """Run ``work``, report the outcome on the terminal and as JSON; return the exit code."""
    start = time.monotonic()
    try:
        result = work()
    except GateFailure as failure:
        result = GateResult(
            gate=gate,
            status=Status.FAILED,
            summary=failure.message,
            problem_code=failure.problem.code,
            fix=failure.problem.fix,
            details={k: _jsonable(v) for k, v in failure.values.items()},
        )
    result = replace(result, duration_s=round(time.monotonic() - start, 3))
    write_result(result)
    if result.status is Status.FAILED:
        print(f"{gate}: FAILED [{result.problem_code}] {result.summary}", file=sys.stderr)
        if result.fix:
            print(f"{gate}: what to do: {result.fix}", file=sys.stderr)
        return 1
    print(f"{gate}: {result.status.value.upper()} - {result.summary}")
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)

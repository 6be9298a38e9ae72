# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Deciding a gate's outcome in the rehearsal, failing closed.

A gate reports twice: by its exit code and by the
:class:`~release_gates.result.GateResult` it writes. The rehearsal believes a
pass only when both say so:

* exit 0 and a ``passed`` result                  -> PASSED
* exit 0 and a ``not run`` result                 -> NOT RUN (never a pass)
* anything else (no result, unreadable result,
  a ``passed`` result with a non-zero exit, a timeout,
  processes left behind)                          -> FAILED, with the output tail
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from release_gates.problems import GateFailure
from release_gates.result import GateResult, Status

# Lines of a gate's output kept in its result when the rehearsal had to decide for it.
TAIL_LINES = 40


def output_tail(log_path: Path, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of a gate's output (empty when there is none)."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def read_reported(path: Path) -> tuple[GateResult | None, str | None]:
    """The result a gate wrote, or why it cannot be used."""
    if not path.exists():
        return None, "wrote no result"
    try:
        return GateResult.from_json(path.read_text(encoding="utf-8")), None
    except (ValueError, TypeError, KeyError) as error:
        return None, f"wrote an unreadable result ({error})"


def decide(
    gate: str,
    exit_code: int | None,
    reported: GateResult | None,
    problem: str | None,
    *,
    wall_s: float,
    tail: str,
    leftovers: bool = False,
    log: str = "",
) -> GateResult:
    """Combine the exit code and the reported result into the gate's outcome (fail closed).

    ``exit_code`` is None when the gate timed out; ``problem`` says why
    ``reported`` is missing; ``leftovers`` is true when the gate left processes
    running after it exited.
    """
    facts: dict[str, Any] = {"exit_code": exit_code, "wall_s": round(wall_s, 3), "log": log}
    details = dict(reported.details) if reported else {}
    if reported is not None and reported.gate != gate:
        problem, reported = f"wrote a result for another gate ({reported.gate!r})", None
    reason: str | None = None
    if exit_code is None:
        reason = problem or "timed out and was stopped"
    elif leftovers:
        reason = "left processes running after it exited (they were killed)"
    elif reported is None:
        reason = f"exited with {exit_code} but {problem}"
    elif exit_code != 0 and reported.status is not Status.FAILED:
        reason = f"exited with {exit_code} although its result says {reported.status.value!r}"
    elif exit_code == 0 and reported.status not in (Status.PASSED, Status.NOT_RUN):
        reason = f"exited with 0 although its result says {reported.status.value!r}"

    if reason is None and reported is not None:
        status = Status.PASSED if exit_code == 0 else reported.status
        if reported.status is Status.NOT_RUN:
            status = Status.NOT_RUN
        if status is Status.FAILED:
            facts["output_tail"] = tail
        return replace(
            reported,
            status=status,
            duration_s=round(wall_s, 3),
            details={**details, "rehearsal": facts},
        )
    facts["output_tail"] = tail
    if reported is not None:
        facts["reported"] = {"status": reported.status.value, "summary": reported.summary}
    return GateResult(
        gate=gate,
        status=Status.FAILED,
        summary=f"{gate} {reason}",
        duration_s=round(wall_s, 3),
        problem_code=reported.problem_code if reported else None,
        fix=(
            reported.fix
            if reported and reported.fix
            else "read the gate's output: its tail is in the report, all of it in the log"
        ),
        details={**details, "rehearsal": facts},
    )


def not_started(gate: str, error: Exception, command: Sequence[str], wall_s: float) -> GateResult:
    """The outcome of a gate whose service or command could not even start.

    A :class:`~release_gates.problems.GateFailure` (a service that reported why)
    keeps its problem code and fix.
    """
    code, fix = None, "see the message; the rehearsal starts gates with `nox -s <gate>`"
    if isinstance(error, GateFailure):
        code, fix = error.problem.code, error.problem.fix
    return GateResult(
        gate,
        Status.FAILED,
        f"{gate} could not start: {type(error).__name__}: {error}",
        duration_s=round(wall_s, 3),
        problem_code=code,
        fix=fix,
        details={"rehearsal": {"command": list(command)}},
    )


def blocked_by(needs: Sequence[str], done: dict[str, GateResult], offline: bool) -> list[str]:
    """The finished ``needs`` that did not pass (NOT RUN is tolerated offline)."""
    tolerated = {Status.PASSED, Status.NOT_RUN} if offline else {Status.PASSED}
    return [need for need in needs if need in done and done[need].status not in tolerated]


def exit_code_for(
    results: Sequence[GateResult], offline: bool, *, require_releasable: bool = False
) -> int:
    """0 only if every gate passed, or, offline, every gate that ran passed.

    ``require_releasable`` (the rehearsal's ``--require-releasable``) drops the
    offline tolerance: only the verdict RELEASABLE, every gate PASSED, exits 0,
    so ``nox -s release -- --offline --require-releasable && git tag`` never
    tags after a rehearsal whose audit did not run.
    """
    tolerate_not_run = offline and not require_releasable
    allowed = {Status.PASSED, Status.NOT_RUN} if tolerate_not_run else {Status.PASSED}
    return 0 if all(result.status in allowed for result in results) else 1

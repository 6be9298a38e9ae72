# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Model of the tag -> PyPI time of ``publish.yml``, from its job graph and measured gates.

    python -m release_gates.workflow.critical_path [--results build/release-gates] [--budget 300]

Each job costs a fixed runner overhead (start, checkout, setup-python, nox from
its lock) plus the duration the local rehearsal measured for the gate sessions it
runs (``<results>/<gate>.json``), or an estimate for work that only exists on
GitHub (signing, attestations, the upload). The longest chain of ``needs`` to
``publish-pypi`` is the critical path; the wait for a reviewer's approval is not
counted. Fails when the path exceeds the budget or a gate was never measured.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from release_gates import registry
from release_gates._internal import paths
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate
from release_gates.workflow.model import Workflow, sessions_by_job

GATE = "critical_path"

# Per job on a GitHub-hosted runner: queue + start, checkout, setup-python and
# scripts/nox creating its venv from security/nox.txt. An estimate, not measured here.
JOB_OVERHEAD_S = 35.0
# Work with no local counterpart, in seconds (estimates; GitHub and Sigstore only).
WORKFLOW_ONLY_S: Mapping[str, float] = {
    "test": 60.0,  # one Python's library tests
    "rebuild-macos": 45.0,  # macOS runner, nox installs security/build.txt, one build
    "sign": 15.0,  # sigstore sign of two files (Fulcio + Rekor round trips)
    "attest": 20.0,  # two actions/attest calls
    "publish-pypi": 30.0,  # gh-action-pypi-publish container pull + upload
    "publish-testpypi": 30.0,
    "github-release": 10.0,
    "summary": 5.0,
}

# Only the gates are measured by the rehearsal.
GATE_NAMES = frozenset(gate.name for gate in registry.GATES)

UNMEASURED = Problem(
    "critical_path.unmeasured",
    "no measured duration for gate(s) {gates} in {results}",
    "Run the rehearsal first (`scripts/nox -s release -- --offline`), or pass --results.",
)
OVER_BUDGET = Problem(
    "critical_path.over-budget",
    "tag -> PyPI takes {total:.0f} s on the critical path ({path}), over the {budget:.0f} s budget",
    "Shorten the slowest job on that path, or run it in parallel with another.",
)


def measured(results: Path) -> dict[str, float]:
    """Gate -> seconds, from the rehearsal's ``<gate>.json`` results.

    A gate that reports per-Python timings (``details["pythons"][i]["seconds"]``,
    the smoke gate) runs one Python per matrix job in the workflow, so it costs the
    slowest Python, not the whole local run over every Python.
    """
    durations: dict[str, float] = {}
    for path in sorted(results.glob("*.json")) if results.is_dir() else []:
        try:
            result = GateResult.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError):
            continue  # not a gate result (e.g. the rehearsal's metadata)
        if result.status is not Status.PASSED:
            continue
        rows = result.details.get("pythons")
        try:
            per_python = [float(row["seconds"]) for row in rows] if rows else []
        except (TypeError, KeyError, ValueError):
            per_python = []
        durations[result.gate] = max(per_python) if per_python else result.duration_s
    return durations


def job_costs(
    workflow: Workflow, gate_seconds: Mapping[str, float], results: Path | str = "the results"
) -> dict[str, float]:
    """Seconds per job: overhead + measured sessions it runs + workflow-only estimates."""
    calls = sessions_by_job(workflow, gates_only=True)
    costs: dict[str, float] = {}
    missing: set[str] = set()
    for job in workflow.jobs:
        seconds = JOB_OVERHEAD_S + WORKFLOW_ONLY_S.get(job, 0.0)
        # once per job: the version job has one step per trigger, and only one runs
        for session in dict.fromkeys(calls.get(job, [])):
            if session in gate_seconds:
                seconds += gate_seconds[session]
            elif session in GATE_NAMES:  # other sessions (tests, sign) are estimated above
                missing.add(session)
        costs[job] = seconds
    if missing:
        raise GateFailure(UNMEASURED, gates=", ".join(sorted(missing)), results=results)
    return costs


def longest_path(
    needs: Mapping[str, Sequence[str]], costs: Mapping[str, float], target: str
) -> tuple[float, list[str]]:
    """Finish time of ``target`` when every job starts once all its needs finished."""
    finish: dict[str, tuple[float, list[str]]] = {}

    def visit(job: str) -> tuple[float, list[str]]:
        if job not in finish:
            before = max((visit(n) for n in needs.get(job, ())), default=(0.0, []))
            finish[job] = (before[0] + costs[job], [*before[1], job])
        return finish[job]

    return visit(target)


def model(args: argparse.Namespace) -> GateResult:
    """The critical path to PyPI, checked against the budget."""
    workflow = Workflow.load(args.workflow)
    seconds = measured(args.results)
    for assumption in args.assume:  # e.g. the audit, NOT RUN in an offline rehearsal
        gate, _, value = assumption.partition("=")
        seconds.setdefault(gate, float(value))
    costs = job_costs(workflow, seconds, args.results)
    needs = {job: sorted(spec.get("needs") or []) for job, spec in workflow.jobs.items()}
    total, path = longest_path(needs, costs, "publish-pypi")
    to_release, _ = longest_path(needs, costs, "github-release")
    for job in path:
        print(f"  {job:<18} {costs[job]:6.1f} s")
    print(f"  tag -> PyPI: {total:.0f} s; tag -> GitHub release: {to_release:.0f} s")
    if args.assume:
        print(f"  assumed, not measured: {', '.join(args.assume)}")
    if total > args.budget:
        raise GateFailure(OVER_BUDGET, total=total, path=" -> ".join(path), budget=args.budget)
    return GateResult(
        GATE,
        Status.PASSED,
        f"tag -> PyPI {total:.0f} s ({' -> '.join(path)}), budget {args.budget:.0f} s",
        details={
            "to_pypi_s": round(total, 1),
            "to_github_release_s": round(to_release, 1),
            "path": path,
            "job_seconds": {j: round(c, 1) for j, c in costs.items()},
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.workflow.critical_path``."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.workflow.critical_path")
    parser.add_argument("--results", type=Path, default=paths.REHEARSAL_RESULTS)
    parser.add_argument("--workflow", type=Path, default=paths.PUBLISH_WORKFLOW)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds (default 5 min)")
    parser.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="GATE=SECONDS",
        help="duration of a gate the rehearsal did not measure (stated in the output)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return run_gate(GATE, lambda: model(args))


if __name__ == "__main__":
    sys.exit(main())

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The tag -> PyPI critical-path model of publish.yml (release_gates.workflow.critical_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_gates.problems import GateFailure
from release_gates.result import GateResult, Status, write_result
from release_gates.workflow import critical_path
from release_gates.workflow.model import Workflow

PUBLISH = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "publish.yml"
GATES = {
    "version": 2.0,
    "licenses": 3.0,
    "audit": 4.0,
    "build": 20.0,
    "smoke": 50.0,
    "sbom": 8.0,
    "verify": 1.0,
    "publish": 30.0,
}


def test_longest_path_takes_the_slowest_branch() -> None:
    needs = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}
    costs = {"a": 1.0, "b": 5.0, "c": 2.0, "d": 1.0}
    assert critical_path.longest_path(needs, costs, "d") == (7.0, ["a", "b", "d"])


def test_publish_path_goes_through_every_stage() -> None:
    workflow = Workflow.load(PUBLISH)
    costs = critical_path.job_costs(workflow, GATES)
    needs = {job: spec.get("needs") or [] for job, spec in workflow.jobs.items()}
    total, path = critical_path.longest_path(needs, costs, "publish-pypi")
    # attest (20 s) runs beside sign (15 s + 1 s verify): the slower one is on the path
    assert path == ["version", "build", "smoke", "attest", "publish-pypi"]
    overhead = critical_path.JOB_OVERHEAD_S * len(path)
    assert total == pytest.approx(overhead + 2 + 20 + 50 + 20 + 30)


def write(results: Path, seconds: dict[str, float]) -> None:
    for gate, duration in seconds.items():
        write_result(GateResult(gate, Status.PASSED, "ok", duration_s=duration), results)


def test_model_within_budget(tmp_path: Path) -> None:
    write(tmp_path, GATES)
    args = ["--results", str(tmp_path), "--budget", "600"]
    assert critical_path.main(args) == 0


def test_model_over_budget_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {**GATES, "smoke": 400.0})
    assert critical_path.main(["--results", str(tmp_path), "--budget", "300"]) == 1
    assert "critical_path.over-budget" in capsys.readouterr().err


def test_unmeasured_gate_fails(tmp_path: Path) -> None:
    write(tmp_path, {k: v for k, v in GATES.items() if k != "smoke"})
    with pytest.raises(GateFailure, match="smoke"):
        critical_path.job_costs(Workflow.load(PUBLISH), critical_path.measured(tmp_path))


def test_assumed_duration_fills_an_unmeasured_gate(tmp_path: Path) -> None:
    write(tmp_path, {k: v for k, v in GATES.items() if k != "audit"})
    assert critical_path.main(["--results", str(tmp_path), "--budget", "600"]) == 1
    args = ["--results", str(tmp_path), "--budget", "600", "--assume", "audit=15"]
    assert critical_path.main(args) == 0


def test_matrix_gate_costs_its_slowest_python(tmp_path: Path) -> None:
    rows = [{"python": "3.9.18", "seconds": "31.5"}, {"python": "3.13.0", "seconds": "44.0"}]
    result = GateResult("smoke", Status.PASSED, "ok", duration_s=70.0, details={"pythons": rows})
    write_result(result, tmp_path)
    assert critical_path.measured(tmp_path) == {"smoke": 44.0}

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""publish.yml for a pre-release tag and for manual dispatches to pypi; ci.yml on a push.

Each runs only the jobs its scenario is about (``-j`` the last of them).
"""

from __future__ import annotations

from tests.workflow_run import expected
from tests.workflow_run.scenarios import (
    ADVISORY,
    CI,
    PRERELEASE,
    PUBLISH,
    VERSION,
    Runs,
    ci_push,
    dispatch_confirmed_advisory,
    dispatch_unconfirmed,
    tag_prerelease,
)

from workflow_run import artifacts


def test_a_prerelease_tag_goes_to_testpypi(runs: Runs) -> None:
    run = tag_prerelease(runs)
    assert expected.job_problems(run, PUBLISH, expected.PRERELEASE) == []
    outputs = run.job("version").step(expected.TAG_STEP).outputs
    assert (outputs["version"], outputs["channel"], outputs["prerelease"]) == (
        PRERELEASE,
        "testpypi",
        "true",
    )
    assert expected.artifact_problems(run, {"results-version"}, PRERELEASE, PUBLISH) == []
    # The version gate read the same local index: the predecessor is there, rc1 is not.
    assert expected.result_json(run, "results-version")["details"]["index_check"] == "passed"


def test_a_confirmed_dispatch_fails_the_audit_on_an_advisory(runs: Runs) -> None:
    """The dispatch step decides the version; the audit names the advisory and keeps no VEX."""
    run = dispatch_confirmed_advisory(runs)
    assert expected.job_problems(run, PUBLISH, expected.AUDIT_ADVISORY) == []
    outputs = run.job("version").step(expected.DISPATCH_STEP).outputs
    assert (outputs["version"], outputs["channel"], outputs["dry-run"]) == (
        VERSION,
        "pypi",
        "false",
    )
    assert ADVISORY in run.job("audit").step(expected.AUDIT_STEP).text
    problems = expected.artifact_problems(
        run, {"results-version", "results-audit"}, VERSION, PUBLISH
    )
    assert problems == []  # no vex: its upload only runs after a passing audit
    result = expected.result_json(run, "results-audit")
    assert result["status"] == "failed"
    assert str(result["problem_code"]).startswith("audit.")
    assert ADVISORY in result["summary"] + str(result["details"])
    assert "vex" not in artifacts.names(run.artifacts)


def test_an_unconfirmed_dispatch_to_pypi_stops_everything(runs: Runs) -> None:
    """The version gate refuses; every job is skipped but the summary, which reports it."""
    run = dispatch_unconfirmed(runs)
    assert expected.job_problems(run, PUBLISH, expected.UNCONFIRMED) == []
    refused = run.job("version").step(expected.DISPATCH_STEP).text
    assert "version: FAILED [version.confirm-mismatch]" in refused
    assert expected.result_json(run, "results-version")["status"] == "failed"
    summary = expected.job_summary(run)
    assert "- **version** [version.confirm-mismatch]" in summary
    assert "Files built by this run" not in summary  # nothing was built


def test_ci_workflow_policy_job(runs: Runs) -> None:
    run = ci_push(runs)
    assert expected.job_problems(run, CI, expected.Expected({"workflow-policy": "success"})) == []

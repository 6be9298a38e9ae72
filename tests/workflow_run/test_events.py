# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""publish.yml for a pre-release tag and for each kind of manual dispatch; ci.yml on a push."""

from __future__ import annotations

from tests.workflow_run import expected
from tests.workflow_run.scenarios import (
    CI,
    PRERELEASE,
    PUBLISH,
    VERSION,
    Runs,
    ci_push,
    dispatch_confirmed,
    dispatch_dry_run,
    dispatch_unconfirmed,
    tag_prerelease,
)


def test_a_prerelease_tag_goes_to_testpypi(runs: Runs) -> None:
    run = tag_prerelease(runs)
    jobs = {"version": "success"}
    assert (
        expected.job_problems(run, PUBLISH, jobs, {"version": expected.VERSION_STEPS["tag"]}) == []
    )
    outputs = run.job("version").step("Version gate (tag push)").outputs
    assert (outputs["version"], outputs["channel"], outputs["prerelease"]) == (
        PRERELEASE,
        "testpypi",
        "true",
    )
    assert expected.artifact_problems(run, {"results-version"}, PRERELEASE) == []


def test_a_dry_run_dispatch_needs_no_confirmation(runs: Runs) -> None:
    run = dispatch_dry_run(runs)
    steps = {"version": expected.VERSION_STEPS["dry-run"]}
    assert expected.job_problems(run, PUBLISH, {"version": "success"}, steps) == []
    outputs = (
        run.job("version")
        .step("Version gate (manual dispatch, dry run; no confirmation needed)")
        .outputs
    )
    assert (outputs["version"], outputs["channel"], outputs["dry-run"]) == (VERSION, "pypi", "true")


def test_a_confirmed_dispatch_to_pypi_passes_a_clean_audit(runs: Runs) -> None:
    run = dispatch_confirmed(runs)
    jobs = {"version": "success", "audit": "success"}
    steps = {"version": expected.VERSION_STEPS["dispatch"]}
    assert expected.job_problems(run, PUBLISH, jobs, steps) == []
    outputs = run.job("version").step("Version gate (manual dispatch)").outputs
    assert (outputs["version"], outputs["channel"], outputs["dry-run"]) == (
        VERSION,
        "pypi",
        "false",
    )
    assert expected.artifact_problems(run, {"results-version", "results-audit"}, VERSION) == []
    assert expected.result_json(run, "results-audit")["status"] == "passed"


def test_an_unconfirmed_dispatch_to_pypi_stops_everything(runs: Runs) -> None:
    """The version gate refuses; every job is skipped but the summary, which reports it."""
    run = dispatch_unconfirmed(runs)
    jobs = {job: "skipped" for job in expected.TAG_RELEASE_JOBS}
    jobs.update(version="failure", summary="failure")
    steps = {
        "version": {
            **expected.VERSION_STEPS["dispatch"],
            "Version gate (manual dispatch)": "failure",
        },
        "summary": {expected.SUMMARY_STEP: "failure"},
    }
    assert expected.job_problems(run, PUBLISH, jobs, steps) == []
    refused = run.job("version").step("Version gate (manual dispatch)").text
    assert "version: FAILED [version." in refused
    assert expected.result_json(run, "results-version")["status"] == "failed"
    summary = "\n".join(run.job("summary").step(expected.SUMMARY_STEP).groups["Job summary"])
    assert "- **version** [version." in summary
    assert "Files built by this run" not in summary  # nothing was built


def test_ci_workflow_policy_job(runs: Runs) -> None:
    run = ci_push(runs)
    assert expected.job_problems(run, CI, {"workflow-policy": "success"}, {}) == []

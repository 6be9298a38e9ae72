# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A tag push of a final version, the whole publish.yml graph, run by act offline."""

from __future__ import annotations

import hashlib

import pytest
from tests.workflow_run import expected
from tests.workflow_run.scenarios import ADVISORY, PUBLISH, VERSION, Runs, tag_release

from workflow_run import artifacts
from workflow_run.runner import RunOutcome

ARTIFACTS = {
    "dist",
    "checksums",
    "sbom",
    "results-version",
    "results-licenses",
    "results-audit",
    "results-build",
    "results-sbom",
}


@pytest.fixture(scope="module")
def release(runs: Runs) -> RunOutcome:
    return tag_release(runs)


def test_every_job_and_step_does_what_it_must(release: RunOutcome) -> None:
    problems = expected.job_problems(
        release, PUBLISH, expected.TAG_RELEASE_JOBS, expected.TAG_RELEASE_STEPS
    )
    assert problems == [], f"log: {release.log}"


def test_artifacts_hold_exactly_what_they_must(release: RunOutcome) -> None:
    assert expected.artifact_problems(release, ARTIFACTS, VERSION) == []


def test_the_version_job_decides_version_and_channel(release: RunOutcome) -> None:
    step = release.job("version").step("Version gate (tag push)")
    assert step.outputs["version"] == VERSION
    assert step.outputs["channel"] == "pypi"
    assert step.outputs["prerelease"] == "false"


def test_build_is_told_the_version_the_version_job_decided(release: RunOutcome) -> None:
    step = release.job("build").step(
        "Build gate (clean export, reproducibility proof, inspection, SHA256SUMS)"
    )
    assert f"release_gates.gates.build --expect-version {VERSION}" in step.text


def test_the_audit_fails_on_the_advisory_and_says_so(release: RunOutcome) -> None:
    assert ADVISORY in release.job("audit").step(expected.AUDIT_STEP).text
    result = expected.result_json(release, "results-audit")
    assert result["status"] == "failed"
    assert str(result["problem_code"]).startswith("audit.")
    assert ADVISORY in result["summary"] + str(result["details"])


def test_sign_stops_at_sigstore_and_nothing_after_it_runs(release: RunOutcome) -> None:
    """Signing needs Sigstore's TUF root, Fulcio and Rekor: unreachable offline."""
    sign = release.job("sign")
    text = sign.step(expected.SIGN_STEP).text
    assert "sigstore sign dist/" in text
    assert "Failed to refresh TUF metadata" in text
    # No signature was verified, so the job keeps no gate result: its upload ignores the
    # missing file. (The checksum re-check's result used to be kept in its place.)
    assert "results-sign" not in artifacts.names(release.artifacts)


def test_attest_stops_at_the_oidc_token_request(release: RunOutcome) -> None:
    """actions/attest asks the job's OIDC endpoint for a token; here that port refuses."""
    text = release.job("attest").step(expected.ATTEST_STEP).text
    assert "Failed to get ID token" in text
    assert "ECONNREFUSED 127.0.0.1:" in text


def test_publish_jobs_and_their_followers_are_skipped(release: RunOutcome) -> None:
    for job in ("publish-testpypi", "publish-pypi", "verify-pypi", "github-release"):
        assert release.job(job).result == "skipped"
        assert release.job(job).steps == ()  # not one step ran


def test_the_job_summary_lists_both_sha256_and_what_failed(release: RunOutcome) -> None:
    step = release.job("summary").step(expected.SUMMARY_STEP)
    summary = "\n".join(step.groups["Job summary"])
    for name, data in artifacts.files(release.artifacts, "dist").items():
        assert f"| {name} | `{hashlib.sha256(data).hexdigest()}` |" in summary
    assert "- **audit** [audit." in summary
    assert ADVISORY in summary
    assert "- **sign**: Sigstore signing" in summary
    assert "- **attest**: actions/attest failed" in summary
    assert "| publish-pypi | skipped |" in summary
    assert "workflow_report.release-failed" in step.text

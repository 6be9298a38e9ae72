# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A tag push of a final version, the whole publish.yml graph, run by act offline."""

from __future__ import annotations

import hashlib

import pytest
from tests.workflow_run import expected
from tests.workflow_run.scenarios import PUBLISH, VERSION, Runs, tag_release

from standins.index_seed import earlier_version
from workflow_run import artifacts
from workflow_run.runner import RunOutcome

pytestmark = pytest.mark.prestart.with_args(tag_release)


@pytest.fixture(scope="module")
def release(runs: Runs) -> RunOutcome:
    return tag_release(runs)


def test_every_job_and_step_does_what_it_must(release: RunOutcome) -> None:
    problems = expected.job_problems(release, PUBLISH, expected.TAG_RELEASE)
    assert problems == [], f"log: {release.log}"


def test_artifacts_hold_exactly_what_they_must(release: RunOutcome) -> None:
    problems = expected.artifact_problems(release, expected.RELEASE_ARTIFACTS, VERSION, PUBLISH)
    assert problems == []


def test_the_version_job_decides_version_and_channel(release: RunOutcome) -> None:
    step = release.job("version").step(expected.TAG_STEP)
    assert step.outputs["version"] == VERSION
    assert step.outputs["channel"] == "pypi"
    assert step.outputs["prerelease"] == "false"


def test_the_version_is_checked_free_on_the_index_before_anything_is_built(
    release: RunOutcome,
) -> None:
    """The gate read the local index (it holds the predecessor only) and found the version free."""
    details = expected.result_json(release, "results-version")["details"]
    assert details["index_check"] == "passed"
    assert details["index"].startswith("http://127.0.0.1:")
    assert details["index_other_versions"] == [earlier_version(VERSION)]


def test_build_is_told_the_version_the_version_job_decided(release: RunOutcome) -> None:
    step = release.job("build").step(expected.BUILD_STEP)
    assert f"release_gates.gates.build --expect-version {VERSION}" in step.text


def test_the_independent_rebuild_reproduces_the_build_jobs_sha256(release: RunOutcome) -> None:
    """rebuild-macos (here on this machine) read the build job's SHA256SUMS and matched it."""
    result = expected.result_json(release, "results-rebuild")
    assert result["status"] == "passed"
    build = expected.result_json(release, "results-build")["details"]
    for same in ("commit", "source_date_epoch"):
        assert result["details"][same] == build[same]
    dists = artifacts.files(release.artifacts, "dist")
    assert result["details"]["sha256"] == {
        name: hashlib.sha256(data).hexdigest() for name, data in dists.items()
    }
    step = release.job("rebuild-macos").step(expected.REBUILD_STEP)
    assert "--sums checksums/SHA256SUMS" in step.text


def test_the_audit_passes_against_a_clean_osv_and_keeps_an_empty_vex(release: RunOutcome) -> None:
    assert expected.result_json(release, "results-audit")["status"] == "passed"
    assert release.job("audit").step(expected.VEX_UPLOAD_STEP).result == "success"


def test_sign_stops_at_sigstore_and_nothing_after_it_runs(release: RunOutcome) -> None:
    """Signing needs Sigstore's production TUF root, Fulcio and Rekor: unreachable offline."""
    text = release.job("sign").step(expected.SIGN_STEP).text
    assert "sigstore sign dist/" in text
    assert "--staging" not in text  # a tag push signs against production
    assert "Failed to refresh TUF metadata" in text
    assert "tuf-repo-cdn.sigstore.dev" in text  # production's TUF repository
    # No signature was verified, so the job keeps no gate result: its upload ignores the
    # missing file, and the checksum re-check's result stays out of verify.json.
    assert "results-sign" not in artifacts.names(release.artifacts)
    assert "signatures" not in artifacts.names(release.artifacts)


def test_attest_stops_at_the_oidc_token_request(release: RunOutcome) -> None:
    """actions/attest asks the job's OIDC endpoint for a token; here that port refuses."""
    text = release.job("attest").step(expected.ATTEST_STEP).text
    assert "Failed to get ID token" in text
    assert "ECONNREFUSED 127.0.0.1:" in text


def test_the_job_summary_lists_both_sha256_and_what_failed(release: RunOutcome) -> None:
    summary = expected.job_summary(release)
    for name, data in artifacts.files(release.artifacts, "dist").items():
        assert f"| {name} | `{hashlib.sha256(data).hexdigest()}` |" in summary
    assert "- **sign**: Sigstore signing" in summary
    assert "- **attest**: actions/attest failed" in summary
    assert "| rebuild-macos | success |" in summary
    assert "| publish-pypi | skipped |" in summary
    assert "- **audit**" not in summary  # the audit passed
    step = release.job("summary").step(expected.SUMMARY_STEP)
    assert "workflow_report.release-failed" in step.text

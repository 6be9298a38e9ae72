# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A manual dry run (``workflow_dispatch``, ``dry_run``) of publish.yml up to sign, offline.

A dry run runs every gate and the independent rebuild, signs against Sigstore's
*staging* instance, makes no attestation and publishes nothing (see the header of
publish.yml). This run shows the version gate's dry-run step and sign's staging
steps; that sign's production steps are skipped proves ``!inputs.dry_run`` reads
a dispatched ``"true"`` as true, the very condition the workflow policy requires of
attest (rule dry-run-staging).
"""

from __future__ import annotations

import pytest
from tests.workflow_run import expected
from tests.workflow_run.scenarios import PUBLISH, VERSION, Runs, dispatch_dry_run

from workflow_run import artifacts
from workflow_run.runner import RunOutcome

pytestmark = pytest.mark.prestart.with_args(dispatch_dry_run)

ARTIFACTS = {
    "dist",
    "checksums",
    "sbom",
    "results-version",
    "results-build",
    "results-rebuild",
    "results-sbom",
}


@pytest.fixture(scope="module")
def dry_run(runs: Runs) -> RunOutcome:
    return dispatch_dry_run(runs)


def test_every_job_and_step_does_what_it_must(dry_run: RunOutcome) -> None:
    problems = expected.job_problems(dry_run, PUBLISH, expected.DRY_RUN)
    assert problems == [], f"log: {dry_run.log}"


def test_artifacts_hold_exactly_what_they_must(dry_run: RunOutcome) -> None:
    """The same dists, checksums and SBOMs as a real release; no signatures."""
    assert expected.artifact_problems(dry_run, ARTIFACTS, VERSION, PUBLISH) == []


def test_no_confirmation_is_needed_and_the_version_is_still_checked_on_the_index(
    dry_run: RunOutcome,
) -> None:
    outputs = dry_run.job("version").step(expected.DRY_RUN_STEP).outputs
    assert (outputs["version"], outputs["channel"], outputs["dry-run"]) == (VERSION, "pypi", "true")
    details = expected.result_json(dry_run, "results-version")["details"]
    assert (details["dry-run"], details["index_check"]) == ("true", "passed")


def test_sign_uses_sigstore_staging_and_stops_at_its_tuf_root(dry_run: RunOutcome) -> None:
    sign = dry_run.job("sign")
    text = sign.step(expected.STAGING_SIGN_STEP).text
    assert "sigstore --staging sign dist/" in text
    assert "Failed to refresh TUF metadata" in text
    assert "tuf-repo-cdn.sigstage.dev" in text  # staging's TUF repository, not production's
    assert "!inputs.dry_run" in sign.step(expected.SIGN_STEP).text  # act: why it was skipped
    assert "signatures" not in artifacts.names(dry_run.artifacts)

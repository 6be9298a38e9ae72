# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Copies of publish.yml broken on purpose: the checks of the real run catch each break.

Each test changes one place of a copy, runs only the jobs the break affects
(``-j`` the job that shows it, with the jobs it needs) for a tag release, and
asserts that the same checks that find nothing wrong with the real workflow
(``test_release``) name the break.
"""

from __future__ import annotations

import pytest
from tests.workflow_run import expected
from tests.workflow_run.scenarios import PUBLISH, VERSION, Runs, broken_copy

# Each break leaves the version job green; only the check of what the run uploaded
# notices, and it names both sides.
ARTIFACT_BREAKS = {
    # The result is uploaded as `result-version`, but the summary collects `results-*`,
    # so it would never see the gate's message.
    "artifact name": (
        "          name: results-version\n",
        "          name: result-version\n",
        [
            "artifact 'result-version': uploaded, not expected",
            "artifact 'results-version': expected, never uploaded",
        ],
    ),
    # The result is uploaded from a path where it is not; the upload tolerates a missing
    # file (the gate may not have run), so silently nothing is uploaded.
    "artifact path": (
        "          path: build/gate-results/version.json\n",
        "          path: build/gate-result/version.json\n",
        ["artifact 'results-version': expected, never uploaded"],
    ),
}


@pytest.mark.parametrize("name", sorted(ARTIFACT_BREAKS))
def test_a_broken_gate_result_upload_is_caught(runs: Runs, name: str) -> None:
    """The version gate's result is uploaded under the wrong name, or from the wrong path."""
    old, new, problems = ARTIFACT_BREAKS[name]
    run = broken_copy(runs, name, old, new, job="version")
    version_only = expected.TAG_RELEASE.only("version")
    assert expected.job_problems(run, PUBLISH, version_only) == []
    assert expected.artifact_problems(run, {"results-version"}, VERSION, PUBLISH) == problems


def test_a_broken_needs_output_is_caught(runs: Runs) -> None:
    """The version job's `version` output reads a step output that does not exist."""
    run = broken_copy(
        runs,
        "needs output",
        "      version: ${{ steps.tag.outputs.version ||",
        "      version: ${{ steps.tag.outputs.release ||",
        job="build",
    )
    problems = expected.job_problems(run, PUBLISH, expected.TAG_RELEASE.only("version", "build"))
    step = expected.BUILD_STEP
    assert problems[:2] == [
        "build: failure, expected success",
        f"build: step {step!r} failure, expected success",
    ]
    assert "--expect-version is  but pyproject.toml says" in run.job("build").step(step).text


def test_a_wrong_step_condition_is_caught(runs: Runs) -> None:
    """The tag-push version gate only runs for pull requests: nothing decides the version."""
    run = broken_copy(
        runs,
        "step if",
        "        if: github.event_name == 'push'\n",
        "        if: github.event_name == 'pull_request'\n",
        job="version",
    )
    problems = expected.job_problems(run, PUBLISH, expected.TAG_RELEASE.only("version"))
    # The job itself is green: only the per-step check notices.
    assert problems == ["version: step 'Version gate (tag push)' skipped, expected success"]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Copies of publish.yml broken on purpose: the checks of the real run catch each break.

Each test changes one place of a copy, runs only the jobs the break affects
(``-j`` the job that shows it, with the jobs it needs) for a tag release, and
asserts that the same checks that find nothing wrong with the real workflow
(``test_release``) name the break.
"""

from __future__ import annotations

from tests.workflow_run import expected
from tests.workflow_run.scenarios import PUBLISH, VERSION, Runs, broken_copy


def test_a_wrong_artifact_name_is_caught(runs: Runs) -> None:
    """The version gate's result is uploaded as `result-version`.

    The job stays green, but the summary collects `results-*`, so it would never see
    the gate's message; the check of what the run uploaded names both sides.
    """
    run = broken_copy(
        runs,
        "artifact name",
        "          name: results-version\n",
        "          name: result-version\n",
        job="version",
    )
    version_only = expected.TAG_RELEASE.only("version")
    assert expected.job_problems(run, PUBLISH, version_only) == []
    assert expected.artifact_problems(run, {"results-version"}, VERSION, PUBLISH) == [
        "artifact 'result-version': uploaded, not expected",
        "artifact 'results-version': expected, never uploaded",
    ]


def test_a_wrong_artifact_path_is_caught(runs: Runs) -> None:
    """The version gate's result is uploaded from a path where it is not: silently nothing.

    The upload tolerates a missing file (the gate may not have run), so the job stays
    green; only the check of what the run uploaded notices.
    """
    run = broken_copy(
        runs,
        "artifact path",
        "          path: build/gate-results/version.json\n",
        "          path: build/gate-result/version.json\n",
        job="version",
    )
    version_only = expected.TAG_RELEASE.only("version")
    assert expected.job_problems(run, PUBLISH, version_only) == []
    problems = expected.artifact_problems(run, {"results-version"}, VERSION, PUBLISH)
    assert problems == ["artifact 'results-version': expected, never uploaded"]


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

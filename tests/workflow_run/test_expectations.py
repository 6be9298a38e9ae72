# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The scenarios' expectations against publish.yml itself, without act (milliseconds).

When publish.yml gains a job, renames a step or makes a step conditional, these
fail at once, naming what the expectations in ``expected.py`` must now say,
instead of a workflow run failing minutes later with a bare ``KeyError``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.workflow_run import expected
from tests.workflow_run.scenarios import CI, PUBLISH, slug

from workflow_run.runner import RUNNER_LABELS, unmapped_runners


@pytest.mark.parametrize("scenario", sorted(expected.PUBLISH_SCENARIOS))
def test_each_scenario_follows_publish_yml(scenario: str) -> None:
    wanted = expected.PUBLISH_SCENARIOS[scenario]
    assert expected.expectation_problems(PUBLISH, wanted) == []


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = PUBLISH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy = tmp_path / "publish.yml"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def test_a_new_job_needs_an_expected_result(tmp_path: Path) -> None:
    copy = _copy(
        tmp_path,
        "\n  summary:\n",
        "\n  extra:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n  summary:\n",
    )
    assert expected.expectation_problems(copy, expected.TAG_RELEASE) == [
        "extra: no expected result"
    ]


def test_a_renamed_step_is_named(tmp_path: Path) -> None:
    copy = _copy(tmp_path, f"- name: {expected.SIGN_STEP}\n", "- name: Sign the dists\n")
    problems = expected.expectation_problems(copy, expected.TAG_RELEASE)
    assert f"sign: no step {expected.SIGN_STEP!r}" in problems
    assert "sign: `if:` step 'Sign the dists' has no expected result" in problems


def test_a_new_conditional_step_needs_an_expected_result(tmp_path: Path) -> None:
    copy = _copy(
        tmp_path,
        "      - name: Rebuild from a clean export;",
        "      - name: Only on Mondays\n        if: github.event_name == 'schedule'\n"
        "        run: true\n      - name: Rebuild from a clean export;",
    )
    assert expected.expectation_problems(copy, expected.TAG_RELEASE) == [
        "rebuild-macos: `if:` step 'Only on Mondays' has no expected result"
    ]


def test_the_sbom_and_vex_names_come_from_what_attest_reads() -> None:
    assert expected.sbom_names(PUBLISH, "1.2.3") == {
        "duckalog-1.2.3.py3.9.cdx.json",
        "duckalog-1.2.3.py3.10.cdx.json",
        "duckalog-1.2.3.py3.11-3.14.cdx.json",
        "duckalog-1.2.3-constraints.txt",
    }
    assert expected.vex_names(PUBLISH, "1.2.3") == {"duckalog-1.2.3.vex.cdx.json"}


def test_every_runner_label_of_the_workflows_is_mapped() -> None:
    """act skips a job on an unmapped label without a word (rebuild-macos did, on macos-15)."""
    assert unmapped_runners(PUBLISH) == {}
    assert unmapped_runners(CI) == {}
    assert "macos-15" in RUNNER_LABELS


def test_an_unmapped_label_is_reported(tmp_path: Path) -> None:
    copy = _copy(tmp_path, "    runs-on: macos-15\n", "    runs-on: windows-2025\n")
    assert unmapped_runners(copy) == {"rebuild-macos": "windows-2025"}


def test_run_folders_have_no_spaces_and_no_sql_comment_marker() -> None:
    assert slug("tag release (whole graph)") == "tag-release-whole-graph"
    assert slug("broken: step if") == "broken-step-if"

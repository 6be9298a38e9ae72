# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""publish.yml's release notes and job summary (python -m release_gates.workflow.report)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.release_config import read_release_config, verification_commands
from release_gates.result import GateResult, Status, write_result


def report(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """``nox -s workflow_report -- ARGS``, through the shared gate runner."""
    return run_gate_cli("workflow_report", args, tmp_path, env=env, timeout=60)


def test_notes_are_the_changelog_section(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-11-25\n\n"
        "### Fixed\n\n- a bug\n\n## [1.1.0] - 2026-10-01\n\n- older\n\n"
        "[1.2.0]: https://example.invalid\n",
        encoding="utf-8",
    )
    out = tmp_path / "notes.md"
    result = report(
        tmp_path, "notes", "--version", "1.2.0", "--output", str(out), "--changelog", str(changelog)
    )
    assert result.returncode == 0, result.output
    assert out.read_text(encoding="utf-8") == "### Fixed\n\n- a bug\n"


def test_notes_for_the_real_changelog(tmp_path: Path) -> None:
    out = tmp_path / "notes.md"
    assert report(tmp_path, "notes", "--version", "0.1.0", "--output", str(out)).returncode == 0
    assert "### Added" in out.read_text(encoding="utf-8")


def test_notes_without_a_section_fail(tmp_path: Path) -> None:
    result = report(tmp_path, "notes", "--version", "9.9.9", "--output", str(tmp_path / "n.md"))
    assert result.returncode == 1
    assert "workflow_report.no-changelog-section" in result.output
    assert not (tmp_path / "n.md").exists()


def test_failure_summary_names_the_gate_and_the_fix(tmp_path: Path) -> None:
    results = tmp_path / "results"
    write_result(
        GateResult(
            "audit",
            Status.FAILED,
            "GHSA-xxxx in pyyaml 6.0.1 <b>",
            problem_code="audit.vulnerable",
            fix="Upgrade pyyaml.",
        ),
        results,
    )
    needs = {
        "version": {"result": "success"},
        "audit": {"result": "failure"},
        "sign": {"result": "failure"},
        "publish-pypi": {"result": "skipped"},
    }
    summary = tmp_path / "summary.md"
    result = report(
        tmp_path,
        "summary",
        "--results",
        str(results),
        "--dist",
        str(tmp_path),
        "--version",
        "1.0.0",
        env={"NEEDS": json.dumps(needs), "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert (
        "[audit.vulnerable]: GHSA-xxxx in pyyaml 6.0.1 &lt;b&gt; What to do: Upgrade pyyaml."
        in text
    )
    assert "**sign**: Sigstore signing" in text  # no verify result: the job's own advice
    assert "<b>" not in text
    assert "Files built by this run" not in text  # nothing was built
    # The job log holds a folded copy (a local act run has no summary page).
    assert f"::group::Job summary\n{text}::endgroup::\n" in result.output


def test_failure_summary_lists_what_was_built(tmp_path: Path) -> None:
    """sign failed after build: the hashes of the dists are still in the summary."""
    (tmp_path / "SHA256SUMS").write_text(
        f"{'a' * 64}  duckalog-1.0.0-py3-none-any.whl\n{'b' * 64}  duckalog-1.0.0.tar.gz\n",
        encoding="utf-8",
    )
    needs = {"build": {"result": "success"}, "sign": {"result": "failure"}}
    summary = tmp_path / "summary.md"
    env = {"NEEDS": json.dumps(needs), "GITHUB_STEP_SUMMARY": str(summary)}
    result = report(
        tmp_path, "summary", "--results", str(tmp_path / "none"), "--dist", str(tmp_path), env=env
    )
    assert result.returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert "## Files built by this run (sha256; not released)" in text
    assert f"| duckalog-1.0.0-py3-none-any.whl | `{'a' * 64}` |" in text
    assert f"| duckalog-1.0.0.tar.gz | `{'b' * 64}` |" in text
    assert "https://pypi.org/project/" not in text


def test_success_summary_lists_hashes_and_verify_commands(tmp_path: Path) -> None:
    (tmp_path / "SHA256SUMS").write_text(f"{'a' * 64}  duckalog-1.0.0.tar.gz\n", encoding="utf-8")
    needs = {"version": {"result": "success"}, "publish-pypi": {"result": "success"}}
    summary = tmp_path / "summary.md"
    result = report(
        tmp_path,
        "summary",
        "--results",
        str(tmp_path / "none"),
        "--dist",
        str(tmp_path),
        "--version",
        "1.0.0",
        env={
            "NEEDS": json.dumps(needs),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "duckalog/duckalog",
        },
    )
    assert result.returncode == 0, result.output
    text = summary.read_text(encoding="utf-8")
    assert f"| duckalog-1.0.0.tar.gz | `{'a' * 64}` |" in text
    # The user's verification sequence (docs/verifying.md's text) for this version.
    assert "VERSION=1.0.0\n" in text
    assert (
        'IDENTITY="https://github.com/duckalog/duckalog/.github/workflows/'
        'publish.yml@refs/tags/v$VERSION"'
    ) in text
    assert verification_commands(read_release_config(), "1.0.0") in text
    assert "https://pypi.org/project/duckalog/1.0.0/" in text
    assert "https://github.com/duckalog/duckalog/releases/tag/v1.0.0" in text


def test_summary_without_needs_fails_closed(tmp_path: Path) -> None:
    result = report(tmp_path, "summary", "--results", str(tmp_path), env={"NEEDS": "not json"})
    assert result.returncode == 1
    assert "workflow_report.bad-needs" in result.output


def test_failed_signature_check_is_reported_under_the_sign_job(tmp_path: Path) -> None:
    write_result(
        GateResult("verify", Status.FAILED, "bad identity", problem_code="verify.x", fix="Fix."),
        tmp_path,
    )
    needs = {"sign": {"result": "failure"}, "attest": {"result": "cancelled"}}
    summary = tmp_path / "summary.md"
    env = {"NEEDS": json.dumps(needs), "GITHUB_STEP_SUMMARY": str(summary)}
    assert report(tmp_path, "summary", "--results", str(tmp_path), env=env).returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert "- **sign** [verify.x]: bad identity What to do: Fix." in text
    assert "- **attest**: actions/attest failed" in text

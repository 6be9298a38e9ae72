# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What ``publish.yml`` tells people: release notes and the run's job summary.

    python -m release_gates.workflow.report notes --version 1.2.3 --output notes.md
    python -m release_gates.workflow.report summary --needs-env NEEDS --results DIR \\
        --dist DIR --version 1.2.3

``notes`` copies the version's section of ``CHANGELOG.md`` (a missing section
fails). ``summary`` reads the workflow's ``toJSON(needs)`` and the gate results
the jobs uploaded, and writes markdown to ``$GITHUB_STEP_SUMMARY`` (a folded copy
goes to the job log) or else to stdout: on failure, which job failed, the gate's
own message and what to do, and the sha256 of whatever was built; on success,
the version, the sha256 of every file and the commands that verify them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from release_gates import registry
from release_gates._internal import checksums, paths
from release_gates._internal.release_config import read_release_config, verification_commands
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "workflow_report"
# Title of the folded copy of the job summary in the job log.
SUMMARY_GROUP = "Job summary"

NO_SECTION = Problem(
    "workflow_report.no-changelog-section",
    "CHANGELOG.md has no section for {version}",
    "Add a section for exactly this version to CHANGELOG.md, headed like '## [1.2.0] - "
    "2026-12-01', and tag again.",
)
BAD_NEEDS = Problem(
    "workflow_report.bad-needs",
    "${needs_env} does not hold the workflow's toJSON(needs): {error}",
    "Pass `NEEDS: ${{ toJSON(needs) }}` in the summary step's env.",
)
RELEASE_FAILED = Problem(
    "workflow_report.release-failed",
    "the release did not complete: {failed}",
    "Read the job summary: it names each failed job and what to do.",
)

# What to do when a job without a gate result of its own fails.
JOB_ADVICE: Mapping[str, str] = {
    "test": "A library test failed on that Python: fix it on main, bump or re-tag.",
    "rebuild-macos": "The independent rebuild ended without a result: read the job log; "
    "`scripts/nox -s rebuild -- --sums checksums/SHA256SUMS` on a Mac repeats it.",
    "sign": "Sigstore signing or the identity check failed: check Fulcio/Rekor status and "
    "that the job still has `id-token: write`; re-run the job (nothing was published).",
    "attest": "actions/attest failed: check `attestations: write` and GitHub's status; re-run.",
    "publish-testpypi": "Check the TestPyPI trusted publisher (workflow publish.yml, environment "
    "testpypi). Re-running is safe: identical files are accepted.",
    "publish-pypi": "Check the PyPI trusted publisher (workflow publish.yml, environment pypi) "
    "and the approval. Re-running is safe: PyPI accepts a file already there with the same "
    "sha256 and rejects other bytes. Never delete and re-use a version.",
    "verify-pypi": "PyPI serves something other than what we built, or the attestations do not "
    "name this repository: stop, yank the release if the bytes differ, open a security issue.",
    "github-release": "PyPI has the release; re-run this job to create the GitHub release.",
}


def changelog_section(changelog: str, version: str) -> str | None:
    """The body of ``## [version]`` in a Keep-a-Changelog file, without its heading."""
    heading = re.compile(rf"^## \[?{re.escape(version)}\]?(\s|$)")
    lines = changelog.splitlines()
    for start, line in enumerate(lines):
        if heading.match(line):
            body: list[str] = []
            for following in lines[start + 1 :]:
                if following.startswith("## ") or re.match(r"^\[[^\]]+\]: ", following):
                    break
                body.append(following)
            return "\n".join(body).strip() + "\n"
    return None


def _escape(text: str) -> str:
    """Gate messages are untrusted: never let them render as HTML or break a table."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.replace("|", "\\|").split())


def load_results(directory: Path) -> dict[str, GateResult]:
    """The gate results the jobs uploaded (``<gate>.json``), by gate."""
    results: dict[str, GateResult] = {}
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        result = GateResult.from_json(path.read_text(encoding="utf-8"))
        results[result.gate] = result
    return results


def read_sums(path: Path) -> list[tuple[str, str]]:
    """(filename, sha256) pairs of a SHA256SUMS file, or [] when there is none.

    A file that is there is read strictly: a malformed one fails the summary.
    """
    if not path.exists():
        return []
    return sorted(checksums.load_sha256sums(path).items())


def _files_table(sums: Sequence[tuple[str, str]]) -> list[str]:
    return ["| file | sha256 |", "|---|---|"] + [
        f"| {_escape(name)} | `{_escape(digest)}` |" for name, digest in sums
    ]


def render_summary(
    needs: Mapping[str, Any],
    results: Mapping[str, GateResult],
    sums: Sequence[tuple[str, str]],
    version: str,
    repository: str,
    verify: Sequence[str],
) -> tuple[str, list[str]]:
    """The markdown summary and the failed jobs (empty when the release went through)."""
    failed = sorted(
        job for job, info in needs.items() if info.get("result") in ("failure", "cancelled")
    )
    lines = [f"# duckalog {_escape(version or '?')}", ""]
    lines += ["| job | result |", "|---|---|"]
    lines += [
        f"| {_escape(job)} | {_escape(str(info.get('result')))} |" for job, info in needs.items()
    ]
    lines.append("")
    if failed:
        lines.append("## What failed and what to do")
        for job in failed:
            owner = registry.gate_of_job(job) or registry.tool_of_job(job)
            result = results.get(owner.name if owner else job)
            if result is not None and result.status is Status.FAILED:
                lines.append(
                    f"- **{_escape(job)}** [{_escape(result.problem_code or '')}]: "
                    f"{_escape(result.summary)} What to do: {_escape(result.fix or '')}"
                )
            else:
                advice = JOB_ADVICE.get(
                    job, f"Open the `{job}` job log; re-run it locally with `scripts/nox -s {job}`."
                )
                lines.append(f"- **{_escape(job)}**: {_escape(advice)}")
        if sums:  # what was built, so a re-run can be checked against the same bytes
            lines += ["", "## Files built by this run (sha256; not released)", ""]
            lines += _files_table(sums)
        return "\n".join(lines) + "\n", failed
    lines += [
        f"- PyPI: https://pypi.org/project/duckalog/{_escape(version)}/",
        f"- GitHub release: https://github.com/{repository}/releases/tag/v{_escape(version)}",
        "",
        "## Files (sha256)",
        "",
        *_files_table(sums),
    ]
    lines += ["", "## Verify what you install", "", "```text", *verify, "```"]
    return "\n".join(lines) + "\n", []


def _write(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
        # The job log keeps a copy, folded: logs outlive the summary page, and a local
        # run of the workflow (act) has no summary page.
        sys.stdout.write(f"::group::{SUMMARY_GROUP}\n{text}::endgroup::\n")
    else:
        sys.stdout.write(text)


def notes(version: str, output: Path, changelog: Path) -> GateResult:
    """Write the CHANGELOG section of ``version`` to ``output``."""
    section = changelog_section(changelog.read_text(encoding="utf-8"), version)
    if section is None:
        raise GateFailure(NO_SECTION, version=version)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(section, encoding="utf-8")
    return GateResult(GATE, Status.PASSED, f"release notes for {version} in {output}")


def summary(args: argparse.Namespace) -> GateResult:
    """Write the job summary; fail when any job of the release failed."""
    try:
        needs = json.loads(os.environ.get(args.needs_env, ""))
        if not isinstance(needs, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        raise GateFailure(BAD_NEEDS, needs_env=args.needs_env, error=error) from error
    sums = read_sums(args.dist / checksums.SUMS_NAME)
    config = read_release_config()
    verify = verification_commands(config, args.version).splitlines()
    text, failed = render_summary(
        needs, load_results(args.results), sums, args.version, config.repository, verify
    )
    _write(text)
    if failed:
        raise GateFailure(RELEASE_FAILED, failed=", ".join(failed))
    return GateResult(GATE, Status.PASSED, f"summary written ({len(needs)} jobs)")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.workflow.report")
    commands = parser.add_subparsers(dest="command", required=True)
    notes_cmd = commands.add_parser("notes", help="CHANGELOG section -> release notes file")
    notes_cmd.add_argument("--version", required=True)
    notes_cmd.add_argument("--output", type=Path, required=True)
    notes_cmd.add_argument("--changelog", type=Path, default=paths.CHANGELOG)
    summary_cmd = commands.add_parser("summary", help="job summary of a publish run")
    summary_cmd.add_argument("--needs-env", default="NEEDS")
    summary_cmd.add_argument("--results", type=Path, default=Path("build/gate-results"))
    summary_cmd.add_argument("--dist", type=Path, default=Path("dist"))
    summary_cmd.add_argument("--version", default="")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.workflow.report``."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "notes":
        return run_gate(GATE, lambda: notes(args.version, args.output, args.changelog))
    return run_gate(GATE, lambda: summary(args))


if __name__ == "__main__":
    sys.exit(main())

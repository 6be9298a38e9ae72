# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The scheduled index check: what PyPI serves is still exactly what we released.

    python -m release_gates.workflow.pypi_health [--version V ...] [--index-url URL]
        [--release-url TEMPLATE] [--repository OWNER/REPO]

For every released version (the simple API's ``versions``, or ``--version``):
each file the index serves must be listed in that version's GitHub release
``SHA256SUMS`` with the same sha256, every listed dist must be served, no file may
be yanked, and each must carry PEP 740 provenance whose publisher is this
repository's ``publish.yml``. Anything else — or an index or release that cannot
be read — fails, naming every finding. A yank listed in the reviewed
``security/intended-yanks.toml`` (:mod:`release_gates.workflow.pypi_health_intended_yanks`) is
reported as intended instead of failing; any other yank still fails. The
comparison is the index check the publish gate runs after an upload
(:mod:`release_gates._internal.index_check`);
the index is read with pypi-simple (:mod:`release_gates._internal.index`), so
tests point it at a loopback stand-in.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from release_gates._internal import checksums, index, paths
from release_gates._internal.index_check import Mismatch, check_served
from release_gates._internal.release_config import read_release_config
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate
from release_gates.workflow.pypi_health_intended_yanks import load_intended_yanks

GATE = "pypi_health"
DEFAULT_RELEASE_URL = "https://github.com/{repository}/releases/download/v{version}/SHA256SUMS"

UNREADABLE = Problem(
    "pypi_health.unreadable",
    "cannot read {url}: {error}",
    "Re-run later; if it persists, check the URL (index or GitHub release) by hand. "
    "An unanswered check is a failed check.",
)
UNKNOWN_FILE = Problem(
    "pypi_health.unknown-file",
    "{file} is served by the index but not in the GitHub release's SHA256SUMS",
    "Nobody released this file through publish.yml: treat it as a compromise, yank the "
    "version, rotate the trusted publisher and open a security advisory.",
)
HASH_MISMATCH = Problem(
    "pypi_health.hash-mismatch",
    "{file}: the index serves sha256 {served}, the release says {expected}",
    "Treat it as a compromise: yank the version and open a security advisory.",
)
MISSING_FILE = Problem(
    "pypi_health.missing-file",
    "{file} is in the release's SHA256SUMS but not served by the index",
    "A publish job failed half-way: re-run publish-pypi for that tag (identical files "
    "are accepted).",
)
YANKED = Problem(
    "pypi_health.yanked",
    "{file} is yanked ({reason}) and its version is not in security/intended-yanks.toml",
    "If the yank was intended, add a reviewed [[yank]] entry (version, reason, date) to "
    "security/intended-yanks.toml; otherwise find out who yanked it.",
)
NO_ATTESTATION = Problem(
    "pypi_health.no-attestation",
    "{file} has no PEP 740 provenance on the index",
    "It was not uploaded by trusted publishing with attestations from publish.yml: "
    "investigate before anyone installs it.",
)
WRONG_PUBLISHER = Problem(
    "pypi_health.wrong-publisher",
    "{file} was attested by {publisher}, expected {expected}",
    "Another workflow or repository published it: yank and open a security advisory.",
)
NOTHING_RELEASED = Problem(
    "pypi_health.nothing-released",
    "the index lists no version of {project}",
    "If nothing was released yet, disable the schedule of pypi-health.yml until the first "
    "release; otherwise the project was removed from the index: investigate.",
)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one file."""

    problem: Problem
    values: dict[str, str]

    def __str__(self) -> str:
        return f"[{self.problem.code}] {self.problem.render(**self.values)}"


def fetch(url: str, accept: str = "*/*", timeout: float = 30.0) -> bytes:
    """GET ``url``; any error is a :data:`UNREADABLE` failure."""
    if not url.startswith(("https://", "http://")):
        raise GateFailure(UNREADABLE, url=url, error="only http(s) URLs are read")
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        error.close()  # it holds the response's socket
        raise GateFailure(UNREADABLE, url=url, error=error) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise GateFailure(UNREADABLE, url=url, error=error) from error


def read_release_sums(url: str) -> dict[str, str]:
    """A release's ``SHA256SUMS``, fetched from ``url`` and read strictly (fails closed)."""
    try:
        text = fetch(url).decode("utf-8")
    except UnicodeDecodeError as error:
        raise GateFailure(UNREADABLE, url=url, error=error) from error
    sums, problems = checksums.parse_sha256sums(text, url)
    if problems:
        raise problems[0]
    return sums


# Which problem each kind of index-check mismatch is here.
MISMATCH_PROBLEMS: Mapping[str, Problem] = {
    "unknown-file": UNKNOWN_FILE,
    "missing-file": MISSING_FILE,
    "hash-mismatch": HASH_MISMATCH,
    "yanked": YANKED,
}


def _finding(mismatch: Mismatch) -> Finding:
    values = {"file": mismatch.filename, "served": mismatch.served}
    values.update(expected=mismatch.expected, reason=mismatch.reason)
    return Finding(MISMATCH_PROBLEMS[mismatch.kind], values)


def check_provenance(file: index.IndexFile, repository: str, workflow: str) -> list[Finding]:
    """The file's PEP 740 provenance exists and names our repository and workflow."""
    name = file.filename
    if not file.provenance_url:
        return [Finding(NO_ATTESTATION, {"file": name})]
    url = file.provenance_url
    try:
        provenance = index.fetch_json(url)
        bundles = provenance["attestation_bundles"]
        publishers = [bundle["publisher"] for bundle in bundles if bundle.get("attestations")]
    except index.IndexReadError as error:
        raise GateFailure(UNREADABLE, url=url, error=error.reason) from error
    except (ValueError, KeyError, TypeError) as error:
        raise GateFailure(UNREADABLE, url=url, error=f"not PEP 740 provenance: {error}") from error
    if not publishers:
        return [Finding(NO_ATTESTATION, {"file": name})]
    expected = f"GitHub {repository} {workflow}"
    findings = []
    for publisher in publishers:
        seen = f"{publisher.get('kind')} {publisher.get('repository')} {publisher.get('workflow')}"
        if seen != expected:
            findings.append(
                Finding(WRONG_PUBLISHER, {"file": name, "publisher": seen, "expected": expected})
            )
    return findings


def check_version(
    files: Mapping[str, index.IndexFile],
    sums: Mapping[str, str],
    repository: str,
    workflow: str,
    intended: bool = False,
) -> list[Finding]:
    """Every finding for the served files of one version against its release's SHA256SUMS
    (a yank of an ``intended`` one is none)."""
    mismatches = check_served(files, sums, require_declared=True, download=False)
    if intended:
        mismatches = [m for m in mismatches if m.kind != "yanked"]
    findings = [_finding(m) for m in mismatches]
    unknown = {m.filename for m in mismatches if m.kind == "unknown-file"}
    for name, file in sorted(files.items()):
        if name not in unknown:
            findings += check_provenance(file, repository, workflow)
    return findings


def check(args: argparse.Namespace) -> GateResult:
    """Compare the index with the GitHub releases; fail on any finding."""
    if args.repository and args.workflow:
        repository, workflow = args.repository, args.workflow
    else:
        config = read_release_config()
        repository = args.repository or config.repository
        workflow = args.workflow or config.workflow_file
    try:
        page = index.project_page(args.index_url, args.project)
    except index.IndexReadError as error:
        raise GateFailure(UNREADABLE, url=error.url, error=error.reason) from error
    intended = load_intended_yanks(args.intended_yanks or paths.SECURITY / "intended-yanks.toml")
    versions = args.version or list(page.versions)
    if not versions:
        raise GateFailure(NOTHING_RELEASED, project=args.project)
    findings: list[Finding] = []
    by_version: dict[str, dict[str, index.IndexFile]] = {v: {} for v in versions}
    for name, file in sorted(page.files.items()):
        if file.version is None:
            findings.append(Finding(UNKNOWN_FILE, {"file": name}))
        elif file.version in by_version:
            by_version[file.version][name] = file
    for version, version_files in by_version.items():
        sums = read_release_sums(args.release_url.format(repository=repository, version=version))
        yanked = version in intended
        findings += check_version(version_files, sums, repository, workflow, yanked)
    if findings:
        for finding in findings:
            print(f"{GATE}: {finding}", file=sys.stderr)
        first = findings[0]
        raise GateFailure(first.problem, **first.values, findings=[str(f) for f in findings])
    checked = sum(len(v) for v in by_version.values())
    summary = f"{checked} files of {len(by_version)} versions match their releases and are attested"
    intended_here = sorted(set(intended) & set(by_version))
    if intended_here:
        summary += f"; intended yanks (security/intended-yanks.toml): {', '.join(intended_here)}"
    return GateResult(
        GATE,
        Status.PASSED,
        summary,
        details={
            "versions": sorted(by_version),
            "files": checked,
            "intended_yanks": {
                v: f"{intended[v].reason} (decided {intended[v].date.isoformat()})"
                for v in sorted(intended)
                if v in by_version
            },
        },
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.workflow.pypi_health")
    parser.add_argument("--project", default="duckalog")
    parser.add_argument("--index-url", default="https://pypi.org/simple/")
    parser.add_argument(
        "--release-url",
        default=DEFAULT_RELEASE_URL,
        help="SHA256SUMS URL template with {repository} and {version}",
    )
    parser.add_argument("--repository", help="OWNER/REPO (default: pyproject.toml)")
    parser.add_argument("--workflow", help="publishing workflow file (default: pyproject.toml)")
    parser.add_argument("--version", action="append", help="check only this version")
    parser.add_argument("--intended-yanks", type=Path, help="default: security/intended-yanks.toml")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.workflow.pypi_health``."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_gate(GATE, lambda: check(args))


if __name__ == "__main__":
    sys.exit(main())

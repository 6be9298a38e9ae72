# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Scheduled check: what PyPI serves is still exactly what we released.

    python -m release_gates.workflow.pypi_health [--version V ...] [--index-url URL]
        [--release-url TEMPLATE] [--repository OWNER/REPO]

For every released version (the simple API's ``versions``, or ``--version``):
each file the index serves must be listed in that version's GitHub release
``SHA256SUMS`` with the same sha256, every listed dist must be served, no file may
be yanked, and each must carry PEP 740 provenance whose publisher is this
repository's ``publish.yml``. Anything else — or an index or release that cannot
be read — fails, naming every finding. It reads the PEP 691 JSON simple API, so
tests point it at a loopback stand-in.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from release_gates._internal import checksums
from release_gates._internal.release_config import read_release_config
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "pypi_health"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
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
    "{file} is yanked ({reason})",
    "If the yank was intended, mark the version in SECURITY.md and run with the remaining "
    "versions (--version); otherwise find out who yanked it.",
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


def version_of(filename: str, project: str) -> str | None:
    """The version in a wheel or sdist file name of ``project``, else None."""
    prefix = project.replace("-", "_") + "-"
    if not filename.lower().startswith(prefix.lower()):
        return None
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        return parts[1] if len(parts) >= 5 else None
    if filename.endswith(".tar.gz"):
        return filename[len(prefix) : -len(".tar.gz")] or None
    return None


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


def check_provenance(file: dict[str, Any], repository: str, workflow: str) -> list[Finding]:
    """The file's PEP 740 provenance exists and names our repository and workflow."""
    name = str(file.get("filename"))
    url = file.get("provenance")
    if not url:
        return [Finding(NO_ATTESTATION, {"file": name})]
    try:
        provenance = json.loads(fetch(str(url), "application/json"))
        bundles = provenance["attestation_bundles"]
        publishers = [bundle["publisher"] for bundle in bundles if bundle.get("attestations")]
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
    version: str,
    files: list[dict[str, Any]],
    sums: dict[str, str],
    repository: str,
    workflow: str,
) -> list[Finding]:
    """Every finding for the files of one version."""
    findings: list[Finding] = []
    served = {str(f["filename"]): f for f in files}
    for name, file in sorted(served.items()):
        expected = sums.get(name)
        digest = str((file.get("hashes") or {}).get("sha256", "")).lower()
        if expected is None:
            findings.append(Finding(UNKNOWN_FILE, {"file": name}))
            continue
        if digest != expected:
            findings.append(
                Finding(
                    HASH_MISMATCH,
                    {"file": name, "served": digest or "(none)", "expected": expected},
                )
            )
        if file.get("yanked"):
            reason = file["yanked"] if isinstance(file["yanked"], str) else "no reason given"
            findings.append(Finding(YANKED, {"file": name, "reason": reason}))
        findings += check_provenance(file, repository, workflow)
    for name in sorted(set(sums) - set(served)):
        if name.endswith((".whl", ".tar.gz")):
            findings.append(Finding(MISSING_FILE, {"file": name}))
    return findings


def check(args: argparse.Namespace) -> GateResult:
    """Compare the index with the GitHub releases; fail on any finding."""
    if args.repository and args.workflow:
        repository, workflow = args.repository, args.workflow
    else:
        config = read_release_config()
        repository = args.repository or config.repository
        workflow = args.workflow or config.workflow_file
    index_url = args.index_url.rstrip("/") + f"/{args.project}/"
    try:
        page = json.loads(fetch(index_url, SIMPLE_JSON))
        files = [f for f in page["files"] if isinstance(f, dict)]
        listed = [str(v) for v in page.get("versions", [])]
    except (ValueError, KeyError, TypeError) as error:
        raise GateFailure(
            UNREADABLE, url=index_url, error=f"not a PEP 691 page: {error}"
        ) from error
    versions = args.version or listed
    if not versions:
        raise GateFailure(NOTHING_RELEASED, project=args.project)
    findings: list[Finding] = []
    by_version: dict[str, list[dict[str, Any]]] = {v: [] for v in versions}
    for file in files:
        version = version_of(str(file.get("filename")), args.project)
        if version is None:
            findings.append(Finding(UNKNOWN_FILE, {"file": str(file.get("filename"))}))
        elif version in by_version:
            by_version[version].append(file)
    for version, version_files in by_version.items():
        sums_url = args.release_url.format(repository=repository, version=version)
        sums = read_release_sums(sums_url)
        findings += check_version(version, version_files, sums, repository, workflow)
    if findings:
        for finding in findings:
            print(f"{GATE}: {finding}", file=sys.stderr)
        first = findings[0]
        raise GateFailure(first.problem, **first.values, findings=[str(f) for f in findings])
    checked = sum(len(v) for v in by_version.values())
    return GateResult(
        GATE,
        Status.PASSED,
        f"{checked} files of {len(by_version)} versions match their releases and are attested",
        details={"versions": sorted(by_version), "files": checked},
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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.workflow.pypi_health``."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_gate(GATE, lambda: check(args))


if __name__ == "__main__":
    sys.exit(main())

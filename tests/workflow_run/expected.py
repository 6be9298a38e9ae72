# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What a tag release of publish.yml must do under act, as checks that list what differs.

The same checks judge the real run (they must find nothing) and the runs of
deliberately broken copies (they must name the break), so a test of a break
proves these checks catch it. Each check returns a list of problems, one
sentence each; an empty list means the run did what it must.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from workflow_run import artifacts
from workflow_run.runner import RunOutcome

# Every job of a tag release, offline: sign stops at Sigstore (no network), attest at
# the OIDC token request, so every job after them is skipped; the summary always runs
# and fails because the release did not complete. The audit fails on the advisory the
# tag-release scenario serves (see scenarios.tag_release).
TAG_RELEASE_JOBS: Mapping[str, str] = {
    "version": "success",
    "licenses": "success",
    "audit": "failure",
    "test": "success",
    "build": "success",
    "smoke": "success",
    "sbom": "success",
    "sign": "failure",
    "attest": "failure",
    "publish-testpypi": "skipped",
    "publish-pypi": "skipped",
    "verify-pypi": "skipped",
    "github-release": "skipped",
    "summary": "failure",
}
_DISPATCH = "Version gate (manual dispatch)"
_DRY_RUN = "Version gate (manual dispatch, dry run; no confirmation needed)"
_TAG = "Version gate (tag push)"
SIGN_STEP = "Sign every dist with Sigstore (writes FILE.sigstore.json)"
ATTEST_STEP = "SLSA build provenance for the dists"
SUMMARY_STEP = "Job summary (the failed gate and what to do, or the hashes and verify commands)"
AUDIT_STEP = "Vulnerability gate (pip-audit of the locked runtime closure, OSV)"
# Main steps whose result is not `success` in a tag release; every other step must succeed.
TAG_RELEASE_STEPS: Mapping[str, Mapping[str, str]] = {
    "version": {_TAG: "success", _DISPATCH: "skipped", _DRY_RUN: "skipped"},
    "audit": {AUDIT_STEP: "failure"},
    "sign": {
        SIGN_STEP: "failure",
        "Verify the bundles against this workflow's exact identity": "skipped",
        "Upload the Sigstore bundles": "skipped",
    },
    "attest": {ATTEST_STEP: "failure", "SBOM attestation for the dists": "skipped"},
    "summary": {SUMMARY_STEP: "failure"},
}
# Which `if:` step of the version job runs, per event.
VERSION_STEPS: Mapping[str, Mapping[str, str]] = {
    "tag": {_TAG: "success", _DISPATCH: "skipped", _DRY_RUN: "skipped"},
    "dispatch": {_TAG: "skipped", _DISPATCH: "success", _DRY_RUN: "skipped"},
    "dry-run": {_TAG: "skipped", _DISPATCH: "skipped", _DRY_RUN: "success"},
}


@cache
def _jobs(workflow: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return {
        job_id: [
            str(step.get("name") or step.get("uses") or step.get("run")) for step in job["steps"]
        ]
        for job_id, job in data["jobs"].items()
    }


def step_names(workflow: Path, job: str, matrix: Mapping[str, str]) -> list[str]:
    """The names act gives the main steps of ``job`` (``${{ matrix.X }}`` filled in)."""
    names = []
    for name in _jobs(workflow)[job]:
        for key, value in matrix.items():
            name = name.replace(f"${{{{ matrix.{key} }}}}", value)
        names.append(name)
    return names


def job_problems(
    run: RunOutcome,
    workflow: Path,
    jobs: Mapping[str, str],
    steps: Mapping[str, Mapping[str, str]],
    matrix: Mapping[str, str] | None = None,
) -> list[str]:
    """Where the run's jobs (exactly ``jobs``) and their main steps differ from what is expected.

    ``steps`` gives the expected result of a job's steps that must not succeed (or
    of `if:` steps); every other step of a job that ran must succeed.
    """
    matrix = {"python": "3.11"} if matrix is None else matrix
    problems = [
        f"{job}: ran although no job of this run needs it"
        for job in sorted(set(run.jobs) - set(jobs))
    ]
    for job, want in jobs.items():
        got = run.jobs.get(job)
        if got is None:
            problems.append(f"{job}: act reported nothing, expected {want}")
            continue
        if got.result != want:
            problems.append(f"{job}: {got.result}, expected {want}")
        if got.result == "skipped" or want == "skipped":
            continue
        reported = got.results()
        for name in step_names(workflow, job, matrix):
            expected = steps.get(job, {}).get(name, "success")
            actual = reported.get(name, "not run")
            if actual != expected:
                problems.append(f"{job}: step {name!r} {actual}, expected {expected}")
    return problems


# --- artifacts ---------------------------------------------------------------------


def dist_names(version: str) -> set[str]:
    """The wheel and the sdist of ``version``."""
    return {f"duckalog-{version}-py3-none-any.whl", f"duckalog-{version}.tar.gz"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dist_problems(files: Mapping[str, bytes], version: str) -> list[str]:
    if set(files) != dist_names(version):
        return [f"dist: holds {sorted(files)}, expected exactly {sorted(dist_names(version))}"]
    problems = []
    with zipfile.ZipFile(io.BytesIO(files[f"duckalog-{version}-py3-none-any.whl"])) as wheel:
        metadata = wheel.read(f"duckalog-{version}.dist-info/METADATA").decode()
    if f"\nVersion: {version}\n" not in metadata:
        problems.append(f"dist: the wheel's METADATA does not say Version: {version}")
    with tarfile.open(fileobj=io.BytesIO(files[f"duckalog-{version}.tar.gz"])) as sdist:
        member = sdist.extractfile(f"duckalog-{version}/PKG-INFO")
        pkg_info = member.read().decode() if member else ""
    if f"\nVersion: {version}\n" not in pkg_info:
        problems.append(f"dist: the sdist's PKG-INFO does not say Version: {version}")
    return problems


def _checksums_problems(files: Mapping[str, bytes], dists: Mapping[str, bytes]) -> list[str]:
    if set(files) != {"SHA256SUMS"}:
        return [f"checksums: holds {sorted(files)}, expected exactly ['SHA256SUMS']"]
    listed = sorted(files["SHA256SUMS"].decode().splitlines())
    want = sorted(f"{_sha256(data)}  {name}" for name, data in dists.items())
    return [] if listed == want else [f"checksums: SHA256SUMS says {listed}, the dists are {want}"]


def _sbom_problems(
    files: Mapping[str, bytes], dists: Mapping[str, bytes], version: str
) -> list[str]:
    name = f"duckalog-{version}.cdx.json"
    if set(files) != {name}:
        return [f"sbom: holds {sorted(files)}, expected exactly [{name!r}]"]
    bom = json.loads(files[name])
    root = bom.get("metadata", {}).get("component", {})
    problems = []
    if (bom.get("bomFormat"), bom.get("specVersion")) != ("CycloneDX", "1.6"):
        problems.append("sbom: not a CycloneDX 1.6 document")
    if (root.get("name"), root.get("version")) != ("duckalog", version):
        problems.append(f"sbom: its root component is not duckalog {version}")
    bound = {
        ref.get("url"): ref.get("hashes", [{}])[0].get("content")
        for ref in root.get("externalReferences", [])
        if ref.get("type") == "distribution"
    }
    want = {dist: _sha256(data) for dist, data in dists.items()}
    if bound != want:
        problems.append(f"sbom: the root binds {bound}, the dists' sha256 are {want}")
    return problems


def _result_problems(name: str, files: Mapping[str, bytes], gates: Mapping[str, str]) -> list[str]:
    gate = gates.get(name)
    if gate is None:
        return [f"{name}: uploaded, but no gate of this run writes it"]
    if set(files) != {f"{gate}.json"}:
        return [f"{name}: holds {sorted(files)}, expected exactly ['{gate}.json']"]
    result = json.loads(files[f"{gate}.json"])
    if result.get("gate") != gate or result.get("status") not in ("passed", "failed"):
        return [f"{name}: {gate}.json is not a {gate} gate result"]
    return []


# The gate result each results-* artifact must hold (the sign job uploads the verify gate's).
RESULT_GATES: Mapping[str, str] = {
    "results-version": "version",
    "results-licenses": "licenses",
    "results-audit": "audit",
    "results-build": "build",
    "results-sbom": "sbom",
    "results-sign": "verify",
}


def artifact_problems(run: RunOutcome, expected: Iterable[str], version: str) -> list[str]:
    """Where the run's artifacts differ from ``expected`` (names) or hold the wrong content.

    dist: exactly the wheel and the sdist of ``version``; checksums: exactly a
    SHA256SUMS of them; sbom: the CycloneDX file whose root is bound to their
    sha256; results-*: the gate's own JSON result.
    """
    store = run.artifacts
    present = set(artifacts.names(store))
    problems = [f"artifact {n!r}: uploaded, not expected" for n in sorted(present - set(expected))]
    problems += [
        f"artifact {n!r}: expected, never uploaded" for n in sorted(set(expected) - present)
    ]
    dists = artifacts.files(store, "dist") if "dist" in present else {}
    for name in sorted(present & set(expected)):
        files = artifacts.files(store, name)
        if name == "dist":
            problems += _dist_problems(files, version)
        elif name == "checksums":
            problems += _checksums_problems(files, dists)
        elif name == "sbom":
            problems += _sbom_problems(files, dists, version)
        else:
            problems += _result_problems(name, files, RESULT_GATES)
    return problems


def result_json(run: RunOutcome, artifact: str) -> dict[str, Any]:
    """The gate result JSON a ``results-*`` artifact holds."""
    (content,) = artifacts.files(run.artifacts, artifact).values()
    data: dict[str, Any] = json.loads(content)
    return data

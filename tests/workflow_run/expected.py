# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What each scenario of publish.yml must do under act, as checks that list what differs.

The same checks judge the real runs (they must find nothing) and the runs of
deliberately broken copies (they must name the break), so a test of a break
proves these checks catch it. Each check returns a list of problems, one
sentence each; an empty list means the run did what it must.

An :class:`Expected` names the result of every job act reports on and of every
main step that does not simply succeed. Which steps those are is decided against
publish.yml itself (:func:`expectation_problems`, run without act): a job or step
the file no longer has, a job a whole-graph scenario leaves out, or an ``if:``
step of a job that runs without an explicit expected result is a problem, so the
expectations cannot drift from the workflow unnoticed (a renamed step, a new job,
a new conditional step).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from workflow_run import artifacts
from workflow_run.runner import RunOutcome

# --- the steps the expectations name (each must exist in publish.yml) ---------------

TAG_STEP = "Version gate (tag push)"
DISPATCH_STEP = "Version gate (manual dispatch)"
DRY_RUN_STEP = "Version gate (manual dispatch, dry run; no confirmation needed)"
AUDIT_STEP = "Vulnerability gate (pip-audit of every locked closure, OSV; writes the VEX)"
VEX_UPLOAD_STEP = "Upload the VEX"
BUILD_STEP = "Build gate (clean export, reproducibility proof, inspection, SHA256SUMS)"
REBUILD_STEP = "Rebuild from a clean export; every dist must have the build job's sha256"
SIGN_STEP = "Sign every dist with Sigstore (writes FILE.sigstore.json)"
STAGING_SIGN_STEP = "Dry run - sign every dist with Sigstore's staging instance (no public record)"
VERIFY_STEP = "Verify the bundles against this workflow's exact identity"
STAGING_VERIFY_STEP = "Dry run - verify the staging bundles against this workflow's exact identity"
BUNDLES_UPLOAD_STEP = "Upload the Sigstore bundles"
ATTEST_STEP = "SLSA build provenance for the dists"
SUMMARY_STEP = "Job summary (the failed gate and what to do, or the hashes and verify commands)"

# Which `if:` step of the version job runs, per event.
VERSION_STEPS: Mapping[str, Mapping[str, str]] = {
    "tag": {TAG_STEP: "success", DISPATCH_STEP: "skipped", DRY_RUN_STEP: "skipped"},
    "dispatch": {TAG_STEP: "skipped", DISPATCH_STEP: "success", DRY_RUN_STEP: "skipped"},
    "dry-run": {TAG_STEP: "skipped", DISPATCH_STEP: "skipped", DRY_RUN_STEP: "success"},
}


# --- reading publish.yml --------------------------------------------------------------


@cache
def _workflow(workflow: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return data


def workflow_jobs(workflow: Path) -> list[str]:
    """The job ids of ``workflow``, in file order."""
    return list(_workflow(workflow)["jobs"])


def _step_name(step: Mapping[str, Any]) -> str:
    return str(step.get("name") or step.get("uses") or step.get("run"))


def step_names(workflow: Path, job: str, matrix: Mapping[str, str]) -> list[str]:
    """The names act gives the main steps of ``job`` (``${{ matrix.X }}`` filled in)."""
    names = []
    for step in _workflow(workflow)["jobs"][job]["steps"]:
        name = _step_name(step)
        for key, value in matrix.items():
            name = name.replace(f"${{{{ matrix.{key} }}}}", value)
        names.append(name)
    return names


def conditional_steps(workflow: Path, job: str, matrix: Mapping[str, str]) -> list[str]:
    """The main steps of ``job`` whose ``if:`` can be false (anything but ``always()``)."""
    steps = _workflow(workflow)["jobs"][job]["steps"]
    names = step_names(workflow, job, matrix)
    return [
        name
        for name, step in zip(names, steps)
        if "if" in step and str(step["if"]).strip() not in ("always()", "${{ always() }}")
    ]


def step_inputs(workflow: Path, job: str, key: str) -> list[str]:
    """Every ``with: {key: ...}`` value of ``job``'s steps, in order (e.g. ``sbom-path``)."""
    return [
        str(step["with"][key])
        for step in _workflow(workflow)["jobs"][job]["steps"]
        if key in step.get("with", {})
    ]


def with_version(text: str, version: str) -> str:
    """``text`` with ``${{ needs.version.outputs.version }}`` replaced by ``version``."""
    return re.sub(r"\$\{\{\s*needs\.version\.outputs\.version\s*\}\}", version, text)


# --- what a scenario must do ----------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Every job's result (exactly the jobs act reports on), and the main steps that
    do not simply succeed: job -> step name -> ``success`` / ``failure`` / ``skipped``.

    ``whole_graph``: the run's target needs every job of the workflow, so
    :func:`expectation_problems` requires a result for each.
    """

    jobs: Mapping[str, str]
    steps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    whole_graph: bool = False

    def only(self, *jobs: str) -> Expected:
        """The same expectations for ``jobs`` alone (a run of a smaller target)."""
        return Expected(
            {job: self.jobs[job] for job in jobs},
            {job: steps for job, steps in self.steps.items() if job in jobs},
        )


_GATES_PASS = {
    job: "success"
    for job in ("version", "licenses", "audit", "test", "build", "rebuild-macos", "smoke", "sbom")
}
_NOT_PUBLISHED = {
    job: "skipped" for job in ("publish-testpypi", "publish-pypi", "verify-pypi", "github-release")
}
# sign: the checksum re-check passes; what follows a failed step is skipped, the gate
# result is kept (`if: always()`).
_SIGN_AFTER_FAILURE = {
    VERIFY_STEP: "skipped",
    STAGING_VERIFY_STEP: "skipped",
    BUNDLES_UPLOAD_STEP: "skipped",
}
_ATTEST_AFTER_FAILURE = {
    "SBOM attestation for the dists (Python 3.9 locked closure)": "skipped",
    "SBOM attestation for the dists (Python 3.10 locked closure)": "skipped",
    "SBOM attestation for the dists (Python 3.11+ locked closure)": "skipped",
    "VEX attestation for the dists (vulnerability status from the audit)": "skipped",
}

# Tag push vX.Y.Z, offline, clean audit: every gate and the independent rebuild pass;
# sign stops at Sigstore's production TUF root and attest at the OIDC token request,
# so every job after them is skipped; the summary always runs and fails because the
# release did not complete.
TAG_RELEASE = Expected(
    jobs={
        **_GATES_PASS,
        "sign": "failure",
        "attest": "failure",
        **_NOT_PUBLISHED,
        "summary": "failure",
    },
    steps={
        "version": VERSION_STEPS["tag"],
        "sign": {SIGN_STEP: "failure", STAGING_SIGN_STEP: "skipped", **_SIGN_AFTER_FAILURE},
        "attest": {ATTEST_STEP: "failure", **_ATTEST_AFTER_FAILURE},
        "summary": {SUMMARY_STEP: "failure"},
    },
    whole_graph=True,
)

# workflow_dispatch with dry_run, up to sign: the gates sign needs and the independent
# rebuild pass; sign takes the staging steps and stops at Sigstore's staging TUF root.
DRY_RUN = Expected(
    jobs={job: "success" for job in ("version", "build", "rebuild-macos", "smoke", "sbom")}
    | {"sign": "failure"},
    steps={
        "version": VERSION_STEPS["dry-run"],
        "sign": {SIGN_STEP: "skipped", STAGING_SIGN_STEP: "failure", **_SIGN_AFTER_FAILURE},
    },
)

# Dispatch to pypi without `confirm`: the version gate refuses; every job is skipped but
# the summary (`if: always()`), which reports it.
UNCONFIRMED = Expected(
    jobs={
        **{job: "skipped" for job in TAG_RELEASE.jobs},
        "version": "failure",
        "summary": "failure",
    },
    steps={
        "version": {**VERSION_STEPS["dispatch"], DISPATCH_STEP: "failure"},
        "summary": {SUMMARY_STEP: "failure"},
    },
    whole_graph=True,
)

# Dispatch to pypi, confirmed, with an OSV advisory against a locked dependency: the
# audit gate fails, so the VEX is not uploaded (the gate result is).
AUDIT_ADVISORY = Expected(
    jobs={"version": "success", "audit": "failure"},
    steps={
        "version": VERSION_STEPS["dispatch"],
        "audit": {AUDIT_STEP: "failure", VEX_UPLOAD_STEP: "skipped"},
    },
)

# The pre-release tag vX.Y.Zrc1: only the version job.
PRERELEASE = Expected(jobs={"version": "success"}, steps={"version": VERSION_STEPS["tag"]})

# Every Expected of publish.yml, by scenario (the static checks read each).
PUBLISH_SCENARIOS: Mapping[str, Expected] = {
    "tag release": TAG_RELEASE,
    "dry run": DRY_RUN,
    "unconfirmed dispatch": UNCONFIRMED,
    "audit advisory": AUDIT_ADVISORY,
    "pre-release tag": PRERELEASE,
}

_MATRIX = {"python": "3.11"}


def expectation_problems(
    workflow: Path, expected: Expected, matrix: Mapping[str, str] | None = None
) -> list[str]:
    """Where ``expected`` does not follow ``workflow`` (read from the file, no act run).

    A job or step it names that the workflow lacks; for a whole-graph scenario, a job
    it leaves out; for a job that runs, an ``if:`` step without an expected result.
    """
    matrix = _MATRIX if matrix is None else matrix
    jobs = workflow_jobs(workflow)
    problems = [
        f"{job}: no such job in {workflow.name}" for job in expected.jobs if job not in jobs
    ]
    if expected.whole_graph:
        problems += [f"{job}: no expected result" for job in jobs if job not in expected.jobs]
    for job, steps in expected.steps.items():
        if job not in jobs:
            problems.append(f"{job}: steps expected of a job {workflow.name} does not have")
            continue
        names = step_names(workflow, job, matrix)
        problems += [f"{job}: no step {name!r}" for name in steps if name not in names]
    for job, result in expected.jobs.items():
        if job not in jobs or result == "skipped":
            continue
        problems += [
            f"{job}: `if:` step {name!r} has no expected result"
            for name in conditional_steps(workflow, job, matrix)
            if name not in expected.steps.get(job, {})
        ]
    return problems


def job_problems(
    run: RunOutcome,
    workflow: Path,
    expected: Expected,
    matrix: Mapping[str, str] | None = None,
) -> list[str]:
    """Where the run's jobs (exactly ``expected.jobs``) and their main steps differ.

    A step ``expected.steps`` does not name must succeed; a skipped job must not have
    run a single step.
    """
    matrix = _MATRIX if matrix is None else matrix
    problems = [
        f"{job}: ran although no job of this run needs it"
        for job in sorted(set(run.jobs) - set(expected.jobs))
    ]
    for job, want in expected.jobs.items():
        got = run.jobs.get(job)
        if got is None:
            problems.append(f"{job}: act reported nothing, expected {want}")
            continue
        if got.result != want:
            problems.append(f"{job}: {got.result}, expected {want}")
        if want == "skipped":
            if got.results():
                problems.append(f"{job}: skipped, yet steps ran: {sorted(got.results())}")
            continue
        if got.result == "skipped":
            continue
        reported = got.results()
        for name in step_names(workflow, job, matrix):
            wanted = expected.steps.get(job, {}).get(name, "success")
            actual = reported.get(name, "not run")
            if actual != wanted:
                problems.append(f"{job}: step {name!r} {actual}, expected {wanted}")
    return problems


# --- artifacts ---------------------------------------------------------------------


def dist_names(version: str) -> set[str]:
    """The wheel and the sdist of ``version``."""
    return {f"duckalog-{version}-py3-none-any.whl", f"duckalog-{version}.tar.gz"}


def sbom_names(workflow: Path, version: str) -> set[str]:
    """What the sbom artifact must hold: every SBOM the attest job attests (its
    ``sbom-path`` values, folder ``sbom/`` stripped), plus the constraints file."""
    paths = {with_version(p, version) for p in step_inputs(workflow, "attest", "sbom-path")}
    return {p.removeprefix("sbom/") for p in paths} | {f"duckalog-{version}-constraints.txt"}


def vex_names(workflow: Path, version: str) -> set[str]:
    """What the vex artifact must hold: the VEX the attest job attests."""
    paths = step_inputs(workflow, "attest", "predicate-path")
    return {with_version(p, version).removeprefix("vex/") for p in paths}


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


def _bom_root_problems(label: str, bom: Mapping[str, Any], version: str) -> list[str]:
    root = bom.get("metadata", {}).get("component", {})
    problems = []
    if (bom.get("bomFormat"), bom.get("specVersion")) != ("CycloneDX", "1.6"):
        problems.append(f"{label}: not a CycloneDX 1.6 document")
    if (root.get("name"), root.get("version")) != ("duckalog", version):
        problems.append(f"{label}: its root component is not duckalog {version}")
    return problems


def _sbom_problems(
    files: Mapping[str, bytes], dists: Mapping[str, bytes], workflow: Path, version: str
) -> list[str]:
    want_names = sbom_names(workflow, version)
    if set(files) != want_names:
        return [f"sbom: holds {sorted(files)}, expected exactly {sorted(want_names)}"]
    problems = []
    want = {dist: _sha256(data) for dist, data in dists.items()}
    for name in sorted(n for n in want_names if n.endswith(".cdx.json")):
        bom = json.loads(files[name])
        problems += _bom_root_problems(f"sbom {name}", bom, version)
        root = bom.get("metadata", {}).get("component", {})
        bound = {
            ref.get("url"): ref.get("hashes", [{}])[0].get("content")
            for ref in root.get("externalReferences", [])
            if ref.get("type") == "distribution"
        }
        if bound != want:
            problems.append(f"sbom {name}: the root binds {bound}, the dists' sha256 are {want}")
    return problems


def _vex_problems(files: Mapping[str, bytes], workflow: Path, version: str) -> list[str]:
    want_names = vex_names(workflow, version)
    if set(files) != want_names:
        return [f"vex: holds {sorted(files)}, expected exactly {sorted(want_names)}"]
    (name,) = want_names
    bom = json.loads(files[name])
    problems = _bom_root_problems(f"vex {name}", bom, version)
    if bom.get("vulnerabilities") != []:  # the audit passed: nothing to state
        problems.append(f"vex {name}: lists vulnerabilities {bom.get('vulnerabilities')}")
    return problems


def _result_problems(name: str, files: Mapping[str, bytes]) -> list[str]:
    gate = RESULT_GATES.get(name)
    if gate is None:
        return [f"{name}: uploaded, but no gate of this run writes it"]
    if set(files) != {f"{gate}.json"}:
        return [f"{name}: holds {sorted(files)}, expected exactly ['{gate}.json']"]
    result = json.loads(files[f"{gate}.json"])
    if result.get("gate") != gate or result.get("status") not in ("passed", "failed"):
        return [f"{name}: {gate}.json is not a {gate} gate result"]
    return []


# The gate result each results-* artifact must hold (the sign job keeps the verify gate's).
RESULT_GATES: Mapping[str, str] = {
    "results-version": "version",
    "results-licenses": "licenses",
    "results-audit": "audit",
    "results-build": "build",
    "results-rebuild": "rebuild",
    "results-sbom": "sbom",
    "results-sign": "verify",
}
# What the whole graph of a release that builds, rebuilds and describes the dists but
# signs nothing uploads (sign keeps no result: no signature was verified).
RELEASE_ARTIFACTS = frozenset(
    {"dist", "checksums", "sbom", "vex"} | set(RESULT_GATES) - {"results-sign"}
)


def artifact_problems(
    run: RunOutcome, expected: Iterable[str], version: str, workflow: Path
) -> list[str]:
    """Where the run's artifacts differ from ``expected`` (names) or hold the wrong content.

    dist: exactly the wheel and the sdist of ``version``; checksums: exactly a
    SHA256SUMS of them; sbom: exactly the SBOMs the attest job of ``workflow``
    attests, each bound to their sha256, and the constraints file; vex: the VEX it
    attests, stating no vulnerability; results-*: the gate's own JSON result.
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
            problems += _sbom_problems(files, dists, workflow, version)
        elif name == "vex":
            problems += _vex_problems(files, workflow, version)
        else:
            problems += _result_problems(name, files)
    return problems


def result_json(run: RunOutcome, artifact: str) -> dict[str, Any]:
    """The gate result JSON a ``results-*`` artifact holds."""
    (content,) = artifacts.files(run.artifacts, artifact).values()
    data: dict[str, Any] = json.loads(content)
    return data


def job_summary(run: RunOutcome) -> str:
    """The markdown the summary job wrote as the job summary (its folded log copy)."""
    step = run.job("summary").step(SUMMARY_STEP)
    return "\n".join(step.groups["Job summary"])

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The rules only ``publish.yml`` must follow: the release graph and who may publish.

``publish.yml`` must have a job per gate of the registry, needing what the gate
needs, in the rehearsal's order; the independent rebuild (the registry's
``rebuild`` tool) runs on macOS and gates signing and attestation; its publish
jobs run only after every gate, in their environment, under the reviewed
condition; one release runs per ref; dry runs sign against Sigstore's staging
instance and attest nothing; the attest job attests every locked closure's SBOM
and the VEX; and every download of the dists is re-checked against
``SHA256SUMS`` before use.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from release_gates import registry
from release_gates._internal import paths
from release_gates._internal.lockfile import (
    closure_label,
    group_by_closure,
    read_lock,
    supported_pythons,
)
from release_gates._internal.tomlfile import load_toml
from release_gates.workflow.model import (
    Violation,
    Workflow,
    action_of,
    ancestors,
    at,
    condition_of,
    is_checksum_check,
    needs_of,
    nox_sessions_called,
    sessions_by_job,
)

# The independent rebuild: the registry's tool, and the runner family it must use.
REBUILD = registry.tool("rebuild")
REBUILD_RUNNER_PREFIX = "macos-"

# Jobs every publish job must wait for (the gates plus the workflow-only evidence).
PUBLISH_JOBS: Mapping[str, str] = {"publish-pypi": "pypi", "publish-testpypi": "testpypi"}


# The only conditions under which a publish job may run, whitespace-normalized.
# Changing them is a policy change: update this table in the same reviewed commit.
_TAG_PUSH = "(github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v'))"

PUBLISH_IF: Mapping[str, str] = {
    "publish-pypi": (
        "needs.version.outputs.channel == 'pypi' && !inputs.dry_run && "
        f"({_TAG_PUSH} || "
        "(github.event_name == 'workflow_dispatch' && inputs.confirm == inputs.version))"
    ),
    "publish-testpypi": (
        "needs.version.outputs.channel == 'testpypi' && !inputs.dry_run && "
        f"({_TAG_PUSH} || github.event_name == 'workflow_dispatch')"
    ),
}


def check_publish_concurrency(workflow: Workflow) -> list[Violation]:
    """One release per ref at a time, and a running publish is never cancelled."""
    concurrency = workflow.data.get("concurrency")
    if not isinstance(concurrency, dict) or "github.ref" not in str(concurrency.get("group")):
        return [Violation("concurrency", workflow.name, "needs a concurrency group per ref")]
    if concurrency.get("cancel-in-progress") is not False:
        return [Violation("concurrency", workflow.name, "cancel-in-progress must be false")]
    return []


def check_checksum_rechecks(workflow: Workflow) -> list[Violation]:
    """Every download of the dists is followed by a SHA256SUMS re-check before any use."""
    found: list[Violation] = []
    for job_id, job in workflow.jobs.items():
        if job_id in registry.REPORT_JOBS:
            continue
        steps = [s for s in job.get("steps") or [] if isinstance(s, dict)]
        for index, step in enumerate(steps):
            if not _downloads_dists(step):
                continue
            # The steps right after this download, up to the first one that uses files.
            following = steps[index + 1 :]
            window = []
            for candidate in following:
                window.append(candidate)
                is_download = action_of(str(candidate.get("uses") or "")) == (
                    "actions/download-artifact"
                )
                if not is_download and not is_checksum_check(candidate):
                    break
            if not any(is_checksum_check(s) for s in window):
                found.append(
                    Violation(
                        "checksum-recheck",
                        at(workflow, job_id, step),
                        "re-check SHA256SUMS right after downloading the dists",
                    )
                )
    return found


def _downloads_dists(step: Mapping[str, Any]) -> bool:
    uses = action_of(str(step.get("uses") or ""))
    return uses == "actions/download-artifact" and (step.get("with") or {}).get("name") == "dist"


def gate_jobs() -> dict[str, str]:
    """Gate (nox session) -> the publish.yml job that carries it."""
    return {gate.name: gate.job for gate in registry.GATES}


def tool_jobs() -> set[str]:
    """The publish.yml jobs that exist to run a workflow tool (the independent rebuild)."""
    return {job for tool in registry.TOOLS for job in tool.jobs}


def known_jobs() -> set[str]:
    """Every job publish.yml may have: the gates' and tools' jobs, workflow-only, report."""
    gate_jobs = {job for gate in registry.GATES for job in (gate.job, *gate.jobs)}
    return gate_jobs | tool_jobs() | set(registry.WORKFLOW_ONLY_JOBS) | set(registry.REPORT_JOBS)


def check_release_graph(workflow: Workflow) -> list[Violation]:
    """publish.yml has a job per gate, with the rehearsal's needs and order."""
    found: list[Violation] = []
    jobs = workflow.jobs
    mapping = gate_jobs()
    for job_id in sorted(set(jobs) - known_jobs()):
        found.append(Violation("unknown-job", at(workflow, job_id), "not in the release graph"))
    calls = sessions_by_job(workflow, gates_only=True)
    for gate in registry.GATES:
        job_id = mapping[gate.name]
        where = at(workflow, job_id)
        if job_id not in jobs:
            found.append(Violation("gate-job", where, f"no job for gate {gate.name!r}"))
            continue
        missing = {mapping[n] for n in gate.needs} - needs_of(jobs[job_id])
        if missing:
            found.append(Violation("gate-needs", where, f"must need {sorted(missing)}"))
        callers = {job_id} | {j for j, job in jobs.items() if job_id in needs_of(job)}
        if not any(gate.name in calls.get(j, []) for j in callers):
            found.append(Violation("gate-session", where, f"never runs nox -s {gate.name}"))
    order = [mapping[g.name] for g in registry.GATES if mapping[g.name] in jobs]
    for position, job_id in enumerate(order):
        later = set(order[position + 1 :])
        if ancestors(jobs, job_id) & later:
            found.append(
                Violation(
                    "gate-order",
                    at(workflow, job_id),
                    f"runs after {sorted(ancestors(jobs, job_id) & later)}, unlike the rehearsal",
                )
            )
    return found


def check_publish_jobs(workflow: Workflow) -> list[Violation]:
    """Publish jobs: their environment, every gate needed, reachable only as intended."""
    found: list[Violation] = []
    jobs = workflow.jobs
    gates = set(gate_jobs().values()) | tool_jobs() | set(registry.WORKFLOW_ONLY_JOBS)
    for job_id, environment in PUBLISH_JOBS.items():
        where = at(workflow, job_id)
        job = jobs.get(job_id)
        if job is None:
            found.append(Violation("publish-job", where, "missing"))
            continue
        env = job.get("environment")
        name = env.get("name") if isinstance(env, dict) else env
        if name != environment:
            found.append(Violation("environment", where, f"must use environment {environment!r}"))
        required = gates - set(PUBLISH_JOBS) - {"verify-pypi", "github-release"}
        missing = required - needs_of(job)
        if missing:
            found.append(Violation("publish-needs", where, f"must need {sorted(missing)}"))
        condition = " ".join(str(job.get("if", "")).split())
        if condition != PUBLISH_IF[job_id]:
            found.append(
                Violation("publish-if", where, f"condition {condition!r} is not the reviewed one")
            )
    for job_id, _, step in workflow.steps():
        if "gh-action-pypi-publish" in str(step.get("uses", "")) and job_id not in PUBLISH_JOBS:
            found.append(Violation("publish-job", at(workflow, job_id), "uploads to an index"))
    release = jobs.get("github-release", {})
    if not {"publish-pypi", "verify-pypi"} <= needs_of(release):
        found.append(
            Violation(
                "release-needs",
                at(workflow, "github-release"),
                "must need publish-pypi and verify-pypi",
            )
        )
    for job_id, _, step in workflow.steps():
        if "secrets." in repr(step):
            found.append(Violation("no-secrets", at(workflow, job_id, step), "uses a secret"))
    return found


def check_independent_rebuild(workflow: Workflow) -> list[Violation]:
    """An independent rebuild on macOS reproduces the build before sign and attest run."""
    jobs = workflow.jobs
    job_id = REBUILD.jobs[0]
    where = at(workflow, job_id)
    job = jobs.get(job_id)
    if job is None:
        return [Violation("independent-rebuild", where, "missing")]
    found: list[Violation] = []
    if not str(job.get("runs-on", "")).startswith(REBUILD_RUNNER_PREFIX):
        found.append(
            Violation(
                "independent-rebuild", where, f"must run on a {REBUILD_RUNNER_PREFIX}* runner"
            )
        )
    mapping = gate_jobs()
    for need in sorted({mapping[n] for n in REBUILD.needs} - needs_of(job)):
        found.append(Violation("independent-rebuild", where, f"must need {need} (its SHA256SUMS)"))
    calls = sessions_by_job(workflow).get(job_id, [])
    runs = [str(s.get("run", "")) for s in job.get("steps") or [] if isinstance(s, dict)]
    if REBUILD.name not in calls or not any("--sums" in r for r in runs):
        found.append(
            Violation(
                "independent-rebuild", where, f"must run `nox -s {REBUILD.name} -- --sums ...`"
            )
        )
    for needing in REBUILD.needed_by:
        if job_id not in needs_of(jobs.get(needing, {})):
            found.append(
                Violation("independent-rebuild", at(workflow, needing), f"must need {job_id}")
            )
    return found


def check_dry_run_records(workflow: Workflow) -> list[Violation]:
    """Dry runs sign against Sigstore staging and skip attestation; real runs do not."""
    found: list[Violation] = []
    sign = workflow.jobs.get("sign", {})
    seen: set[tuple[str, bool]] = set()
    for step in sign.get("steps") or []:
        run = str(step.get("run", ""))
        sessions = nox_sessions_called(run)
        if sessions not in (["sign"], ["verify"]) or "--checksums-only" in run:
            continue
        staging = "--staging" in shlex.split(run)
        seen.add((sessions[0], staging))
        wanted = "inputs.dry_run" if staging else "!inputs.dry_run"
        if condition_of(step) != wanted:
            found.append(
                Violation(
                    "dry-run-staging",
                    at(workflow, "sign", step),
                    f"{'a staging' if staging else 'a production'} {sessions[0]} step needs "
                    f"`if: ${{{{ {wanted} }}}}`",
                )
            )
    for session in ("sign", "verify"):
        for staging in (False, True):
            if (session, staging) not in seen:
                kind = "a staging (dry run)" if staging else "a production"
                found.append(
                    Violation(
                        "dry-run-staging",
                        at(workflow, "sign"),
                        f"needs {kind} `nox -s {session}` step",
                    )
                )
    if "staging" not in str(sign.get("name", "")):
        found.append(
            Violation("dry-run-staging", at(workflow, "sign"), "its name must say staging")
        )
    attest = workflow.jobs.get("attest", {})
    if condition_of(attest) != "!inputs.dry_run" or "dry run" not in str(attest.get("name", "")):
        found.append(
            Violation(
                "dry-run-staging",
                at(workflow, "attest"),
                "must be skipped on dry runs (`if: ${{ !inputs.dry_run }}`) and say so in its name",
            )
        )
    return found


def sbom_labels(pyproject: Path = paths.PYPROJECT, lock: Path = paths.RUNTIME_LOCK) -> list[str]:
    """The SBOM file labels (``py3.9``, ``py3.11-3.14``) the sbom gate writes for the lock."""
    classifiers = load_toml(pyproject).get("project", {}).get("classifiers", [])
    groups = group_by_closure(read_lock(lock), supported_pythons(classifiers))
    return [closure_label(group) for group in groups.values()]


def check_sbom_attestations(workflow: Workflow, labels: Iterable[str]) -> list[Violation]:
    """The attest job attests every locked closure's SBOM and the VEX."""
    steps = [s for s in workflow.jobs.get("attest", {}).get("steps") or [] if isinstance(s, dict)]
    sboms = [str((s.get("with") or {}).get("sbom-path", "")) for s in steps]
    predicates = [str((s.get("with") or {}).get("predicate-path", "")) for s in steps]
    where = at(workflow, "attest")
    found = [
        Violation("sbom-attestations", where, f"no SBOM attestation for the {label} closure")
        for label in labels
        if not any(path.endswith(f".{label}.cdx.json") for path in sboms)
    ]
    if not any(path.endswith(".vex.cdx.json") for path in predicates):
        found.append(Violation("sbom-attestations", where, "no attestation of the VEX"))
    return found

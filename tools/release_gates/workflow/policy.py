# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The hardening policy of ``.github/workflows``, as code.

zizmor finds generic problems; this module checks what is specific to our
release: which jobs may hold which token, that publishing is gated, that every
step is one nox session or one tool call, and that ``publish.yml`` runs the same
sessions in the same order as the local rehearsal (:mod:`release_gates.registry`; those
rules are in :mod:`~release_gates.workflow.policy_release`).

Each ``check_*`` function takes a :class:`Workflow` and returns a list of
:class:`Violation`; :func:`check_workflow` runs every rule that applies to a file.
``tests/workflows`` runs it on the real files and on deliberately broken copies.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from release_gates import registry
from release_gates._internal import paths
from release_gates._internal.noxfile import read_noxfile
from release_gates.workflow import policy_artifacts, policy_release
from release_gates.workflow.model import (
    STATUS_FUNCTIONS,
    Violation,
    Workflow,
    action_of,
    at,
    condition_of,
    nox_sessions_called,
    sessions_by_job,
    triggers,
)

PINS_FILE = paths.SECURITY / "action-pins.yml"

# Permissions a job of a given workflow may hold with `write`; anything else is read/none.
WRITE_ALLOWED: Mapping[str, Mapping[str, frozenset[str]]] = {
    "publish.yml": {
        "sign": frozenset({"id-token"}),
        "attest": frozenset({"id-token", "attestations"}),
        "publish-testpypi": frozenset({"id-token"}),
        "publish-pypi": frozenset({"id-token"}),
        "github-release": frozenset({"contents"}),
    },
    # Code-scanning uploads; Scorecard also signs the results it publishes.
    "codeql.yml": {"analyze": frozenset({"security-events"})},
    "scorecard.yml": {"scorecard": frozenset({"security-events", "id-token"})},
}

# A step may tolerate its own failure only where a triage step judges it and a retry
# runs for a transient failure only (see check_upload_retry).
CONTINUE_ON_ERROR_ALLOWED = frozenset({("publish.yml", "publish-pypi", "upload")})
TRIAGE_SESSION = registry.tool("upload_triage").name

# Programs a `run:` may call besides `scripts/nox`, with the first arguments allowed.
# No `sleep`: a blind wait before a retry is what the upload triage replaces.
ALLOWED_TOOLS: Mapping[str, tuple[str, ...]] = {
    "gh": ("release", "create"),
    "sha256sum": ("--check",),
}

FORBIDDEN_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})

_SHELL_OPERATORS = re.compile(r"^[;&|<>()]+$")

_PIN = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)(?P<path>/[\w./-]+)?@(?P<sha>[0-9a-f]{40})$")

_USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)\s*(?:#\s*(?P<comment>.*))?$")

_PERMISSIONS_LINE = re.compile(r"^(?P<indent>\s*)permissions:\s*(?P<rest>.*)$")


def load_pins(path: Path = PINS_FILE) -> dict[tuple[str, str], str]:
    """The verified pins: (owner/repo, sha) -> version tag."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {(p["action"], p["sha"]): p["version"] for p in data["pins"]}


def check_pins(workflow: Workflow, pins: Mapping[tuple[str, str], str]) -> list[Violation]:
    """Every ``uses:`` is a verified 40-hex commit with its ``# vX.Y.Z`` comment."""
    found: list[Violation] = []
    for number, line in enumerate(workflow.text.splitlines(), 1):
        match = _USES_LINE.match(line)
        if not match:
            continue
        where = f"{workflow.name}:{number}"
        ref, comment = match["ref"].strip("'\""), (match["comment"] or "").strip()
        pin = _PIN.match(ref)
        if not pin:
            found.append(Violation("pinned-sha", where, f"{ref} is not pinned to a commit SHA"))
            continue
        version = pins.get((pin["action"], pin["sha"]))
        if version is None:
            found.append(
                Violation("verified-pin", where, f"{ref} is not in security/action-pins.yml")
            )
        elif comment.split()[:1] != [version]:
            found.append(Violation("pin-comment", where, f"{ref} needs the comment '# {version}'"))
    return found


def check_permissions(workflow: Workflow) -> list[Violation]:
    """``permissions: {}`` at the top; every job explicit; writes only where allow-listed."""
    found: list[Violation] = []
    if workflow.data.get("permissions", None) != {}:
        found.append(
            Violation("top-permissions", workflow.name, "top-level permissions must be {}")
        )
    allowed = WRITE_ALLOWED.get(workflow.name, {})
    for job_id, job in workflow.jobs.items():
        where = at(workflow, job_id)
        permissions = job.get("permissions")
        if not isinstance(permissions, dict):
            found.append(
                Violation(
                    "job-permissions",
                    where,
                    f"needs an explicit permissions map, not {permissions!r}",
                )
            )
            continue
        for scope, level in permissions.items():
            if level == "write" and scope not in allowed.get(job_id, frozenset()):
                found.append(
                    Violation("write-permission", where, f"{scope}: write is not allow-listed")
                )
            elif level not in ("read", "write", "none"):
                found.append(Violation("job-permissions", where, f"{scope}: {level!r}"))
    return found


def check_permission_comments(workflow: Workflow) -> list[Violation]:
    """Every granted permission carries a comment saying why."""
    found: list[Violation] = []
    lines = workflow.text.splitlines()
    for index, line in enumerate(lines):
        match = _PERMISSIONS_LINE.match(line)
        if not match or match["rest"].split("#")[0].strip():
            continue  # inline form, e.g. `permissions: {}`, grants nothing
        indent = len(match["indent"])
        for entry in lines[index + 1 :]:
            if not entry.strip():
                continue
            if len(entry) - len(entry.lstrip()) <= indent:
                break
            if "#" not in entry:
                found.append(
                    Violation(
                        "permission-comment",
                        f"{workflow.name}:{index + 1}",
                        f"'{entry.strip()}' has no comment saying why",
                    )
                )
    return found


def checktriggers(workflow: Workflow) -> list[Violation]:
    """No trigger that runs privileged code on behalf of a fork."""
    return [
        Violation("forbidden-trigger", workflow.name, f"trigger {t} is not allowed")
        for t in sorted(triggers(workflow) & FORBIDDEN_TRIGGERS)
    ]


def check_jobs(workflow: Workflow) -> list[Violation]:
    """Bounded run time and no tolerated failure at job level."""
    found: list[Violation] = []
    for job_id, job in workflow.jobs.items():
        where = at(workflow, job_id)
        timeout = job.get("timeout-minutes")
        if not isinstance(timeout, int) or not 0 < timeout <= 60:
            found.append(Violation("timeout", where, "timeout-minutes (1-60) is required"))
        if "continue-on-error" in job:
            found.append(Violation("continue-on-error", where, "a job may not ignore failure"))
        condition = str(job.get("if", ""))
        if job_id not in registry.REPORT_JOBS and any(f in condition for f in STATUS_FUNCTIONS):
            found.append(
                Violation("status-function", where, "only the summary may run after a failure")
            )
    return found


def check_steps(workflow: Workflow) -> list[Violation]:
    """Checkouts keep no credentials; no caches; artifacts expire; failures are not hidden."""
    found: list[Violation] = []
    for job_id, index, step in workflow.steps():
        where = at(workflow, job_id, step)
        uses = str(step.get("uses") or "")
        action = action_of(uses) if uses else ""
        with_ = step.get("with") or {}
        if action == "actions/checkout" and with_.get("persist-credentials") is not False:
            found.append(
                Violation("persist-credentials", where, "needs persist-credentials: false")
            )
        if action == "actions/cache" or (action == "actions/setup-python" and "cache" in with_):
            found.append(Violation("no-cache", where, "caches can be poisoned; none allowed"))
        if action == "actions/upload-artifact" and "retention-days" not in with_:
            found.append(Violation("retention", where, "artifacts need retention-days"))
        if "password" in with_ or "secrets." in str(with_.get("password", "")):
            found.append(Violation("trusted-publishing", where, "no token: trusted publishing"))
        if "continue-on-error" in step:
            key = (workflow.name, job_id, str(step.get("id")))
            if key not in CONTINUE_ON_ERROR_ALLOWED:
                found.append(Violation("continue-on-error", where, "a step may not ignore failure"))
            else:
                found += check_upload_retry(workflow, job_id, index)
        if "run" in step:
            found += check_run(str(step["run"]), where)
    return found


def check_upload_retry(workflow: Workflow, job_id: str, index: int) -> list[Violation]:
    """The tolerated upload attempt is judged by ``nox -s upload_triage`` and retried only
    when the triage found the failure transient (``retry == 'true'``), never blindly."""
    steps = [s for s in workflow.jobs[job_id].get("steps") or [] if isinstance(s, dict)]
    attempt = steps[index]
    where = at(workflow, job_id, attempt)
    failed = f"steps.{attempt.get('id')}.outcome == 'failure'"
    on_failure = [s for s in steps[index + 1 :] if condition_of(s) == failed]
    triage = [
        s for s in on_failure if nox_sessions_called(str(s.get("run", ""))) == [TRIAGE_SESSION]
    ]
    if len(triage) != 1 or len(on_failure) != 1 or not triage[0].get("id"):
        return [
            Violation(
                "upload-retry",
                where,
                f"after a failed attempt only one step may run: `nox -s {TRIAGE_SESSION}` "
                "with an id (no blind wait or retry)",
            )
        ]
    transient = f"steps.{triage[0]['id']}.outputs.retry == 'true'"
    retries = [
        s for s in steps[index + 1 :] if s.get("uses") == attempt.get("uses") and s is not attempt
    ]
    if not retries or any(condition_of(s) != transient for s in retries):
        return [
            Violation(
                "upload-retry",
                where,
                f"the retry must run only if {transient} (a transient failure)",
            )
        ]
    return []


def check_run(script: str, where: str) -> list[Violation]:
    """A ``run:`` is one command: ``scripts/nox ...`` or an allow-listed tool, no expressions."""
    script = script.strip()
    if "${{" in script:
        return [Violation("run-expression", where, "no ${{ }} inside run: (pass it via env:)")]
    if "\n" in script or "`" in script or "$(" in script:
        return [Violation("run-single-command", where, "one command per run: step")]
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError as error:
        return [Violation("run-single-command", where, f"unparsable command: {error}")]
    if any(_SHELL_OPERATORS.match(token) for token in tokens):
        return [Violation("run-single-command", where, f"shell operator in {script!r}")]
    program, args = tokens[0], tokens[1:]
    if program == "scripts/nox":
        if not nox_sessions_called(script):
            return [Violation("run-nox-session", where, "name exactly one session with -s")]
        return []
    prefix = ALLOWED_TOOLS.get(program)
    if prefix is None or tuple(args[: len(prefix)]) != prefix:
        return [Violation("run-tool", where, f"{script!r} is not a nox session or allowed tool")]
    return []


def check_sessions_exist(workflow: Workflow, sessions: Iterable[str]) -> list[Violation]:
    """Every nox session a job calls is defined in ``noxfile.py``."""
    known = set(sessions)
    return [
        Violation("unknown-session", at(workflow, job), f"nox session {name!r} does not exist")
        for job, names in sessions_by_job(workflow).items()
        for name in names
        if name not in known
    ]


def check_workflow(
    workflow: Workflow,
    pins: Mapping[tuple[str, str], str] | None = None,
    sessions: Iterable[str] | None = None,
) -> list[Violation]:
    """Every rule that applies to ``workflow`` (publish.yml gets the release rules too)."""
    found = check_pins(workflow, load_pins() if pins is None else pins)
    found += check_permissions(workflow)
    found += check_permission_comments(workflow)
    found += checktriggers(workflow)
    found += check_jobs(workflow)
    found += check_steps(workflow)
    known = read_noxfile().names if sessions is None else sessions
    found += check_sessions_exist(workflow, known)
    found += policy_release.check_checksum_rechecks(workflow)
    found += policy_artifacts.check_artifact_flow(workflow)
    if workflow.name == "publish.yml":
        found += policy_release.check_publish_concurrency(workflow)
        found += policy_release.check_release_graph(workflow)
        found += policy_release.check_publish_jobs(workflow)
        found += policy_release.check_independent_rebuild(workflow)
        found += policy_release.check_dry_run_records(workflow)
        found += policy_release.check_sbom_attestations(workflow, policy_release.sbom_labels())
    return found

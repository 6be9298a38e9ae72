# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The hardening policy of ``.github/workflows``, as code.

zizmor finds generic problems; this module checks what is specific to our
release: which jobs may hold which token, that publishing is gated, that every
step is one nox session or one tool call, and that ``publish.yml`` runs the same
sessions in the same order as the local rehearsal (:mod:`release_gates.registry`).

Each ``check_*`` function takes a :class:`Workflow` and returns a list of
:class:`Violation`; :func:`check_workflow` runs every rule that applies to a file.
``tests/workflows`` runs it on the real files and on deliberately broken copies.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from release_gates.registry import REHEARSAL, WORKFLOW_ONLY_JOBS

ROOT = Path(__file__).resolve().parents[3]
PINS_FILE = ROOT / "security" / "action-pins.yml"

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

# Where a gate of the rehearsal lives in publish.yml when its job has another name:
# `verify` runs in `sign` (bundles are verified right after signing) and `publish`
# is the PyPI upload, whose post-publish half (`nox -s publish --verify-only`)
# runs in jobs that depend on it.
GATE_JOB: Mapping[str, str] = {"verify": "sign", "publish": "publish-pypi"}

# Jobs every publish job must wait for (the gates plus the workflow-only evidence).
PUBLISH_JOBS: Mapping[str, str] = {"publish-pypi": "pypi", "publish-testpypi": "testpypi"}
REPORT_JOBS = frozenset({"summary"})

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

# A step may tolerate its own failure only where a retry step follows it.
CONTINUE_ON_ERROR_ALLOWED = frozenset({("publish.yml", "publish-pypi", "upload")})

# Programs a `run:` may call besides `scripts/nox`, with the first arguments allowed.
ALLOWED_TOOLS: Mapping[str, tuple[str, ...]] = {
    "gh": ("release", "create"),
    "sleep": (),
    "sha256sum": ("--check",),
}

FORBIDDEN_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})
# Job conditions that would let a job run although a job it needs failed or was skipped.
_STATUS_FUNCTIONS = ("always()", "failure()", "cancelled()")
_SHELL_OPERATORS = re.compile(r"^[;&|<>()]+$")
_PIN = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)(?P<path>/[\w./-]+)?@(?P<sha>[0-9a-f]{40})$")
_USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)\s*(?:#\s*(?P<comment>.*))?$")
_PERMISSIONS_LINE = re.compile(r"^(?P<indent>\s*)permissions:\s*(?P<rest>.*)$")
_PYTHON_SUFFIX = re.compile(r"-(\d+\.\d+|\$\w+|\$\{\w+\})$")
# libyaml's safe loader when PyYAML has it: ten times faster than the pure-Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Violation:
    """One broken rule: its id, where (workflow/job/step) and what is wrong."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Workflow:
    """A workflow file: its name, parsed content and raw text (comments matter)."""

    name: str
    data: dict[str, Any]
    text: str

    @classmethod
    def load(cls, path: Path) -> Workflow:
        """Read and parse ``path``."""
        return cls.parse(path.name, path.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, name: str, text: str) -> Workflow:
        """Parse ``text``; PyYAML reads the key ``on`` as ``True``, so it is renamed back."""
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
        if not isinstance(data, dict):
            raise ValueError(f"{name}: not a YAML mapping")
        if True in data:
            data["on"] = data.pop(True)
        return cls(name, data, text)

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        """The jobs, by id."""
        jobs = self.data.get("jobs") or {}
        return {str(k): v for k, v in jobs.items() if isinstance(v, dict)}

    def steps(self) -> Iterator[tuple[str, int, dict[str, Any]]]:
        """Every step as (job id, index, step)."""
        for job_id, job in self.jobs.items():
            for index, step in enumerate(job.get("steps") or []):
                if isinstance(step, dict):
                    yield job_id, index, step


def _where(workflow: Workflow, job: str | None = None, step: dict[str, Any] | None = None) -> str:
    where = workflow.name
    if job:
        where += f"/{job}"
    if step is not None:
        where += f"/{step.get('id') or step.get('name') or step.get('uses') or 'step'}"
    return where


def _triggers(workflow: Workflow) -> set[str]:
    on = workflow.data.get("on")
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(t) for t in on}
    if isinstance(on, dict):
        return {str(t) for t in on}
    return set()


def _needs(job: Mapping[str, Any]) -> set[str]:
    needs = job.get("needs") or []
    return {needs} if isinstance(needs, str) else {str(n) for n in needs}


def _action(uses: str) -> str:
    """``owner/repo`` of a ``uses:`` value (sub-paths and the ref dropped)."""
    return "/".join(uses.split("@", 1)[0].split("/")[:2])


# --- pins --------------------------------------------------------------------


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


# --- permissions ----------------------------------------------------------------


def check_permissions(workflow: Workflow) -> list[Violation]:
    """``permissions: {}`` at the top; every job explicit; writes only where allow-listed."""
    found: list[Violation] = []
    if workflow.data.get("permissions", None) != {}:
        found.append(
            Violation("top-permissions", workflow.name, "top-level permissions must be {}")
        )
    allowed = WRITE_ALLOWED.get(workflow.name, {})
    for job_id, job in workflow.jobs.items():
        where = _where(workflow, job_id)
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


# --- triggers, concurrency, jobs ---------------------------------------------------


def check_triggers(workflow: Workflow) -> list[Violation]:
    """No trigger that runs privileged code on behalf of a fork."""
    return [
        Violation("forbidden-trigger", workflow.name, f"trigger {t} is not allowed")
        for t in sorted(_triggers(workflow) & FORBIDDEN_TRIGGERS)
    ]


def check_publish_concurrency(workflow: Workflow) -> list[Violation]:
    """One release per ref at a time, and a running publish is never cancelled."""
    concurrency = workflow.data.get("concurrency")
    if not isinstance(concurrency, dict) or "github.ref" not in str(concurrency.get("group")):
        return [Violation("concurrency", workflow.name, "needs a concurrency group per ref")]
    if concurrency.get("cancel-in-progress") is not False:
        return [Violation("concurrency", workflow.name, "cancel-in-progress must be false")]
    return []


def check_jobs(workflow: Workflow) -> list[Violation]:
    """Bounded run time and no tolerated failure at job level."""
    found: list[Violation] = []
    for job_id, job in workflow.jobs.items():
        where = _where(workflow, job_id)
        timeout = job.get("timeout-minutes")
        if not isinstance(timeout, int) or not 0 < timeout <= 60:
            found.append(Violation("timeout", where, "timeout-minutes (1-60) is required"))
        if "continue-on-error" in job:
            found.append(Violation("continue-on-error", where, "a job may not ignore failure"))
        condition = str(job.get("if", ""))
        if job_id not in REPORT_JOBS and any(f in condition for f in _STATUS_FUNCTIONS):
            found.append(
                Violation("status-function", where, "only the summary may run after a failure")
            )
    return found


# --- steps -------------------------------------------------------------------


def check_steps(workflow: Workflow) -> list[Violation]:
    """Checkouts keep no credentials; no caches; artifacts expire; failures are not hidden."""
    found: list[Violation] = []
    for job_id, index, step in workflow.steps():
        where = _where(workflow, job_id, step)
        uses = str(step.get("uses") or "")
        action = _action(uses) if uses else ""
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
            if key not in CONTINUE_ON_ERROR_ALLOWED or not _retried(workflow, job_id, index):
                found.append(Violation("continue-on-error", where, "a step may not ignore failure"))
        if "run" in step:
            found += check_run(str(step["run"]), where)
    return found


def _retried(workflow: Workflow, job_id: str, index: int) -> bool:
    """Whether a later step repeats step ``index`` when it failed."""
    steps = workflow.jobs[job_id].get("steps") or []
    first = steps[index]
    condition = f"steps.{first.get('id')}.outcome == 'failure'"
    return any(
        s.get("uses") == first.get("uses") and str(s.get("if", "")).strip() == condition
        for s in steps[index + 1 :]
    )


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


def nox_sessions_called(script: str) -> list[str]:
    """Sessions named by one ``scripts/nox -s NAME`` command (Python suffix dropped).

    Returns an empty list unless exactly one session is named.
    """
    tokens = shlex.split(script)
    if not tokens or tokens[0] != "scripts/nox":
        return []
    names: list[str] = []
    for option, value in zip(tokens, tokens[1:]):
        if option in ("-s", "--session", "--sessions"):
            names.append(_PYTHON_SUFFIX.sub("", value))
        elif option in ("-t", "--tags", "-k", "--keywords"):
            return []
    return names if len(names) == 1 else []


def sessions_by_job(workflow: Workflow, *, gates_only: bool = False) -> dict[str, list[str]]:
    """The nox sessions each job calls, in step order.

    With ``gates_only``, checksum re-checks of downloaded artifacts do not count:
    ``nox -s verify -- --checksums-only`` is not the verify gate.
    """
    calls: dict[str, list[str]] = {job: [] for job in workflow.jobs}
    for job_id, _, step in workflow.steps():
        if "run" in step and not (gates_only and _is_checksum_check(step)):
            calls[job_id] += nox_sessions_called(str(step["run"]).strip())
    return calls


def noxfile_sessions(noxfile: Path = ROOT / "noxfile.py") -> set[str]:
    """Names of the sessions ``noxfile.py`` defines (``@nox.session``, honouring ``name=``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(noxfile.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) not in ("nox.session", "session"):
                continue
            name = node.name
            for keyword in call.keywords if call else []:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    name = str(keyword.value.value)
            names.add(name)
    return names


def check_sessions_exist(workflow: Workflow, sessions: Iterable[str]) -> list[Violation]:
    """Every nox session a job calls is defined in ``noxfile.py``."""
    known = set(sessions)
    return [
        Violation("unknown-session", _where(workflow, job), f"nox session {name!r} does not exist")
        for job, names in sessions_by_job(workflow).items()
        for name in names
        if name not in known
    ]


def check_checksum_rechecks(workflow: Workflow) -> list[Violation]:
    """Every download of the dists is followed by a SHA256SUMS re-check before any use."""
    found: list[Violation] = []
    for job_id, job in workflow.jobs.items():
        if job_id in REPORT_JOBS:
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
                is_download = _action(str(candidate.get("uses") or "")) == (
                    "actions/download-artifact"
                )
                if not is_download and not _is_checksum_check(candidate):
                    break
            if not any(_is_checksum_check(s) for s in window):
                found.append(
                    Violation(
                        "checksum-recheck",
                        _where(workflow, job_id, step),
                        "re-check SHA256SUMS right after downloading the dists",
                    )
                )
    return found


def _downloads_dists(step: Mapping[str, Any]) -> bool:
    uses = _action(str(step.get("uses") or ""))
    return uses == "actions/download-artifact" and (step.get("with") or {}).get("name") == "dist"


def _is_checksum_check(step: Mapping[str, Any]) -> bool:
    run = str(step.get("run") or "").strip()
    if run.startswith("sha256sum --check"):
        return True
    return nox_sessions_called(run) == ["verify"] and "--checksums-only" in shlex.split(run)


# --- publish.yml: the release graph --------------------------------------------


def gate_jobs() -> dict[str, str]:
    """Gate (nox session) -> the publish.yml job that carries it."""
    return {step.session: GATE_JOB.get(step.session, step.session) for step in REHEARSAL}


def _ancestors(jobs: Mapping[str, Mapping[str, Any]], job: str) -> set[str]:
    seen: set[str] = set()
    todo = list(_needs(jobs.get(job, {})))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += _needs(jobs.get(current, {}))
    return seen


def check_release_graph(workflow: Workflow) -> list[Violation]:
    """publish.yml has a job per gate, with the rehearsal's needs and order."""
    found: list[Violation] = []
    jobs = workflow.jobs
    mapping = gate_jobs()
    expected = set(mapping.values()) | set(WORKFLOW_ONLY_JOBS) | REPORT_JOBS
    for job_id in sorted(set(jobs) - expected):
        found.append(Violation("unknown-job", _where(workflow, job_id), "not in the release graph"))
    calls = sessions_by_job(workflow, gates_only=True)
    for step in REHEARSAL:
        job_id = mapping[step.session]
        where = _where(workflow, job_id)
        if job_id not in jobs:
            found.append(Violation("gate-job", where, f"no job for gate {step.session!r}"))
            continue
        missing = {mapping[n] for n in step.needs} - _needs(jobs[job_id])
        if missing:
            found.append(Violation("gate-needs", where, f"must need {sorted(missing)}"))
        callers = {job_id} | {j for j, job in jobs.items() if job_id in _needs(job)}
        if not any(step.session in calls.get(j, []) for j in callers):
            found.append(Violation("gate-session", where, f"never runs nox -s {step.session}"))
    order = [mapping[s.session] for s in REHEARSAL if mapping[s.session] in jobs]
    for position, job_id in enumerate(order):
        later = set(order[position + 1 :])
        if _ancestors(jobs, job_id) & later:
            found.append(
                Violation(
                    "gate-order",
                    _where(workflow, job_id),
                    f"runs after {sorted(_ancestors(jobs, job_id) & later)}, unlike the rehearsal",
                )
            )
    return found


def check_publish_jobs(workflow: Workflow) -> list[Violation]:
    """Publish jobs: their environment, every gate needed, reachable only as intended."""
    found: list[Violation] = []
    jobs = workflow.jobs
    gates = set(gate_jobs().values()) | set(WORKFLOW_ONLY_JOBS)
    for job_id, environment in PUBLISH_JOBS.items():
        where = _where(workflow, job_id)
        job = jobs.get(job_id)
        if job is None:
            found.append(Violation("publish-job", where, "missing"))
            continue
        env = job.get("environment")
        name = env.get("name") if isinstance(env, dict) else env
        if name != environment:
            found.append(Violation("environment", where, f"must use environment {environment!r}"))
        required = gates - set(PUBLISH_JOBS) - {"verify-pypi", "github-release"}
        missing = required - _needs(job)
        if missing:
            found.append(Violation("publish-needs", where, f"must need {sorted(missing)}"))
        condition = " ".join(str(job.get("if", "")).split())
        if condition != PUBLISH_IF[job_id]:
            found.append(
                Violation("publish-if", where, f"condition {condition!r} is not the reviewed one")
            )
    for job_id, _, step in workflow.steps():
        if "gh-action-pypi-publish" in str(step.get("uses", "")) and job_id not in PUBLISH_JOBS:
            found.append(Violation("publish-job", _where(workflow, job_id), "uploads to an index"))
    release = jobs.get("github-release", {})
    if not {"publish-pypi", "verify-pypi"} <= _needs(release):
        found.append(
            Violation(
                "release-needs",
                _where(workflow, "github-release"),
                "must need publish-pypi and verify-pypi",
            )
        )
    for job_id, _, step in workflow.steps():
        if "secrets." in repr(step):
            found.append(Violation("no-secrets", _where(workflow, job_id, step), "uses a secret"))
    return found


# --- all together ------------------------------------------------------------------


def check_workflow(
    workflow: Workflow,
    pins: Mapping[tuple[str, str], str] | None = None,
    sessions: Iterable[str] | None = None,
) -> list[Violation]:
    """Every rule that applies to ``workflow`` (publish.yml gets the release rules too)."""
    found = check_pins(workflow, load_pins() if pins is None else pins)
    found += check_permissions(workflow)
    found += check_permission_comments(workflow)
    found += check_triggers(workflow)
    found += check_jobs(workflow)
    found += check_steps(workflow)
    found += check_sessions_exist(workflow, noxfile_sessions() if sessions is None else sessions)
    found += check_checksum_rechecks(workflow)
    if workflow.name == "publish.yml":
        found += check_publish_concurrency(workflow)
        found += check_release_graph(workflow)
        found += check_publish_jobs(workflow)
    return found

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The hardening policy of ``.github/workflows``, as code.

zizmor finds generic problems; this module checks what is specific to our
release: which jobs may hold which token, that publishing is gated, that every
step is one nox session or one tool call, and that ``publish.yml`` runs the same
sessions in the same order as the local rehearsal (:mod:`release_gates.pipeline`).

Each ``check_*`` function takes a :class:`Workflow` and returns a list of
:class:`Violation`; :func:`check_workflow` runs every rule that applies to a file.
``tests/workflows`` runs it on the real files and on deliberately broken copies.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from release_gates.pipeline import REHEARSAL, WORKFLOW_ONLY_JOBS

ROOT = Path(__file__).resolve().parents[2]
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

# A step may tolerate its own failure only where a triage step judges it and a retry
# runs for a transient failure only (see check_upload_retry).
CONTINUE_ON_ERROR_ALLOWED = frozenset({("publish.yml", "publish-pypi", "upload")})
TRIAGE_SESSION = "upload_triage"

# The independent rebuild: its job, the runner family it must use, what must need it.
REBUILD_JOB = "rebuild-macos"
REBUILD_NEEDED_BY = ("sign", "attest")

# Programs a `run:` may call besides `scripts/nox`, with the first arguments allowed.
ALLOWED_TOOLS: Mapping[str, tuple[str, ...]] = {
    "gh": ("release", "create"),
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
            if key not in CONTINUE_ON_ERROR_ALLOWED:
                found.append(Violation("continue-on-error", where, "a step may not ignore failure"))
            else:
                found += check_upload_retry(workflow, job_id, index)
        if "run" in step:
            found += check_run(str(step["run"]), where)
    return found


def _condition(step: Mapping[str, Any]) -> str:
    """A step's ``if:`` without ``${{ }}`` and with whitespace normalized."""
    text = str(step.get("if", "")).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return " ".join(text.split())


def check_upload_retry(workflow: Workflow, job_id: str, index: int) -> list[Violation]:
    """The tolerated upload attempt is judged by ``nox -s upload_triage`` and retried only
    when the triage found the failure transient (``retry == 'true'``), never blindly."""
    steps = [s for s in workflow.jobs[job_id].get("steps") or [] if isinstance(s, dict)]
    attempt = steps[index]
    where = _where(workflow, job_id, attempt)
    failed = f"steps.{attempt.get('id')}.outcome == 'failure'"
    on_failure = [s for s in steps[index + 1 :] if _condition(s) == failed]
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
    if not retries or any(_condition(s) != transient for s in retries):
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


def check_independent_rebuild(workflow: Workflow) -> list[Violation]:
    """An independent rebuild on macOS reproduces the build before sign and attest run."""
    jobs = workflow.jobs
    where = _where(workflow, REBUILD_JOB)
    job = jobs.get(REBUILD_JOB)
    if job is None:
        return [Violation("independent-rebuild", where, "missing")]
    found: list[Violation] = []
    if not str(job.get("runs-on", "")).startswith("macos-"):
        found.append(Violation("independent-rebuild", where, "must run on a macos-* runner"))
    if "build" not in _needs(job):
        found.append(Violation("independent-rebuild", where, "must need build (its SHA256SUMS)"))
    calls = sessions_by_job(workflow).get(REBUILD_JOB, [])
    runs = [str(s.get("run", "")) for s in job.get("steps") or [] if isinstance(s, dict)]
    if "rebuild" not in calls or not any("--sums" in r for r in runs):
        found.append(
            Violation("independent-rebuild", where, "must run `nox -s rebuild -- --sums ...`")
        )
    for needing in REBUILD_NEEDED_BY:
        if REBUILD_JOB not in _needs(jobs.get(needing, {})):
            found.append(
                Violation(
                    "independent-rebuild", _where(workflow, needing), f"must need {REBUILD_JOB}"
                )
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
        if _condition(step) != wanted:
            found.append(
                Violation(
                    "dry-run-staging",
                    _where(workflow, "sign", step),
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
                        _where(workflow, "sign"),
                        f"needs {kind} `nox -s {session}` step",
                    )
                )
    if "staging" not in str(sign.get("name", "")):
        found.append(
            Violation("dry-run-staging", _where(workflow, "sign"), "its name must say staging")
        )
    attest = workflow.jobs.get("attest", {})
    if _condition(attest) != "!inputs.dry_run" or "dry run" not in str(attest.get("name", "")):
        found.append(
            Violation(
                "dry-run-staging",
                _where(workflow, "attest"),
                "must be skipped on dry runs (`if: ${{ !inputs.dry_run }}`) and say so in its name",
            )
        )
    return found


def expected_sbom_labels(root: Path = ROOT) -> list[str]:
    """The SBOM file labels (``py3.9``, ``py3.11-3.14``) the sbom gate writes for the lock."""
    from release_gates.lockfile import group_by_closure, read_lock, supported_pythons

    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    classifiers = re.findall(r'"(Programming Language :: Python :: 3\.\d+)"', text)
    groups = group_by_closure(
        read_lock(root / "security" / "runtime.txt"), supported_pythons(classifiers)
    )
    return [f"py{g[0]}" if len(g) == 1 else f"py{g[0]}-{g[-1]}" for g in groups.values()]


def check_sbom_attestations(workflow: Workflow, labels: Iterable[str]) -> list[Violation]:
    """The attest job attests every locked closure's SBOM and the VEX."""
    steps = [s for s in workflow.jobs.get("attest", {}).get("steps") or [] if isinstance(s, dict)]
    paths = [str((s.get("with") or {}).get("sbom-path", "")) for s in steps]
    predicates = [str((s.get("with") or {}).get("predicate-path", "")) for s in steps]
    where = _where(workflow, "attest")
    found = [
        Violation("sbom-attestations", where, f"no SBOM attestation for the {label} closure")
        for label in labels
        if not any(path.endswith(f".{label}.cdx.json") for path in paths)
    ]
    if not any(path.endswith(".vex.cdx.json") for path in predicates):
        found.append(Violation("sbom-attestations", where, "no attestation of the VEX"))
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


# --- artifacts: every download has a source that holds what is read --------------------

# What a step reads from a folder it is given, by (nox session or action, option or input):
# (the folder it reads when the option is absent, or None; the files it reads there).
FOLDER_READS: Mapping[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {
    ("verify", "--checksums-only"): (None, ("SHA256SUMS", "*.whl", "*.tar.gz")),
    ("smoke", "--dist"): ("dist", ("*.whl", "*.tar.gz")),
    ("sbom", "--dist"): ("dist", ("*.whl", "*.tar.gz")),
    ("publish", "--dist"): (None, ("SHA256SUMS", "*.whl", "*.tar.gz")),
    ("workflow_report", "--dist"): (None, ("SHA256SUMS",)),
    ("workflow_report", "--results"): (None, ("*.json",)),
    ("pypa/gh-action-pypi-publish", "packages-dir"): (None, ("*.whl", "*.tar.gz")),
}


def check_artifact_flow(workflow: Workflow) -> list[Violation]:
    """Every download has a source it needs, and its folder holds what later steps read.

    A download must name an artifact that a job in its ``needs`` closure (or an
    earlier step of its own job) uploads; the folders it fills must hold what the
    job's later steps read from them. A job that also runs after a failure
    (``if: always()``) must download by ``pattern:``, which finds nothing without
    failing: by ``name:``, the download fails when the uploading job never ran.
    An upload holds the files its ``path:`` globs name, relative to their common folder.
    A step reads the paths it names inside a download's folder (``run:`` arguments,
    resolved against ``working-directory``, and ``with:`` values) and, for the folder
    options in :data:`FOLDER_READS`, the files listed there. Globs (``*``, and
    ``${{ }}`` or ``$VAR`` read as ``*``) match when some name can match both.
    """
    expression = re.compile(r"\$\{\{.*?\}\}|\$\{?\w+\}?")

    def glob(text: str) -> str:
        return expression.sub("*", str(text)).strip().strip("'\"")

    def overlap(left: str, right: str) -> bool:
        return fnmatch.fnmatchcase(left.replace("*", right.replace("*", "x")), right) or (
            fnmatch.fnmatchcase(right.replace("*", left.replace("*", "x")), left)
        )

    def upload(step: Mapping[str, Any]) -> tuple[str, list[str]]:
        with_ = step.get("with") or {}
        paths = [glob(p) for p in str(with_.get("path", "")).splitlines() if p.strip()]
        folders = [
            posixpath.dirname(p.split("*")[0]) if "*" in p else posixpath.dirname(p) for p in paths
        ]
        root = posixpath.commonpath(folders) if folders and all(folders) else ""
        return glob(with_.get("name", "artifact")), [
            posixpath.relpath(p, root or ".") for p in paths
        ]

    def actions(step: Mapping[str, Any]) -> str:
        return _action(str(step.get("uses") or ""))

    jobs = workflow.jobs
    uploads = {
        job_id: [
            upload(s) for s in job.get("steps") or [] if actions(s) == "actions/upload-artifact"
        ]
        for job_id, job in jobs.items()
    }
    found: list[Violation] = []
    for job_id, job in jobs.items():
        sources = [u for ancestor in _ancestors(jobs, job_id) for u in uploads.get(ancestor, [])]
        after_failure = any(f in str(job.get("if", "")) for f in _STATUS_FUNCTIONS)
        held: dict[str, list[str]] = {}  # download folder -> file globs it holds so far
        for step in [s for s in job.get("steps") or [] if isinstance(s, dict)]:
            where = _where(workflow, job_id, step)
            with_ = step.get("with") or {}
            if actions(step) == "actions/upload-artifact":
                sources.append(upload(step))
                continue
            if actions(step) == "actions/download-artifact":
                if after_failure and "name" in with_:
                    found.append(
                        Violation(
                            "artifact-optional",
                            where,
                            "this job also runs after a failure: download by pattern, "
                            "since by name it fails when the uploading job did not run",
                        )
                    )
                wanted = glob(with_.get("name") or with_.get("pattern") or "*")
                matched = [
                    (n, f) for n, f in sources if n == wanted or fnmatch.fnmatchcase(n, wanted)
                ]
                if not matched:
                    found.append(
                        Violation(
                            "artifact-source",
                            where,
                            f"downloads {wanted!r}, which no job it needs uploads",
                        )
                    )
                    continue
                folder = posixpath.normpath(glob(with_.get("path", ".")))
                merged = "name" in with_ or with_.get("merge-multiple") is True or len(matched) == 1
                for name, files in matched:
                    target = folder if merged else posixpath.join(folder, name)
                    held.setdefault(target, []).extend(files)
                continue
            reads: list[tuple[str, str]] = []  # (path as read, what the step says it is)
            session = nox_sessions_called(str(step.get("run") or "").strip())
            tool = session[0] if session else actions(step)
            workdir = str(step.get("working-directory") or ".")
            tokens = shlex.split(str(step.get("run") or "")) if "run" in step else []
            for option, value in [*zip(tokens, tokens[1:]), *with_.items()]:
                value = str(value)
                given = FOLDER_READS.get((tool, str(option)), (None, ()))[1]
                reads += [(posixpath.join(glob(value), f), f"{option} {value}") for f in given]
            for (name, option), (default, implied) in FOLDER_READS.items():
                if name == tool and default and option not in tokens and option not in with_:
                    reads += [
                        (posixpath.join(default, f), f"{option} {default} (default)")
                        for f in implied
                    ]
            values = [*tokens, *(line for v in with_.values() for line in str(v).splitlines())]
            reads += [(glob(v), v.strip()) for v in values if "/" in v and "://" not in v]
            for path, said in reads:
                path = posixpath.normpath(posixpath.join(workdir, path))
                into = max((f for f in held if path.startswith(f + "/")), key=len, default=None)
                if into is None or into == ".":
                    continue  # not a downloaded folder (or the checkout itself): not judged
                inside = posixpath.relpath(path, into)
                if not any(overlap(inside, f) for f in held[into]):
                    found.append(
                        Violation(
                            "artifact-content",
                            where,
                            f"reads {inside} from {into}/ ({said}), which holds only "
                            f"{sorted(set(held[into]))} from its downloads",
                        )
                    )
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
    found += check_artifact_flow(workflow)
    if workflow.name == "publish.yml":
        found += check_publish_concurrency(workflow)
        found += check_release_graph(workflow)
        found += check_publish_jobs(workflow)
        found += check_independent_rebuild(workflow)
        found += check_dry_run_records(workflow)
        found += check_sbom_attestations(workflow, expected_sbom_labels())
    return found

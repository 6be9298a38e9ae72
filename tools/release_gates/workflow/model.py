# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A GitHub workflow file as the policy reads it, and what its ``run:`` steps call.

:class:`Workflow` keeps the parsed YAML and the raw text (comments matter: pins
and permissions carry them). The helpers name places for messages
(:func:`at`) and read what jobs need and which nox sessions they run.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_PYTHON_SUFFIX = re.compile(r"-(\d+\.\d+|\$\w+|\$\{\w+\})$")

# Job conditions that let a job run although a job it needs failed or was skipped.
STATUS_FUNCTIONS = ("always()", "failure()", "cancelled()")

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


def at(workflow: Workflow, job: str | None = None, step: dict[str, Any] | None = None) -> str:
    """Where a violation is, for its message: ``publish.yml/build/step-id``."""
    where = workflow.name
    if job:
        where += f"/{job}"
    if step is not None:
        where += f"/{step.get('id') or step.get('name') or step.get('uses') or 'step'}"
    return where


def triggers(workflow: Workflow) -> set[str]:
    """The events that start ``workflow``."""
    on = workflow.data.get("on")
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(t) for t in on}
    if isinstance(on, dict):
        return {str(t) for t in on}
    return set()


def needs_of(job: Mapping[str, Any]) -> set[str]:
    """The jobs ``job`` needs."""
    needs = job.get("needs") or []
    return {needs} if isinstance(needs, str) else {str(n) for n in needs}


def condition_of(step_or_job: Mapping[str, Any]) -> str:
    """An ``if:`` without ``${{ }}`` and with whitespace normalized (``""`` when none)."""
    text = str(step_or_job.get("if", "")).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return " ".join(text.split())


def ancestors(jobs: Mapping[str, Mapping[str, Any]], job: str) -> set[str]:
    """Every job ``job`` needs, directly or through the jobs it needs."""
    seen: set[str] = set()
    todo = list(needs_of(jobs.get(job, {})))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += needs_of(jobs.get(current, {}))
    return seen


def action_of(uses: str) -> str:
    """``owner/repo`` of a ``uses:`` value (sub-paths and the ref dropped)."""
    return "/".join(uses.split("@", 1)[0].split("/")[:2])


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
        if "run" in step and not (gates_only and is_checksum_check(step)):
            calls[job_id] += nox_sessions_called(str(step["run"]).strip())
    return calls


def is_checksum_check(step: Mapping[str, Any]) -> bool:
    """Whether ``step`` re-checks the dists against SHA256SUMS (a checksum check)."""
    run = str(step.get("run") or "").strip()
    if run.startswith("sha256sum --check"):
        return True
    return nox_sessions_called(run) == ["verify"] and "--checksums-only" in shlex.split(run)

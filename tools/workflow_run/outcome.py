# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What each job and step of an act run did, read from act's JSON log (``--json --verbose``).

act writes one JSON object per line. Lines of a job carry ``jobID``; lines of a
step also ``step`` (its name) and ``stage`` (``Pre``, ``Main``, ``Post``). A
step ends with a line holding ``stepResult`` (``success``, ``failure``,
``skipped``: an ``if:`` that was false, with act's reason), a job with
``jobResult``. A step's own output comes as ``raw_output`` lines; workflow
commands (``::set-output``, ``::group::``) as lines with ``command``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAIN = "Main"


@dataclass(frozen=True)
class StepOutcome:
    """One step of one job: its name, stage, result and what it printed."""

    name: str
    stage: str
    result: str
    # What the step printed, one line per entry, plus act's own messages about it.
    output: tuple[str, ...] = ()
    # Values the step set with $GITHUB_OUTPUT (or ::set-output).
    outputs: Mapping[str, str] = field(default_factory=dict)
    # Lines printed between `::group::TITLE` and `::endgroup::`, by TITLE.
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Everything the step printed, as one string."""
        return "\n".join(self.output)


@dataclass(frozen=True)
class JobOutcome:
    """One job: ``success``, ``failure`` or ``skipped``, act's reason, and its steps in order."""

    job: str
    result: str
    reason: str = ""
    steps: tuple[StepOutcome, ...] = ()

    def step(self, name: str, stage: str = MAIN) -> StepOutcome:
        """The step called ``name`` (in the main stage by default)."""
        for step in self.steps:
            if step.name == name and step.stage == stage:
                return step
        known = [s.name for s in self.steps if s.stage == stage]
        raise KeyError(f"job {self.job!r} has no {stage} step {name!r}; it has {known}")

    def results(self, stage: str = MAIN) -> dict[str, str]:
        """Step name -> result, for the steps of ``stage``."""
        return {s.name: s.result for s in self.steps if s.stage == stage}


@dataclass
class _Step:
    name: str
    stage: str
    output: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    group: str | None = None
    result: str | None = None


@dataclass
class _Job:
    result: str | None = None
    reason: str = ""
    steps: dict[tuple[str, str], _Step] = field(default_factory=dict)


def _records(lines: Iterable[str]) -> Iterable[dict[str, Any]]:
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # act's closing "Error: Job 'x' failed" is plain text
        if isinstance(record, dict):
            yield record


def _step_record(job: _Job, record: dict[str, Any]) -> None:
    key = (str(record["stage"]) if "stage" in record else MAIN, str(record["step"]))
    step = job.steps.setdefault(key, _Step(name=key[1], stage=key[0]))
    command = record.get("command")
    if command == "set-output":
        step.outputs[str(record.get("name"))] = str(record.get("arg", ""))
    elif command == "group":
        step.group = str(record.get("arg", ""))
        step.groups[step.group] = []
    elif command == "endgroup":
        step.group = None
    elif command in ("error", "warning", "notice"):  # annotations: often the failure's reason
        step.output += f"::{command}::{record.get('arg', '')}".split("\n")
    elif command is None:
        text = str(record.get("msg", "")).rstrip("\n")
        step.output += text.split("\n") if text else [""]
        if step.group is not None and record.get("raw_output"):
            step.groups[step.group] += text.split("\n")
    if "stepResult" in record:
        step.result = str(record["stepResult"])


def parse(lines: Iterable[str]) -> dict[str, JobOutcome]:
    """Job id -> :class:`JobOutcome`, for every job act reported on."""
    jobs: dict[str, _Job] = {}
    for record in _records(lines):
        job_id = record.get("jobID")
        if not job_id:
            continue
        job = jobs.setdefault(str(job_id), _Job())
        if "jobResult" in record:
            job.result = str(record["jobResult"])
            if job.result == "skipped":
                job.reason = str(record.get("msg", ""))
        # Set-up and clean-up steps carry `stepid` in place of a stage; they are act's own.
        elif "step" in record and "stepid" not in record:
            _step_record(job, record)
    return {
        job_id: JobOutcome(
            job=job_id,
            result=job.result or "unfinished",
            reason=job.reason,
            steps=tuple(
                StepOutcome(
                    name=step.name,
                    stage=step.stage,
                    result=step.result or "unfinished",
                    output=tuple(step.output),
                    outputs=dict(step.outputs),
                    groups={k: tuple(v) for k, v in step.groups.items()},
                )
                for step in job.steps.values()
            ),
        )
        for job_id, job in jobs.items()
    }


def parse_file(path: Path) -> dict[str, JobOutcome]:
    """:func:`parse` of a log file."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return parse(handle)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""One act invocation: a workflow file, a target job (and the jobs it needs), an event.

Every run gets a folder of its own (``HOME``, the event file, act's JSON log and
an artifact store, since act numbers every run 1) and a loopback
:class:`~standins.artifact_proxy.ArtifactProxy` in front of act's artifact
server. What every run shares is a :class:`Workbench`: act, the pinned actions,
act's action cache (holding setup-python's seeded tool cache) and one pip cache,
so a job's installs reuse downloads without sharing any environment.

Jobs run in host mode (``-P ubuntu-24.04=-self-hosted``) one at a time
(``--concurrent-jobs 1``); a matrix is narrowed with ``--matrix``.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from standins.artifact_proxy import PROXY_URL_ENV, ArtifactProxy, write_node_preload
from workflow_run import outcome
from workflow_run.environment import clean_environment
from workflow_run.events import Event
from workflow_run.locate import ActionSource

# The runner labels our workflows use, all run on this machine.
RUNNER_LABELS = ("ubuntu-24.04", "ubuntu-latest")


@dataclass(frozen=True)
class Workbench:
    """What every act run of one session shares."""

    act: Path
    actions: ActionSource
    # act's --action-cache-path: action copies, per-job folders and tool_cache/.
    action_cache: Path
    pip_cache: Path


@dataclass(frozen=True)
class RunOutcome:
    """What one act run did: per job, the exit code, where its log and artifacts are, time."""

    jobs: Mapping[str, outcome.JobOutcome]
    returncode: int
    log: Path
    artifacts: Path
    wall_s: float
    cpu_s: float

    def job(self, job_id: str) -> outcome.JobOutcome:
        """The outcome of ``job_id``; ``KeyError`` names the jobs act reported on."""
        if job_id not in self.jobs:
            raise KeyError(f"act reported nothing on job {job_id!r}; it did on {sorted(self.jobs)}")
        return self.jobs[job_id]

    def results(self) -> dict[str, str]:
        """Job id -> ``success`` / ``failure`` / ``skipped``."""
        return {job_id: job.result for job_id, job in self.jobs.items()}


@dataclass(frozen=True)
class ActRun:
    """What to run: ``job`` of ``workflow`` (with its needs) for ``event``."""

    workflow: Path
    job: str
    event: Event
    matrix: Mapping[str, str] = field(default_factory=lambda: {"python": "3.11"})
    # Added to the clean environment (e.g. PIP_AUDIT_OSV_URL of a loopback OSV server).
    env: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 900


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (act needs a number up front)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command(bench: Workbench, run: ActRun, event_file: Path, store: Path, port: int) -> list[str]:
    """act's command line for ``run``."""
    args = [str(bench.act), run.event.name, "--workflows", str(run.workflow), "--job", run.job]
    args += ["--eventpath", str(event_file)]
    for label in RUNNER_LABELS:
        args += ["--platform", f"{label}=-self-hosted"]
    args += ["--action-cache-path", str(bench.action_cache), "--concurrent-jobs", "1"]
    # Copy the clone's .venv-nox (git-ignored) into each job: see workflow_run.nox_runner.
    args += ["--use-gitignore=false"]
    args += ["--no-cache-server", "--artifact-server-path", str(store)]
    args += ["--artifact-server-addr", "127.0.0.1", "--artifact-server-port", str(port)]
    for key, value in sorted(run.matrix.items()):
        args += ["--matrix", f"{key}:{value}"]
    return [*args, "--json", "--verbose", *bench.actions.act_args()]


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (act starts steps in sessions of their own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    for pid in [*_descendants(process.pid), process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def run(bench: Workbench, clone: Path, request: ActRun, workdir: Path) -> RunOutcome:
    """Run ``request`` in ``clone``; everything of this run goes under ``workdir``.

    Returns the parsed outcome whatever act's exit code; a run exceeding its
    timeout is killed with every process it started, and raises ``TimeoutError``.
    """
    if any(c.isspace() for c in str(workdir)):
        raise ValueError(f"{workdir}: NODE_OPTIONS cannot name a file in a folder with spaces")
    workdir.mkdir(parents=True, exist_ok=True)
    store = workdir / "artifacts"
    event_file = request.event.write(workdir / "event.json")
    log = workdir / "act.jsonl"
    port = free_port()
    with ArtifactProxy(f"http://127.0.0.1:{port}/", lifetime_s=request.timeout_s + 60) as proxy:
        preload = write_node_preload(workdir)
        env = clean_environment(
            workdir / "home",
            bench.pip_cache,
            extra={
                "NODE_OPTIONS": f"--require {preload}",
                PROXY_URL_ENV: proxy.url,
                **request.env,
            },
        )
        argv = command(bench, request, event_file, store, port)
        # The exact invocation, to re-run by hand (with the proxy's environment).
        (workdir / "act-command.txt").write_text(shlex.join(argv) + "\n", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        with log.open("wb") as sink:
            process = subprocess.Popen(
                argv,
                cwd=clone,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                returncode = process.wait(timeout=request.timeout_s)
            except subprocess.TimeoutExpired:
                _kill_tree(process)
                raise TimeoutError(
                    f"act run of {request.job} exceeded {request.timeout_s:.0f} s; log: {log}"
                ) from None
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return RunOutcome(
        jobs=outcome.parse_file(log),
        returncode=returncode,
        log=log,
        artifacts=store,
        wall_s=round(wall, 1),
        cpu_s=round(cpu, 1),
    )

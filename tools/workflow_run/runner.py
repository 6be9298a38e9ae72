# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""One act invocation: a workflow file, a target job (and the jobs it needs), an event.

Every run gets a folder of its own (``HOME``, the event file, act's JSON log and
an artifact store, since act numbers every run 1) and a loopback
:class:`~standins.artifact_proxy.ArtifactProxy` in front of act's artifact
server. What every run shares is a :class:`Workbench`: act, the pinned actions,
act's action cache (holding setup-python's seeded tool cache) and one pip cache,
so a job's installs reuse downloads without sharing any environment.

Jobs run in host mode (``-P LABEL=-self-hosted`` for every label in
:data:`RUNNER_LABELS`) one at a time (``--concurrent-jobs 1``); a matrix is
narrowed with ``--matrix``. act skips a job whose ``runs-on`` label is not
mapped, silently (no result, exit code 0), so :func:`run` refuses a workflow
with such a job before starting act. Each run has an action cache of its own
(act leaves a failed job's workspace there), whose ``tool_cache`` is the
shared, seeded one.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from standins.artifact_proxy import PROXY_URL_ENV, ArtifactProxy, write_node_preload
from workflow_run import outcome
from workflow_run.environment import clean_environment
from workflow_run.errors import WorkflowRunError
from workflow_run.events import Event
from workflow_run.locate import ActionSource

# The runner labels our workflows use, all run on this machine.
RUNNER_LABELS = ("ubuntu-24.04", "ubuntu-latest", "macos-15")


@dataclass(frozen=True)
class Workbench:
    """What every act run of one session shares."""

    act: Path
    actions: ActionSource
    # Holds tool_cache/ (setup-python's, seeded); each run links it into its own action cache.
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


def unmapped_runners(workflow: Path) -> dict[str, str]:
    """Job id -> its ``runs-on``, for every job not on one of :data:`RUNNER_LABELS`."""
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8")).get("jobs", {})
    unmapped = {}
    for job_id, job in jobs.items():
        runs_on = job.get("runs-on")
        labels = [runs_on] if isinstance(runs_on, str) else runs_on
        if not isinstance(labels, list) or not set(labels) <= set(RUNNER_LABELS):
            unmapped[str(job_id)] = str(runs_on)
    return unmapped


def command(
    bench: Workbench, run: ActRun, event_file: Path, store: Path, port: int, cache: Path
) -> list[str]:
    """act's command line for ``run``, with ``cache`` as its action cache."""
    args = [str(bench.act), run.event.name, "--workflows", str(run.workflow), "--job", run.job]
    args += ["--eventpath", str(event_file)]
    for label in RUNNER_LABELS:
        args += ["--platform", f"{label}=-self-hosted"]
    args += ["--action-cache-path", str(cache), "--concurrent-jobs", "1"]
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


def _kill_tree(pid: int) -> None:
    for each in [*_descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)


def _wait(process: subprocess.Popen[bytes], timeout_s: float) -> tuple[int, float] | None:
    """Wait for ``process``: (exit code, CPU seconds of it and every process it waited for).

    The CPU time is the child's own (``wait4``), so runs made at the same time do not
    count each other's. Past ``timeout_s`` the process and everything below it is
    killed and None returned.
    """
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        _kill_tree(process.pid)

    timer = threading.Timer(timeout_s, kill)
    timer.daemon = True
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    if killed.is_set():
        return None
    return process.returncode, usage.ru_utime + usage.ru_stime


def own_action_cache(bench: Workbench, workdir: Path) -> Path:
    """``workdir/act-cache``, its ``tool_cache`` a link to the bench's seeded one."""
    cache = workdir / "act-cache"
    cache.mkdir(parents=True, exist_ok=True)
    link = cache / "tool_cache"
    if not link.is_symlink():
        link.symlink_to(bench.action_cache / "tool_cache", target_is_directory=True)
    return cache


def run(bench: Workbench, clone: Path, request: ActRun, workdir: Path) -> RunOutcome:
    """Run ``request`` in ``clone``; everything of this run goes under ``workdir``.

    Returns the parsed outcome whatever act's exit code; a run exceeding its
    timeout is killed with every process it started, and raises ``TimeoutError``.
    Raises :class:`WorkflowRunError` for a workflow with a job act would skip
    unnoticed (a ``runs-on`` label not in :data:`RUNNER_LABELS`). The jobs'
    workspaces are removed afterwards (act keeps a failed job's); the log has
    everything they printed.
    """
    if any(c.isspace() for c in str(workdir)):
        raise ValueError(f"{workdir}: NODE_OPTIONS cannot name a file in a folder with spaces")
    unmapped = unmapped_runners(request.workflow)
    if unmapped:
        raise WorkflowRunError(
            f"{request.workflow.name}: act would skip these jobs without a result, their "
            f"runs-on is not mapped to this machine: {unmapped}; add the label to "
            "workflow_run.runner.RUNNER_LABELS (and say in docs/release-process.md what a "
            "run then proves)"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    store = workdir / "artifacts"
    event_file = request.event.write(workdir / "event.json")
    log = workdir / "act.jsonl"
    cache = own_action_cache(bench, workdir)
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
        argv = command(bench, request, event_file, store, port, cache)
        # The exact invocation, to re-run by hand (with the proxy's environment).
        (workdir / "act-command.txt").write_text(shlex.join(argv) + "\n", encoding="utf-8")
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
            finished = _wait(process, request.timeout_s)
        wall = time.monotonic() - start
    for folder in cache.iterdir():
        if folder.name != "tool_cache" and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
    if finished is None:
        raise TimeoutError(
            f"act run of {request.job} exceeded {request.timeout_s:.0f} s; log: {log}"
        )
    returncode, cpu = finished
    return RunOutcome(
        jobs=outcome.parse_file(log),
        returncode=returncode,
        log=log,
        artifacts=store,
        wall_s=round(wall, 1),
        cpu_s=round(cpu, 1),
    )

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release rehearsal: every gate of :data:`~release_gates.registry.REHEARSAL`, end to end.

``nox -s release [-- --offline]`` runs this module. It walks the gate graph and
runs each gate as a child process (``nox -s <gate> -- <args>``) in its own
process group, with ``$RELEASE_GATES_RESULTS`` pointing at a private directory.
It then *decides* each gate's outcome from both the exit code and the
:class:`~release_gates.result.GateResult` the gate wrote, failing closed:

* exit 0 and a ``passed`` result                  -> PASSED
* exit 0 and a ``not run`` result                 -> NOT RUN (never a pass)
* anything else (no result, unreadable result,
  a ``passed`` result with a non-zero exit, a timeout,
  processes left behind)                          -> FAILED, with the output tail

A gate whose dependency did not pass is SKIPPED, never run; every gate that
does not depend on a failure still runs, so one rehearsal lists every problem.
With ``--offline``, network-only gates are NOT RUN (the verdict is then "not
releasable"), and the rehearsal exits 0 only if every gate that ran passed.

Up to ``--jobs`` (2) independent gates run at once; on a cold run the next
waiting gate's tools are installed meanwhile (``nox --install-only``) and the
gate then runs in that venv, so installs stay off the critical path.

The decided results are written as ``<results>/<gate>.json``; the release
report (:mod:`release_gates.rehearsal.report`) is rendered from those files alone.
Nothing gate-specific lives here beyond :data:`GATE_SPECS`: the arguments of
each gate and the services it needs (the local package index for ``publish``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from release_gates.registry import REHEARSAL, Step
from release_gates.rehearsal import report
from release_gates.rehearsal.report import one_line
from release_gates.result import RESULTS_ENV, GateResult, Status

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TIMEOUT_S = 1200.0
# Lines of a gate's output kept in its result when the rehearsal had to decide for it.
TAIL_LINES = 40
# How long a process group gets between SIGTERM and SIGKILL.
KILL_GRACE_S = 5.0
META_FILE = "rehearsal.json"

# Builds the command that runs one gate with its arguments.
CommandFor = Callable[[Step, Sequence[str]], Sequence[str]]
# A service a gate needs while it runs; yields the extra environment for the gate.
Service = Callable[[Path], contextlib.AbstractContextManager[Mapping[str, str]]]


@dataclass(frozen=True)
class GateSpec:
    """What the rehearsal passes to one gate.

    ``args`` are the gate's command-line arguments (``{dist}`` is replaced by the
    dist directory); ``offline_args`` are added under ``--offline``.
    ``offline_endpoint_env`` names an environment variable that lets a
    network-only gate run under ``--offline`` when it points at a reachable
    service (for example a loopback OSV server). ``service`` is started just
    before the gate and stopped right after it.
    """

    args: tuple[str, ...] = ()
    offline_args: tuple[str, ...] = ()
    offline_endpoint_env: str | None = None
    service: Service | None = None


@contextlib.contextmanager
def local_index_service(workdir: Path) -> Iterator[Mapping[str, str]]:
    """Run the stand-in package index; hand its URLs and credentials over by environment."""
    from standins.local_index import local_index  # needs pypiserver: import late

    with local_index(workdir) as index:
        yield {
            "RELEASE_INDEX_UPLOAD_URL": index.upload_url,
            "RELEASE_INDEX_SIMPLE_URL": index.simple_url,
            "TWINE_REPOSITORY_URL": index.upload_url,
            "TWINE_USERNAME": index.username,
            "TWINE_PASSWORD": index.password,
        }


# The one gate-specific table: the arguments each gate gets in the rehearsal.
GATE_SPECS: dict[str, GateSpec] = {
    "version": GateSpec(),
    "licenses": GateSpec(),
    "audit": GateSpec(offline_args=("--offline",), offline_endpoint_env="PIP_AUDIT_OSV_URL"),
    "build": GateSpec(args=("--out", "{dist}")),
    "smoke": GateSpec(args=("--dist", "{dist}")),
    "sbom": GateSpec(args=("--dist", "{dist}")),
    "verify": GateSpec(args=("--checksums-only", "{dist}")),
    "publish": GateSpec(args=("--dist", "{dist}"), service=local_index_service),
}


@dataclass
class Plan:
    """Everything one rehearsal needs; tests build one with fake gate commands."""

    steps: Sequence[Step]
    command_for: CommandFor
    results_dir: Path
    dist_dir: Path
    specs: Mapping[str, GateSpec] = field(default_factory=dict)
    offline: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    jobs: int = 1
    cwd: Path = ROOT
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: IO[str] = sys.stdout
    # Optional warm-up: while earlier gates run, install a later gate's tools
    # (``prepare_for``), then run that gate with ``prepared_command_for``.
    prepare_for: Callable[[Step], Sequence[str]] | None = None
    prepared_command_for: CommandFor | None = None


@dataclass
class _Running:
    step: Step
    process: subprocess.Popen[bytes]
    log_path: Path
    started: float
    services: contextlib.ExitStack


# --- deciding an outcome ------------------------------------------------------


def output_tail(log_path: Path, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of a gate's output (empty when there is none)."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def read_reported(path: Path) -> tuple[GateResult | None, str | None]:
    """The result a gate wrote, or why it cannot be used."""
    if not path.exists():
        return None, "wrote no result"
    try:
        return GateResult.from_json(path.read_text(encoding="utf-8")), None
    except (ValueError, TypeError, KeyError) as error:
        return None, f"wrote an unreadable result ({error})"


def decide(
    gate: str,
    exit_code: int | None,
    reported: GateResult | None,
    problem: str | None,
    *,
    wall_s: float,
    tail: str,
    leftovers: bool = False,
    log: str = "",
) -> GateResult:
    """Combine the exit code and the reported result into the gate's outcome (fail closed).

    ``exit_code`` is None when the gate timed out; ``problem`` says why
    ``reported`` is missing; ``leftovers`` is true when the gate left processes
    running after it exited.
    """
    facts: dict[str, Any] = {"exit_code": exit_code, "wall_s": round(wall_s, 3), "log": log}
    details = dict(reported.details) if reported else {}
    if reported is not None and reported.gate != gate:
        problem, reported = f"wrote a result for another gate ({reported.gate!r})", None
    reason: str | None = None
    if exit_code is None:
        reason = problem or "timed out and was stopped"
    elif leftovers:
        reason = "left processes running after it exited (they were killed)"
    elif reported is None:
        reason = f"exited with {exit_code} but {problem}"
    elif exit_code != 0 and reported.status is not Status.FAILED:
        reason = f"exited with {exit_code} although its result says {reported.status.value!r}"
    elif exit_code == 0 and reported.status not in (Status.PASSED, Status.NOT_RUN):
        reason = f"exited with 0 although its result says {reported.status.value!r}"

    if reason is None and reported is not None:
        status = Status.PASSED if exit_code == 0 else reported.status
        if reported.status is Status.NOT_RUN:
            status = Status.NOT_RUN
        if status is Status.FAILED:
            facts["output_tail"] = tail
        return replace(
            reported,
            status=status,
            duration_s=round(wall_s, 3),
            details={**details, "rehearsal": facts},
        )
    facts["output_tail"] = tail
    if reported is not None:
        facts["reported"] = {"status": reported.status.value, "summary": reported.summary}
    return GateResult(
        gate=gate,
        status=Status.FAILED,
        summary=f"{gate} {reason}",
        duration_s=round(wall_s, 3),
        problem_code=reported.problem_code if reported else None,
        fix=(
            reported.fix
            if reported and reported.fix
            else "read the gate's output: its tail is in the report, all of it in the log"
        ),
        details={**details, "rehearsal": facts},
    )


def blocked_by(step: Step, done: Mapping[str, GateResult], offline: bool) -> list[str]:
    """The finished dependencies of ``step`` that did not pass (NOT RUN is tolerated offline)."""
    tolerated = {Status.PASSED, Status.NOT_RUN} if offline else {Status.PASSED}
    return [need for need in step.needs if need in done and done[need].status not in tolerated]


def dependents(steps: Sequence[Step], step: Step) -> set[str]:
    """Every gate that needs ``step``, directly or through other gates."""
    found: set[str] = set()
    for candidate in steps:  # graph order: a gate's needs come before it
        if step.session in candidate.needs or found & set(candidate.needs):
            found.add(candidate.session)
    return found


def endpoint_reachable(url: str, timeout_s: float = 2.0) -> bool:
    """Whether a TCP connection to the host and port of ``url`` succeeds."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def offline_reason(step: Step, spec: GateSpec, env: Mapping[str, str]) -> str | None:
    """Why a network-only gate cannot run in offline mode, or None if it can."""
    if not step.network:
        return None
    variable = spec.offline_endpoint_env
    url = env.get(variable, "") if variable else ""
    if not url:
        hint = f" (set {variable} to a reachable service to run it)" if variable else ""
        return f"needs the network and the rehearsal is offline{hint}"
    if not endpoint_reachable(url):
        return f"needs the network; {variable}={url} is not reachable"
    return None


# --- processes -------------------------------------------------------------------


def _group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` is still running (zombies do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, which counts zombies too
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name: state, ppid, pgrp, ...
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            return True
    return False


def kill_group(pgid: int, grace_s: float = KILL_GRACE_S) -> None:
    """SIGTERM a process group, then SIGKILL whatever is still there after ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Stop a gate's whole process group and collect its exit status."""
    kill_group(process.pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=KILL_GRACE_S)


def _leftovers(pgid: int, wait_s: float = 2.0) -> bool:
    """Whether the group still has members ``wait_s`` after its leader exited (then kill them)."""
    deadline = time.monotonic() + wait_s
    while _group_alive(pgid):
        if time.monotonic() > deadline:
            kill_group(pgid, grace_s=1.0)
            return True
        time.sleep(0.05)
    return False


# --- the rehearsal ----------------------------------------------------------------


class Rehearsal:
    """Runs a :class:`Plan`: gates in graph order, at most ``jobs`` at a time."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.done: dict[str, GateResult] = {}
        self.running: dict[str, _Running] = {}
        self.preparing: dict[str, _Running] = {}
        self.prepare_tried: set[str] = set()
        self.prepared: set[str] = set()
        self.offline_reasons: dict[str, str | None] = {}
        self.raw_dir = plan.results_dir / "raw"
        self.logs_dir = plan.results_dir / "logs"

    def _clear_previous(self) -> None:
        """Remove what an earlier rehearsal left, so no stale result is ever read."""
        results = self.plan.results_dir
        for directory in (self.raw_dir, self.logs_dir, results / "services"):
            shutil.rmtree(directory, ignore_errors=True)
        for stale in list(results.glob("*.json")):
            stale.unlink()
        for directory in (self.raw_dir, self.logs_dir):
            directory.mkdir(parents=True)

    def say(self, line: str) -> None:
        """One progress line on the terminal."""
        print(f"[release] {line}", file=self.plan.progress, flush=True)

    def run(self) -> list[GateResult]:
        """Run every gate; always stop every child and service, also on Ctrl-C."""
        self._clear_previous()
        try:
            while len(self.done) < len(self.plan.steps):
                self._start_ready()
                self._start_prepare()
                finished = self._poll()
                if not (self._poll_prepare() or finished):
                    time.sleep(0.1)
        finally:
            for running in [*self.running.values(), *self.preparing.values()]:
                _reap(running.process)
                running.services.close()
            self.running.clear()
            self.preparing.clear()
        return [self.done[step.session] for step in self.plan.steps]

    def _finish(self, result: GateResult) -> None:
        path = self.plan.results_dir / f"{result.gate}.json"
        path.write_text(result.to_json(), encoding="utf-8")
        self.done[result.gate] = result
        line = f"<== {result.gate}: {result.status.value.upper()} in {result.duration_s:.1f} s"
        self.say(f"{line} - {one_line(result.summary, limit=160)}")

    def _start_ready(self) -> None:
        for step in self.plan.steps:
            name = step.session
            if name in self.done or name in self.running:
                continue
            if any(need not in self.done for need in step.needs):
                continue
            blockers = blocked_by(step, self.done, self.plan.offline)
            spec = self.plan.specs.get(name, GateSpec())
            why_not = self._offline_reason(step, spec)
            if blockers:
                states = ", ".join(f"{b} {self.done[b].status.value}" for b in blockers)
                self._finish(GateResult(name, Status.SKIPPED, f"not run because {states}"))
            elif why_not:
                summary = f"{name} {why_not}; not releasable until it runs and passes"
                self._finish(GateResult(name, Status.NOT_RUN, summary))
            elif name in self.preparing:
                continue  # its tools are being installed: it starts right after
            elif len(self.running) < max(1, self.plan.jobs):
                self._launch(step, spec)

    def _offline_reason(self, step: Step, spec: GateSpec) -> str | None:
        """Why ``step`` cannot run offline (decided once per rehearsal), or None."""
        if not self.plan.offline:
            return None
        if step.session not in self.offline_reasons:
            self.offline_reasons[step.session] = offline_reason(step, spec, self.plan.env)
        return self.offline_reasons[step.session]

    def _start_prepare(self) -> None:
        """Install the tools of a gate that is still waiting, one gate at a time."""
        if self.plan.prepare_for is None or self.preparing:
            return
        # Gates with the most gates after them first: they are on the longest path.
        for step in sorted(self.plan.steps, key=lambda s: -len(dependents(self.plan.steps, s))):
            name = step.session
            if name in self.done or name in self.running or name in self.prepare_tried:
                continue
            waiting = any(need not in self.done for need in step.needs)
            spec = self.plan.specs.get(name, GateSpec())
            doomed = blocked_by(step, self.done, self.plan.offline)
            if not waiting or doomed or self._offline_reason(step, spec):
                continue
            self.prepare_tried.add(name)
            log_path = self.logs_dir / f"{name}.prepare.log"
            try:
                with log_path.open("wb") as log:
                    process = subprocess.Popen(
                        list(self.plan.prepare_for(step)),
                        cwd=self.plan.cwd,
                        env=dict(self.plan.env),
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
            except OSError:
                return  # no warm-up for this gate: it installs its tools when it runs
            started = time.monotonic()
            self.preparing[name] = _Running(
                step, process, log_path, started, contextlib.ExitStack()
            )
            self.say(f"... {name}: installing its tools ahead")
            return

    def _poll_prepare(self) -> bool:
        """Collect a finished warm-up; a failed one only means the gate installs as usual."""
        for name, running in list(self.preparing.items()):
            exit_code = running.process.poll()
            if exit_code is None and time.monotonic() - running.started <= self.plan.timeout_s:
                continue
            if exit_code is None:
                _reap(running.process)
            leftovers = exit_code is not None and _leftovers(running.process.pid)
            del self.preparing[name]
            if exit_code == 0 and not leftovers:
                self.prepared.add(name)
            return True
        return False

    def _launch(self, step: Step, spec: GateSpec) -> None:
        name = step.session
        wanted = [*spec.args, *(spec.offline_args if self.plan.offline else ())]
        args = [arg.format(dist=self.plan.dist_dir) for arg in wanted]
        prepared = name in self.prepared and self.plan.prepared_command_for is not None
        command_for = self.plan.prepared_command_for if prepared else self.plan.command_for
        assert command_for is not None
        command = list(command_for(step, args))
        env = {**self.plan.env, RESULTS_ENV: str(self.raw_dir)}
        services = contextlib.ExitStack()
        started = time.monotonic()
        self.say(f"==> {name}: started" + (f" with {' '.join(args)}" if args else ""))
        try:
            if spec.service is not None:
                workdir = self.plan.results_dir / "services" / name
                workdir.mkdir(parents=True, exist_ok=True)
                env.update(services.enter_context(spec.service(workdir)))
            (self.raw_dir / f"{name}.json").unlink(missing_ok=True)
            log_path = self.logs_dir / f"{name}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    command,
                    cwd=self.plan.cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stoppable as a whole
                )
        except Exception as error:  # a service or the command could not start: the gate fails
            services.close()
            self._finish(
                GateResult(
                    name,
                    Status.FAILED,
                    f"{name} could not start: {type(error).__name__}: {error}",
                    duration_s=round(time.monotonic() - started, 3),
                    fix="see the message; the rehearsal starts gates with `nox -s <gate>`",
                    details={"rehearsal": {"command": command}},
                )
            )
            return
        self.running[name] = _Running(step, process, log_path, started, services)

    def _poll(self) -> bool:
        """Collect finished or timed-out gates; True if any finished."""
        finished = False
        for name, running in list(self.running.items()):
            exit_code = running.process.poll()
            wall_s = time.monotonic() - running.started
            if exit_code is None and wall_s <= self.plan.timeout_s:
                continue
            leftovers = False
            if exit_code is None:
                _reap(running.process)
            else:
                leftovers = _leftovers(running.process.pid)
            running.services.close()
            del self.running[name]
            reported, problem = read_reported(self.raw_dir / f"{name}.json")
            if exit_code is None:
                problem = f"timed out after {self.plan.timeout_s:g} s and was stopped"
            tail = output_tail(running.log_path)
            self._finish(
                decide(
                    name,
                    exit_code,
                    reported,
                    problem,
                    wall_s=wall_s,
                    tail=tail,
                    leftovers=leftovers,
                    log=str(running.log_path),
                )
            )
            finished = True
        return finished


def exit_code_for(results: Sequence[GateResult], offline: bool) -> int:
    """0 only if every gate passed, or, offline, every gate that ran passed."""
    allowed = {Status.PASSED, Status.NOT_RUN} if offline else {Status.PASSED}
    return 0 if all(result.status in allowed for result in results) else 1


# --- command line ------------------------------------------------------------------


def nox_command(nox_python: str, nox_args: Sequence[str]) -> CommandFor:
    """Run a gate as ``<nox_python> -m nox -s <gate> <nox_args> -- <args>``."""

    def command(step: Step, args: Sequence[str]) -> list[str]:
        noxfile = str(ROOT / "noxfile.py")
        head = [nox_python, "-m", "nox", "--noxfile", noxfile, "-s", step.session, *nox_args]
        return [*head, "--", *args] if args else head

    return command


_REUSE_FLAGS = ("--reuse-venv", "--no-install", "-r", "-R", "-N")


def _without_reuse(nox_args: Sequence[str]) -> list[str]:
    """``nox_args`` minus the reuse options (and the value of ``--reuse-venv``)."""
    kept: list[str] = []
    skip_value = False
    for arg in nox_args:
        if skip_value:
            skip_value = False
        elif arg == "--reuse-venv":
            skip_value = True
        elif arg not in _REUSE_FLAGS and not arg.startswith("--reuse-venv="):
            kept.append(arg)
    return kept


def nox_warm_up(
    nox_python: str, nox_args: Sequence[str]
) -> tuple[Callable[[Step], Sequence[str]], CommandFor]:
    """Commands that install a gate's tools ahead (``--install-only``) and then run it in them.

    The gate then runs with ``--reuse-venv yes --no-install``: its venv was made
    moments ago by this rehearsal, from the same locks.
    """
    install = nox_command(nox_python, [*nox_args, "--install-only"])
    reuse = nox_command(
        nox_python, [*_without_reuse(nox_args), "--reuse-venv", "yes", "--no-install"]
    )
    return (lambda step: install(step, [])), reuse


def write_meta(results_dir: Path, *, offline: bool, started: datetime, total_s: float) -> None:
    """Record how the rehearsal ran, for the report."""
    meta = {
        "mode": "offline" if offline else "online",
        "started": started.isoformat(timespec="seconds"),
        "total_s": round(total_s, 3),
    }
    (results_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of ``nox -s release``."""
    parser = argparse.ArgumentParser(prog="nox -s release --", description=__doc__.split("\n")[0])
    parser.add_argument("--offline", action="store_true", help="mark network-only gates NOT RUN")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="dist directory")
    parser.add_argument(
        "--results", type=Path, default=ROOT / "build" / "release-gates", help="gate results"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="independent gates run at the same time (default 2)"
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="do not install later gates' tools while earlier gates run",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds allowed per gate"
    )
    parser.add_argument(
        "--nox-python",
        default=os.environ.get("RELEASE_NOX_PYTHON", sys.executable),
        help="interpreter that has nox (default: $RELEASE_NOX_PYTHON)",
    )
    parser.add_argument(
        "--nox-arg",
        action="append",
        default=[],
        help="extra argument for every child nox, e.g. --nox-arg=--no-install",
    )
    options = parser.parse_args(argv)

    steps: Sequence[Step] = REHEARSAL
    dist = options.dist.resolve()
    # A warm run (-R) has nothing to install; otherwise later gates install while earlier run.
    warm_up = "--no-install" not in options.nox_arg and options.warm_up
    prepare_for, prepared_command_for = nox_warm_up(options.nox_python, options.nox_arg)
    plan = Plan(
        steps=steps,
        command_for=nox_command(options.nox_python, options.nox_arg),
        prepare_for=prepare_for if warm_up else None,
        prepared_command_for=prepared_command_for if warm_up else None,
        results_dir=options.results.resolve(),
        dist_dir=dist,
        specs=GATE_SPECS,
        offline=options.offline,
        timeout_s=options.timeout,
        jobs=options.jobs,
    )
    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    rehearsal = Rehearsal(plan)
    _stop_on_signals()
    mode = "offline" if options.offline else "online"
    rehearsal.say(f"{len(steps)} gates, {mode}, results in {plan.results_dir}")
    try:
        results = rehearsal.run()
    except KeyboardInterrupt as interrupt:
        rehearsal.say(f"interrupted ({interrupt or 'Ctrl-C'}): every gate and server was stopped")
        return 130
    write_meta(
        plan.results_dir, offline=options.offline, started=started, total_s=time.monotonic() - clock
    )
    written = report.write_reports(plan.results_dir, dist, steps=steps)
    print(report.render_terminal(report.load(plan.results_dir, dist, steps=steps)))
    for path in written:
        rehearsal.say(f"report: {path}")
    return exit_code_for(results, options.offline)


def _stop_on_signals() -> None:
    """Turn Ctrl-C, SIGTERM and SIGHUP into an exception, so ``finally`` stops every child.

    Set explicitly: a process started in the background by a script inherits
    SIGINT as *ignored*, and would then never clean up on Ctrl-C.
    """

    def handler(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())

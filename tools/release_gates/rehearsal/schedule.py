# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Scheduling the rehearsal: which gate starts when, at most ``jobs`` at a time.

The rehearsal keeps one :class:`Track` per gate of the registry, and each track
moves one way through its phases::

    WAITING --(needs finished)--> RUNNING --(exit or timeout)--> DONE
       |   \\--(a need did not pass, or offline)-----------------> DONE (SKIPPED/NOT RUN)
       \\--(warm-up)--> WARMING --(installed, or not)--> WAITING

A gate whose need did not pass is SKIPPED, never started; every gate that does
not depend on a failure still runs, so one rehearsal lists every problem. With
``offline``, a network gate is NOT RUN unless its ``offline_endpoint_env`` points
at a reachable stand-in.

*Warm-up*: while earlier gates run, the tools of one waiting gate are installed
ahead (``prepare_for``, e.g. ``nox --install-only``), the gates with the most
gates after them first; the gate then runs in that venv
(``prepared_command_for``). A warm-up that fails or hangs only means the gate
installs its tools when it runs.
"""

from __future__ import annotations

import contextlib
import enum
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from release_gates._internal import endpoints, paths
from release_gates.registry import Gate
from release_gates.rehearsal import outcome, processes
from release_gates.rehearsal.report import one_line
from release_gates.rehearsal.services import SERVICES, Service
from release_gates.result import RESULTS_ENV, GateResult, Status

DEFAULT_TIMEOUT_S = 1200.0

# Builds the command that runs one gate with its arguments.
CommandFor = Callable[[Gate, Sequence[str]], Sequence[str]]


@dataclass
class Plan:
    """Everything one rehearsal needs; tests build one with fake gate commands."""

    gates: Sequence[Gate]
    command_for: CommandFor
    results_dir: Path
    dist_dir: Path
    services: Mapping[str, Service] = field(default_factory=lambda: dict(SERVICES))
    offline: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    jobs: int = 1
    cwd: Path = paths.ROOT
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: IO[str] = sys.stdout
    # Optional warm-up: install a waiting gate's tools, then run it with the second command.
    prepare_for: Callable[[Gate], Sequence[str]] | None = None
    prepared_command_for: CommandFor | None = None


class Phase(enum.Enum):
    """Where a gate is in the rehearsal."""

    WAITING = "waiting"
    WARMING = "warming up"
    RUNNING = "running"
    DONE = "done"


@dataclass
class Track:
    """What the rehearsal knows about one gate."""

    gate: Gate
    phase: Phase = Phase.WAITING
    child: processes.Child | None = None
    result: GateResult | None = None
    warm_up_tried: bool = False
    warmed: bool = False
    # Why it cannot run offline; decided once, the first time it is asked.
    offline_reason: str | None = None
    offline_checked: bool = False


def dependents(gates: Sequence[Gate], gate: Gate) -> set[str]:
    """Every gate that needs ``gate``, directly or through other gates."""
    found: set[str] = set()
    for candidate in gates:  # registry order: a gate's needs come before it
        if gate.name in candidate.needs or found & set(candidate.needs):
            found.add(candidate.name)
    return found


def offline_reason(gate: Gate, env: Mapping[str, str]) -> str | None:
    """Why a network gate cannot run in offline mode, or None if it can."""
    if not gate.network:
        return None
    variable = gate.offline_endpoint_env
    url = env.get(variable, "") if variable else ""
    if not url:
        hint = f" (set {variable} to a reachable service to run it)" if variable else ""
        return f"needs the network and the rehearsal is offline{hint}"
    if not endpoints.reachable(url):
        return f"needs the network; {variable}={url} is not reachable"
    return None


class Rehearsal:
    """Runs a :class:`Plan`: gates in registry order, at most ``jobs`` at a time."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.tracks = {gate.name: Track(gate) for gate in plan.gates}
        self.raw_dir = plan.results_dir / "raw"
        self.logs_dir = plan.results_dir / "logs"

    def say(self, line: str) -> None:
        """One progress line on the terminal."""
        print(f"[release] {line}", file=self.plan.progress, flush=True)

    def run(self) -> list[GateResult]:
        """Run every gate; always stop every child and service, also on Ctrl-C."""
        self._clear_previous()
        try:
            while any(track.phase is not Phase.DONE for track in self.tracks.values()):
                self._start_ready()
                self._start_warm_up()
                if not self._collect():
                    time.sleep(0.1)
        finally:
            for track in self.tracks.values():
                if track.child is not None:
                    processes.stop(track.child)
                    track.child = None
        return [self._result(gate.name) for gate in self.plan.gates]

    # --- bookkeeping -------------------------------------------------------------

    def _clear_previous(self) -> None:
        """Remove what an earlier rehearsal left, so no stale result is ever read."""
        results = self.plan.results_dir
        for directory in (self.raw_dir, self.logs_dir, results / "services"):
            shutil.rmtree(directory, ignore_errors=True)
        for stale in list(results.glob("*.json")):
            stale.unlink()
        for directory in (self.raw_dir, self.logs_dir):
            directory.mkdir(parents=True)

    def _result(self, name: str) -> GateResult:
        result = self.tracks[name].result
        assert result is not None, f"{name} has no result yet"
        return result

    def _done(self) -> dict[str, GateResult]:
        return {name: t.result for name, t in self.tracks.items() if t.result is not None}

    def _finish(self, track: Track, result: GateResult) -> None:
        if track.child is not None:  # a warm-up for a gate that can no longer run
            processes.stop(track.child)
        path = self.plan.results_dir / f"{result.gate}.json"
        path.write_text(result.to_json(), encoding="utf-8")
        track.phase, track.result, track.child = Phase.DONE, result, None
        line = f"<== {result.gate}: {result.status.value.upper()} in {result.duration_s:.1f} s"
        self.say(f"{line} - {one_line(result.summary, limit=160)}")

    def _waiting_on(self, gate: Gate) -> bool:
        return any(self.tracks[need].phase is not Phase.DONE for need in gate.needs)

    def _offline_reason(self, track: Track) -> str | None:
        if not self.plan.offline:
            return None
        if not track.offline_checked:
            track.offline_reason = offline_reason(track.gate, self.plan.env)
            track.offline_checked = True
        return track.offline_reason

    def _count(self, phase: Phase) -> int:
        return sum(1 for track in self.tracks.values() if track.phase is phase)

    # --- starting ----------------------------------------------------------------

    def _start_ready(self) -> None:
        for track in self.tracks.values():
            gate = track.gate
            if track.phase not in (Phase.WAITING, Phase.WARMING) or self._waiting_on(gate):
                continue
            blockers = outcome.blocked_by(gate.needs, self._done(), self.plan.offline)
            why_not = self._offline_reason(track)
            if blockers:
                states = ", ".join(f"{b} {self._result(b).status.value}" for b in blockers)
                skipped = GateResult(gate.name, Status.SKIPPED, f"not run because {states}")
                self._finish(track, skipped)
            elif why_not:
                summary = f"{gate.name} {why_not}; not releasable until it runs and passes"
                self._finish(track, GateResult(gate.name, Status.NOT_RUN, summary))
            elif track.phase is Phase.WARMING:
                continue  # its tools are being installed: it starts right after
            elif self._count(Phase.RUNNING) < max(1, self.plan.jobs):
                self._launch(track)

    def _start_warm_up(self) -> None:
        """Install the tools of one gate that is still waiting for its needs."""
        if self.plan.prepare_for is None or self._count(Phase.WARMING):
            return
        # Gates with the most gates after them first: they are on the longest path.
        gates = self.plan.gates
        for gate in sorted(gates, key=lambda g: -len(dependents(gates, g))):
            track = self.tracks[gate.name]
            if track.phase is not Phase.WAITING or track.warm_up_tried:
                continue
            doomed = outcome.blocked_by(gate.needs, self._done(), self.plan.offline)
            if not self._waiting_on(gate) or doomed or self._offline_reason(track):
                continue
            track.warm_up_tried = True
            log_path = self.logs_dir / f"{gate.name}.prepare.log"
            command = self.plan.prepare_for(gate)
            try:
                process = processes.start(
                    command, cwd=self.plan.cwd, env=self.plan.env, log_path=log_path
                )
            except OSError:
                return  # no warm-up for this gate: it installs its tools when it runs
            track.phase, track.child = Phase.WARMING, processes.Child(process, log_path)
            self.say(f"... {gate.name}: installing its tools ahead")
            return

    def _launch(self, track: Track) -> None:
        gate, plan = track.gate, self.plan
        wanted = [*gate.rehearsal_args, *(gate.offline_args if plan.offline else ())]
        args = [arg.format(dist=plan.dist_dir) for arg in wanted]
        command_for = plan.command_for
        if track.warmed and plan.prepared_command_for is not None:
            command_for = plan.prepared_command_for
        command = list(command_for(gate, args))
        env = {**plan.env, RESULTS_ENV: str(self.raw_dir)}
        services = contextlib.ExitStack()
        started = time.monotonic()
        self.say(f"==> {gate.name}: started" + (f" with {' '.join(args)}" if args else ""))
        try:
            if gate.service is not None:
                service = plan.services.get(gate.service)
                if service is None:
                    raise LookupError(f"the rehearsal has no service {gate.service!r}")
                workdir = plan.results_dir / "services" / gate.name
                workdir.mkdir(parents=True, exist_ok=True)
                env.update(services.enter_context(service(workdir)))
            (self.raw_dir / f"{gate.name}.json").unlink(missing_ok=True)
            log_path = self.logs_dir / f"{gate.name}.log"
            process = processes.start(command, cwd=plan.cwd, env=env, log_path=log_path)
        except Exception as error:  # a service or the command could not start: the gate fails
            services.close()
            wall_s = time.monotonic() - started
            self._finish(track, outcome.not_started(gate.name, error, command, wall_s))
            return
        track.phase = Phase.RUNNING
        track.child = processes.Child(process, log_path, started, services)

    # --- collecting --------------------------------------------------------------

    def _collect(self) -> bool:
        """Collect finished or timed-out children; True if any was collected."""
        collected = False
        for track in self.tracks.values():
            child = track.child
            if child is None:
                continue
            exit_code = child.process.poll()
            if exit_code is None and child.elapsed_s <= self.plan.timeout_s:
                continue
            if exit_code is None:
                processes.stop(child)
                left = False
            else:
                left = processes.left_behind(child.process.pid)
                child.services.close()
            collected, track.child = True, None
            if track.phase is Phase.WARMING:
                track.phase = Phase.WAITING
                track.warmed = exit_code == 0 and not left
            else:
                self._decide(track, child, exit_code, left)
        return collected

    def _decide(
        self, track: Track, child: processes.Child, exit_code: int | None, left: bool
    ) -> None:
        name = track.gate.name
        reported, problem = outcome.read_reported(self.raw_dir / f"{name}.json")
        if exit_code is None:
            problem = f"timed out after {self.plan.timeout_s:g} s and was stopped"
        decided = outcome.decide(
            name,
            exit_code,
            reported,
            problem,
            wall_s=child.elapsed_s,
            tail=outcome.output_tail(child.log_path),
            leftovers=left,
            log=str(child.log_path),
        )
        self._finish(track, decided)

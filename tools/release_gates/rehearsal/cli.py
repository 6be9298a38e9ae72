# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release rehearsal: every gate of the registry, end to end (``nox -s release``).

    python -m release_gates.rehearsal [--offline] [--require-releasable] [--jobs 2]
                                      [--no-warm-up] [--timeout S]

Each gate runs as its own child process, ``nox -s <gate> -- <args>``, exactly as
a workflow job runs it, with ``$RELEASE_GATES_RESULTS`` pointing at a private
folder. The rehearsal then decides each gate's outcome from its exit code *and*
the result it wrote, failing closed (:mod:`~release_gates.rehearsal.outcome`);
schedules the gates along the registry's ``needs``, skipping the dependents of a
failure and running everything else (:mod:`~release_gates.rehearsal.schedule`);
and stops every process it started, on timeouts and Ctrl-C too
(:mod:`~release_gates.rehearsal.processes`).

With ``--offline``, network gates are NOT RUN (the verdict is then "not
releasable"), and the exit code is 0 only if every gate that ran passed;
``--require-releasable`` makes any verdict but RELEASABLE exit 1. The
decided results go to ``build/release-gates/<gate>.json``, and the release
report (:mod:`~release_gates.rehearsal.report`) to ``dist/release-report.{md,html}``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from release_gates import registry
from release_gates._internal import paths
from release_gates.registry import Gate
from release_gates.rehearsal import report, report_load
from release_gates.rehearsal.outcome import exit_code_for
from release_gates.rehearsal.schedule import DEFAULT_TIMEOUT_S, CommandFor, Plan, Rehearsal

# nox options about venv reuse; a warmed-up gate replaces them with its own.
_REUSE_FLAGS = ("--reuse-venv", "--no-install", "-r", "-R", "-N")


def nox_command(nox_python: str, nox_args: Sequence[str]) -> CommandFor:
    """Run a gate as ``<nox_python> -m nox -s <gate> <nox_args> -- <args>``."""

    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        noxfile = str(paths.NOXFILE)
        head = [nox_python, "-m", "nox", "--noxfile", noxfile, "-s", gate.name, *nox_args]
        return [*head, "--", *args] if args else head

    return command


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
) -> tuple[Callable[[Gate], Sequence[str]], CommandFor]:
    """Commands that install a gate's tools ahead (``--install-only``) and then run it in them.

    The gate then runs with ``--reuse-venv yes --no-install``: its venv was made
    moments ago by this rehearsal, from the same locks.
    """
    install = nox_command(nox_python, [*nox_args, "--install-only"])
    reuse = nox_command(
        nox_python, [*_without_reuse(nox_args), "--reuse-venv", "yes", "--no-install"]
    )
    return (lambda gate: install(gate, [])), reuse


def write_meta(results_dir: Path, *, offline: bool, started: datetime, total_s: float) -> None:
    """Record how the rehearsal ran (``rehearsal.json``), for the report."""
    meta = {
        "mode": "offline" if offline else "online",
        "started": started.isoformat(timespec="seconds"),
        "total_s": round(total_s, 3),
    }
    text = json.dumps(meta, indent=2) + "\n"
    (results_dir / report_load.META_FILE).write_text(text, encoding="utf-8")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The rehearsal's options (``nox -s release -- OPTIONS``)."""
    parser = argparse.ArgumentParser(prog="nox -s release --", description=__doc__.split("\n")[0])
    parser.add_argument("--offline", action="store_true", help="mark network-only gates NOT RUN")
    parser.add_argument(
        "--require-releasable",
        action="store_true",
        help="exit 1 unless the verdict is RELEASABLE (every gate ran and passed), offline too",
    )
    parser.add_argument("--dist", type=Path, default=paths.DIST, help="dist directory")
    parser.add_argument(
        "--results", type=Path, default=paths.REHEARSAL_RESULTS, help="gate results"
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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of ``nox -s release``."""
    options = parse_args(argv)
    gates = registry.GATES
    dist = options.dist.resolve()
    # A warm run (-R) has nothing to install; otherwise later gates install while earlier run.
    warm_up = "--no-install" not in options.nox_arg and options.warm_up
    prepare_for, prepared_command_for = nox_warm_up(options.nox_python, options.nox_arg)
    plan = Plan(
        gates=gates,
        command_for=nox_command(options.nox_python, options.nox_arg),
        prepare_for=prepare_for if warm_up else None,
        prepared_command_for=prepared_command_for if warm_up else None,
        results_dir=options.results.resolve(),
        dist_dir=dist,
        offline=options.offline,
        timeout_s=options.timeout,
        jobs=options.jobs,
    )
    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    rehearsal = Rehearsal(plan)
    stop_on_signals()
    mode = "offline" if options.offline else "online"
    rehearsal.say(f"{len(gates)} gates, {mode}, results in {plan.results_dir}")
    try:
        results = rehearsal.run()
    except KeyboardInterrupt as interrupt:
        rehearsal.say(f"interrupted ({interrupt or 'Ctrl-C'}): every gate and server was stopped")
        return 130
    total_s = time.monotonic() - clock
    write_meta(plan.results_dir, offline=options.offline, started=started, total_s=total_s)
    written = report.write_reports(plan.results_dir, dist, gates=gates)
    print(report.render_terminal(report_load.load(plan.results_dir, dist, gates=gates)))
    for path in written:
        rehearsal.say(f"report: {path}")
    code = exit_code_for(results, options.offline, require_releasable=options.require_releasable)
    if code and options.require_releasable and exit_code_for(results, options.offline) == 0:
        rehearsal.say("exit 1: --require-releasable and the verdict is NOT RELEASABLE")
    return code


def stop_on_signals() -> None:
    """Turn Ctrl-C, SIGTERM and SIGHUP into an exception, so ``finally`` stops every child.

    Set explicitly: a process started in the background by a script inherits
    SIGINT as *ignored*, and would then never clean up on Ctrl-C.
    """

    def handler(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)

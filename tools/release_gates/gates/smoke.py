# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``smoke`` gate: install the built dists on every Python and use them.

    python -m release_gates.gates.smoke [--dist dist] [--pythons 3.9,3.10,...] [--jobs 2]
                                        [--venvs DIR]

First ``dist/SHA256SUMS`` must match the wheel and the sdist. Then, per Python
(``python3.X`` on PATH; every requested one must exist), in venvs that hold
nothing else, working in a temporary directory outside the source tree:

* **wheel venv**: exactly the runtime closure from ``security/runtime.txt``
  (``uv pip sync --require-hashes``), then the wheel, with plain ``pip install
  --no-deps`` (the gate's pinned pip: what users run);
* **sdist venv**: the same closure and the pinned backend from
  ``security/backend.txt``, then the sdist with ``pip install --no-deps
  --no-build-isolation`` (isolation would fetch hatchling unhashed). hatchling
  needs Python 3.10+, so for 3.9 the sdist is first built into a wheel once by
  the gate's own interpreter and that wheel is installed;
* in both: ``duckalog --version`` prints the release version and ``import duckalog``
  comes from the venv; the example catalog (``examples/quickstart``, copied)
  builds, and every view in it answers a query through the venv's duckdb;
* in the wheel venv, after those checks: ``security/tests.txt`` is added and the
  library test suite (``tests/library``) runs with pytest, from the temporary
  directory, so only the installed package is importable.

The venvs are made in the temporary directory, unless ``--venvs DIR`` (default
``$RELEASE_GATES_VENVS``, which ``nox -s smoke`` sets to ``gate-venvs`` inside its
own venv, so they go when nox makes that venv again) keeps them: then a venv is
reused while its locks and interpreter are unchanged
(:func:`~release_gates._internal.venvs.locked_venv`), synced back to exactly its
locks, and only the dists are installed again. One smoke run at a time may use
a ``--venvs`` folder.

The Pythons run ``--jobs`` at a time (default 2). A per-Python table is printed
and goes into the result's details. Any failed step fails the gate, naming the
Python and the step.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from release_gates._internal import paths
from release_gates._internal.dists import Dists, find_dists, project_name_version
from release_gates._internal.pythons import Interpreter, find_pythons
from release_gates._internal.venvs import (
    Completed,
    Venv,
    add_locked,
    locked_venv,
    pip_install,
    run,
)
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "smoke"
PASSED, FAILED, NOT_RUN = Status.PASSED.value, Status.FAILED.value, Status.NOT_RUN.value
STEPS = ("install wheel", "install sdist", "version", "example", "tests")
# hatchling (security/backend.txt) runs on these Pythons only.
BACKEND_MIN_PYTHON = (3, 10)
# Where `nox -s smoke` keeps the venvs between runs (see --venvs).
VENVS_ENV = "RELEASE_GATES_VENVS"

# Lists every view of the built catalog and counts its rows, with the venv's duckdb.
_QUERY_VIEWS = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
views = con.execute(
    "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2"
).fetchall()
if not views:
    sys.exit("the catalog has no views")
for schema, view in views:
    rows = con.execute(f'SELECT count(*) FROM "{schema}"."{view}"').fetchone()[0]
    print(f"{schema}.{view}: {rows} rows")
"""
_WHERE_IS_DUCKALOG = "import duckalog, sys; print(duckalog.__file__)"

INPUT_MISSING = Problem(
    "smoke.input-missing",
    "{what} {path} does not exist",
    "Run the gate from a complete source checkout (the example catalog and tests/library "
    "are part of the release).",
)
WORKDIR_IN_TREE = Problem(
    "smoke.workdir-in-tree",
    "the temporary directory {work} is inside the source tree {source}",
    "Point TMPDIR outside the checkout: the smoke test must not be able to import the source.",
)
OLD_BUILDER = Problem(
    "smoke.builder-too-old",
    "building the sdist for Python {python} needs a builder on Python 3.10+, the gate runs on "
    "{builder}",
    "Run the gate through `scripts/nox -s smoke` (Python 3.11).",
)
SMOKE_FAILED = Problem(
    "smoke.failed",
    "{count} smoke step(s) failed: {failures}",
    "Read the output quoted for each failed step (Python, step); reproduce with "
    "`scripts/nox -s smoke -- --pythons X.Y`.",
)


@dataclass(frozen=True)
class Inputs:
    """Everything a smoke run reads: the dists and the source tree's locks, example, tests."""

    dists: Dists
    source: Path
    example: Path
    tests: Path
    # Where venvs are kept between runs; None: fresh ones in the run's temporary folder.
    venvs: Path | None = None

    @property
    def runtime_lock(self) -> Path:
        """The hash-locked runtime closure."""
        return self.source / "security" / "runtime.txt"

    @property
    def tests_lock(self) -> Path:
        """pytest and hypothesis, hash-locked per Python."""
        return self.source / "security" / "tests.txt"

    @property
    def backend_lock(self) -> Path:
        """The pinned build backend, for installing the sdist without isolation."""
        return self.source / "security" / "backend.txt"

    def venv_path(self, work: Path, name: str) -> Path:
        """Where the venv ``name`` lives: kept in :attr:`venvs`, else in ``work``."""
        return (self.venvs or work) / name


@dataclass
class PythonRun:
    """The outcome of every step on one Python."""

    interpreter: Interpreter
    steps: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STEPS, NOT_RUN))
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, step: str, done: Completed | None, error: str = "", venv: str = "") -> bool:
        """Mark ``step`` passed or failed (a step in two venvs fails if either fails)."""
        ok = error == "" and (done is None or done.ok)
        if not ok:
            reason = error or (done.tail() if done is not None else "")
            where = f" ({venv})" if venv else ""
            self.failures.append(
                f"Python {self.interpreter.full_version} / {step}{where}: {reason}"
            )
        if self.steps[step] != FAILED:
            self.steps[step] = PASSED if ok else FAILED
        return ok

    def row(self) -> dict[str, str]:
        """One row of the per-Python table."""
        return {
            "python": self.interpreter.full_version,
            **self.steps,
            "seconds": f"{self.seconds:.1f}",
        }


def _check_version(run_: PythonRun, venv: Venv, inputs: Inputs, work: Path, label: str) -> None:
    """``duckalog --version`` prints the release version; the package comes from the venv."""
    done = run([venv.bin / "duckalog", "--version"], cwd=work, env=venv.env())
    if not run_.record("version", done, venv=label):
        return
    words = done.output.split()
    try:
        printed = Version(words[-1]) if words else None
    except InvalidVersion:
        printed = None
    if printed != Version(inputs.dists.version):
        run_.record(
            "version",
            None,
            error=f"`duckalog --version` printed {done.output.strip()!r}, "
            f"expected version {inputs.dists.version}",
            venv=label,
        )
        return
    where = run([venv.python, "-c", _WHERE_IS_DUCKALOG], cwd=work, env=venv.env())
    located = Path(where.output.strip().splitlines()[-1]) if where.output.strip() else Path()
    if where.ok and venv.path.resolve() not in located.resolve().parents:
        run_.record(
            "version", None, error=f"duckalog was imported from {located}, not the venv", venv=label
        )
    else:
        run_.record("version", where, venv=label)


def _check_example(run_: PythonRun, venv: Venv, inputs: Inputs, work: Path, label: str) -> None:
    """Build a copy of the example catalog with the CLI and query every view."""
    example = work / f"example-{label}"
    shutil.copytree(
        inputs.example, example, ignore=shutil.ignore_patterns("*.duckdb", "*.wal", "*.tmp")
    )
    database = example / "smoke.duckdb"
    built = run(
        [venv.bin / "duckalog", "build", "duckalog.yaml", "--database", database],
        cwd=example,
        env=venv.env(),
    )
    if not run_.record("example", built, venv=label):
        return
    queried = run([venv.python, "-c", _QUERY_VIEWS, database], cwd=example, env=venv.env())
    run_.record("example", queried, venv=label)


def _install(
    run_: PythonRun, step: str, name: str, inputs: Inputs, work: Path, dist: Path
) -> Venv | None:
    """The venv ``name`` with exactly the locked runtime closure (and, for an sdist, the
    pinned backend), then ``dist`` installed by pip without deps; None if a step failed."""
    interpreter = run_.interpreter
    locks = [inputs.runtime_lock]
    pip_args: list[str | Path] = ["--no-deps", dist]
    if dist.name.endswith(".tar.gz"):
        locks.append(inputs.backend_lock)
        pip_args.insert(1, "--no-build-isolation")
    venv, synced, _ = locked_venv(
        inputs.venv_path(work, f"py{interpreter.version}-{name}"),
        interpreter.executable,
        f"{interpreter.executable} {interpreter.full_version}",
        locks,
        keep=inputs.venvs is not None,
    )
    if not run_.record(step, synced) or not run_.record(step, pip_install(venv, *pip_args)):
        return None
    return venv


def _smoke_wheel(result: PythonRun, inputs: Inputs, work: Path, sdist_wheel: Path | None) -> None:
    """Wheel venv: install, version, example, the library test suite."""
    venv = _install(result, "install wheel", "wheel", inputs, work, inputs.dists.wheel)
    if venv is None:
        return
    _check_version(result, venv, inputs, work, "wheel")
    _check_example(result, venv, inputs, work, "wheel")
    if result.record("tests", add_locked(venv, inputs.tests_lock)):
        pytest_args: list[str | Path] = [
            inputs.tests,
            "--rootdir",
            inputs.source,
            "-p",
            "no:cacheprovider",
            "-q",
        ]
        tested = run(
            [venv.python, "-m", "pytest", *pytest_args],
            cwd=work,
            # No .pyc files written into the source tree's tests/.
            env=venv.env({"PYTHONDONTWRITEBYTECODE": "1"}),
        )
        result.record("tests", tested)


def _smoke_sdist(result: PythonRun, inputs: Inputs, work: Path, sdist_wheel: Path | None) -> None:
    """Sdist venv: install (built here, or by the gate's Python for 3.9), version, example."""
    # hatchling cannot run on this Python: install the wheel the gate built from the sdist.
    if sdist_wheel is not None and result.interpreter.minor < BACKEND_MIN_PYTHON:
        dist = sdist_wheel
    else:
        dist = inputs.dists.sdist
    venv = _install(result, "install sdist", "sdist", inputs, work, dist)
    if venv is not None:
        _check_version(result, venv, inputs, work, "sdist")
        _check_example(result, venv, inputs, work, "sdist")


def smoke_one(
    interpreter: Interpreter, inputs: Inputs, work: Path, sdist_wheel: Path | None
) -> PythonRun:
    """Every step on one Python, in ``work``; a failure is recorded, never raised."""
    start = time.monotonic()
    result = PythonRun(interpreter)
    work.mkdir(parents=True)
    for step, part in (("install wheel", _smoke_wheel), ("install sdist", _smoke_sdist)):
        try:
            part(result, inputs, work, sdist_wheel)
        except OSError as error:  # e.g. a full disk while copying the example
            result.record(step, None, error=f"{type(error).__name__}: {error}")
    result.seconds = time.monotonic() - start
    return result


def build_sdist_wheel(inputs: Inputs, work: Path) -> Path:
    """Build the sdist into a wheel with the gate's interpreter (for Pythons hatchling lacks)."""
    if sys.version_info[:2] < BACKEND_MIN_PYTHON:
        raise GateFailure(OLD_BUILDER, python="3.9", builder=sys.version.split()[0])
    builder, synced, _ = locked_venv(
        inputs.venv_path(work, "builder"),
        sys.executable,
        f"{sys.executable} {sys.version}",
        [inputs.backend_lock],
        keep=inputs.venvs is not None,
    )
    out = work / "sdist-wheel"
    for done in (
        synced,
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                builder.python,
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                out,
                inputs.dists.sdist,
            ]
        ),
    ):
        if not done.ok:
            raise GateFailure(
                SMOKE_FAILED,
                count=1,
                failures=f"builder Python {sys.version.split()[0]} / build sdist: {done.tail()}",
            )
    return next(out.glob("*.whl"))


def format_table(rows: Sequence[dict[str, str]]) -> str:
    """The per-Python results as an aligned text table."""
    headers = ["python", *STEPS, "seconds"]
    widths = [max(len(h), *(len(r[h]) for r in rows)) for h in headers]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(r[h].ljust(w) for h, w in zip(headers, widths)) for r in rows]
    return "\n".join(lines)


def smoke(
    source: Path,
    dist: Path,
    requested: Sequence[str] | None,
    jobs: int,
    venvs: Path | None = None,
) -> GateResult:
    """The gate's work; ``venvs``: where venvs are kept between runs (None: not kept)."""
    name, version = project_name_version(source / "pyproject.toml")
    dists = find_dists(dist, name, version)
    inputs = Inputs(
        dists=dists,
        source=source,
        example=source / "examples" / "quickstart",
        tests=source / "tests" / "library",
        venvs=venvs,
    )
    for what, path in (
        ("example config", inputs.example / "duckalog.yaml"),
        ("library test suite", inputs.tests),
        ("lock", inputs.runtime_lock),
        ("lock", inputs.tests_lock),
        ("lock", inputs.backend_lock),
    ):
        if not path.exists():
            raise GateFailure(INPUT_MISSING, what=what, path=str(path))
    interpreters = find_pythons(requested)
    with tempfile.TemporaryDirectory(prefix="duckalog-smoke-") as scratch:
        work = Path(scratch).resolve()
        if source.resolve() in work.parents:
            raise GateFailure(WORKDIR_IN_TREE, work=str(work), source=str(source))
        old = [i for i in interpreters if i.minor < BACKEND_MIN_PYTHON]
        sdist_wheel = build_sdist_wheel(inputs, work) if old else None
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [
                pool.submit(smoke_one, i, inputs, work / f"py{i.version}", sdist_wheel)
                for i in interpreters
            ]
            runs = [future.result() for future in futures]
    rows = [r.row() for r in runs]
    print(format_table(rows))
    failures = [failure for r in runs for failure in r.failures]
    details = {"version": version, "pythons": rows}
    if old:
        details["sdist_note"] = (
            f"on Python {', '.join(i.version for i in old)} the sdist was built into a wheel by "
            f"Python {sys.version.split()[0]} (hatchling needs 3.10+), then installed"
        )
    if failures:
        raise GateFailure(
            SMOKE_FAILED, count=len(failures), failures="; ".join(failures), **details
        )
    summary = (
        f"{name} {version}: wheel and sdist install and work on Python "
        f"{', '.join(i.full_version for i in interpreters)}"
    )
    return GateResult(gate=GATE, status=Status.PASSED, summary=summary, details=details)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.smoke", description=__doc__
    )
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="directory of the dists")
    parser.add_argument(
        "--pythons",
        help="comma-separated X.Y versions, each required (default: every one found)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="Pythons smoke-tested at once")
    parser.add_argument(
        "--source", type=Path, default=paths.ROOT, help="source tree (security/, examples/, tests/)"
    )
    parser.add_argument(
        "--venvs",
        type=Path,
        default=Path(os.environ[VENVS_ENV]) if os.environ.get(VENVS_ENV) else None,
        help=f"keep the venvs here and reuse them while their locks are unchanged "
        f"(default: ${VENVS_ENV}; unset: fresh venvs every run)",
    )
    args = parser.parse_args(argv)
    requested = [v.strip() for v in args.pythons.split(",") if v.strip()] if args.pythons else None
    venvs = args.venvs.resolve() if args.venvs else None
    return run_gate(
        GATE,
        lambda: smoke(args.source.resolve(), args.dist.resolve(), requested, args.jobs, venvs),
    )


if __name__ == "__main__":
    sys.exit(main())

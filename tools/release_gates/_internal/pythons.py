# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Find the Python interpreters on PATH: ``python3.X``, each probed for real.

The smoke gate installs the dists on each; the sbom gate describes each locked
closure with a real interpreter of its Python.

A pyenv shim exists for every version pyenv knows, but only runs when the version
is enabled (``scripts/nox`` exports ``PYENV_VERSION`` listing them all), so an
interpreter counts as found only when it runs and reports the expected version.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass

from release_gates._internal.venvs import run
from release_gates.problems import GateFailure, Problem

# Every minor version the release supports (pyproject's classifiers); CI has 3.14 too.
SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")

_PROBE = "import platform, sys; print(platform.python_version()); print(sys.executable)"

PYTHON_MISSING = Problem(
    "pythons.missing",
    "Python {version} was requested but {reason}",
    "Install that Python (e.g. `pyenv install 3.13`) and run through scripts/nox, which makes "
    "every pyenv Python visible as python3.X; or leave it out of --pythons.",
)
NO_PYTHON = Problem(
    "pythons.none-found",
    "none of {candidates} is on PATH and runs",
    "Install at least one supported CPython and run through scripts/nox.",
)
BAD_VERSION = Problem(
    "pythons.bad-version",
    "{version!r} is not a Python version like 3.11",
    "Pass --pythons as a comma-separated list of X.Y versions, e.g. 3.9,3.13.",
)


@dataclass(frozen=True)
class Interpreter:
    """A runnable interpreter: its X.Y version, full version and real executable."""

    version: str
    full_version: str
    executable: str

    @property
    def minor(self) -> tuple[int, int]:
        """``(3, 11)`` for Python 3.11, for comparisons."""
        major, minor = self.version.split(".")
        return int(major), int(minor)


def probe(version: str) -> tuple[Interpreter | None, str]:
    """Run ``python<version>``; the interpreter, or None and why not."""
    command = shutil.which(f"python{version}")
    if command is None:
        return None, f"python{version} is not on PATH"
    done = run([command, "-c", _PROBE], timeout=60)
    lines = done.output.strip().splitlines()
    if not done.ok or len(lines) != 2:
        return None, f"python{version} does not run: {done.tail(2)}"
    full_version, executable = lines
    if not full_version.startswith(f"{version}."):
        return None, f"python{version} reports version {full_version}"
    return Interpreter(version=version, full_version=full_version, executable=executable), ""


def find_pythons(requested: Sequence[str] | None) -> list[Interpreter]:
    """The requested interpreters (each must run), or every supported one that runs."""
    if requested:
        found = []
        for version in requested:
            parts = version.split(".")
            if len(parts) != 2 or not all(p.isdigit() for p in parts):
                raise GateFailure(BAD_VERSION, version=version)
            interpreter, reason = probe(version)
            if interpreter is None:
                raise GateFailure(PYTHON_MISSING, version=version, reason=reason)
            found.append(interpreter)
        return found
    discovered = [i for i in (probe(v)[0] for v in SUPPORTED) if i is not None]
    if not discovered:
        raise GateFailure(NO_PYTHON, candidates=", ".join(f"python{v}" for v in SUPPORTED))
    return discovered

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The sbom gate's locked closures: which ones to describe, and what each SBOM says about its own.

``security/runtime.txt`` is a universal lock: each supported Python installs its
own locked closure. :func:`closures` groups the Pythons of the ``pyproject.toml``
classifiers by closure and finds a real interpreter for each (the marker
environment must be the one users have); :func:`describe_closure` records in an
SBOM which Pythons it covers and how to install exactly that closure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from release_gates._internal.checksums import sha256_file
from release_gates._internal.lockfile import (
    Pin,
    closure_label,
    group_by_closure,
    supported_pythons,
)
from release_gates._internal.pythons import find_pythons
from release_gates._internal.tomlfile import load_toml
from release_gates._internal.venvs import run
from release_gates.problems import GateFailure, Problem

VENV_FAILED = Problem(
    "sbom.venv-failed",
    "cannot create a venv with {python}: {output}",
    "Pass an installed interpreter with --python (e.g. python3.11); with pyenv, run through "
    "scripts/nox so every installed Python is visible.",
)


@dataclass(frozen=True)
class Closure:
    """One locked closure: the Pythons that install it and the interpreter that describes it."""

    pythons: tuple[str, ...]
    interpreter: str

    @property
    def label(self) -> str:
        """``py3.9`` or ``py3.11-3.13``: the Pythons this closure's SBOM covers."""
        return closure_label(self.pythons)


def closures(source: Path, pins: Sequence[Pin], python: str | None) -> list[Closure]:
    """The closures to describe: every supported Python's (grouped), or only ``python``'s."""
    if python is not None:
        done = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        if not done.ok:
            raise GateFailure(VENV_FAILED, python=python, output=done.tail())
        return [Closure((done.output.strip(),), python)]
    project = load_toml(source / "pyproject.toml").get("project", {})
    groups = group_by_closure(pins, supported_pythons(project.get("classifiers", [])))
    # A real interpreter per closure: the marker environment is the one users have.
    interpreters = find_pythons([group[0] for group in groups.values()])
    return [
        Closure(tuple(group), interpreter.executable)
        for group, interpreter in zip(groups.values(), interpreters)
    ]


def describe_closure(
    bom: dict[str, Any], closure: Closure, project: str, version: str, constraints_file: Path
) -> None:
    """Say in the SBOM what it describes: the locked closure, for which Pythons, and how to
    install exactly it."""
    properties = bom["metadata"].setdefault("properties", [])
    properties += [
        {
            "name": "duckalog:sbom:describes",
            "value": "the locked closure (security/runtime.txt) for Python "
            + ", ".join(closure.pythons)
            + "; a fresh install without the constraints file may resolve newer versions "
            "within the ranges of pyproject.toml",
        },
        {"name": "duckalog:sbom:pythons", "value": " ".join(closure.pythons)},
        {
            "name": "duckalog:sbom:install-locked-closure",
            "value": f"pip install -c {constraints_file.name} {project}=={version}",
        },
        {
            "name": "duckalog:sbom:constraints-sha256",
            "value": f"{sha256_file(constraints_file)}  {constraints_file.name}",
        },
    ]

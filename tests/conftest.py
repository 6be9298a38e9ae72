# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Plain ``pytest`` from the root: every suite whose tools are importable here, and a note
naming the nox session for each one that is not.

Each suite has its own nox session, which installs its tools from a hash-locked
file (``security/<lock>.txt``); that is how CI runs them (``scripts/nox -t tests``).
A bare ``pytest`` runs in whatever environment it is started from, so a suite
whose imports are missing there is left out of collection, and the end of the
run says which session runs it instead, never a wall of import errors.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).parent

# Suite folder -> (the nox session that runs it, top-level modules it cannot run without).
SUITES: dict[str, tuple[str, tuple[str, ...]]] = {
    "library": (
        "scripts/nox -s tests-3.11",
        ("duckalog", "duckdb", "yaml", "hypothesis", "jsonschema"),
    ),
    "docs": (
        "scripts/nox -s docs",
        (
            "duckalog",
            "markdown_it",
            "sigstore",
            "yaml",
            "packaging",
            "license_expression",
            "pypi_simple",
            "stamina",
        ),
    ),
    "gates": (
        "scripts/nox -s gate_tests",
        (
            "hypothesis",
            "packaging",
            "license_expression",
            "pypi_simple",
            "stamina",
            "twine",
            "build",
            "pip_audit",
            "cyclonedx",
            "sigstore",
            "reuse",
            "pypiserver",
        ),
    ),
    "workflows": ("scripts/nox -s workflow_policy", ("yaml", "ruamel")),
}

_left_out: dict[str, tuple[str, list[str]]] = {}


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that cannot be imported in this environment."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out a suite whose modules are missing here, remembering why."""
    if collection_path.parent != HERE or collection_path.name not in SUITES:
        return None
    session, modules = SUITES[collection_path.name]
    missing = missing_modules(modules)
    if not missing:
        return None
    if _requested(collection_path, config):
        _left_out[collection_path.name] = (session, missing)
    return True


def _requested(suite: Path, config: pytest.Config) -> bool:
    """Whether the command line asked for ``suite`` (it, or a folder above it)."""
    asked = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    return any(path == suite or path in suite.parents for path in asked)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name each suite that was left out and the session that runs it."""
    for suite, (session, missing) in sorted(_left_out.items()):
        terminalreporter.write_line(
            f"tests/{suite} not collected: {', '.join(missing)} not importable here; "
            f"run it with `{session}`",
            yellow=True,
        )

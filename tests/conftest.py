# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Plain ``pytest`` from the root: every suite whose tools are importable here, and a note
naming the nox session for each one that is not.

Each suite has its own nox session, which installs its tools from a hash-locked
file (``security/<lock>.txt``); that is how CI runs them (``scripts/nox -t tests``).
A bare ``pytest`` runs in whatever environment it is started from, so a suite
whose imports are missing there is left out of collection, and the end of the
run says which session runs it instead, never a wall of import errors. The
workflow runs (``tests/workflow_run``: act, minutes per run) are only ever run
by their session.
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
    "integration": (
        "scripts/nox -s integration",
        ("duckalog", "duckdb", "duckdb_ext", "deltalake", "pyiceberg", "pyarrow", "yaml"),
    ),
}
# Suites a bare ``pytest`` never collects, with the reason: they need more than imports.
SESSION_ONLY: dict[str, tuple[str, str]] = {
    "workflow_run": (
        "scripts/nox -s workflow_run",
        "it runs the workflows under act with the pinned actions, for minutes",
    ),
}

_left_out: dict[str, tuple[str, str]] = {}  # suite -> (session, why it was left out)


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that cannot be imported in this environment."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out a suite whose modules are missing here, remembering why."""
    if collection_path.parent != HERE:
        return None
    if collection_path.name in SESSION_ONLY:
        if _requested(collection_path, config):
            _left_out[collection_path.name] = SESSION_ONLY[collection_path.name]
        return True
    if collection_path.name not in SUITES:
        return None
    session, modules = SUITES[collection_path.name]
    missing = missing_modules(modules)
    if not missing:
        return None
    if _requested(collection_path, config):
        _left_out[collection_path.name] = (session, f"{', '.join(missing)} not importable here")
    return True


def _requested(suite: Path, config: pytest.Config) -> bool:
    """Whether the command line asked for ``suite`` (it, or a folder above it)."""
    asked = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    return any(path == suite or path in suite.parents for path in asked)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name each suite that was left out and the session that runs it."""
    for suite, (session, why) in sorted(_left_out.items()):
        terminalreporter.write_line(
            f"tests/{suite} not collected: {why}; run it with `{session}`", yellow=True
        )

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fixtures of the workflow runs (``nox -s workflow_run``): the workbench and each act run.

Every act run happens once per session, however many tests read it; the
terminal summary lists each run with its wall-clock and CPU time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.workflow_run.scenarios import BASE, CI, PUBLISH, ROOT, Runs

from workflow_run import bench as workbench
from workflow_run.errors import WorkflowRunError
from workflow_run.runner import Workbench


@pytest.fixture(scope="session")
def bench() -> Workbench:
    """act, the pinned actions and the shared caches; fails (never skips) when one is missing."""
    try:
        return workbench.prepare(ROOT, BASE, [PUBLISH, CI])
    except WorkflowRunError as error:
        pytest.fail(str(error), pytrace=False)


_RUNS: list[Runs] = []


@pytest.fixture(scope="session")
def runs(bench: Workbench, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """The session's act runs, each started on first use."""
    registry = Runs(bench, tmp_path_factory.mktemp("workflow-run"))
    _RUNS.append(registry)
    yield registry


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each act run: wall-clock and CPU seconds (CPU: act and everything it started)."""
    rows = [row for registry in _RUNS for row in registry.timings]
    if not rows:
        return
    terminalreporter.section("act runs")
    for name, wall, cpu in rows:
        terminalreporter.write_line(f"{name:<44} {wall:7.1f} s wall {cpu:7.1f} s CPU")
    terminalreporter.write_line(
        f"{'total':<44} {sum(r[1] for r in rows):7.1f} s wall {sum(r[2] for r in rows):7.1f} s CPU"
    )

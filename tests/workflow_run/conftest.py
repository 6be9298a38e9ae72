# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fixtures of the workflow runs (``nox -s workflow_run``): the workbench and each act run.

Every act run happens once per session, however many tests read it; the
terminal summary lists each run with its wall-clock and CPU time. A test module
marked ``@pytest.mark.prestart.with_args(scenario, ...)`` has those long runs
started in the background as soon as the first run is asked for, when one of its
tests is selected (``-k`` that leaves them out starts nothing extra), and its
tests go last, so the short runs of the other tests overlap the long ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from tests.workflow_run.scenarios import BASE, CI, PUBLISH, ROOT, Runs, version_index

from workflow_run import bench as workbench
from workflow_run.errors import WorkflowRunError
from workflow_run.runner import RunOutcome, Workbench


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "prestart(*scenarios): start these act runs in the background"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that wait for a background run go last (a stable sort keeps the rest in order)."""
    items.sort(key=lambda item: item.get_closest_marker("prestart") is not None)


@pytest.fixture(scope="session")
def bench() -> Workbench:
    """act, the pinned actions and the shared caches; fails (never skips) when one is missing."""
    try:
        return workbench.prepare(ROOT, BASE, [PUBLISH, CI])
    except WorkflowRunError as error:
        pytest.fail(str(error), pytrace=False)


_RUNS: list[Runs] = []


def prestarted(items: list[pytest.Item]) -> list[Callable[[Runs], RunOutcome]]:
    """The scenarios the selected tests' ``prestart`` markers name, each once, in order."""
    found: dict[Callable[[Runs], RunOutcome], None] = {}
    for item in items:
        for marker in item.iter_markers("prestart"):
            found.update(dict.fromkeys(marker.args))
    return list(found)


@pytest.fixture(scope="session")
def runs(
    bench: Workbench, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Runs]:
    """The session's act runs, each started on first use (or in the background, see above).

    Every run's version gate reads one local index (see scenarios.version_index).
    """
    tmp = tmp_path_factory.mktemp("workflow-run")
    with version_index(tmp / "index") as env:
        registry = Runs(bench, tmp, env)
        _RUNS.append(registry)
        for scenario in prestarted(request.session.items):
            registry.prestart(scenario)
        try:
            yield registry
        finally:
            registry.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each act run: start, wall-clock and CPU seconds (CPU: act and everything it started)."""
    rows = sorted((row for registry in _RUNS for row in registry.timings), key=lambda r: r.start)
    if not rows:
        return
    origin = rows[0].start
    terminalreporter.section("act runs")
    for row in rows:
        terminalreporter.write_line(
            f"{row.name:<44} from {row.start - origin:6.1f} s {row.wall_s:7.1f} s wall "
            f"{row.cpu_s:7.1f} s CPU"
        )
    span = max(r.end for r in rows) - origin
    cpu = sum(r.cpu_s for r in rows)
    terminalreporter.write_line(f"{'all runs':<44} {span:7.1f} s wall {cpu:7.1f} s CPU")

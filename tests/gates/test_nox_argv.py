# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""noxfile.py's reading of nox's command line: tag selection and venv-reuse options."""

from __future__ import annotations

import pytest

from release_gates._internal.nox_argv import nox_options, reuse_options, selects_by_tag


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-t", "tests"], True),
        (["--tags", "tests"], True),
        (["--tags=tests"], True),
        (["-R", "-t", "tests", "--", "-k", "x"], True),
        (["-s", "release", "--", "--offline"], False),
        (["-s", "gate_tests", "--", "-t", "x"], False),  # after `--`: pytest's, not nox's
        (["-s", "lint", "--tagsfoo"], False),
        ([], False),
    ],
)
def test_selects_by_tag(argv: list[str], expected: bool) -> None:
    assert selects_by_tag(argv) is expected


def test_the_sessions_arguments_are_never_nox_options() -> None:
    assert nox_options(["-R", "-s", "x", "--", "-N", "--"]) == ["-R", "-s", "x"]
    assert nox_options(["-s", "x"]) == ["-s", "x"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], []),
        (["-s", "release", "--", "--offline"], []),
        (["-r", "-s", "release"], ["--reuse-venv", "yes"]),
        (["-R", "-s", "release"], ["--reuse-venv", "yes", "--no-install"]),
        (["-N", "-s", "release"], ["--reuse-venv", "no"]),
        (["--reuse-venv", "never", "-s", "release"], ["--reuse-venv", "never"]),
        (["--reuse-venv=always", "--no-install"], ["--reuse-venv", "always", "--no-install"]),
        (["-N", "-r"], ["--reuse-venv", "yes"]),  # the last one wins
        (["-s", "release", "--", "-N", "--no-install"], []),  # the rehearsal's, not nox's
    ],
)
def test_reuse_options_passed_on_to_the_rehearsals_child_nox_runs(
    argv: list[str], expected: list[str]
) -> None:
    assert reuse_options(argv) == expected

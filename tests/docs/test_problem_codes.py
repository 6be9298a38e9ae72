# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every problem code follows ``<gate>.<slug>``, its prefix naming who declares it.

In the docs session: its lock can import every gate module (see security/docs.in).
"""

from __future__ import annotations

import pytest

from release_gates import problems


def test_every_code_is_owner_dot_slug() -> None:
    wrong = [
        f"{module}: {problem.code} (expected {problems.owner(module)}.<slug>)"
        for module, problem in problems.declared()
        if not (match := problems.CODE.fullmatch(problem.code))
        or match["owner"] != problems.owner(module)
    ]
    assert wrong == []


def test_the_rule_is_not_vacuous() -> None:
    owners = {problems.owner(module) for module, _ in problems.declared()}
    # Gates, a workflow tool, the rehearsal and shared checks all declare problems.
    assert {"version", "build", "pypi_health", "release", "checksums"} <= owners


@pytest.mark.parametrize(
    ("module", "owner"),
    [
        ("release_gates.gates.build_export", "build"),
        ("release_gates.gates.smoke", "smoke"),
        ("release_gates.workflow.report", "workflow_report"),
        ("release_gates.rehearsal.schedule", "release"),
        ("release_gates._internal.checksums", "checksums"),
    ],
)
def test_owner_follows_the_folder(module: str, owner: str) -> None:
    assert problems.owner(module) == owner


def test_a_module_outside_the_roles_may_not_declare_problems() -> None:
    with pytest.raises(ValueError, match="may not declare problems"):
        problems.owner("release_gates.workflow.policy")


@pytest.mark.parametrize("code", ["local-index.did-not-start", "smoke.Bad", "smoke", "smoke.a--b"])
def test_codes_off_the_pattern_do_not_match(code: str) -> None:
    assert problems.CODE.fullmatch(code) is None

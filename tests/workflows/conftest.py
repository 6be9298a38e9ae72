# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fixtures of the workflow tests (run by `nox -s workflow_policy`)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def tool() -> Callable[[str], str]:
    """Path of a console script of this test environment (the workflow-policy lock)."""

    def find(name: str) -> str:
        beside = Path(sys.executable).parent / name
        found = str(beside) if beside.exists() else shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: run `scripts/nox -s workflow_policy`")
        return found

    return find

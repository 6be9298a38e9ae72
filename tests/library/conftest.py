# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fixtures of the library tests; helpers live in ``support.py`` beside this file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path; the tests import `support`.
sys.path.insert(0, str(Path(__file__).parent))

from support import write_parquet


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    """``tmp_path/data/orders.parquet`` with 3 rows (ids 0-2, amount = id * 1.5)."""
    return write_parquet(tmp_path / "data" / "orders.parquet")

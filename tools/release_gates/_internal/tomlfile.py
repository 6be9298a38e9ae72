# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read TOML files (pyproject.toml, policy data under security/) on any Python 3.9+."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, cast


def load_toml(path: Path) -> dict[str, Any]:
    """Parse ``path`` with ``tomllib`` (3.11+) or ``tomli`` (older Pythons)."""
    try:
        parser = importlib.import_module("tomllib")
    except ModuleNotFoundError:  # Python < 3.11: the gate's lock must then provide tomli
        parser = importlib.import_module("tomli")
    with path.open("rb") as handle:
        return cast("dict[str, Any]", parser.load(handle))

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read TOML files (pyproject.toml, policy data under security/) on any Python 3.9+.

:func:`toml_date` reads the dates the reviewed policy files carry (waivers,
licence overrides, intended yanks), written as TOML dates or ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import datetime
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


def toml_date(value: Any, key: str) -> datetime.date:
    """``value`` (a TOML date or datetime, or a ``YYYY-MM-DD`` string) as a date.

    Raises ValueError naming ``key`` for anything else.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise ValueError(f"{key} must be a date (YYYY-MM-DD), got {value!r}")

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Reviewed, intended yanks (``security/intended-yanks.toml``), read by ``pypi_health``.

A yank is how a broken release is withdrawn from PyPI; ``pypi_health`` reports every
yank, so that one nobody intended is noticed the next morning. A yank that *was*
intended is listed here — ``[[yank]]`` with the ``version``, the ``reason`` and the
``date`` it was decided — and then stops failing the daily check, while a yank of
any other version still does. Entries are committed through review like any
other change under ``security/``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from release_gates._internal.tomlfile import load_toml, toml_date
from release_gates.problems import GateFailure, Problem

INVALID = Problem(
    "pypi_health.intended-yanks-invalid",
    "{path}: entry #{index} is invalid: {reason}",
    "Give every [[yank]] a `version` (exactly as on PyPI), a `reason` and the `date` "
    "(YYYY-MM-DD, not in the future) the yank was decided.",
)


@dataclass(frozen=True)
class IntendedYank:
    """A version yanked on purpose, why, and when it was decided."""

    version: str
    reason: str
    date: datetime.date


def load_intended_yanks(path: Path, today: datetime.date | None = None) -> dict[str, IntendedYank]:
    """``{version: entry}`` from ``path`` (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    today = today or datetime.date.today()
    entries = load_toml(path).get("yank", [])
    if not isinstance(entries, list):
        raise GateFailure(INVALID, path=path, index=1, reason="use [[yank]] tables")
    found: dict[str, IntendedYank] = {}
    for index, entry in enumerate(entries, start=1):
        try:
            if not isinstance(entry, dict):
                raise ValueError("not a table")
            version, reason = entry.get("version"), entry.get("reason")
            for key, value in (("version", version), ("reason", reason)):
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{key} is missing or empty")
            decided = toml_date(entry.get("date"), "date")
            if decided > today:
                raise ValueError(f"date {decided.isoformat()} is in the future")
            if str(version).strip() in found:
                raise ValueError(f"version {version} is listed twice")
        except ValueError as error:
            raise GateFailure(INVALID, path=path, index=index, reason=error) from None
        found[str(version).strip()] = IntendedYank(
            str(version).strip(), str(reason).strip(), decided
        )
    return found

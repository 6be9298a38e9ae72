# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Vulnerability waivers (``security/waivers.toml``): reviewed, reasoned and expiring.

Each ``[[waiver]]`` names an advisory ``id`` (any of its aliases matches), the
``package`` it concerns, a ``reason`` and an ``expires`` date. A waiver is valid
through its expiry date; after it the audit fails until someone reviews it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal.tomlfile import load_toml
from release_gates.problems import GateFailure, Problem

# A waiver is a dated promise to look again, not a permanent exception.
MAX_WAIVER_DAYS = 180

INVALID_WAIVER = Problem(
    "audit.waiver-invalid",
    "{path}: waiver #{index} is invalid: {reason}",
    "Give every [[waiver]] a non-empty id, package and reason and an `expires = YYYY-MM-DD` "
    "date at most 180 days ahead.",
)


@dataclass(frozen=True)
class Waiver:
    """One accepted finding: advisory ``id`` in ``package``, until ``expires``."""

    id: str
    package: str
    reason: str
    expires: datetime.date

    def expired(self, today: datetime.date) -> bool:
        """True once ``today`` is after the expiry date."""
        return today > self.expires

    def covers(self, package: str, ids: tuple[str, ...]) -> bool:
        """Whether this waiver names ``package`` and one of the advisory's ``ids``."""
        return canonicalize_name(package) == canonicalize_name(self.package) and self.id in ids


def _expiry(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise ValueError(f"expires must be a date, got {value!r}")


def load_waivers(path: Path, today: datetime.date | None = None) -> list[Waiver]:
    """Every waiver in ``path`` (none when the file does not exist), validated."""
    horizon = (today or datetime.date.today()) + datetime.timedelta(days=MAX_WAIVER_DAYS)
    if not path.is_file():
        return []
    entries = load_toml(path).get("waiver", [])
    if not isinstance(entries, list):
        raise GateFailure(INVALID_WAIVER, path=path, index=1, reason="use [[waiver]] tables")
    waivers: list[Waiver] = []
    for index, entry in enumerate(entries, start=1):
        try:
            fields = {key: entry.get(key) for key in ("id", "package", "reason")}
            for key, value in fields.items():
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{key} is missing or empty")
            expires = _expiry(entry.get("expires"))
            if expires > horizon:
                raise ValueError(
                    f"expires {expires.isoformat()} is more than {MAX_WAIVER_DAYS} days ahead"
                )
            waivers.append(
                Waiver(
                    id=fields["id"].strip(),
                    package=fields["package"].strip(),
                    reason=fields["reason"].strip(),
                    expires=expires,
                )
            )
        except (AttributeError, ValueError) as error:
            raise GateFailure(INVALID_WAIVER, path=path, index=index, reason=error) from None
    return waivers

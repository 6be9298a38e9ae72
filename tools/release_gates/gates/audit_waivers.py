# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Vulnerability waivers (``security/waivers.toml``): reviewed, reasoned and expiring.

Each ``[[waiver]]`` names an advisory ``id`` (any of its aliases matches), the
``package`` it concerns, a ``reason`` and an ``expires`` date. A waiver is valid
through its expiry date; after it the audit fails until someone reviews it again.
It also states the analysis in CycloneDX VEX terms, which the VEX published with
the release repeats (:mod:`release_gates.gates.audit_vex`): ``state`` (``not_affected``,
``false_positive``, ``exploitable`` or ``in_triage``) and, for ``not_affected``,
the ``justification`` (e.g. ``code_not_reachable``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal.tomlfile import load_toml, toml_date
from release_gates.problems import GateFailure, Problem

# A waiver is a dated promise to look again, not a permanent exception.
MAX_WAIVER_DAYS = 180

INVALID_WAIVER = Problem(
    "audit.waiver-invalid",
    "{path}: waiver #{index} is invalid: {reason}",
    "Give every [[waiver]] a non-empty id, package, reason, a VEX state (not_affected with a "
    "justification, false_positive, exploitable or in_triage) and an `expires = YYYY-MM-DD` "
    "date at most 180 days ahead.",
)
# CycloneDX 1.6 impactAnalysisState values a reviewed waiver may state.
STATES = ("not_affected", "false_positive", "exploitable", "in_triage")
# CycloneDX 1.6 impactAnalysisJustification values.
JUSTIFICATIONS = (
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
)


@dataclass(frozen=True)
class Waiver:
    """One accepted finding: advisory ``id`` in ``package``, until ``expires``."""

    id: str
    package: str
    reason: str
    expires: datetime.date
    state: str = "in_triage"
    justification: str | None = None

    def expired(self, today: datetime.date) -> bool:
        """True once ``today`` is after the expiry date."""
        return today > self.expires

    def covers(self, package: str, ids: tuple[str, ...]) -> bool:
        """Whether this waiver names ``package`` and one of the advisory's ``ids``."""
        return canonicalize_name(package) == canonicalize_name(self.package) and self.id in ids


def _analysis(entry: Any) -> tuple[str, str | None]:
    state, justification = entry.get("state"), entry.get("justification")
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    if state == "not_affected" and justification not in JUSTIFICATIONS:
        raise ValueError(
            f"state not_affected needs a justification, one of {', '.join(JUSTIFICATIONS)}; "
            f"got {justification!r}"
        )
    if state != "not_affected" and justification is not None:
        raise ValueError("a justification is only given with state = not_affected")
    return str(state), justification if isinstance(justification, str) else None


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
            state, justification = _analysis(entry)
            expires = toml_date(entry.get("expires"), "expires")
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
                    state=state,
                    justification=justification,
                )
            )
        except (AttributeError, ValueError) as error:
            raise GateFailure(INVALID_WAIVER, path=path, index=index, reason=error) from None
    return waivers

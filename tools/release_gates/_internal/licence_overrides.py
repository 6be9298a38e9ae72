# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Reviewed licence overrides (``security/license-overrides.toml``) for the rare real ambiguity.

A package may declare its licence in a way no tool can decide (free text, a
classifier that contradicts its ``License`` field). After a human has read the
package's licence, an ``[[override]]`` records the conclusion for exactly one
``package`` and ``version``: the SPDX ``license`` expression, the ``reason``, the
``reviewer`` and an ``expires`` date (at most :data:`MAX_OVERRIDE_DAYS` ahead).
Both the licences gate and the SBOM gate read it through
:mod:`release_gates._internal.licence_reading`; an expired override fails both until it is
reviewed again, and a new version of the package needs a new review.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from release_gates._internal.tomlfile import load_toml, toml_date
from release_gates.problems import GateFailure, Problem

MAX_OVERRIDE_DAYS = 365
FIELDS = ("package", "version", "license", "reason", "reviewer")

OVERRIDE_INVALID = Problem(
    "licence_overrides.invalid",
    "{path}: override #{index} is invalid: {reason}",
    "Give every [[override]] a package, version, license (a valid SPDX expression), reason, "
    "reviewer and `expires = YYYY-MM-DD` at most 365 days ahead.",
)
OVERRIDE_EXPIRED = Problem(
    "licence_overrides.expired",
    "{path}: the override for {package} {version} expired on {expires}",
    "Read the package's licence again: renew the override with a new `expires` date and "
    "your name as reviewer, or replace the dependency.",
)


@dataclass(frozen=True)
class Override:
    """One reviewed conclusion: ``package`` ``version`` is licensed under ``license``."""

    package: str
    version: str
    license: str
    reason: str
    reviewer: str
    expires: datetime.date

    def covers(self, name: str, version: str) -> bool:
        """Whether this override is about exactly ``name`` ``version``."""
        return canonicalize_name(name) == canonicalize_name(self.package) and (
            version == self.version
        )

    def describe(self) -> str:
        """``license (override reviewed by R until D: reason)``."""
        return (
            f"{self.license} (override reviewed by {self.reviewer} until "
            f"{self.expires.isoformat()}: {self.reason})"
        )


def load_overrides(path: Path, today: datetime.date | None = None) -> list[Override]:
    """Every override in ``path`` (none if the file does not exist); invalid or expired fails."""
    if not path.is_file():
        return []
    today = today or datetime.date.today()
    horizon = today + datetime.timedelta(days=MAX_OVERRIDE_DAYS)
    entries = load_toml(path).get("override", [])
    if not isinstance(entries, list):
        raise GateFailure(OVERRIDE_INVALID, path=path, index=1, reason="use [[override]] tables")
    overrides: list[Override] = []
    for index, entry in enumerate(entries, start=1):
        try:
            if not isinstance(entry, dict):
                raise ValueError("not a table")
            values = {key: entry.get(key) for key in FIELDS}
            for key, value in values.items():
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{key} is missing or empty")
            expires = toml_date(entry.get("expires"), "expires")
            if expires > horizon:
                raise ValueError(
                    f"expires {expires.isoformat()} is more than {MAX_OVERRIDE_DAYS} days ahead"
                )
            _check_spdx(str(values["license"]))
        except ValueError as error:
            raise GateFailure(OVERRIDE_INVALID, path=path, index=index, reason=error) from None
        override = Override(
            package=str(values["package"]).strip(),
            version=str(values["version"]).strip(),
            license=str(values["license"]).strip(),
            reason=str(values["reason"]).strip(),
            reviewer=str(values["reviewer"]).strip(),
            expires=expires,
        )
        if today > override.expires:
            raise GateFailure(
                OVERRIDE_EXPIRED,
                path=path,
                package=override.package,
                version=override.version,
                expires=override.expires.isoformat(),
            )
        overrides.append(override)
    return overrides


def _check_spdx(expression: str) -> None:
    # Imported here: license-expression is only in the environments of the gates that judge.
    from release_gates._internal.spdx import parse_error

    error = parse_error(expression)
    if error:
        raise ValueError(f"license {expression!r} is not a valid SPDX expression: {error}")

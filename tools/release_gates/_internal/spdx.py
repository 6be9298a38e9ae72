# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Judge a full SPDX licence expression against an allow-list.

liccheck only splits on ``OR`` and calls any ``AND`` unknown; this module parses
the whole expression with the ``license-expression`` library (strict SPDX keys)
and evaluates it: ``OR`` is allowed when any branch is, ``AND`` only when every
part is, ``X WITH E`` when ``X`` and the exception ``E`` both are. A key that is
not a known SPDX identifier makes the verdict *unknown*, never allowed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import license_expression  # type: ignore[import-untyped,import-not-found,unused-ignore]

_LICENSING: Any = license_expression.get_spdx_licensing()


class Verdict(str, enum.Enum):
    """What the allow-list says about one expression."""

    ALLOWED = "allowed"
    DISALLOWED = "disallowed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SpdxPolicy:
    """Allowed SPDX licence ids and licence exceptions (compared case-insensitively)."""

    licenses: frozenset[str]
    exceptions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, licenses: Iterable[str], exceptions: Iterable[str] = ()) -> SpdxPolicy:
        """Build a policy from plain lists (as read from the allow-list file)."""
        return cls(frozenset(x.lower() for x in licenses), frozenset(x.lower() for x in exceptions))


@dataclass(frozen=True)
class Judgement:
    """The verdict on one expression and a short reason for a human."""

    verdict: Verdict
    reason: str


def _allowed(node: Any, policy: SpdxPolicy) -> bool:
    if isinstance(node, license_expression.LicenseWithExceptionSymbol):
        return (
            _allowed(node.license_symbol, policy)
            and str(node.exception_symbol.key).lower() in policy.exceptions
        )
    if isinstance(node, license_expression.LicenseSymbol):
        return str(node.key).lower() in policy.licenses
    if isinstance(node, _LICENSING.AND):
        return all(_allowed(arg, policy) for arg in node.args)
    if isinstance(node, _LICENSING.OR):
        return any(_allowed(arg, policy) for arg in node.args)
    raise TypeError(f"unexpected node {node!r}")


def parse_error(expression: str) -> str | None:
    """Why ``expression`` is not a valid SPDX expression, or None when it is one."""
    try:
        parsed = _LICENSING.parse(expression, validate=True, strict=True)
    except license_expression.ExpressionError as error:
        return str(error)
    return None if parsed is not None else "empty licence expression"


def judge(expression: str, policy: SpdxPolicy) -> Judgement:
    """Evaluate ``expression``; unparsable or non-SPDX keys give :attr:`Verdict.UNKNOWN`."""
    try:
        parsed = _LICENSING.parse(expression, validate=True, strict=True)
    except license_expression.ExpressionError as error:
        return Judgement(Verdict.UNKNOWN, f"not a valid SPDX expression: {error}")
    if parsed is None:
        return Judgement(Verdict.UNKNOWN, "empty licence expression")
    rendered = str(parsed)
    if _allowed(parsed, policy):
        return Judgement(Verdict.ALLOWED, f"{rendered} is allowed")
    return Judgement(Verdict.DISALLOWED, f"{rendered} is not allowed by the allow-list")

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Scrub secret values out of text before it is shown (DuckDB errors may echo SQL)."""

from __future__ import annotations

from collections.abc import Iterable

from .sql import REDACTED


class Redactor:
    """Replaces every known secret value in a text by ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with every secret value replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Small helpers for the words of user-facing messages."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 view``, ``2 views`` (``many`` for irregular plurals)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"

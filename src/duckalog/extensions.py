# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Telling a user how to provide a DuckDB extension without network access."""

from __future__ import annotations

OFFLINE_HINT = (
    "to provide the extension offline, set duckdb.settings.extension_directory to a folder"
    " holding vVERSION/PLATFORM/NAME.duckdb_extension (as INSTALL would; the PyPI packages"
    " duckdb-ext-NAME ship one under site-packages/duckdb_ext/extensions), or list the path"
    " of the .duckdb_extension file in duckdb.load_extensions"
)
_SIGNS = ("not found", "install it first", "failed to download", "could not be loaded")


def is_extension_failure(message: str) -> bool:
    """Whether a DuckDB error says an extension is missing or could not be fetched."""
    lowered = message.lower()
    return "extension" in lowered and any(sign in lowered for sign in _SIGNS)


def with_hint(message: str) -> str:
    """``message``, plus :data:`OFFLINE_HINT` when it is about a missing extension."""
    if is_extension_failure(message):
        return f"{message.rstrip()}\n({OFFLINE_HINT})"
    return message

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Filesystem paths in configs and catalogs: relative to a folder, URLs left alone."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """``s3://...``, ``https://...``: not a local path."""
    return _URL.match(value) is not None


def resolve_path(value: str, base: Path | str) -> str:
    """Make a relative filesystem path absolute against ``base``; URLs are left alone."""
    if is_url(value):
        return value
    # os.path on strings: pathlib is measurably slower for thousands of views.
    if value.startswith("~"):
        value = os.path.expanduser(value)
    return os.path.normpath(os.path.join(base, value))


def relative_to(path: str, folder: Path | str) -> str:
    """``path`` relative to ``folder`` when it is below it; anything else unchanged."""
    if is_url(path) or not os.path.isabs(path):
        return path
    base = str(folder)
    try:
        inside = os.path.commonpath([path, base]) == base
    except ValueError:  # another drive (Windows)
        return path
    if not inside:
        return path
    relative = os.path.relpath(path, base)
    # A file or folder named "~..." must not read back as the home folder.
    return os.path.join(os.curdir, relative) if relative.startswith("~") else relative


def path_list(value: str, convert: Callable[[str], str]) -> str:
    """Apply ``convert`` to each entry of a comma-separated list of paths."""
    return ",".join(convert(part) if part else part for part in value.split(","))


def shown_path(path: str | Path) -> str:
    """A path as messages show it: relative to the working directory when below it."""
    text = str(path)
    if is_url(text) or not os.path.isabs(text):
        return text
    return relative_to(text, os.getcwd())

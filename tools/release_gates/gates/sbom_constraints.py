# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The locked closure as a pip constraints file, published with each release.

``pyproject.toml`` allows ranges (``duckdb>=1.4,<3``), so a fresh
``pip install duckalog`` may resolve newer dependencies than the *locked closure*
(``security/runtime.txt``) the release was tested, audited and described with.
``pip install -c duckalog-X.Y.Z-constraints.txt duckalog==X.Y.Z`` installs exactly
the locked closure, on every Python (the lock's markers are kept). Hashes are
left out: pip turns a hashed constraint into ``--require-hashes`` mode for the
whole install, which then needs a hash for duckalog itself too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from release_gates._internal.lockfile import Pin


def file_name(stem: str) -> str:
    """``duckalog-0.1.0-constraints.txt`` for the stem ``duckalog-0.1.0``."""
    return f"{stem}-constraints.txt"


def render(pins: Sequence[Pin], project: str, version: str, lock: str) -> str:
    """The constraints file: one ``name==version ; marker`` line per pin, in lock order."""
    name = f"{project}-{version}"
    lines = [
        f"# The locked closure of {project} {version}: the runtime dependencies the release was",
        "# tested, audited and described (SBOM) with, per Python; generated from " + lock + ".",
        f"# Install exactly them: pip install -c {file_name(name)} {project}=={version}",
    ]
    for pin in pins:
        marker = f" ; {pin.marker}" if pin.marker is not None else ""
        lines.append(f"{pin.name}=={pin.version}{marker}")
    return "\n".join(lines) + "\n"


def write(dist: Path, stem: str, pins: Sequence[Pin], project: str, lock: str) -> Path:
    """Write :func:`render`'s file into ``dist`` and return its path."""
    version = stem.rsplit("-", 1)[-1]
    path = dist / file_name(stem)
    path.write_text(render(pins, project, version, lock), encoding="utf-8", newline="\n")
    return path

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""setup-python's tool cache, seeded with this machine's interpreters (it cannot download).

``actions/setup-python`` first looks in ``$RUNNER_TOOL_CACHE/Python/X.Y.Z/x64``
(act: ``<action cache path>/tool_cache``) for a folder with an ``x64.complete``
marker beside it; only when none matches does it download. Each interpreter found
here as ``python3.N`` on ``PATH`` is linked there by its prefix, so the real
setup-python sets up a real CPython offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

MINORS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
_PROBE = "import platform, sys; print(platform.python_version()); print(sys.base_prefix)"


def find_interpreters(
    minors: Iterable[str] = MINORS, caller: Mapping[str, str] | None = None
) -> dict[str, Path]:
    """Full version (``3.11.7``) -> installation prefix, for each ``python3.N`` found."""
    path = (os.environ if caller is None else caller).get("PATH", os.defpath)
    found: dict[str, Path] = {}
    for minor in minors:
        program = shutil.which(f"python{minor}", path=path)
        if program is None:
            continue
        probe = subprocess.run(
            [program, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
        )
        lines = probe.stdout.split()
        if probe.returncode == 0 and len(lines) == 2 and lines[0].startswith(f"{minor}."):
            found[lines[0]] = Path(lines[1])
    return found


def seed(tool_cache: Path, interpreters: Mapping[str, Path]) -> list[str]:
    """Link each interpreter into ``tool_cache``; returns the versions seeded, sorted."""
    for version, prefix in interpreters.items():
        folder = tool_cache / "Python" / version
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / "x64"
        if link.is_symlink() or link.exists():
            if link.resolve() == prefix.resolve():
                (folder / "x64.complete").touch()
                continue
            link.unlink()
        link.symlink_to(prefix, target_is_directory=True)
        (folder / "x64.complete").touch()
    return sorted(interpreters, key=lambda v: tuple(int(p) for p in v.split(".")))

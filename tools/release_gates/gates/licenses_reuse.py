# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The licenses gate's REUSE check: every file of the checkout states its licence.

``reuse lint`` runs on a private copy of exactly the files git sees (tracked, and
untracked but not ignored), so the verdict is the checkout's and nothing racing
beside the gate (a venv being installed under ``.nox/``) can make it fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from release_gates.problems import GateFailure, Problem

REUSE_LINT = Problem(
    "licenses.reuse-lint",
    "reuse lint found {count} problem(s): {listing}",
    "Add the two SPDX header lines (SPDX-FileCopyrightText / SPDX-License-Identifier) to each "
    "file named, or annotate it in REUSE.toml; commit or delete untracked files.",
)

REUSE_ERROR = Problem(
    "licenses.reuse-error",
    "reuse lint could not run (exit code {code}): {error}",
    "Install the gate's tools from security/licenses.txt (`nox -s licenses` does) and run "
    "it from the git checkout.",
)


def git_visible_files(root: Path) -> list[str]:
    """The files git sees in the checkout ``root``: tracked, and untracked but not ignored."""
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        error = listed.stderr.decode(errors="replace").strip() or "git ls-files failed"
        raise GateFailure(REUSE_ERROR, code=listed.returncode, error=error)
    names = {name for name in listed.stdout.decode().split("\0") if name}
    # A tracked file deleted in the work tree is not there to lint.
    return sorted(n for n in names if os.path.lexists(root / n))


def reuse_lint(root: Path) -> list[str]:
    """Run ``reuse lint --lines`` on the files git sees in ``root``; return its problem lines.

    reuse walks the whole folder, ignored ones included (.nox/, build/), and fails
    when a file vanishes under it, which happens while the rehearsal installs the
    next gate's venv. So it lints a private copy of exactly git's view of the tree:
    the same verdict (untracked, not ignored files still count), nothing racing it.
    """
    with tempfile.TemporaryDirectory(prefix="reuse-") as scratch:
        copy = Path(scratch)
        for name in git_visible_files(root):
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target, follow_symlinks=False)
        done = subprocess.run(
            [sys.executable, "-m", "reuse", "--root", str(copy), "lint", "--lines"],
            capture_output=True,
            text=True,
            check=False,
            cwd=copy,
        )
    # Name files as they are in the checkout, not in the private copy.
    prefix = f"{copy}{os.sep}"
    lines = [line.replace(prefix, "") for line in done.stdout.splitlines() if line.strip()]
    if done.returncode == 0:
        return []
    if done.returncode != 1 or not lines:
        error = " ".join(done.stderr.strip().splitlines()[-2:]) or "no output"
        raise GateFailure(REUSE_ERROR, code=done.returncode, error=error)
    return lines

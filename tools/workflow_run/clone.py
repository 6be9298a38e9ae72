# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The throw-away clone act runs in: the working tree as it is, committed, origin on GitHub.

act copies the tree it is started in into each job (``.git`` included, ignored
files not) and derives ``GITHUB_REPOSITORY`` from the ``origin`` remote. The
release gates refuse a dirty tree. So the clone holds exactly the files git
sees in the source working tree (uncommitted changes too, committed in the
clone only), plus any ``edits``, and its ``origin`` names the GitHub repository.
The source checkout is never written to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

# Commits in the clone come from nobody's git configuration.
_GIT = (
    "git",
    "-c",
    "user.name=workflow_run",
    "-c",
    "user.email=workflow-run@invalid",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
)


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(
        [*_GIT, "-C", str(repo), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def visible_files(source: Path) -> list[str]:
    """Paths git sees in ``source`` (tracked, or untracked and not ignored), relative."""
    out = _git(source, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({p for p in out.split("\0") if p})


def throwaway_clone(
    source: Path,
    target: Path,
    repository: str,
    edits: Mapping[str, str] | None = None,
    tags: Iterable[str] = (),
) -> Path:
    """Clone ``source`` into ``target`` as described above; returns ``target``.

    ``repository`` is ``owner/name`` on GitHub; ``edits`` maps relative paths to
    new text (e.g. a version bump); ``tags`` are created on the final commit.
    """
    _git(source, "clone", "--quiet", "--no-hardlinks", str(source), str(target))
    wanted = set(visible_files(source))
    for relative in set(visible_files(target)) - wanted:
        (target / relative).unlink()
    for relative in sorted(wanted):
        origin, copy = source / relative, target / relative
        if not origin.exists() and not origin.is_symlink():
            continue  # deleted in the working tree, not yet staged: `git add -A` drops it
        copy.parent.mkdir(parents=True, exist_ok=True)
        if copy.is_symlink() or copy.exists():
            copy.unlink()
        shutil.copy2(origin, copy, follow_symlinks=False)
    for relative in _deleted(source):
        (target / relative).unlink(missing_ok=True)
    for relative, text in (edits or {}).items():
        (target / relative).write_text(text, encoding="utf-8")
    _git(target, "add", "-A")
    if _git(target, "status", "--porcelain").strip():
        _git(target, "commit", "--quiet", "-m", "workflow_run: the working tree as tested")
    _git(target, "remote", "set-url", "origin", f"https://github.com/{repository}.git")
    for tag in tags:
        _git(target, "tag", tag)
    return target


def _deleted(source: Path) -> list[str]:
    out = _git(source, "ls-files", "-z", "--deleted")
    return sorted({p for p in out.split("\0") if p})

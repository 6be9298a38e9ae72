# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A clean export of one git commit: the only input of a release build.

hatchling puts every untracked, non-ignored file into the sdist, so building in
the work tree could ship whatever happens to lie there. The build gate refuses
a dirty tree and builds from ``git archive`` of the commit instead; the commit
time becomes ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from release_gates.problems import GateFailure, Problem

NOT_A_REPOSITORY = Problem(
    "build.not-a-repository",
    "{path} is not inside a git work tree: {error}",
    "Run the build gate from a git checkout of the project (git clone, not a tarball).",
)
DIRTY_TREE = Problem(
    "build.dirty-tree",
    "the work tree has uncommitted or untracked files: {files}",
    "Commit, remove or .gitignore them (`git status`); a release is built only from a "
    "clean commit, because hatchling would put untracked files into the sdist.",
)
UNKNOWN_REF = Problem(
    "build.unknown-ref",
    "{ref!r} is not a commit in {repo}: {error}",
    "Pass --ref a commit, tag or branch that exists (`git rev-parse REF` must work).",
)
EXPORT_FAILED = Problem(
    "build.export-failed",
    "exporting {commit} with git archive | tar -x failed: {error}",
    "Check that git and tar work and that the temporary directory is writable.",
)


def _git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise subprocess.CalledProcessError(
            completed.returncode, ["git", *args], completed.stdout, completed.stderr
        )
    return completed.stdout


def repo_root(path: Path) -> Path:
    """The top directory of the git work tree containing ``path``."""
    try:
        return Path(_git(Path(path), "rev-parse", "--show-toplevel").strip())
    except (subprocess.CalledProcessError, OSError) as error:
        detail = getattr(error, "stderr", None) or str(error)
        raise GateFailure(NOT_A_REPOSITORY, path=str(path), error=detail.strip()) from error


def dirty_files(repo: Path) -> list[str]:
    """Paths that ``git status`` reports as modified, staged or untracked (not ignored)."""
    output = _git(repo, "status", "--porcelain=v1", "--untracked-files=all", "-z")
    # -z: entries are "XY path\0"; a rename adds its source as an extra entry.
    entries = [entry for entry in output.split("\0") if entry]
    files: list[str] = []
    skip_next = False
    for entry in entries:
        if skip_next:
            skip_next = False
            continue
        status, name = entry[:2], entry[3:]
        files.append(name)
        skip_next = "R" in status or "C" in status
    return sorted(files)


def require_clean(repo: Path) -> None:
    """Raise ``build.dirty-tree`` naming the files when the work tree is not clean."""
    files = dirty_files(repo)
    if files:
        raise GateFailure(DIRTY_TREE, files=", ".join(files))


def resolve_commit(repo: Path, ref: str) -> str:
    """The full sha of the commit ``ref`` names."""
    try:
        return _git(repo, "rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}").strip()
    except subprocess.CalledProcessError as error:
        raise GateFailure(
            UNKNOWN_REF, ref=ref, repo=str(repo), error=(error.stderr or "").strip()
        ) from error


def commit_time(repo: Path, commit: str) -> int:
    """The committer time of ``commit`` in seconds since the epoch (``SOURCE_DATE_EPOCH``)."""
    return int(_git(repo, "log", "-1", "--format=%ct", commit).strip())


def export_commit(
    repo: Path, commit: str, destination: Path, *, umask: int, mtime: int | None = None
) -> Path:
    """Extract the tree of ``commit`` into ``destination`` (created) and return it.

    ``git archive | tar -x`` runs under ``umask`` and ``tar`` applies it even as
    root, so two exports can differ in file modes. ``mtime`` (seconds since the
    epoch) is then set on every file: ``git archive`` stamps files with the commit
    time, so a build that leaks source mtimes shows up when another one is given
    (see :func:`release_gates.gates.build_source_date.second_export_mtime`).
    """
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=False)
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        error = archive.stderr.decode(errors="replace").strip()
        raise GateFailure(EXPORT_FAILED, commit=commit, error=error)
    extract = subprocess.run(
        ["tar", "-x", "--no-same-owner", "--no-same-permissions", "-C", str(destination)],
        input=archive.stdout,
        capture_output=True,
        check=False,
        umask=umask,
    )
    if extract.returncode != 0:
        error = extract.stderr.decode(errors="replace").strip()
        raise GateFailure(EXPORT_FAILED, commit=commit, error=error)
    if mtime is not None:
        for directory, _dirs, files in os.walk(destination):
            for name in files:
                path = Path(directory) / name
                if not path.is_symlink():
                    os.utime(path, (mtime, mtime))
    return destination

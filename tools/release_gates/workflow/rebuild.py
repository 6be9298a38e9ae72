# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Independent rebuild: build the commit again elsewhere and demand the build job's sha256.

    python -m release_gates.workflow.rebuild --sums checksums/SHA256SUMS [--ref HEAD] [--repo .]

The build gate proves reproducibility on one machine (a second export, other
path, umask and mtimes). publish.yml's ``rebuild-macos`` job runs this on another
runner image and OS: the same clean export of the tagged commit, the same
``SOURCE_DATE_EPOCH`` (the commit time), the same pinned backend, one build —
and every dist must have exactly the sha256 the build job wrote into
``SHA256SUMS``. Sign and attest need this job, so nothing is signed that a
second, independent machine could not reproduce.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from release_gates._internal.checksums import read_sha256sums, sha256_file
from release_gates.gates import build
from release_gates.gates import build_export as export
from release_gates.gates import build_source_date as source_date
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "rebuild"

SUMS_UNREADABLE = Problem(
    "rebuild.sums-unreadable",
    "{sums} cannot be used: {problems}",
    "Download the build job's `checksums` artifact next to the checkout and pass its "
    "SHA256SUMS with --sums.",
)
DIFFERS = Problem(
    "rebuild.differs",
    "an independent rebuild of {commit} does not reproduce the build job's dists: {differences}",
    "Do not sign or publish: the build depends on the machine it runs on (OS, file system, "
    "tool versions). Compare the two builds member by member (docs/reproducing.md) and make "
    "the build depend only on the commit and SOURCE_DATE_EPOCH.",
)


def rebuild(repo: Path, ref: str, sums: Path) -> GateResult:
    """Build ``ref`` once from a clean export and compare every dist with ``sums``."""
    expected, problems = read_sha256sums(sums)
    if problems or not expected:
        listing = "; ".join(p.message for p in problems) or "lists no files"
        raise GateFailure(SUMS_UNREADABLE, sums=sums, problems=listing)
    root = export.repo_root(repo)
    commit = export.resolve_commit(root, ref)
    epoch = export.commit_time(root, commit)
    source_date.check_storable(epoch, commit)
    with tempfile.TemporaryDirectory(prefix="release-gates-rebuild-") as scratch:
        tree = export.export_commit(root, commit, Path(scratch) / "src", umask=build.FIRST_UMASK)
        backend = build.check_backend_pins(tree)
        dists = build.run_build(
            tree, Path(scratch) / "dist", epoch, build.FIRST_UMASK, "independent rebuild"
        )
        built = {path.name: sha256_file(path) for path in (dists.sdist, dists.wheel)}
    differences = [
        f"{name}: rebuilt {built.get(name, 'nothing')}, build job {expected.get(name, 'nothing')}"
        for name in sorted(set(built) | set(expected))
        if built.get(name) != expected.get(name)
    ]
    if differences:
        raise GateFailure(DIFFERS, commit=commit[:12], differences="; ".join(differences))
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=(
            f"independent rebuild of {commit[:12]} (SOURCE_DATE_EPOCH={epoch}, "
            f"{', '.join(backend)}) reproduces the build job's sha256 of "
            f"{', '.join(sorted(built))}"
        ),
        details={"commit": commit, "source_date_epoch": epoch, "sha256": built},
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.workflow.rebuild", description=__doc__
    )
    parser.add_argument("--sums", type=Path, required=True, help="the build job's SHA256SUMS")
    parser.add_argument("--ref", default="HEAD", help="the commit to rebuild (default HEAD)")
    parser.add_argument("--repo", type=Path, default=Path(), help="the git checkout (default .)")
    args = parser.parse_args(argv)
    return run_gate(GATE, lambda: rebuild(args.repo, args.ref, args.sums))


if __name__ == "__main__":
    sys.exit(main())

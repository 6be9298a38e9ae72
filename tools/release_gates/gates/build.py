# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``build`` gate: build once from a clean export, prove it, inspect it, hash it.

``python -m release_gates.gates.build [--out dist] [--ref HEAD] [--expect-version X.Y.Z]``

1. Refuse a dirty work tree; export ``REF`` with ``git archive`` into a temp dir.
2. ``SOURCE_DATE_EPOCH`` = commit time; ``python -m build --no-isolation`` with the
   backend from the gate's hash-locked environment, which must be exactly the
   version ``[build-system] requires`` pins.
3. Rebuild from a second export (other path, other umask, mtimes over a year off), and the
   wheel from the sdist: every archive must be byte-identical to the first.
4. ``twine check --strict``, ``check-wheel-contents``, metadata against
   ``pyproject.toml``, file lists against ``security/dist-contents.toml``.
5. Copy the dists into ``--out`` and write ``SHA256SUMS`` beside them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from release_gates._internal.checksums import SUMS_NAME, sha256_file, write_sha256sums
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import build_export as export
from release_gates.gates import build_inspect as inspect_dists
from release_gates.gates import build_policy
from release_gates.gates import build_reproducible as reproducible
from release_gates.gates import build_source_date as source_date
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "build"
# The shipped build runs under the usual umask; the proof build under another.
FIRST_UMASK = 0o022
SECOND_UMASK = 0o002
BACKEND_NOT_PINNED = Problem(
    "build.backend-not-pinned",
    "[build-system] requires {requirement!r}: every build requirement must be pinned with ==",
    "Pin the backend exactly in pyproject.toml (another hatchling version changes the bytes) "
    "and lock the same version in security/build.in.",
)
BACKEND_VERSION_MISMATCH = Problem(
    "build.backend-version-mismatch",
    "[build-system] pins {name}=={pinned} but the gate's environment has {installed}",
    "Make security/build.in pin the same version as pyproject.toml [build-system], then "
    "`scripts/nox -s lock -- build` (and gate-tests).",
)
BUILD_FAILED = Problem(
    "build.build-failed",
    "python -m build failed for the {which} (exit {code}):\n{output}",
    "Read the build output above; reproduce with `python -m build --no-isolation` in a clean "
    "checkout of the commit.",
)
UNEXPECTED_BUILD_OUTPUT = Problem(
    "build.unexpected-output",
    "the {which} produced {files}, expected exactly one sdist and one wheel",
    "The project must build one pure-Python wheel and one sdist; check the build backend.",
)
NOT_REPRODUCIBLE = Problem(
    "build.not-reproducible",
    "the build is not reproducible; differing members: {differences}",
    "Something in the build depends on time, path, umask or randomness (often a build hook or "
    "a generated file). Make it depend only on the commit and SOURCE_DATE_EPOCH; see "
    "docs/reproducing.md.",
)


@dataclass(frozen=True)
class BuildOutput:
    """The sdist and wheel of one build."""

    sdist: Path
    wheel: Path


def check_backend_pins(source_root: Path) -> list[str]:
    """Every ``[build-system] requires`` must be ``==``-pinned and installed at that version."""
    requires = load_toml(source_root / "pyproject.toml").get("build-system", {}).get("requires", [])
    pins: list[str] = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise GateFailure(BACKEND_NOT_PINNED, requirement=text) from error
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
            raise GateFailure(BACKEND_NOT_PINNED, requirement=text)
        pinned = specifiers[0].version
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            installed = "nothing (not installed)"
        if installed != pinned and not _same_version(installed, pinned):
            raise GateFailure(
                BACKEND_VERSION_MISMATCH, name=requirement.name, pinned=pinned, installed=installed
            )
        pins.append(f"{requirement.name}=={pinned}")
    if not pins:
        raise GateFailure(BACKEND_NOT_PINNED, requirement="(nothing)")
    return pins


def _same_version(installed: str, pinned: str) -> bool:
    try:
        return Version(installed) == Version(pinned)
    except InvalidVersion:
        return False


def run_build(
    source: Path, outdir: Path, epoch: int, umask: int, which: str, wheel_only: bool = False
) -> BuildOutput:
    """``python -m build --no-isolation`` of ``source`` into ``outdir`` under ``umask``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    targets = ["--wheel"] if wheel_only else ["--sdist", "--wheel"]
    completed = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", *targets, "--outdir", str(outdir)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        umask=umask,
    )
    if completed.returncode != 0:
        output = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-40:])
        raise GateFailure(BUILD_FAILED, which=which, code=completed.returncode, output=output)
    sdists = sorted(outdir.glob("*.tar.gz"))
    wheels = sorted(outdir.glob("*.whl"))
    if len(wheels) != 1 or len(sdists) != (0 if wheel_only else 1):
        files = ", ".join(p.name for p in sorted(outdir.iterdir())) or "nothing"
        raise GateFailure(UNEXPECTED_BUILD_OUTPUT, which=which, files=files)
    return BuildOutput(sdist=sdists[0] if sdists else Path(), wheel=wheels[0])


def unpack_sdist(sdist: Path, destination: Path) -> Path:
    """Extract ``sdist`` safely and return its single top directory."""
    destination.mkdir(parents=True)
    with tarfile.open(sdist, "r:gz") as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(destination, filter="data")
        else:  # pragma: no cover - Pythons without PEP 706 filters
            for member in archive.getmembers():
                if member.name.startswith("/") or ".." in Path(member.name).parts:
                    raise GateFailure(
                        UNEXPECTED_BUILD_OUTPUT, which="sdist", files=f"unsafe path {member.name}"
                    )
            archive.extractall(destination)  # noqa: S202 - checked above
    tops = [p for p in destination.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise GateFailure(UNEXPECTED_BUILD_OUTPUT, which="sdist", files=str(tops))
    return tops[0]


def prove_reproducible(
    first: BuildOutput, second: BuildOutput, wheel_from_sdist: Path
) -> list[str]:
    """Compare the three builds; raise ``build.not-reproducible`` listing what differs."""
    comparisons = [
        ("sdist, second export", first.sdist, second.sdist),
        ("wheel, second export", first.wheel, second.wheel),
        ("wheel, built from the sdist", first.wheel, wheel_from_sdist),
    ]
    differences: list[str] = []
    done: list[str] = []
    for label, a, b in comparisons:
        found = reproducible.compare_archives(a, b)
        differences += [f"[{label}] {difference}" for difference in found]
        done.append(f"{label}: {'identical' if not found else f'{len(found)} member(s) differ'}")
    if differences:
        raise GateFailure(NOT_REPRODUCIBLE, differences="; ".join(differences))
    return done


def _replace_in_out(first: BuildOutput, out: Path, dist_prefix: str) -> list[Path]:
    """Replace the previous dists of this project in ``out`` with the new ones."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob(f"{dist_prefix}-*.tar.gz"), *out.glob(f"{dist_prefix}-*.whl")]:
        stale.unlink()
    (out / SUMS_NAME).unlink(missing_ok=True)
    copied = []
    for source in (first.sdist, first.wheel):
        target = out / source.name
        shutil.copy2(source, target)
        copied.append(target)
    return copied


def build_gate(repo: Path, ref: str, out: Path, expect_version: str | None) -> GateResult:
    """Run the whole gate for ``ref`` of the repository at ``repo``; dists go to ``out``."""
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[step] = round(now - clock, 3)
        clock = now

    root = export.repo_root(repo)
    export.require_clean(root)
    commit = export.resolve_commit(root, ref)
    epoch = export.commit_time(root, commit)
    source_date.check_storable(epoch, commit)  # before building: the backend would crash
    out = out if out.is_absolute() else Path.cwd() / out
    with tempfile.TemporaryDirectory(prefix="release-gates-build-") as scratch:
        tmp = Path(scratch)
        first_tree = export.export_commit(root, commit, tmp / "a" / "src", umask=FIRST_UMASK)
        declaration = build_policy.load_declaration(first_tree, expect_version)
        policy = build_policy.load_policy(first_tree)
        pins = check_backend_pins(first_tree)
        lap("export")
        first = run_build(first_tree, tmp / "a" / "dist", epoch, FIRST_UMASK, "first build")
        lap("build")
        second_tree = export.export_commit(
            root,
            commit,
            tmp / "b" / "another" / "checkout",
            umask=SECOND_UMASK,
            mtime=source_date.second_export_mtime(epoch),
        )
        unpacked = unpack_sdist(first.sdist, tmp / "c" / "unpacked")
        # The two proof builds are independent processes: run them side by side.
        with ThreadPoolExecutor(max_workers=2) as pool:
            second_job = pool.submit(
                run_build, second_tree, tmp / "b" / "dist", epoch, SECOND_UMASK, "second build"
            )
            from_sdist_job = pool.submit(
                run_build,
                unpacked,
                tmp / "c" / "dist",
                epoch,
                FIRST_UMASK,
                "wheel from sdist",
                True,
            )
            second, from_sdist = second_job.result(), from_sdist_job.result()
        lap("rebuilds")
        comparisons = prove_reproducible(first, second, from_sdist.wheel)
        lap("compare")
        inspect_dists.check_contents(first.sdist, first.wheel, policy, declaration)
        metadata = inspect_dists.check_metadata(first.sdist, first.wheel, declaration, policy)
        twine_output = inspect_dists.run_twine_check([first.sdist, first.wheel])
        wheel_contents_output = inspect_dists.run_check_wheel_contents(
            first.wheel, policy, first_tree
        )
        lap("inspect")
        sdist_tree = inspect_dists.render_tree(
            first.sdist.name, inspect_dists.sdist_names(first.sdist)
        )
        wheel_tree = inspect_dists.render_tree(
            first.wheel.name, inspect_dists.wheel_names(first.wheel)
        )
        copied = _replace_in_out(first, out, declaration.dist_name)
    sums = write_sha256sums(out, copied)
    lap("write dist")
    dists: list[dict[str, Any]] = [
        {"name": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}
        for path in copied
    ]
    print(sdist_tree, wheel_tree, sep="\n\n")
    print()
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=(
            f"{declaration.name} {declaration.version} from {commit[:12]}: sdist and wheel "
            f"reproducible (3 builds), inspected, {sums.name} written to {out}"
        ),
        details={
            "commit": commit,
            "ref": ref,
            "source_date_epoch": epoch,
            "backend": pins,
            "dists": dists,
            "sha256sums": str(sums),
            "metadata": metadata,
            "reproducibility": comparisons,
            "sdist_tree": sdist_tree,
            "wheel_tree": wheel_tree,
            "twine_check": twine_output,
            "check_wheel_contents": wheel_contents_output,
            "timings_s": timings,
        },
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the gate."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.build", description=__doc__
    )
    parser.add_argument("--out", type=Path, default=Path("dist"), help="where the dists go")
    parser.add_argument("--ref", default="HEAD", help="the commit to build (default HEAD)")
    parser.add_argument("--expect-version", help="fail unless the project version is this")
    parser.add_argument("--repo", type=Path, default=Path(), help="the git checkout (default .)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the gate, report, return the exit code."""
    options = parse_args(argv)
    return run_gate(
        GATE, lambda: build_gate(options.repo, options.ref, options.out, options.expect_version)
    )


if __name__ == "__main__":
    raise SystemExit(main())

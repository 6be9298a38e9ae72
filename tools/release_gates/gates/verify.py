# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``verify``: the signature check (Sigstore bundles, offline) and the checksum check.

    python -m release_gates.gates.verify FILE... --identity IDENTITY [--issuer URL]
    python -m release_gates.gates.verify FILE... --release-identity vX.Y.Z
    python -m release_gates.gates.verify --checksums-only DIR

Each FILE must have its bundle beside it (``FILE.sigstore.json``, or the older
``FILE.sigstore``); a missing bundle fails. ``sigstore verify identity --offline``
checks it with the trust root shipped in the sigstore package, so no network is
needed. ``--release-identity`` builds Duckalog's own signer identity,
``https://github.com/OWNER/REPO/WORKFLOW@refs/tags/vX.Y.Z``, from
``[tool.duckalog-release]`` in pyproject.toml. When a ``SHA256SUMS`` lies beside
the files it must match them and list every FILE.

``--checksums-only DIR`` is the checksum check alone: ``DIR/SHA256SUMS`` against
the files beside it. It is what the local rehearsal can check (signatures are made
only by the GitHub workflow, with Sigstore's services and an OIDC token, and
nothing here fakes one; its summary says so), and what every workflow job runs
right after downloading the dists.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from release_gates._internal import checksums, paths
from release_gates._internal.release_config import GITHUB_ACTIONS_ISSUER, read_release_config
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "verify"
BUNDLE_SUFFIXES = (".sigstore.json", ".sigstore")
SIGSTORE_TIMEOUT_S = 120

NOTHING_TO_VERIFY = Problem(
    "verify.nothing-to-verify",
    "no files given",
    "Pass the release files (`nox -s verify -- dist/*.whl dist/*.tar.gz --identity ...`) "
    "or `--checksums-only DIR`.",
)
NO_IDENTITY = Problem(
    "verify.no-identity",
    "no signer identity given",
    "Pass --identity (the certificate's SAN) or --release-identity vX.Y.Z for a Duckalog release.",
)
BAD_TAG = Problem(
    "verify.bad-tag",
    "{tag!r} is not a release tag like v1.2.3",
    "Pass the tag the release was built from, e.g. --release-identity v0.1.0.",
)
FILE_MISSING = Problem(
    "verify.file-missing",
    "{file} does not exist",
    "Download the release file next to its bundle, or fix the path.",
)
BUNDLE_MISSING = Problem(
    "verify.bundle-missing",
    "{file} has no Sigstore bundle (looked for {candidates})",
    "Download the file's .sigstore.json from the GitHub release into the same directory. "
    "An unsigned file is never accepted.",
)
SIGSTORE_MISSING = Problem(
    "verify.sigstore-missing",
    "the sigstore package is not installed in this environment ({python})",
    "Run the gate through `scripts/nox -s verify`, which installs security/verify.txt.",
)
SIGNATURE_INVALID = Problem(
    "verify.signature-invalid",
    "{file}: Sigstore verification failed for identity {identity} (issuer {issuer}): {output}",
    "Do not install or publish this file: it changed after signing or was signed by another "
    "identity. Check that the identity names the right repository, workflow and tag.",
)
CHECKSUMS_FAILED = Problem(
    "verify.checksums-failed",
    "{path} does not match the files: {problems}",
    "A file changed after SHA256SUMS was written, or a file is missing: do not release or "
    "install it. Rebuild (`scripts/nox -s build`) or download the release again.",
)
NOT_IN_CHECKSUMS = Problem(
    "verify.not-in-checksums",
    "{file} is not listed in {path}",
    "Verify only files of the release, or rebuild so SHA256SUMS lists every dist.",
)


def release_identity(tag: str, pyproject: Path = paths.PYPROJECT) -> str:
    """Duckalog's signer identity for ``tag``, from ``[tool.duckalog-release]``."""
    if not re.fullmatch(r"v\d+(\.\d+)*([a-z0-9.+-]*)", tag):
        raise GateFailure(BAD_TAG, tag=tag)
    return read_release_config(pyproject).identity(tag)


def release_issuer(pyproject: Path = paths.PYPROJECT) -> str:
    """The OIDC issuer configured for releases (``oidc-issuer``, GitHub Actions' by default)."""
    return read_release_config(pyproject).oidc_issuer


def find_bundle(file: Path) -> Path:
    """``FILE.sigstore.json``, else ``FILE.sigstore``; fails if neither exists."""
    candidates = [file.with_name(file.name + suffix) for suffix in BUNDLE_SUFFIXES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise GateFailure(BUNDLE_MISSING, file=file, candidates=", ".join(c.name for c in candidates))


def verify_signature(file: Path, identity: str, issuer: str, staging: bool = False) -> Path:
    """Run ``sigstore verify identity --offline`` on ``file``; return the bundle used.

    ``staging`` checks against Sigstore's staging trust root (dry runs sign there).
    """
    if not file.is_file():
        raise GateFailure(FILE_MISSING, file=file)
    bundle = find_bundle(file)
    command = [
        sys.executable, "-m", "sigstore", *(["--staging"] if staging else []),
        "verify", "identity", "--offline",
        "--bundle", str(bundle), "--cert-identity", identity, "--cert-oidc-issuer", issuer,
        str(file),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=SIGSTORE_TIMEOUT_S,
            check=False,
            # Plain, wide output: the failure message is quoted in the gate's result.
            env={**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"},
        )
        code, output = done.returncode, (done.stdout + done.stderr).strip()
    except subprocess.TimeoutExpired:
        code, output = -1, f"sigstore did not finish within {SIGSTORE_TIMEOUT_S} s"
    # Accept only an explicit OK for this file: an exit code 0 alone could come from anything.
    if code != 0 or f"OK: {file}" not in output:
        raise GateFailure(
            SIGNATURE_INVALID, file=file, identity=identity, issuer=issuer, output=output[-1500:]
        )
    return bundle


def check_sums_beside(files: Sequence[Path]) -> list[str]:
    """Check the ``SHA256SUMS`` of each directory holding ``files``; return the ones checked."""
    checked = []
    for directory in sorted({file.parent for file in files}):
        sums = directory / checksums.SUMS_NAME
        if not sums.exists():
            continue
        check_sums_file(sums)
        listed, _ = checksums.read_sha256sums(sums)
        for file in files:
            if file.parent == directory and file.name != sums.name and file.name not in listed:
                raise GateFailure(NOT_IN_CHECKSUMS, file=file, path=sums)
        checked.append(str(sums))
    return checked


def check_sums_file(sums: Path) -> dict[str, str]:
    """Fail unless ``sums`` parses and every file it lists (and every dist beside it) matches."""
    problems = checksums.verify_sha256sums(sums)
    if problems:
        raise GateFailure(CHECKSUMS_FAILED, path=sums, problems="; ".join(map(str, problems)))
    listed, _ = checksums.read_sha256sums(sums)
    return listed


@dataclass(frozen=True)
class Request:
    """What to verify, parsed from the command line."""

    files: tuple[Path, ...]
    identity: str | None
    issuer: str
    checksums_dir: Path | None
    staging: bool = False  # bundles of a dry run (Sigstore's staging instance)


def verify(request: Request) -> GateResult:
    """Verify signatures (or only checksums) as requested."""
    if request.checksums_dir is not None:
        listed = check_sums_file(request.checksums_dir / checksums.SUMS_NAME)
        for name, digest in sorted(listed.items()):
            print(f"verify: {name}: sha256 {digest} matches SHA256SUMS")
        return GateResult(
            gate=GATE,
            status=Status.PASSED,
            summary=f"{len(listed)} file(s) match SHA256SUMS; signatures not checked here "
            "(they are made and verified in the release workflow)",
            details={"checksums": listed, "signatures": "not checked (checksums-only)"},
        )
    if not request.files:
        raise GateFailure(NOTHING_TO_VERIFY)
    if not request.identity:
        raise GateFailure(NO_IDENTITY)
    if importlib.util.find_spec("sigstore") is None:
        raise GateFailure(SIGSTORE_MISSING, python=sys.executable)
    verified = []
    failures: list[GateFailure] = []
    for file in request.files:  # check every file, so one run names every bad one
        try:
            bundle = verify_signature(file, request.identity, request.issuer, request.staging)
        except GateFailure as failure:
            print(f"verify: {file}: FAILED [{failure.problem.code}]", file=sys.stderr)
            failures.append(failure)
            continue
        print(f"verify: {file}: signature OK ({bundle.name})")
        verified.append({"file": str(file), "bundle": str(bundle)})
    if failures:
        raise failures[0]
    sums = check_sums_beside(request.files)
    for path in sums:
        print(f"verify: {path}: every listed file matches")
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=f"{len(verified)} file(s) signed by {request.identity}"
        + (f"; {', '.join(sums)} match" if sums else "; no SHA256SUMS beside them"),
        details={
            "identity": request.identity,
            "issuer": request.issuer,
            "verified": verified,
            "sha256sums": sums,
        },
    )


def parse_args(argv: Sequence[str]) -> Request:
    """The request from the command line; the identity may come from pyproject.toml."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.verify",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", type=Path, help="release files to verify")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--identity", help="expected certificate identity (SAN)")
    who.add_argument("--release-identity", metavar="TAG", help="Duckalog's identity for TAG")
    parser.add_argument("--issuer", help=f"expected OIDC issuer (default {GITHUB_ACTIONS_ISSUER})")
    parser.add_argument(
        "--staging",
        action="store_true",
        help="bundles made by a dry run, against Sigstore's staging instance",
    )
    parser.add_argument("--checksums-only", type=Path, metavar="DIR",
                        help="only check DIR/SHA256SUMS (no signatures exist locally)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.checksums_only is not None and args.files:
        parser.error("--checksums-only takes a directory, not files")
    identity = args.identity
    issuer = args.issuer
    if args.release_identity:
        identity = release_identity(args.release_identity)
        issuer = issuer or release_issuer()
    return Request(
        tuple(args.files),
        identity,
        issuer or GITHUB_ACTIONS_ISSUER,
        args.checksums_only,
        args.staging,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.gates.verify``."""
    return run_gate(GATE, lambda: verify(parse_args(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())

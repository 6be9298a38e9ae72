# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``version``: is this the version we mean to release, and to which index?

The version comes from a tag (``--tag vX.Y.Z``), a workflow dispatch
(``--version X.Y.Z``) or, for the local rehearsal, ``pyproject.toml`` itself. It
must be a valid, normalized PEP 440 version, equal to ``[project].version``, with
a ``## [X.Y.Z]`` section in ``CHANGELOG.md``. A final release goes to PyPI, a
pre- or dev-release to TestPyPI; a pre-release never goes to PyPI, and a dispatch
to PyPI must repeat the version in ``--confirm``. A local version (``1.0+abc``) is
refused for every channel: both indexes refuse it at upload. ``--dist DIR`` also
compares the version in the built wheel's METADATA and the sdist's PKG-INFO.

Before anything is built, the target index is read (:mod:`release_gates.gates.version_index`):
a version already there fails, naming its files. ``--offline`` without an index
URL leaves that check NOT RUN, and the gate's result is then NOT RUN too.

The decision is written to ``$GITHUB_OUTPUT`` (``version=``, ``channel=``, ...)
when that variable is set, so the workflow's later jobs read it from here.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from release_gates._internal.tomlfile import load_toml
from release_gates.gates import version_index
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "version"
PYPI = "pypi"
TESTPYPI = "testpypi"
CHANNELS = (PYPI, TESTPYPI)

TAG_FORMAT = Problem(
    "version.tag-format",
    "tag {tag!r} is not of the form vX.Y.Z",
    "Tag releases as `v` followed by the exact version from pyproject.toml, e.g. `v1.2.3`.",
)
INVALID = Problem(
    "version.invalid",
    "{version!r} is not a valid PEP 440 version",
    "Use a PEP 440 version such as 1.2.3, 1.2.3rc1 or 1.2.3.dev1.",
)
NOT_NORMALIZED = Problem(
    "version.not-normalized",
    "{version!r} (from {source}) is not in normalized PEP 440 form (normalized: {normalized!r})",
    "Write the normalized form in pyproject.toml, CHANGELOG.md and the tag, so the "
    "file names on the index match the tag.",
)
PYPROJECT_MISSING = Problem(
    "version.pyproject-missing",
    "{path} has no [project].version",
    "Set the version in pyproject.toml under [project]; it is written only there.",
)
PYPROJECT_MISMATCH = Problem(
    "version.pyproject-mismatch",
    "release version {version!r} (from {source}) differs from pyproject.toml [project].version "
    "{pyproject!r}",
    "Bump [project].version in pyproject.toml and commit before tagging, or tag the version "
    "that pyproject.toml holds.",
)
CHANGELOG_MISSING = Problem(
    "version.changelog-missing",
    "CHANGELOG.md has no '## [{version}]' section",
    # Fix texts are shown as written (never formatted): the message above names the version.
    "Add a section for exactly this version to CHANGELOG.md, headed like '## [1.2.0rc1] - "
    "2026-12-01'. A pre-release needs its own section, apart from the final release's.",
)
LOCAL_VERSION = Problem(
    "version.local-version",
    "{version!r} (from {source}) carries the local version label {local!r}; PyPI and TestPyPI "
    "refuse local versions at upload",
    "Release a public version: drop the `+...` part (a VCS-derived version adds it for "
    "commits after a tag), e.g. tag the commit and set [project].version to the tag's version.",
)
PRERELEASE_TO_PYPI = Problem(
    "version.prerelease-to-pypi",
    "{version} is a pre-release and cannot be published to PyPI",
    "Publish pre-releases to TestPyPI (--channel testpypi), or release a final version.",
)
UNKNOWN_CHANNEL = Problem(
    "version.unknown-channel",
    "unknown channel {channel!r} (known: pypi, testpypi)",
    "Pass --channel pypi or --channel testpypi.",
)
CONFIRM_MISMATCH = Problem(
    "version.confirm-mismatch",
    "a dispatch to PyPI needs --confirm {version}, got {confirm!r}",
    "Type the exact version into the workflow's confirm field to publish it to PyPI.",
)
DIST_MISSING = Problem(
    "version.dist-missing",
    "{dist} holds no {kind} of {name}",
    "Run the build gate first (`nox -s build`), which writes the wheel and sdist to dist/.",
)
DIST_MISMATCH = Problem(
    "version.dist-mismatch",
    "{file}: {field} is {found!r}, expected {expected!r}",
    "Rebuild from the tagged commit: the dists were built from another version of pyproject.toml.",
)


@dataclass(frozen=True)
class Decision:
    """The outcome of the version gate: what is released, from where, to which index."""

    version: str
    channel: str
    source: str
    prerelease: bool
    dry_run: bool

    def outputs(self) -> dict[str, str]:
        """The key=value pairs written to ``$GITHUB_OUTPUT``."""
        return {
            "version": self.version,
            "channel": self.channel,
            "prerelease": str(self.prerelease).lower(),
            "dry-run": str(self.dry_run).lower(),
        }


def pyproject_project(root: Path) -> dict[str, Any]:
    """The ``[project]`` table of ``root/pyproject.toml``."""
    project = load_toml(root / "pyproject.toml").get("project", {})
    return project if isinstance(project, dict) else {}


def version_from_tag(tag: str) -> str:
    """``v1.2.3`` -> ``1.2.3``; anything else is a :data:`TAG_FORMAT` failure."""
    tag = tag.removeprefix("refs/tags/")
    if not tag.startswith("v") or len(tag) < 2:
        raise GateFailure(TAG_FORMAT, tag=tag)
    return tag[1:]


def check_normalized(version: str, source: str = "the release version") -> Version:
    """Parse ``version``; it must be valid PEP 440, normalized and public (no ``+local``)."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise GateFailure(INVALID, version=version) from None
    if str(parsed) != version:
        raise GateFailure(NOT_NORMALIZED, version=version, source=source, normalized=str(parsed))
    if parsed.local is not None:
        # Every channel: PyPI and TestPyPI both refuse them, and only at upload.
        raise GateFailure(LOCAL_VERSION, version=version, source=source, local=f"+{parsed.local}")
    return parsed


def check_changelog(changelog: Path, version: str) -> None:
    """``changelog`` must have a ``## [version]`` heading."""
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    if not re.search(rf"^## \[{re.escape(version)}\]", text, re.MULTILINE):
        raise GateFailure(CHANGELOG_MISSING, version=version)


def choose_channel(
    version: Version,
    requested: str | None,
    *,
    dispatch: bool,
    confirm: str | None,
    dry_run: bool,
) -> str:
    """Final -> PyPI, pre/dev -> TestPyPI; enforce the rules of a requested channel."""
    default = TESTPYPI if version.is_prerelease else PYPI
    channel = requested or default
    if channel not in CHANNELS:
        raise GateFailure(UNKNOWN_CHANNEL, channel=channel)
    if channel == PYPI and version.is_prerelease:
        raise GateFailure(PRERELEASE_TO_PYPI, version=str(version))
    # A human started this upload to the real index by hand: make them type the version.
    if dispatch and channel == PYPI and not dry_run and confirm != str(version):
        raise GateFailure(CONFIRM_MISMATCH, version=str(version), confirm=confirm)
    return channel


def decide(
    root: Path,
    *,
    tag: str | None = None,
    version: str | None = None,
    channel: str | None = None,
    confirm: str | None = None,
    dry_run: bool = False,
) -> Decision:
    """Run every check of the gate on the tree at ``root`` and return the decision."""
    project = pyproject_project(root)
    pyproject_version = project.get("version")
    if not isinstance(pyproject_version, str):
        raise GateFailure(PYPROJECT_MISSING, path=root / "pyproject.toml")
    if tag is not None:
        source, candidate = f"tag {tag}", version_from_tag(tag)
    elif version is not None:
        source, candidate = "dispatch --version", version
    else:
        source, candidate = "pyproject.toml", pyproject_version
    parsed = check_normalized(candidate, source)
    if candidate != pyproject_version:
        # Name pyproject's own fault (e.g. " 1.0.0") before calling it a mismatch.
        check_normalized(pyproject_version, "pyproject.toml [project].version")
        raise GateFailure(
            PYPROJECT_MISMATCH, version=candidate, source=source, pyproject=pyproject_version
        )
    check_changelog(root / "CHANGELOG.md", candidate)
    chosen = choose_channel(
        parsed, channel, dispatch=version is not None, confirm=confirm, dry_run=dry_run
    )
    return Decision(candidate, chosen, source, parsed.is_prerelease, dry_run)


def _metadata_fields(text: str) -> tuple[str, str]:
    message = email.parser.HeaderParser().parsestr(text)
    return str(message.get("Name", "")), str(message.get("Version", ""))


def read_wheel_metadata(wheel: Path) -> tuple[str, str]:
    """(Name, Version) from the wheel's ``*.dist-info/METADATA``."""
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        if len(members) != 1:
            raise GateFailure(
                DIST_MISMATCH, file=wheel.name, field="METADATA", found=members, expected="one"
            )
        return _metadata_fields(archive.read(members[0]).decode("utf-8"))


def read_sdist_metadata(sdist: Path) -> tuple[str, str]:
    """(Name, Version) from the sdist's top-level ``PKG-INFO``."""
    with tarfile.open(sdist, "r:gz") as archive:
        members = [m for m in archive.getmembers() if re.fullmatch(r"[^/]+/PKG-INFO", m.name)]
        handle = archive.extractfile(members[0]) if len(members) == 1 else None
        if handle is None:
            raise GateFailure(
                DIST_MISMATCH, file=sdist.name, field="PKG-INFO", found=len(members), expected=1
            )
        return _metadata_fields(handle.read().decode("utf-8"))


def check_dist_metadata(dist: Path, name: str, version: str) -> list[str]:
    """The wheel(s) and sdist(s) of ``name`` in ``dist`` must all say ``version``.

    Returns the file names checked. Other files in ``dist`` (SBOM, sums) are ignored.
    """
    prefix = canonicalize_name(name).replace("-", "_")
    wheels = sorted(dist.glob(f"{prefix}-*.whl"))
    sdists = sorted(dist.glob(f"{prefix}-*.tar.gz"))
    for kind, files in (("wheel", wheels), ("sdist", sdists)):
        if not files:
            raise GateFailure(DIST_MISSING, dist=dist, kind=kind, name=name)
    checked: list[str] = []
    for path, (meta_name, meta_version) in [
        *((w, read_wheel_metadata(w)) for w in wheels),
        *((s, read_sdist_metadata(s)) for s in sdists),
    ]:
        file_version = path.name[len(prefix) + 1 :].split("-")[0].removesuffix(".tar.gz")
        for field, found, expected in (
            ("file name version", file_version, version),
            ("metadata Name", canonicalize_name(meta_name), canonicalize_name(name)),
            ("metadata Version", meta_version, version),
        ):
            if found != expected:
                raise GateFailure(
                    DIST_MISMATCH, file=path.name, field=field, found=found, expected=expected
                )
        checked.append(path.name)
    return checked


def write_github_output(decision: Decision) -> None:
    """Append the decision to ``$GITHUB_OUTPUT`` when running in a workflow."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            for key, value in decision.outputs().items():
                handle.write(f"{key}={value}\n")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface of the gate."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.version", description=__doc__
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--tag", help="the pushed tag, vX.Y.Z (or refs/tags/vX.Y.Z)")
    source.add_argument("--version", help="the version of a manual workflow dispatch")
    parser.add_argument("--channel", help="pypi or testpypi (default: decided by the version)")
    parser.add_argument("--confirm", help="for a dispatch to PyPI: the version, typed again")
    parser.add_argument("--dry-run", action="store_true", help="nothing will be published")
    parser.add_argument("--dist", type=Path, help="also check the version inside these dists")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout")
    parser.add_argument(
        "--index-url",
        help="simple API checked for the version before anything is built (default: "
        f"${version_index.INDEX_URL_ENV}, else the channel's real index)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="no network: without --index-url the index check is NOT RUN (never passed)",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> GateResult:
    """Do the gate's work for parsed ``args``."""
    root: Path = args.root
    decision = decide(
        root,
        tag=args.tag,
        version=args.version,
        channel=args.channel,
        confirm=args.confirm,
        dry_run=args.dry_run,
    )
    details: dict[str, Any] = {**decision.outputs(), "source": decision.source}
    name = str(pyproject_project(root).get("name", ""))
    if args.dist is not None:
        details["dists_checked"] = check_dist_metadata(args.dist, name, decision.version)
    index = version_index.index_for(
        decision.channel, args.index_url, dict(os.environ), offline=args.offline
    )
    checked = version_index.check_version_free(name, decision.version, index)
    details.update(checked.details())
    write_github_output(decision)
    summary = f"{decision.version} from {decision.source} -> {decision.channel}"
    if args.dist is not None:
        summary += f"; dists agree ({', '.join(details['dists_checked'])})"
    if not checked.ran:
        summary += f"; index check NOT RUN ({checked.why}), so not releasable"
        return GateResult(gate=GATE, status=Status.NOT_RUN, summary=summary, details=details)
    summary += f"; not yet on {checked.index}"
    return GateResult(gate=GATE, status=Status.PASSED, summary=summary, details=details)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m release_gates.gates.version [--tag vX.Y.Z | --version X.Y.Z]``."""
    return run_gate(GATE, lambda: run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())

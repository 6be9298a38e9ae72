# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Is the release version still free on the target index? (part of the ``version`` gate)

An index never accepts a file name twice, so a version that is already there
(a fix committed without a version bump) can only fail at upload — after
signing, attestation and a reviewer's approval. The version gate therefore
reads the channel's simple API before anything is built: any file of the same
version (PEP 440 equality, so ``1.0`` and ``1.0.0`` are one version) fails,
naming the files already there.

The index is ``--index-url``, else ``$RELEASE_INDEX_SIMPLE_URL`` (the
rehearsal's local index), else the channel's real index. ``--offline`` without
an index URL does not read any index: the check is then NOT RUN, never passed.
An index that cannot be read fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from release_gates._internal import index as simple_api
from release_gates.problems import GateFailure, Problem

INDEX_URL_ENV = "RELEASE_INDEX_SIMPLE_URL"
CHANNEL_INDEX = {
    "pypi": "https://pypi.org/simple/",
    "testpypi": "https://test.pypi.org/simple/",
}

ALREADY_ON_INDEX = Problem(
    "version.already-on-index",
    "{project} {version} is already on {index}: {files}",
    "An index never accepts a file name twice: bump [project].version in pyproject.toml, add "
    "its CHANGELOG.md section, commit and tag the new version.",
)
INDEX_UNREADABLE = Problem(
    "version.index-unreadable",
    "cannot tell whether {project} {version} is already on {index}: {reason}",
    "Re-run the job once the index answers; check --index-url. The version check fails "
    "closed: it never passes an index it could not read.",
)


@dataclass(frozen=True)
class IndexCheck:
    """The outcome of the check: ``ran`` False means NOT RUN (and ``why`` says why)."""

    ran: bool
    index: str | None
    why: str = ""
    other_versions: tuple[str, ...] = field(default_factory=tuple)

    def details(self) -> dict[str, Any]:
        """What the gate's result records about the check."""
        if not self.ran:
            return {"index_check": "not run", "index_check_why": self.why}
        return {
            "index_check": "passed",
            "index": self.index,
            "index_other_versions": list(self.other_versions),
        }


def file_version(filename: str) -> Version | None:
    """The version in a wheel or sdist file name, or None for anything else."""
    try:
        if filename.endswith(".whl"):
            return Version(str(parse_wheel_filename(filename)[1]))
        if filename.endswith((".tar.gz", ".zip")):
            return Version(str(parse_sdist_filename(filename)[1]))
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return None


def index_for(
    channel: str, index_url: str | None, env: dict[str, str], offline: bool
) -> str | None:
    """The simple API to read: the given URL, the rehearsal's, else the channel's (not offline)."""
    if index_url:
        return index_url
    if env.get(INDEX_URL_ENV):
        return env[INDEX_URL_ENV]
    return None if offline else CHANNEL_INDEX[channel]


def check_version_free(project: str, version: str, index: str | None) -> IndexCheck:
    """Fail if ``index`` lists any file of ``project`` ``version``; ``index`` None -> NOT RUN."""
    if index is None:
        return IndexCheck(False, None, "--offline and no --index-url: the index was not read")
    try:
        listed = simple_api.project_files(index, project)
    except simple_api.IndexReadError as error:
        raise GateFailure(
            INDEX_UNREADABLE, project=project, version=version, index=index, reason=error.reason
        ) from error
    wanted = Version(version)
    same = sorted(name for name in listed if file_version(name) == wanted)
    if same:
        raise GateFailure(
            ALREADY_ON_INDEX, project=project, version=version, index=index, files=", ".join(same)
        )
    others = {str(v) for v in map(file_version, listed) if v is not None}
    return IndexCheck(True, index, other_versions=tuple(sorted(others, key=Version)))

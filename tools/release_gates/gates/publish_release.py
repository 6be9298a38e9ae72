# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What the publish gate publishes, and how it keeps credentials out of what it prints.

:func:`read_release` reads the dists beside ``SHA256SUMS`` (every one vouched
for, all of one project and version, wheel first); :class:`Log` prints progress
with every credential scrubbed and keeps it for the gate's result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import parse_sdist_filename, parse_wheel_filename

from release_gates._internal import checksums
from release_gates.problems import GateFailure, Problem

NO_DISTS = Problem(
    "publish.no-dists",
    "no wheel or sdist in {dist}",
    "Run the build gate first (`scripts/nox -s build`); it writes the dists and SHA256SUMS.",
)
NOT_ONE_RELEASE = Problem(
    "publish.not-one-release",
    "the dists in {dist} are not one release of one project: {found}",
    "Empty the dist directory and rebuild (`scripts/nox -s build`).",
)
BAD_CHECKSUMS = Problem(
    "publish.bad-checksums",
    "{dist}/SHA256SUMS does not vouch for the dists: {problems}",
    "Nothing was uploaded. Rebuild with `scripts/nox -s build`; never publish files that "
    "changed after SHA256SUMS was written.",
)


_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")


def secrets_from(env: Mapping[str, str]) -> list[str]:
    """The credential values in ``env`` that must never be printed."""
    values = [env.get("TWINE_PASSWORD", "")]
    username = env.get("TWINE_USERNAME", "")
    if username != "__token__":  # PyPI's fixed user name for tokens is not a secret
        values.append(username)
    return [value for value in values if value]


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret and any user:password@ in URLs replaced by ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _URL_USERINFO.sub(r"\g<scheme>***@", text)


def scrub_value(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` (text, or lists and dicts of it) with every secret scrubbed."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, (list, tuple)):
        return [scrub_value(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: scrub_value(item, secrets) for key, item in value.items()}
    text = str(value)
    return scrub(text, secrets) if scrub(text, secrets) != text else value


@dataclass
class Log:
    """Prints progress (scrubbed) and keeps it for the gate's details."""

    secrets: Sequence[str]
    lines: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        line = scrub(message, self.secrets)
        self.lines.append(line)
        print(f"publish: {line}", flush=True)


@dataclass(frozen=True)
class Dist:
    """One file of the release and the sha256 SHA256SUMS gives for it."""

    path: Path
    sha256: str
    is_wheel: bool

    @property
    def filename(self) -> str:
        """The file name on the index."""
        return self.path.name


@dataclass(frozen=True)
class Release:
    """The project, its version and its dists in upload order (wheels first)."""

    project: str
    version: str
    dists: tuple[Dist, ...]


def read_release(dist_dir: Path) -> Release:
    """The release in ``dist_dir``, with every dist vouched for by ``SHA256SUMS``."""
    paths = sorted(p for p in dist_dir.glob("*") if p.name.endswith(checksums.DIST_SUFFIXES))
    if not paths:
        raise GateFailure(NO_DISTS, dist=dist_dir)
    problems = checksums.verify_sha256sums(dist_dir / checksums.SUMS_NAME)
    if problems:
        raise GateFailure(BAD_CHECKSUMS, dist=dist_dir, problems="; ".join(map(str, problems)))
    sums, _ = checksums.read_sha256sums(dist_dir / checksums.SUMS_NAME)
    found: set[tuple[str, str]] = set()
    dists = []
    for path in paths:
        try:
            if path.name.endswith(".whl"):
                parsed_name, parsed_version, *_ = parse_wheel_filename(path.name)
            else:
                parsed_name, parsed_version = parse_sdist_filename(path.name)
        except ValueError as error:
            raise GateFailure(NOT_ONE_RELEASE, dist=dist_dir, found=str(error)) from error
        found.add((str(parsed_name), str(parsed_version)))
        dists.append(Dist(path, sums[path.name], path.name.endswith(".whl")))
    if len(found) != 1:
        raise GateFailure(NOT_ONE_RELEASE, dist=dist_dir, found=sorted(found))
    ((project, version),) = found
    dists.sort(key=lambda dist: (not dist.is_wheel, dist.filename))
    return Release(project, version, tuple(dists))

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Find the release's wheel and sdist in ``dist/`` and check them against ``SHA256SUMS``.

Used by the gates that consume what the build gate produced (smoke, sbom): they
must exercise exactly the bytes that ``SHA256SUMS`` names, or refuse.
"""

from __future__ import annotations

import email.message
import email.parser
import zipfile
from dataclasses import dataclass
from pathlib import Path

from release_gates._internal.checksums import SUMS_NAME, sha256_file, verify_sha256sums
from release_gates._internal.tomlfile import load_toml
from release_gates.problems import GateFailure, Problem

DIST_NOT_FOUND = Problem(
    "dists.not-found",
    "expected exactly one wheel and one sdist of {name} {version} in {dist}, found: {found}",
    "Run the build gate first (`scripts/nox -s build`); it writes the dists and SHA256SUMS "
    "into dist/. Remove stray dists of other versions.",
)
SUMS_INVALID = Problem(
    "dists.sums-invalid",
    "{sums} does not match the files: {problems}",
    "The dists changed after the build gate wrote SHA256SUMS: do not release them. "
    "Rebuild with `scripts/nox -s build`.",
)
WHEEL_METADATA = Problem(
    "dists.wheel-metadata",
    "{wheel} has no readable METADATA with Name {name} and Version {version}: {reason}",
    "The wheel does not belong to this release; rebuild with `scripts/nox -s build`.",
)


@dataclass(frozen=True)
class Dists:
    """The release's two distribution files and what identifies them."""

    name: str
    version: str
    wheel: Path
    sdist: Path

    def sha256(self) -> dict[str, str]:
        """``{file name: sha256}`` of the wheel and the sdist."""
        return {path.name: sha256_file(path) for path in (self.wheel, self.sdist)}


def project_name_version(pyproject: Path) -> tuple[str, str]:
    """``[project].name`` and ``.version`` from ``pyproject``."""
    project = load_toml(pyproject).get("project", {})
    return str(project["name"]), str(project["version"])


def find_dists(dist: Path, name: str, version: str) -> Dists:
    """The wheel and sdist of ``name`` ``version`` in ``dist``, verified against SHA256SUMS."""
    stem = name.replace("-", "_").lower()
    wheels = sorted(dist.glob(f"{stem}-*.whl")) if dist.is_dir() else []
    sdists = sorted(dist.glob(f"{stem}-*.tar.gz")) if dist.is_dir() else []
    wheel_name = f"{stem}-{version}-py3-none-any.whl"
    sdist_name = f"{stem}-{version}.tar.gz"
    found = [p.name for p in wheels + sdists]
    if [p.name for p in wheels] != [wheel_name] or [p.name for p in sdists] != [sdist_name]:
        raise GateFailure(
            DIST_NOT_FOUND, name=name, version=version, dist=str(dist), found=found or "nothing"
        )
    problems = verify_sha256sums(dist / SUMS_NAME)
    if problems:
        raise GateFailure(
            SUMS_INVALID,
            sums=str(dist / SUMS_NAME),
            problems="; ".join(p.message for p in problems),
        )
    dists = Dists(name=name, version=version, wheel=wheels[0], sdist=sdists[0])
    _check_wheel_metadata(dists)
    return dists


def wheel_metadata(wheel: Path) -> email.message.Message:
    """The parsed ``*.dist-info/METADATA`` of ``wheel``."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        if len(names) != 1:
            raise ValueError(f"{len(names)} METADATA files")
        text = archive.read(names[0]).decode("utf-8")
    return email.parser.Parser().parsestr(text)


def _check_wheel_metadata(dists: Dists) -> None:
    try:
        metadata = wheel_metadata(dists.wheel)
    except (OSError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise GateFailure(
            WHEEL_METADATA,
            wheel=dists.wheel.name,
            name=dists.name,
            version=dists.version,
            reason=str(error),
        ) from error
    if metadata.get("Name") != dists.name or metadata.get("Version") != dists.version:
        raise GateFailure(
            WHEEL_METADATA,
            wheel=dists.wheel.name,
            name=dists.name,
            version=dists.version,
            reason=f"it says Name {metadata.get('Name')}, Version {metadata.get('Version')}",
        )

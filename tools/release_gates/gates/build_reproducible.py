# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Compare two sdists or two wheels member by member.

Byte equality of the archives is what reproducibility means; when the bytes
differ, this module says *which members* differ and how (content, mode, mtime,
owner, order), so a maintainer can find the cause instead of staring at two
hashes.
"""

from __future__ import annotations

import hashlib
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Member:
    """What matters about one archive member for reproducibility."""

    name: str
    kind: str
    mode: int
    mtime: str
    owner: str
    sha256: str


@dataclass(frozen=True)
class Difference:
    """One member (or the archive framing) that differs, and in which aspects."""

    member: str
    aspects: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.member} ({', '.join(self.aspects)})"


# Pseudo-member names for differences that are not about one member.
ORDER = "<member order>"
FRAMING = "<archive framing: compression header or metadata outside the members>"


def _tar_members(path: Path) -> list[Member]:
    members: list[Member] = []
    with tarfile.open(path, "r:*") as archive:
        for info in archive.getmembers():
            digest = ""
            if info.isfile():
                stream = archive.extractfile(info)
                digest = hashlib.sha256(stream.read() if stream else b"").hexdigest()
            kind = "file" if info.isfile() else "dir" if info.isdir() else f"type {info.type!r}"
            if info.issym() or info.islnk():
                kind = f"link -> {info.linkname}"
            members.append(
                Member(
                    name=info.name,
                    kind=kind,
                    mode=info.mode,
                    mtime=str(info.mtime),
                    owner=f"{info.uid}:{info.gid}:{info.uname}:{info.gname}",
                    sha256=digest,
                )
            )
    return members


def _zip_members(path: Path) -> list[Member]:
    members: list[Member] = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            members.append(
                Member(
                    name=info.filename,
                    kind=f"compress {info.compress_type}",
                    mode=info.external_attr >> 16,
                    mtime="{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*info.date_time),
                    owner=f"system {info.create_system}",
                    sha256=hashlib.sha256(archive.read(info)).hexdigest(),
                )
            )
    return members


def members(path: Path) -> list[Member]:
    """The members of a ``.whl``/``.zip`` or a tar archive, in archive order."""
    if zipfile.is_zipfile(path):
        return _zip_members(path)
    return _tar_members(path)


_ASPECTS = ("kind", "sha256", "mode", "mtime", "owner")
_LABEL = {"sha256": "content", "kind": "type"}


def compare_archives(first: Path, second: Path) -> list[Difference]:
    """Every difference between two archives; empty when they are byte-identical."""
    if Path(first).read_bytes() == Path(second).read_bytes():
        return []
    left, right = members(first), members(second)
    left_by_name = {member.name: member for member in left}
    right_by_name = {member.name: member for member in right}
    differences: list[Difference] = []
    for name in sorted(set(left_by_name) | set(right_by_name)):
        if name not in right_by_name:
            differences.append(Difference(name, ("only in the first build",)))
            continue
        if name not in left_by_name:
            differences.append(Difference(name, ("only in the second build",)))
            continue
        a, b = left_by_name[name], right_by_name[name]
        aspects = tuple(
            _describe(aspect, getattr(a, aspect), getattr(b, aspect))
            for aspect in _ASPECTS
            if getattr(a, aspect) != getattr(b, aspect)
        )
        if aspects:
            differences.append(Difference(name, aspects))
    if not differences and [m.name for m in left] != [m.name for m in right]:
        differences.append(Difference(ORDER, ("same members, different order",)))
    if not differences:
        # Same members, same order: the bytes differ outside them (gzip header, zip comment).
        differences.append(Difference(FRAMING, ("archive bytes differ",)))
    return differences


def _describe(aspect: str, left: object, right: object) -> str:
    label = _LABEL.get(aspect, aspect)
    if aspect == "mode" and isinstance(left, int) and isinstance(right, int):
        return f"mode {left:o} vs {right:o}"
    if aspect == "sha256":
        return f"content sha256 {str(left)[:12]}... vs {str(right)[:12]}..."
    return f"{label} {left} vs {right}"

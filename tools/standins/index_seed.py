# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A local index that already holds an earlier release, for the version gate's index check.

The rehearsal runs ``version`` against this index (``$RELEASE_INDEX_SIMPLE_URL``;
the service is :func:`release_gates.rehearsal.services.seeded_index_service`): a
fresh index would hold nothing, and "the version is not there" would be proven
against an empty page. Seeded with an earlier version of the project, the check
must read real files, tell versions apart and still find the release version
free. Tests seed it with the release version itself to see it fail, and use
:func:`write_wheel` for the minimal wheels other index tests need.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from standins.local_index import local_index


def earlier_version(version: str) -> str:
    """A public version before ``version``: the previous micro, minor or major, else 0.0.0.dev0."""
    parsed = Version(version)
    major, minor, micro = (*parsed.release, 0, 0)[:3]
    if parsed.is_prerelease or parsed.is_postrelease:
        candidate = f"{major}.{minor}.{micro}"
        if Version(candidate) < Version(version):
            return candidate
    for index, part in ((2, micro), (1, minor), (0, major)):
        if part > 0:
            parts = [major, minor, micro]
            parts[index] -= 1
            return ".".join(map(str, parts))
    return "0.0.0.dev0"


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def pack_wheel(wheel: Path, dist_info: str, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` into the pure-Python wheel ``wheel``, adding the WHEEL and RECORD files.

    ``dist_info`` is the ``NAME-VERSION.dist-info`` folder ``files`` hold METADATA
    in. Every member gets one fixed timestamp, so the same files always make the
    same bytes (a lock's hash of the wheel holds). Returns ``wheel``.
    """
    members = {
        **files,
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: standins.index_seed\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in members.items())
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in members.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 2, 2, 0, 0, 0)), data)
    return wheel


def write_wheel(
    directory: Path,
    project: str,
    version: str,
    requires: Sequence[str] = (),
    *,
    metadata: Sequence[str] = (),
    metadata_version: str = "2.1",
) -> Path:
    """A minimal valid ``py3-none-any`` wheel of ``project`` ``version`` in ``directory``.

    It depends on ``requires`` (``Requires-Dist`` lines); ``metadata`` are further
    METADATA lines (``License-Expression: MIT`` wants ``metadata_version`` 2.4).
    """
    stem = canonicalize_name(project).replace("-", "_")
    info = f"{stem}-{version}.dist-info"
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {project}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    text = "".join(f"{line}\n" for line in (*lines, *metadata))
    files = {f"{stem}/__init__.py": b"", f"{info}/METADATA": text.encode()}
    return pack_wheel(directory / f"{stem}-{version}-py3-none-any.whl", info, files)


@contextlib.contextmanager
def seeded_index(workdir: Path, project: str, versions: list[str]) -> Iterator[str]:
    """A running local index holding a wheel of each of ``versions``; yields its simple URL."""
    with local_index(workdir) as index:
        for version in versions:
            write_wheel(index.packages_dir, project, version)
        yield index.simple_url

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The index check: does a package index serve exactly the files a release built?

Used after an upload by the publish gate (``publish --verify-only``, the
``verify-pypi`` job) and every day by ``pypi_health``. Both compare the files an
index lists for one version with the ``SHA256SUMS`` of that release and turn
each :class:`Mismatch` into their own problem; the publish gate also downloads
every file and hashes the bytes, since an index can declare one hash and serve
other bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from release_gates._internal import index
from release_gates._internal.checksums import DIST_SUFFIXES


@dataclass(frozen=True)
class Mismatch:
    """One way a served file differs from the release.

    ``kind`` is ``unknown-file`` (served, not in SHA256SUMS), ``missing-file``
    (a dist in SHA256SUMS the index does not serve), ``hash-mismatch`` (the
    declared sha256 differs, or none is declared where one is required),
    ``bytes-mismatch`` (the downloaded bytes differ) or ``yanked``.
    """

    kind: str
    filename: str
    served: str = ""
    expected: str = ""
    reason: str = ""


def check_served(
    files: Mapping[str, index.IndexFile],
    expected: Mapping[str, str],
    *,
    require_declared: bool,
    download: bool,
) -> list[Mismatch]:
    """Every mismatch between the served ``files`` of one version and ``expected`` sha256s.

    ``require_declared``: a file the index lists without a sha256 is a mismatch.
    ``download``: also hash the served bytes of every file whose declared sha256
    agrees (raises :class:`~release_gates._internal.index.IndexReadError` when a
    download fails). Files are checked in name order.
    """
    found: list[Mismatch] = []
    for name, served in sorted(files.items()):
        want = expected.get(name)
        if want is None:
            found.append(Mismatch("unknown-file", name))
            continue
        declared = served.sha256
        if declared != want and (declared is not None or require_declared):
            found.append(Mismatch("hash-mismatch", name, declared or "(none)", want))
        elif download:
            actual = index.served_sha256(served.url)
            if actual != want:
                found.append(Mismatch("bytes-mismatch", name, actual, want))
        if served.yanked is not None:
            found.append(Mismatch("yanked", name, reason=served.yanked or "no reason given"))
    for name in sorted(set(expected) - set(files)):
        if name.endswith(DIST_SUFFIXES):
            found.append(Mismatch("missing-file", name, expected=expected[name]))
    return found

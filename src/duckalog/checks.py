# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``duckalog validate --check-files``: the local files a catalog reads exist.

Checked: the ``uri`` of parquet, csv and json views (a glob must match at least
one file), the ``path`` of read-only duckdb and sqlite attachments (a writable
one is created by ATTACH when missing) and extension files in
``load_extensions``. URLs (``s3://``, ``https://``) are not checked.
"""

from __future__ import annotations

import glob
import os

from .config.resolved import Catalog, Origin
from .errors import ConfigError
from .paths import is_url


def _exists(pattern: str) -> bool:
    if glob.has_magic(pattern):
        return any(True for _ in glob.iglob(pattern, recursive=True))
    return os.path.exists(pattern)


def missing_files(catalog: Catalog) -> list[ConfigError]:
    """One error per local file or glob that matches nothing, at its key."""
    errors: list[ConfigError] = []

    def check(path: str, origin: Origin, key: str, what: str) -> None:
        if not is_url(path) and not _exists(path):
            errors.append(ConfigError(f"{what} {path}", file=origin.file, key=origin.key + key))

    for located in catalog.views:
        if located.item.uri is not None:
            check(located.item.uri, located.origin, ".uri", "no local file matches")
    for attached in catalog.attachments:
        path = getattr(attached.item, "path", None)
        if path is not None and attached.item.read_only:
            check(path, attached.origin, ".path", "no such database file:")
    for extension in catalog.load_extensions:
        if os.path.isabs(extension.item):
            check(extension.item, extension.origin, "", "no such extension file:")
    return errors

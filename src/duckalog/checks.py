# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``duckalog validate --check-files``: the local files a catalog reads exist.

Checked: the ``uri`` of parquet, csv, json, delta and iceberg views (a glob must
match at least one file; a delta table's folder must hold ``_delta_log``), the
``path`` of read-only duckdb and sqlite attachments (a writable one is created
by ATTACH when missing) and extension files in ``load_extensions``, in the
catalog and in every catalog it attaches (``attachments.duckalog``). URLs
(``s3://``, ``https://``) are not checked. ``sql_file`` is read, so checked,
whenever a config is loaded.
"""

from __future__ import annotations

import glob
import os

from .config.resolved import Catalog, Origin, attached_catalogs
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

    for item in [*attached_catalogs(catalog), catalog]:
        for located in item.views:
            view = located.item
            if view.uri is None:
                continue
            if view.source == "delta" and not is_url(view.uri) and os.path.isdir(view.uri):
                log = os.path.join(view.uri, "_delta_log")
                check(log, located.origin, ".uri", "not a Delta table (no _delta_log folder):")
            else:
                check(view.uri, located.origin, ".uri", "no local file matches")
        for attached in item.attachments:
            path = getattr(attached.item, "path", None)
            if path is not None and attached.item.read_only:
                check(path, attached.origin, ".path", "no such database file:")
        for extension in item.load_extensions:
            if os.path.isabs(extension.item):
                check(extension.item, extension.origin, "", "no such extension file:")
    return errors

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Errors a user can cause, and the exit code each one maps to.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; it never shows
a traceback for these. Anything else escaping is a bug in Duckalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

#: Exit codes of the ``duckalog`` command.
EXIT_OK = 0
EXIT_INVALID_CONFIG = 2
#: DuckDB refused: a build, opening a catalog with its session, or a query failed.
EXIT_BUILD_FAILED = 3


class DuckalogError(Exception):
    """Base class of every error Duckalog reports to a user."""

    exit_code = 1


class ConfigError(DuckalogError):
    """The config is invalid: syntax, schema, references, environment, imports.

    ``file`` is the config file the problem is in, ``key`` the key path inside it
    (``views[3].uri``), ``line``/``column`` (1-based) where the parser stopped.
    """

    exit_code = EXIT_INVALID_CONFIG

    def __init__(
        self,
        message: str,
        *,
        file: Path | None = None,
        key: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.key = key
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else "<config>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.key:
            where += f": {self.key}"
        return f"{where}: {self.message}"


class ConfigErrors(ConfigError):
    """Several independent problems found in one pass; each is a :class:`ConfigError`."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, file=first.file, key=first.key)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class _RefusedAt(DuckalogError):
    """DuckDB refused a step; ``subject`` names the step ('' when there is none to name).

    The message reads ``<failed> at <subject>: <message>``; subclasses set ``failed``.
    """

    exit_code = EXIT_BUILD_FAILED
    failed: ClassVar[str]

    def __init__(self, message: str, *, subject: str = "") -> None:
        self.message = message
        self.subject = subject
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.subject:
            return f"{self.failed} at {self.subject}: {self.message}"
        return f"{self.failed}: {self.message}"


class BuildError(_RefusedAt):
    """DuckDB refused a statement (missing file, bad SQL, missing extension...).

    ``subject`` names what was being created, e.g. ``view "sales"."orders"
    (duckalog.yaml: views[3])``.
    """

    failed = "build failed"


class SessionError(_RefusedAt):
    """A catalog could not be opened with its session (duckalog.connect, duckalog query).

    ``subject`` names the step that failed, e.g. ``attachment "pg" (duckalog.yaml:
    attachments.postgres[0])``; the catalog file is left as it was.
    """

    failed = "cannot open the catalog"


class QueryError(DuckalogError):
    """DuckDB refused the query of ``duckalog query``."""

    exit_code = EXIT_BUILD_FAILED

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"query failed: {message}")

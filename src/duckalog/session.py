# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The session a catalog's views need, and how a build stores it in the catalog.

DuckDB keeps views in the catalog file, but not what they need to run: settings,
loaded extensions, secrets and attached databases last only as long as one
connection. The session is that list of steps, replayed in this order: the
settings that decide how extensions load (``extension_directory``,
``autoload_known_extensions`` ...), extension loads, every other setting (an
extension's own settings exist only once it is loaded; ``file_search_path`` of
a portable catalog among them), secrets, attachments.

A build stores the steps in the catalog, in ``_duckalog.session``::

    position    INTEGER    replay order, from 1
    kind        VARCHAR    set | load | secret | attach
    name        VARCHAR    setting, extension, secret name or attachment alias
    definition  VARCHAR    JSON object: the config item (keys as in the config;
                           an attachment also has "type": duckdb|sqlite|postgres)
    not_stored  VARCHAR[]  keys of credentials written in the config, left out
    origin      VARCHAR    where the item was declared (config file: key path)

and ``_duckalog.info(key, value)`` holds ``format`` (1) and ``portable``. A
credential (secret parameter, postgres password, credential setting) is stored
only as its ``${env:NAME}`` reference, resolved from the environment when the
catalog is opened; a credential written in the config is never stored, and
opening the catalog alone then fails naming it. In a portable catalog, paths
under the catalog's folder are stored relative to it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .config.model import (
    EXTENSION_LOADING_SETTINGS,
    EXTENSION_PATTERN,
    EXTENSION_SUFFIX,
    KEYWORD_PATTERN,
    PATH_SETTINGS,
    PUBLIC_SECRET_PARAMETERS,
    SESSION_SCHEMA,
    DuckDBAttachment,
    PostgresAttachment,
    Secret,
    SettingValue,
    SQLiteAttachment,
    fold,
    is_credential_setting,
)
from .config.resolved import Attachment, Catalog, Origin
from .config.validate import Validator
from .errors import SessionError
from .interpolation import InterpolationError, interpolate
from .paths import path_list, relative_to, resolve_path
from .sql import (
    CATALOG,
    SETUP,
    Statement,
    attach,
    create_secret,
    literal,
    load_extension,
    qualified,
    quote_ident,
    quote_string,
    set_setting,
)

if TYPE_CHECKING:
    import duckdb

SESSION_TABLE = "session"
INFO_TABLE = "info"
#: Version of the stored layout; a catalog with a newer one is refused, not misread.
FORMAT = 1
ATTACHMENT_TYPES: dict[str, type[Attachment]] = {
    "duckdb": DuckDBAttachment,
    "sqlite": SQLiteAttachment,
    "postgres": PostgresAttachment,
}
_SECRET_FIELDS = ("type", "name", "provider", "scope")
_KINDS = {"set": "setting", "load": "extension", "secret": "secret", "attach": "attachment"}

StepValue = Union[SettingValue, Secret, DuckDBAttachment, SQLiteAttachment, PostgresAttachment]


@dataclasses.dataclass(frozen=True)
class Step:
    """One statement of the session.

    ``kind`` is ``set``, ``load``, ``secret`` or ``attach``; ``value`` the setting's
    value, the extension (name or absolute path), the :class:`Secret` or the
    attachment; ``origin`` where it was declared.
    """

    kind: str
    name: str
    value: StepValue
    origin: str
    #: Where the config declared it (None for a step restored from a catalog).
    declared: Origin | None = None

    @property
    def subject(self) -> str:
        """What the step sets up, for messages: ``attachment "pg" (duckalog.yaml: ...)``."""
        name = self.name if self.kind in ("set", "load") else quote_ident(self.name)
        return f"{_KINDS[self.kind]} {name} ({self.origin})"

    def sql(self, redact: bool) -> str:
        """The statement; ``redact`` replaces credentials by ``***``."""
        if self.kind == "set":
            secret = redact and is_credential_setting(self.name)
            return set_setting(self.name, self.value, redact=secret)  # type: ignore[arg-type]
        if self.kind == "load":
            return load_extension(str(self.value))
        if isinstance(self.value, Secret):
            return create_secret(self.value, redact)
        return attach(self.value, redact)  # type: ignore[arg-type]


def folder_of(database: Path) -> Path:
    """The folder a catalog file is in (absolute): portable paths are relative to it."""
    return Path(os.path.abspath(database)).parent


def steps(catalog: Catalog) -> list[Step]:
    """The session of ``catalog``, in replay order (see the module docstring)."""
    settings = dict(catalog.settings)
    if catalog.portable:
        extra = settings.get("file_search_path")
        folder = str(folder_of(catalog.database))
        settings["file_search_path"] = f"{folder},{extra}" if extra else folder
    set_steps: list[Step] = []
    for name, value in settings.items():
        origin = catalog.setting_origin(name)
        if catalog.portable and name == "file_search_path" and name not in catalog.settings:
            origin = Origin(catalog.config_file, "duckdb.portable")
        set_steps.append(Step("set", name, value, str(origin), origin))
    found = [step for step in set_steps if step.name in EXTENSION_LOADING_SETTINGS]
    for located in catalog.load_extensions:
        origin = located.origin
        found.append(Step("load", located.item, located.item, str(origin), origin))
    found += [step for step in set_steps if step.name not in EXTENSION_LOADING_SETTINGS]
    for located_secret in catalog.secrets:
        secret, origin = located_secret.item, located_secret.origin
        found.append(Step("secret", secret.name, secret, str(origin), origin))
    for located_attachment in catalog.attachments:
        attachment, origin = located_attachment.item, located_attachment.origin
        found.append(Step("attach", attachment.alias, attachment, str(origin), origin))
    return found


def statements(session: Sequence[Step]) -> list[Statement]:
    """The session as statements to run (with a redacted form for listings)."""
    return [Statement(step.sql(False), step.subject, SETUP, step.sql(True)) for step in session]


# --- storing ----------------------------------------------------------------------


def _paths(value: str, folder: Path, portable: bool) -> str:
    """A comma-separated list of paths, made relative to ``folder`` when portable."""
    return path_list(value, lambda part: relative_to(part, folder)) if portable else value


class _Record:
    """Builds the stored form of one step: credentials by reference, paths portable."""

    def __init__(self, catalog: Catalog, folder: Path) -> None:
        self.catalog = catalog
        self.folder = folder
        self.not_stored: list[str] = []

    def credential(self, step: Step, key_path: str, key: str, into: dict[str, Any]) -> None:
        """Store the credential ``key`` by reference, or list it as not stored."""
        declared = step.declared
        reference = None
        if declared is not None:
            where = Origin(declared.file, f"{declared.key}{key_path}")
            reference = self.catalog.secret_references.get(where)
        if reference is None:
            self.not_stored.append(key)
        else:
            into[key] = reference

    def definition(self, step: Step) -> dict[str, Any]:
        portable = self.catalog.portable
        if step.kind == "set":
            result: dict[str, Any] = {}
            if is_credential_setting(step.name):
                self.credential(step, "", "value", result)
            elif step.name in PATH_SETTINGS and isinstance(step.value, str):
                result["value"] = _paths(step.value, self.folder, portable)
            else:
                result["value"] = step.value
            return result
        if step.kind == "load":
            extension = str(step.value)
            if extension.endswith(EXTENSION_SUFFIX):
                extension = _paths(extension, self.folder, portable)
            return {"extension": extension}
        if isinstance(step.value, Secret):
            secret = step.value
            result = {"type": secret.type, "name": secret.name}
            if secret.provider:
                result["provider"] = secret.provider
            if secret.scope:
                result["scope"] = secret.scope
            for key, value in secret.parameters.items():
                if fold(key) in PUBLIC_SECRET_PARAMETERS:
                    result[key] = value
                else:
                    self.credential(step, f".{key}", key, result)
            return result
        attachment: Attachment = step.value  # type: ignore[assignment]
        kind = next(name for name, cls in ATTACHMENT_TYPES.items() if isinstance(attachment, cls))
        result = {"type": kind, **dataclasses.asdict(attachment)}
        if isinstance(attachment, PostgresAttachment):
            result.pop("password")
            if attachment.password is not None:
                self.credential(step, ".password", "password", result)
        else:
            result["path"] = _paths(attachment.path, self.folder, portable)
        return result


def _stored_origin(step: Step, folder: Path) -> str:
    """Where a step was declared, the config named relative to the catalog's folder if in it."""
    if step.declared is None:
        return step.origin
    config = relative_to(os.path.abspath(step.declared.file), folder)
    return f"{config}: {step.declared.key}"


def store(catalog: Catalog, session: Sequence[Step]) -> list[Statement]:
    """Statements writing ``session`` into the catalog (nothing when there is no session)."""
    if not session:
        return []
    folder = folder_of(catalog.database)
    rows = []
    for position, step in enumerate(session, start=1):
        record = _Record(catalog, folder)
        definition = json.dumps(record.definition(step), ensure_ascii=False, sort_keys=True)
        values = [
            str(position),
            quote_string(step.kind),
            quote_string(step.name),
            quote_string(definition),
            literal(record.not_stored) + "::VARCHAR[]",
            quote_string(_stored_origin(step, folder)),
        ]
        rows.append(f"({', '.join(values)})")
    table = qualified(SESSION_SCHEMA, SESSION_TABLE)
    info = qualified(SESSION_SCHEMA, INFO_TABLE)
    subject = f"the session table {SESSION_SCHEMA}.{SESSION_TABLE}"
    portable = "true" if catalog.portable else "false"
    return [
        Statement(f"CREATE SCHEMA {quote_ident(SESSION_SCHEMA)}", subject, CATALOG),
        Statement(
            f"CREATE TABLE {table} (position INTEGER NOT NULL, kind VARCHAR NOT NULL,"
            " name VARCHAR NOT NULL, definition VARCHAR NOT NULL,"
            " not_stored VARCHAR[] NOT NULL, origin VARCHAR NOT NULL)",
            subject,
            CATALOG,
        ),
        Statement(f"INSERT INTO {table} VALUES {', '.join(rows)}", subject, CATALOG),  # noqa: S608 - fixed, quoted names
        Statement(
            f"CREATE TABLE {info} (key VARCHAR NOT NULL, value VARCHAR NOT NULL)",
            subject,
            CATALOG,
        ),
        Statement(
            f"INSERT INTO {info} VALUES ('format', '{FORMAT}'), ('portable', '{portable}')",  # noqa: S608 - fixed, quoted names
            subject,
            CATALOG,
        ),
    ]


# --- restoring ----------------------------------------------------------------------


def read(connection: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]] | None:
    """The stored rows (kind, name, definition, not_stored, origin), or None if none are stored."""
    stored = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = ? AND table_name = ?",
        [SESSION_SCHEMA, INFO_TABLE],
    ).fetchone()
    if not stored or not stored[0]:
        return None
    found = connection.execute(
        f"SELECT value FROM {qualified(SESSION_SCHEMA, INFO_TABLE)} WHERE key = 'format'"  # noqa: S608 - fixed, quoted names
    ).fetchone()
    if found is None or not str(found[0]).isdigit() or int(found[0]) > FORMAT:
        raise SessionError(
            f"its stored session has format {found[0] if found else 'unknown'}, this duckalog"
            f" reads format {FORMAT}: open it with a newer duckalog, or with its config"
        )
    return connection.execute(
        "SELECT kind, name, definition, not_stored, origin"  # noqa: S608 - fixed, quoted names
        f" FROM {qualified(SESSION_SCHEMA, SESSION_TABLE)} ORDER BY position"
    ).fetchall()


class _Restore:
    """Turns stored rows back into steps, reading credentials from the environment."""

    def __init__(self, folder: Path, environ: Mapping[str, str]) -> None:
        self.folder = folder
        self.environ = environ
        #: Credential values read from the environment (to redact from messages).
        self.secret_values: set[str] = set()

    def resolve_path(self, value: str) -> str:
        return resolve_path(value, self.folder)

    def credential(self, subject: str, key: str, template: Any) -> Any:
        if not isinstance(template, str):
            raise SessionError(f"stored {key} is not a ${{env:NAME}} reference", subject=subject)
        try:
            value = interpolate(template, self.environ)
        except InterpolationError as error:
            raise SessionError(f"{key}: {error}", subject=subject) from None
        self.secret_values.add(value)
        return value

    def step(self, row: tuple[Any, ...]) -> Step:
        kind, name, text, not_stored, origin = row
        if kind not in _KINDS:
            raise SessionError(f"unknown stored step {kind!r} ({origin})")
        step_subject = Step(kind, str(name), "", str(origin)).subject
        if not_stored:
            keys = ", ".join(not_stored)
            raise SessionError(
                f"{keys} was written in the config, and a catalog never stores a secret value:"
                " open the catalog with its config (duckalog.connect(CONFIG), duckalog query"
                " CONFIG ...), or take the value from the environment with ${env:NAME}",
                subject=step_subject,
            )
        data: dict[str, Any] = json.loads(text)
        validator = Validator(self.resolve_path)
        value: Any
        if kind == "set":
            validator.convert(str, name, "name", {"pattern": KEYWORD_PATTERN})
            value = data.get("value")
            if is_credential_setting(name):
                value = self.credential(step_subject, "value", value)
            elif name in PATH_SETTINGS and isinstance(value, str):
                value = path_list(value, self.resolve_path)
            value = validator.convert(SettingValue, value, "value", {})
        elif kind == "load":
            value = validator.convert(
                str,
                data.get("extension"),
                "extension",
                {"pattern": EXTENSION_PATTERN, "path_suffix": EXTENSION_SUFFIX},
            )
        elif kind == "secret":
            for key in list(data):
                if key not in _SECRET_FIELDS and fold(key) not in PUBLIC_SECRET_PARAMETERS:
                    data[key] = self.credential(step_subject, key, data[key])
            value = validator.build(Secret, data, "")
        else:
            cls = ATTACHMENT_TYPES.get(str(data.pop("type", "")))
            if cls is None:
                raise SessionError("stored attachment has no known type", subject=step_subject)
            if "password" in data:
                data["password"] = self.credential(step_subject, "password", data["password"])
            value = validator.build(cls, data, "")
        if validator.problems:
            problem = validator.problems[0]
            raise SessionError(
                f"the stored session is invalid: {problem.key}: {problem.message}",
                subject=step_subject,
            )
        return Step(kind, str(name), value, str(origin))


def restore(
    rows: Sequence[tuple[Any, ...]], database: Path, environ: Mapping[str, str]
) -> tuple[list[Step], frozenset[str]]:
    """Steps from stored rows, and the credential values read from ``environ``.

    Relative paths resolve against the catalog's folder. Raises
    :class:`~duckalog.errors.SessionError` for a credential that was not stored
    or whose environment variable is unset.
    """
    restorer = _Restore(folder_of(database), environ)
    found = [restorer.step(row) for row in rows]
    return found, frozenset(value for value in restorer.secret_values if value)


__all__ = [
    "FORMAT",
    "INFO_TABLE",
    "SESSION_TABLE",
    "Step",
    "folder_of",
    "read",
    "restore",
    "statements",
    "steps",
    "store",
]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The session a catalog's views need, and how a build stores it in the catalog.

DuckDB keeps views in the catalog file, but not what they need to run: settings,
loaded extensions, variables, secrets and attached databases last only as long
as one connection. The session is that list of steps, replayed in this order:
the settings that decide how extensions load (``extension_directory``,
``autoload_known_extensions`` ...), extension loads (those listed, and those
that ``delta`` and ``iceberg`` views need), every other setting (an extension's
own settings exist only once it is loaded; ``file_search_path`` of a portable
catalog among them), variables (the folder of a portable catalog whose
table-format views read relative paths), secrets, attachments. A catalog that
attaches other catalogs (``attachments.duckalog``) has their sessions in its
own, each followed by the ``ATTACH`` of that catalog file.

A build stores the steps in the catalog, in ``_duckalog.session``::

    position    INTEGER    replay order, from 1
    kind        VARCHAR    set | load | variable | secret | attach
    name        VARCHAR    setting, extension, variable, secret name or attachment alias
    definition  VARCHAR    JSON object: the config item (keys as in the config;
                           an attachment also has "type": duckdb|sqlite|postgres;
                           a setting or variable has "value")
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
import hashlib
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
    SOURCE_EXTENSIONS,
    TABLE_FORMAT_SOURCES,
    DuckDBAttachment,
    PostgresAttachment,
    Secret,
    SettingValue,
    SQLiteAttachment,
    fold,
    is_credential_setting,
)
from .config.resolved import Attachment, Catalog, Located, Origin
from .config.validate import Validator
from .errors import ConfigError, SessionError
from .interpolation import InterpolationError, interpolate
from .paths import is_url, path_list, relative_to, resolve_path
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
    set_variable,
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
_KINDS = {
    "set": "setting",
    "load": "extension",
    "variable": "variable",
    "secret": "secret",
    "attach": "attachment",
}

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
        name = self.name if self.kind in ("set", "load", "variable") else quote_ident(self.name)
        return f"{_KINDS[self.kind]} {name} ({self.origin})"

    def sql(self, redact: bool) -> str:
        """The statement; ``redact`` replaces credentials by ``***``."""
        if self.kind == "set":
            secret = redact and is_credential_setting(self.name)
            return set_setting(self.name, self.value, redact=secret)  # type: ignore[arg-type]
        if self.kind == "load":
            return load_extension(str(self.value))
        if self.kind == "variable":
            return set_variable(self.name, str(self.value))
        if isinstance(self.value, Secret):
            return create_secret(self.value, redact)
        return attach(self.value, redact)  # type: ignore[arg-type]


def folder_of(database: Path) -> Path:
    """The folder a catalog file is in (absolute): portable paths are relative to it."""
    return Path(os.path.abspath(database)).parent


def folder_variable(catalog: Catalog) -> str | None:
    """The DuckDB variable holding a portable catalog's folder, when its views need one.

    ``delta_scan`` and ``iceberg_scan`` do not look up relative paths in
    ``file_search_path``, so a portable catalog's table-format views read
    ``getvariable(NAME) || '/' || 'relative/path'``. The name is unique per
    catalog file (a hash of its path at build time), so a parent catalog and the
    catalogs it attaches each have their own. None when no view needs it.
    """
    if not catalog.portable:
        return None
    folder = folder_of(catalog.database)
    for located in catalog.views:
        view = located.item
        if view.source in TABLE_FORMAT_SOURCES and view.uri is not None:
            # Under the folder: absolute as loaded, or relative once made portable.
            inside = relative_to(view.uri, folder) != view.uri
            if inside or not (os.path.isabs(view.uri) or is_url(view.uri)):
                digest = hashlib.sha256(str(Path(os.path.abspath(catalog.database))).encode())
                return f"duckalog_folder_{digest.hexdigest()[:16]}"
    return None


def _source_extensions(catalog: Catalog) -> list[Located[str]]:
    """The extensions the catalog's table-format views need and the config does not load."""
    listed = {fold(Path(located.item).name) for located in catalog.load_extensions}
    listed |= {fold(located.item) for located in catalog.load_extensions}
    found: dict[str, Located[str]] = {}
    for located in catalog.views:
        extension = SOURCE_EXTENSIONS.get(located.item.source or "")
        if extension is None or extension in found:
            continue
        if extension in listed or f"{extension}{EXTENSION_SUFFIX}" in listed:
            continue
        origin = Origin(located.origin.file, f"{located.origin.key}.source")
        found[extension] = Located(extension, origin)
    return list(found.values())


class _Session:
    """The steps of one catalog merged with those of the catalogs it attaches.

    A setting may be set by several catalogs only to one value (``file_search_path``
    entries are joined); a secret name or attachment alias may be declared once,
    unless the declarations are equal (one catalog attached by two others).
    """

    def __init__(self) -> None:
        self.settings: dict[str, Step] = {}
        self.loads: dict[str, Step] = {}
        self.variables: dict[str, Step] = {}
        self.secrets: dict[str, Step] = {}
        self.attachments: dict[str, Step] = {}

    def set(self, step: Step) -> None:
        first = self.settings.get(step.name)
        if first is None:
            self.settings[step.name] = step
        elif step.name == "file_search_path" and isinstance(step.value, str):
            entries = str(first.value).split(",")
            extra = [entry for entry in step.value.split(",") if entry not in entries]
            if extra:
                joined = ",".join([*entries, *extra])
                self.settings[step.name] = dataclasses.replace(first, value=joined)
        elif first.value != step.value:
            shown = (
                "differs"
                if is_credential_setting(step.name)
                else f"is {literal(step.value)}, but {literal(first.value)}"
            )
            raise _conflict(step, f"setting {step.name} {shown} at {first.origin}")

    def add(self, table: dict[str, Step], key: str, step: Step, what: str) -> None:
        first = table.setdefault(key, step)
        # The same declaration, or the same catalog attached by two others, counts once.
        if first is not step and first.origin != step.origin and first.value != step.value:
            raise _conflict(step, f"{what} {step.name!r} is declared at {first.origin} too")

    def merge(self, other: _Session) -> None:
        for step in other.settings.values():
            self.set(step)
        for step in other.loads.values():
            self.loads.setdefault(str(step.value), step)
        for step in other.variables.values():
            self.variables.setdefault(step.name, step)
        for step in other.secrets.values():
            self.add(self.secrets, fold(step.name), step, "secret")
        for step in other.attachments.values():
            self.add(self.attachments, fold(step.name), step, "attachment alias")

    def steps(self) -> list[Step]:
        settings = list(self.settings.values())
        return [
            *(step for step in settings if step.name in EXTENSION_LOADING_SETTINGS),
            *self.loads.values(),
            *(step for step in settings if step.name not in EXTENSION_LOADING_SETTINGS),
            *self.variables.values(),
            *self.secrets.values(),
            *self.attachments.values(),
        ]


def _conflict(step: Step, message: str) -> ConfigError:
    """A session conflict between a catalog and one it attaches, at ``step``'s declaration."""
    declared = step.declared
    text = f"{message}: a session holds one of each (catalogs attached with attachments.duckalog"
    text += " share the session of the catalog attaching them)"
    if declared is None:
        return ConfigError(text)
    return ConfigError(text, file=declared.file, key=declared.key)


def _located_step(kind: str, name: str, value: StepValue, origin: Origin) -> Step:
    return Step(kind, name, value, str(origin), origin)


def _session(catalog: Catalog, building: Mapping[Path, Path]) -> _Session:
    found = _Session()
    settings = dict(catalog.settings)
    if catalog.portable:
        extra = settings.get("file_search_path")
        folder = str(folder_of(catalog.database))
        settings["file_search_path"] = f"{folder},{extra}" if extra else folder
    for name, value in settings.items():
        origin = catalog.setting_origin(name)
        if catalog.portable and name == "file_search_path" and name not in catalog.settings:
            origin = Origin(catalog.config_file, "duckdb.portable")
        found.set(_located_step("set", name, value, origin))
    for located in (*catalog.load_extensions, *_source_extensions(catalog)):
        step = _located_step("load", located.item, located.item, located.origin)
        found.loads.setdefault(located.item, step)
    variable = folder_variable(catalog)
    if variable is not None:
        origin = Origin(catalog.config_file, "duckdb.portable")
        folder = str(folder_of(catalog.database))
        found.variables[variable] = _located_step("variable", variable, folder, origin)
    for located_secret in catalog.secrets:
        secret = located_secret.item
        step = _located_step("secret", secret.name, secret, located_secret.origin)
        found.add(found.secrets, fold(secret.name), step, "secret")
    for located_attachment in catalog.attachments:
        attachment = located_attachment.item
        step = _located_step("attach", attachment.alias, attachment, located_attachment.origin)
        found.add(found.attachments, fold(attachment.alias), step, "attachment alias")
    for located_child in catalog.children:
        child = located_child.item
        found.merge(_session(child.catalog, building))
        database = child.catalog.database
        path = str(building.get(database, database))
        attachment = DuckDBAttachment(alias=child.alias, path=path, read_only=child.read_only)
        step = _located_step("attach", child.alias, attachment, located_child.origin)
        found.add(found.attachments, fold(child.alias), step, "attachment alias")
    return found


def steps(catalog: Catalog, building: Mapping[Path, Path] | None = None) -> list[Step]:
    """The session of ``catalog``, in replay order (see the module docstring).

    It includes the sessions of the catalogs it attaches (``attachments.duckalog``),
    each followed by the ``ATTACH`` of that catalog. ``building`` maps the
    database of an attached catalog to the file to attach instead (the builder's
    scratch copy). Raises :class:`~duckalog.errors.ConfigError` when two catalogs
    of one session disagree (a setting's value, a secret name, an alias).
    """
    return _session(catalog, building or {}).steps()


def statements(session: Sequence[Step]) -> list[Statement]:
    """The session as statements to run (with a redacted form for listings)."""
    return [Statement(step.sql(False), step.subject, SETUP, step.sql(True)) for step in session]


# --- storing ----------------------------------------------------------------------


def _paths(value: str, folder: Path, portable: bool) -> str:
    """A comma-separated list of paths, made relative to ``folder`` when portable."""
    return path_list(value, lambda part: relative_to(part, folder)) if portable else value


def _path(value: str, folder: Path, portable: bool) -> str:
    """One path (a comma is part of its name), made relative to ``folder`` when portable."""
    return relative_to(value, folder) if portable else value


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
        if step.kind == "variable":
            return {"value": _path(str(step.value), self.folder, portable)}
        if step.kind == "load":
            extension = str(step.value)
            if extension.endswith(EXTENSION_SUFFIX):
                extension = _path(extension, self.folder, portable)
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
            result["path"] = _path(attachment.path, self.folder, portable)
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
        elif kind == "variable":
            validator.convert(str, name, "name", {"pattern": KEYWORD_PATTERN})
            value = validator.convert(str, data.get("value"), "value", {})
            if isinstance(value, str):
                value = self.resolve_path(value)
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

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Load a config file and its imports into one :class:`~duckalog.config.resolved.Catalog`.

Per file: parse, interpolate ``${env:...}`` (remembering each template, so text
from the environment can be coerced to its field's type and a credential can be
stored by reference), validate against the model, check each view, resolve
relative paths against the file's folder. Then imports are loaded depth-first
(each file once; a cycle is an error) and everything is merged, rejecting
duplicate names (compared as DuckDB compares them) and references to missing
attachments.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ConfigErrors
from ..interpolation import InterpolationError, has_references, interpolate, references_only
from ..paths import path_list, relative_to, resolve_path
from . import model
from .model import PUBLIC_SECRET_PARAMETERS, fold
from .parse import load_document
from .resolved import Attachment, Catalog, Child, Located, Origin
from .validate import Problem, Validator

#: Interpolation visits at most this many values; more means alias bombs or absurd files.
MAX_VALUES = 1_000_000
#: Deeper data is rejected before anything recurses over it (real configs are ~5 levels).
MAX_DEPTH = 64
#: Larger SQL files are rejected before reading; a view's query is a few kB.
MAX_SQL_FILE_BYTES = 10 * 1024 * 1024
#: Names DuckDB gives its own databases; an attachment cannot take them.
RESERVED_ALIASES = frozenset({"memory", "system", "temp", "main"})
DEFAULT_DATABASE = "catalog.duckdb"


@dataclasses.dataclass(frozen=True)
class LoadedFile:
    """One parsed and validated config file."""

    path: Path  # absolute, used for identity and relative paths
    display: Path  # as the user would recognise it, used in messages
    config: model.Config
    #: Key path -> the text as written, for every value that used ``${env:...}``.
    templates: dict[str, str] = dataclasses.field(default_factory=dict)


def _raise(problems: list[Problem], file: Path) -> None:
    if problems:
        raise ConfigErrors([ConfigError(p.message, file=file, key=p.key) for p in problems])


def interpolate_data(
    data: Any, environ: Mapping[str, str], file: Path, templates: dict[str, str] | None = None
) -> Any:
    """Replace ``${env:...}`` in every string value of parsed data (keys are left alone).

    When ``templates`` is given, the original text of every value that held a
    reference is recorded there under its key path (``views[3].uri``).
    """
    problems: list[Problem] = []
    budget = [MAX_VALUES]

    def walk(value: Any, key: str, depth: int = 0) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ConfigError(
                f"config has more than {MAX_VALUES} values (YAML alias expansion?)", file=file
            )
        if depth > MAX_DEPTH:
            raise ConfigError(
                f"config is nested too deeply (more than {MAX_DEPTH} levels)", file=file
            )
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(Problem(key, "must not contain NUL characters"))
                return value
            try:
                result = interpolate(value, environ)
                if templates is not None and has_references(value):
                    templates[key] = value
                return result
            except InterpolationError as error:
                problems.append(Problem(key, str(error)))
                return value
        if isinstance(value, list):
            return [walk(item, f"{key}[{index}]", depth + 1) for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {
                k: walk(v, f"{key}.{k}" if key else str(k), depth + 1) for k, v in value.items()
            }
        return value

    result = walk(data, "")
    _raise(problems, file)
    return result


def check_view(view: model.View, key: str) -> list[Problem]:
    """Rules across a view's keys: which of sql, sql_file, source, uri, database, table apply."""
    problems: list[Problem] = []

    def forbid(field: str, reason: str) -> None:
        if getattr(view, field) not in (None, {}, []):
            problems.append(Problem(f"{key}.{field}", f"not allowed {reason}"))

    def require(field: str, reason: str) -> None:
        if getattr(view, field) is None:
            problems.append(Problem(f"{key}.{field}", f"is required {reason}"))

    if view.sql is not None or view.sql_file is not None:
        kind = "sql" if view.sql is not None else "sql_file"
        others = ("sql_file",) if kind == "sql" else ()
        for field in (*others, "source", "uri", "database", "table", "table_schema", "options"):
            forbid(field, f"in an {kind} view")
    elif view.source is None:
        problems.append(Problem(key, "a view needs sql, sql_file or source"))
    elif view.source in model.URI_SOURCES:
        require("uri", f"for source {view.source}")
        for field in ("database", "table", "table_schema"):
            forbid(field, f"for source {view.source} (it reads files through uri)")
    else:
        require("database", f"for source {view.source} (the attachment alias)")
        require("table", f"for source {view.source}")
        for field in ("uri", "options"):
            forbid(field, f"for source {view.source}")
    return problems


def read_sql_file(view: model.View, origin: Origin) -> model.View:
    """``view`` with ``sql`` set to the text of its ``sql_file`` (read as UTF-8).

    Raises :class:`ConfigError` at ``views[i].sql_file``, naming the file, when
    it cannot be read, is not UTF-8 text, or holds no statement.
    """
    path = Path(view.sql_file or "")
    shown = _display(path)
    key = f"{origin.key}.sql_file"

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{shown}: {message}", file=origin.file, key=key)

    try:
        if path.is_dir():
            raise fail("is a directory, not an SQL file")
        if path.stat().st_size > MAX_SQL_FILE_BYTES:
            raise fail(f"SQL file is larger than {MAX_SQL_FILE_BYTES} bytes")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such SQL file") from None
    except OSError as error:
        raise fail(f"cannot read the SQL file: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("not a UTF-8 text file") from None
    if "\x00" in text:
        raise fail("not a text file (contains NUL bytes)")
    if not text.strip():
        raise fail("SQL file is empty")
    return dataclasses.replace(view, sql=text)


def load_file(path: Path, display: Path, environ: Mapping[str, str] | None = None) -> LoadedFile:
    """Parse, interpolate, validate and resolve one config file (imports not followed).

    ``path`` is absolute; ``display`` is how messages name the file.
    """
    templates: dict[str, str] = {}
    data = interpolate_data(
        load_document(path, display),
        os.environ if environ is None else environ,
        display,
        templates,
    )
    validator = Validator(lambda value: resolve_path(value, path.parent), templates)
    config = validator.build(model.Config, data, "")
    problems = list(validator.problems)
    if config is not None:
        for index, view in enumerate(config.views):
            if view is not None:
                problems += check_view(view, f"views[{index}]")
    _raise(problems, display)
    errors: list[ConfigError] = []
    for index, view in enumerate(config.views):
        if view.sql_file is not None:
            try:
                config.views[index] = read_sql_file(view, Origin(display, f"views[{index}]"))
            except ConfigError as error:
                errors.append(error)
    if errors:
        raise ConfigErrors(errors)
    settings = config.duckdb.settings
    for name in model.PATH_SETTINGS.intersection(settings):
        value = settings[name]
        if isinstance(value, str) and value:
            settings[name] = path_list(value, lambda part: resolve_path(part, path.parent))
    return LoadedFile(path, display, config, templates)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _display(path: Path) -> Path:
    """A path relative to the working directory when it is below it, else absolute."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _collect(
    loaded: LoadedFile,
    environ: Mapping[str, str] | None,
    stack: tuple[Path, ...],
    seen: dict[Path, LoadedFile],
    order: list[LoadedFile],
) -> None:
    """Depth-first: a file's imports come before the file itself; each file once."""
    stack = (*stack, _real(loaded.path))
    for index, target in enumerate(loaded.config.imports):
        key = f"imports[{index}]"
        real = _real(Path(target))
        if real in stack:
            chain = [*stack[stack.index(real) :], real]
            raise ConfigError(
                "import cycle: " + " -> ".join(str(_display(p)) for p in chain),
                file=loaded.display,
                key=key,
            )
        if real in seen:
            continue  # imported already through another file: merge it once
        if not Path(target).is_file():
            raise ConfigError(
                f"imported file not found: {_display(Path(target))}", file=loaded.display, key=key
            )
        child = load_file(Path(target), _display(Path(target)), environ)
        seen[real] = child
        _collect(child, environ, stack, seen, order)
    order.append(loaded)


def _name_key(schema: str | None, name: str) -> tuple[str, str]:
    """DuckDB folds ASCII case only: ``Orders`` and ``orders`` are one view, ``Ä`` and ``ä`` two."""
    return (fold(schema or "main"), fold(name))


class _Merger:
    """Merges loaded files in order, recording duplicate and reference problems."""

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []
        self.install: dict[str, Located[str]] = {}
        self.load: dict[str, Located[str]] = {}
        self.settings: dict[str, model.SettingValue] = {}
        self.setting_origins: dict[str, Origin] = {}
        self.secrets: list[Located[model.Secret]] = []
        self.attachments: list[Located[Attachment]] = []
        self.views: list[Located[model.View]] = []
        self.children: list[Located[model.DuckalogAttachment]] = []
        self.secret_values: set[str] = set()
        self.references: dict[Origin, str | None] = {}
        self._secret_names: dict[str, Origin] = {}
        self._aliases: dict[str, tuple[Origin, str]] = {}
        self._views: dict[tuple[str, str], Origin] = {}

    def error(self, origin: Origin, message: str) -> None:
        self.errors.append(ConfigError(message, file=origin.file, key=origin.key))

    def _credential(self, loaded: LoadedFile, key: str, value: object) -> None:
        """Record a credential value: redact it everywhere, store it only by reference."""
        self.secret_values.add(str(value))
        template = loaded.templates.get(key)
        stored = template if template is not None and references_only(template) else None
        self.references[Origin(loaded.display, key)] = stored

    def add(self, loaded: LoadedFile) -> None:
        config, file = loaded.config, loaded.display
        for kind, target in (("install", self.install), ("load", self.load)):
            for index, extension in enumerate(getattr(config.duckdb, f"{kind}_extensions")):
                origin = Origin(file, f"duckdb.{kind}_extensions[{index}]")
                target.setdefault(extension, Located(extension, origin))
        for name, value in config.duckdb.settings.items():
            self.settings[name] = value
            self.setting_origins[name] = Origin(file, f"duckdb.settings.{name}")
            if model.is_credential_setting(name):
                self._credential(loaded, f"duckdb.settings.{name}", value)
        for index, secret in enumerate(config.duckdb.secrets):
            origin = Origin(file, f"duckdb.secrets[{index}]")
            first = self._secret_names.setdefault(fold(secret.name), origin)
            if first is not origin:
                self.error(
                    Origin(file, f"{origin.key}.name"),
                    f"duplicate secret name {secret.name!r} (first defined at {first})",
                )
            self.secrets.append(Located(secret, origin))
            for name, value in secret.parameters.items():
                if fold(name) not in PUBLIC_SECRET_PARAMETERS:
                    self._credential(loaded, f"{origin.key}.{name}", value)
        for kind in ("duckdb", "sqlite", "postgres"):
            for index, attachment in enumerate(getattr(config.attachments, kind)):
                origin = Origin(file, f"attachments.{kind}[{index}]")
                self._add_attachment(attachment, origin, kind)
                if (
                    isinstance(attachment, model.PostgresAttachment)
                    and attachment.password is not None
                ):
                    self._credential(loaded, f"{origin.key}.password", attachment.password)
        for index, child in enumerate(config.attachments.duckalog):
            origin = Origin(file, f"attachments.duckalog[{index}]")
            if self._alias(child.alias, origin, "duckalog"):
                self.children.append(Located(child, origin))
        for index, view in enumerate(config.views):
            origin = Origin(file, f"views[{index}]")
            if view.schema is not None and fold(view.schema) == model.SESSION_SCHEMA:
                self.error(
                    Origin(file, f"{origin.key}.schema"),
                    f"schema {view.schema!r} is reserved: builds store the session there",
                )
            first = self._views.setdefault(_name_key(view.schema, view.name), origin)
            if first is not origin:
                self.error(
                    Origin(file, f"{origin.key}.name"),
                    f"duplicate view {view.schema or 'main'}.{view.name}"
                    f" (first defined at {first})",
                )
            self.views.append(Located(view, origin))

    def _alias(self, name: str, origin: Origin, kind: str) -> bool:
        """Record an attachment alias; False (and an error) when reserved or taken."""
        alias = fold(name)
        if alias in RESERVED_ALIASES:
            self.error(
                Origin(origin.file, f"{origin.key}.alias"), f"alias {name!r} is reserved by DuckDB"
            )
            return False
        if alias in self._aliases:
            self.error(
                Origin(origin.file, f"{origin.key}.alias"),
                f"duplicate attachment alias {name!r} (first defined at {self._aliases[alias][0]})",
            )
            return False
        self._aliases[alias] = (origin, kind)
        return True

    def _add_attachment(self, attachment: Attachment, origin: Origin, kind: str) -> None:
        self._alias(attachment.alias, origin, kind)
        self.attachments.append(Located(attachment, origin))

    def check_references(self) -> None:
        """Every database view names an attachment of its own kind."""
        for located in self.views:
            view = located.item
            if view.source not in model.DATABASE_SOURCES or view.database is None:
                continue
            key = Origin(located.origin.file, f"{located.origin.key}.database")
            found = self._aliases.get(fold(view.database))
            if found is None:
                known = ", ".join(sorted(self._aliases)) or "none"
                self.error(
                    key, f"no attachment with alias {view.database!r} (attachments: {known})"
                )
            elif found[1] != view.source and (found[1], view.source) != ("duckalog", "duckdb"):
                self.error(
                    key, f"attachment {view.database!r} is a {found[1]} database, not {view.source}"
                )


def load_catalog(path: os.PathLike[str] | str, environ: Mapping[str, str] | None = None) -> Catalog:
    """Load ``path``, everything it imports and the configs it attaches into one :class:`Catalog`.

    Raises :class:`ConfigError` (several at once as :class:`ConfigErrors`) for
    every problem found: syntax, schema, environment, imports, references, a
    cycle of imports or of attached configs, sessions that disagree.
    """
    # Loading allocates many small objects and no cycles; pausing the cyclic
    # collector meanwhile saves ~15% of the load time of a 1000-view config.
    paused = gc.isenabled()
    gc.disable()
    try:
        catalog = _load_catalog(path, environ, ())
        from ..session import steps

        steps(catalog)  # two catalogs of one session must agree: fail now, not at the build
        return catalog
    finally:
        if paused:
            gc.enable()


def _load_catalog(
    path: os.PathLike[str] | str, environ: Mapping[str, str] | None, chain: tuple[Path, ...]
) -> Catalog:
    """One catalog; ``chain``: the configs attaching it (attachments.duckalog), outermost first."""
    display = Path(path)
    absolute = Path(os.path.abspath(display))
    chain = (*chain, _real(absolute))
    root = load_file(absolute, display, environ)
    order: list[LoadedFile] = []
    _collect(root, environ, (), {_real(absolute): root}, order)
    merger = _Merger()
    for loaded in order:
        if loaded is not root and loaded.config.duckdb.database is not None:
            merger.error(
                Origin(loaded.display, "duckdb.database"),
                "only the top-level config may set the catalog database",
            )
        if loaded is not root and loaded.config.duckdb.portable:
            merger.error(
                Origin(loaded.display, "duckdb.portable"),
                "only the top-level config may make the catalog portable",
            )
        merger.add(loaded)
    merger.check_references()
    if merger.errors:
        raise ConfigErrors(merger.errors)
    database = Path(root.config.duckdb.database or str(absolute.parent / DEFAULT_DATABASE))
    portable = root.config.duckdb.portable
    children = _load_children(merger.children, environ, chain, database, portable)
    secret_values = set(merger.secret_values)
    references = dict(merger.references)
    for child in children:
        secret_values |= child.item.catalog.secret_values
        references.update(child.item.catalog.secret_references)
    return Catalog(
        config_file=display,
        database=database,
        install_extensions=tuple(merger.install.values()),
        load_extensions=tuple(merger.load.values()),
        settings=merger.settings,
        setting_origins=merger.setting_origins,
        secrets=tuple(merger.secrets),
        attachments=tuple(merger.attachments),
        views=tuple(merger.views),
        children=children,
        portable=portable,
        secret_values=frozenset(value for value in secret_values if value),
        secret_references=references,
    )


def _load_children(
    declared: list[Located[model.DuckalogAttachment]],
    environ: Mapping[str, str] | None,
    chain: tuple[Path, ...],
    database: Path,
    portable: bool,
) -> tuple[Located[Child], ...]:
    """Load the configs of ``attachments.duckalog``; a cycle of configs is an error."""
    found: list[Located[Child]] = []
    errors: list[ConfigError] = []
    configs: dict[Path, Origin] = {}
    databases: dict[Path, str] = {_real(database): "this config builds it too"}
    for located in declared:
        child, origin = located.item, located.origin
        key = f"{origin.key}.config"
        config = Path(child.config)
        real = _real(config)
        if real in chain:
            cycle = [*chain[chain.index(real) :], real]
            errors.append(
                ConfigError(
                    "configs attach each other in a cycle: "
                    + " -> ".join(str(_display(p)) for p in cycle),
                    file=origin.file,
                    key=key,
                )
            )
            continue
        if not config.is_file():
            errors.append(
                ConfigError(f"config file not found: {_display(config)}", file=origin.file, key=key)
            )
            continue
        if real in configs:
            errors.append(
                ConfigError(
                    f"{_display(config)} is attached already (at {configs[real]}): DuckDB"
                    " attaches a file once; read it through that alias",
                    file=origin.file,
                    key=key,
                )
            )
            continue
        configs[real] = origin
        catalog = _load_catalog(_display(config), environ, chain)
        built = _real(Path(os.path.abspath(catalog.database)))
        if built in databases:
            errors.append(
                ConfigError(
                    f"{_display(config)} builds {_display(catalog.database)}, and"
                    f" {databases[built]}: each catalog needs its own file",
                    file=origin.file,
                    key=key,
                )
            )
            continue
        databases[built] = f"{_display(config)} ({origin}) builds it too"
        folder = Path(os.path.abspath(database)).parent
        if portable and not catalog.portable and relative_to(str(built), folder) != str(built):
            errors.append(
                ConfigError(
                    f"this catalog is portable and {_display(config)} builds its catalog inside"
                    " this catalog's folder: make that one portable too"
                    f" (duckdb.portable: true in {_display(config)})",
                    file=origin.file,
                    key=key,
                )
            )
            continue
        found.append(Located(Child(child.alias, child.read_only, catalog), origin))
    if errors:
        raise ConfigErrors(errors)
    return tuple(found)

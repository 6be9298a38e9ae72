# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``duckalog`` command.

Only argument parsing and wiring live here. Heavy modules (pyyaml, duckdb) are
imported inside the commands, so ``--help`` and ``--version`` stay fast and
never load duckdb. User errors print one message per problem (a multi-line
DuckDB error stays one indented block) and exit with 2 (invalid config) or 3
(DuckDB refused: build, opening a catalog, query); no traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Callable

from .errors import EXIT_INVALID_CONFIG, EXIT_OK, ConfigErrors, DuckalogError
from .wording import plural

if TYPE_CHECKING:
    from .config.resolved import Catalog

PROG = "duckalog"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("duckalog")
    except PackageNotFoundError:  # running from a source tree without metadata
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version`` that reads metadata only when asked (it costs an import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a config and the configs it attaches (syntax, schema, env, imports, references,
    sql and sql_file views, view cycles, config cycles)."""
    from .builder import validate_sql
    from .config import load_catalog
    from .config.resolved import attached_catalogs

    catalog = validate_sql(load_catalog(args.config))
    if args.check_files:
        from .checks import missing_files

        missing = missing_files(catalog)
        if missing:
            raise ConfigErrors(missing)
    attached = [
        f"{item.config_file} ({plural(len(item.views), 'view')})"
        for item in attached_catalogs(catalog)
    ]
    suffix = f"; attaches {', '.join(attached)}" if attached else ""
    print(f"{args.config}: valid ({plural(len(catalog.views), 'view')}){suffix}")
    return EXIT_OK


def _write_builds(catalog: Catalog) -> None:
    """The SQL that builds each attached catalog, then ``catalog``'s, secrets redacted."""
    from .config.resolved import attached_catalogs
    from .sql import render
    from .statements import generate

    attached = attached_catalogs(catalog)
    for item in attached:
        sys.stdout.write(f"-- attached catalog {item.database}, from {item.config_file}\n")
        sys.stdout.write(render(generate(item)))
    if attached:
        sys.stdout.write(f"-- catalog {catalog.database}, from {catalog.config_file}\n")
    sys.stdout.write(render(generate(catalog)))


def cmd_generate_sql(args: argparse.Namespace) -> int:
    """Print the SQL a build would run (first for each attached catalog), secrets redacted."""
    from .config import load_catalog
    from .sql import render

    catalog = load_catalog(args.config)
    if args.session:
        from .statements import session_statements

        sys.stdout.write(render(session_statements(catalog)))
        return EXIT_OK
    _write_builds(catalog)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build the catalog, and first the catalogs it attaches, all or nothing (or, with
    --dry-run, show what would be run)."""
    from .config import load_catalog

    catalog = load_catalog(args.config)
    if args.database is not None:
        from pathlib import Path

        catalog = catalog.with_database(Path(args.database))
    if args.dry_run:
        from .builder import validate_sql

        catalog = validate_sql(catalog)
        sys.stdout.write(f"-- dry run: would build {catalog.database}\n")
        _write_builds(catalog)
        return EXIT_OK
    from .builder import build

    result = build(catalog)
    if not args.quiet:
        for attached in result.attached:
            print(f"built {attached.database} ({plural(attached.views, 'view')}), attached")
        views = plural(result.views, "view")
        print(f"built {result.database} ({views}) in {result.seconds:.2f} s")
        for note in result.notes:
            print(note)
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    """Run a query on a catalog opened with its session (settings, secrets, attachments)."""
    from .connection import connect
    from .query import write

    connection = connect(args.source)
    try:
        write(connection, args.sql, args.format, sys.stdout)
    finally:
        connection.close()
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Write a starter config: one SQL view, and commented examples of parquet, csv,
    sql_file, delta and iceberg views and of an attached duckalog config."""
    from pathlib import Path

    from .starter import STARTER_CONFIG

    path = Path(args.path)
    if path.is_dir():
        path = path / "duckalog.yaml"
    if path.exists() and not args.force:
        print(f"{PROG}: error: {path} already exists (use --force to overwrite)", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    try:
        path.write_text(STARTER_CONFIG, encoding="utf-8")
    except OSError as error:
        print(f"{PROG}: error: cannot write {path}: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    print(f"wrote {path}; build it with: {PROG} build {path}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of config files."""
    from .schema import SCHEMA_FILE

    sys.stdout.write(SCHEMA_FILE.read_text(encoding="utf-8"))
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Build DuckDB catalogs from declarative YAML or JSON configs, atomically.",
        epilog=(
            "Exit codes: 0 success, 2 invalid config, 3 DuckDB refused"
            " (build failed, catalog or session cannot be opened, query failed)."
        ),
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each statement (secrets redacted)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], *, reads_config: bool = False
    ) -> argparse.ArgumentParser:
        doc = (handler.__doc__ or "").strip()
        sub = commands.add_parser(name, help=doc, description=doc)
        sub.set_defaults(handler=handler)
        if reads_config:
            sub.add_argument("config", metavar="CONFIG", help="config file (YAML or JSON)")
        return sub

    build = add("build", cmd_build, reads_config=True)
    build.add_argument(
        "--database", metavar="PATH", help="build this file instead of duckdb.database"
    )
    build.add_argument("--dry-run", action="store_true", help="print the SQL, build nothing")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    validate = add("validate", cmd_validate, reads_config=True)
    validate.add_argument(
        "--check-files",
        action="store_true",
        help="also check that the local files the views, attachments and extensions name exist",
    )
    generate_sql = add("generate-sql", cmd_generate_sql, reads_config=True)
    generate_sql.add_argument(
        "--session",
        action="store_true",
        help="print only what another DuckDB client must run after opening the catalog",
    )
    query = add("query", cmd_query)
    query.add_argument(
        "source", metavar="SOURCE", help="the built catalog file, or the config it was built from"
    )
    query.add_argument("sql", metavar="SQL", help="the query")
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    init = add("init", cmd_init)
    init.add_argument(
        "path",
        nargs="?",
        default="duckalog.yaml",
        metavar="PATH",
        help="file or folder to write (default: duckalog.yaml)",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    add("schema", cmd_schema)
    return parser


def _setup_logging(verbose: bool) -> None:
    """Library log records as ``duckalog: message`` on the current ``sys.stderr``."""
    import logging  # after argument parsing: --help never pays for it

    class StderrHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"{PROG}: {self.format(record)}", file=sys.stderr)

    logger = logging.getLogger("duckalog")
    if not any(type(handler).__name__ == "StderrHandler" for handler in logger.handlers):
        logger.addHandler(StderrHandler())
    logger.propagate = False
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


def print_error(error: DuckalogError) -> None:
    """One ``duckalog: error:`` line per problem; further lines of one problem indented."""
    problems = error.errors if isinstance(error, ConfigErrors) else [error]
    for problem in problems:
        lines = [line for line in str(problem).splitlines() if line.strip()] or [""]
        print(f"{PROG}: error: {lines[0]}", file=sys.stderr)
        for line in lines[1:]:
            print(f"    {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``duckalog`` console script: returns the exit code."""
    args = make_parser().parse_args(argv)
    _setup_logging(args.verbose)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except DuckalogError as error:
        print_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

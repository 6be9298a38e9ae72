# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``duckalog`` command.

Only argument parsing and wiring live here. Heavy modules (pyyaml, duckdb) are
imported inside the commands, so ``--help`` and ``--version`` stay fast and
never load duckdb. User errors print one message per problem and exit with
2 (invalid config) or 3 (build failed); no traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from .errors import EXIT_INVALID_CONFIG, EXIT_OK, DuckalogError

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
    """Check a config (syntax, schema, env, imports, references, sql views)."""
    from .builder import validate_sql
    from .config import load_catalog

    catalog = load_catalog(args.config)
    validate_sql(catalog)
    print(f"{args.config}: valid ({len(catalog.views)} views)")
    return EXIT_OK


def cmd_generate_sql(args: argparse.Namespace) -> int:
    """Print the SQL a build would run, secrets redacted."""
    from .config import load_catalog
    from .sql import generate, render

    sys.stdout.write(render(generate(load_catalog(args.config))))
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build the catalog atomically (or, with --dry-run, show what would be run)."""
    from .config import load_catalog

    catalog = load_catalog(args.config)
    if args.database is not None:
        from pathlib import Path

        catalog = catalog.with_database(Path(args.database))
    if args.dry_run:
        from .builder import validate_sql
        from .sql import generate, render

        validate_sql(catalog)
        sys.stdout.write(f"-- dry run: would build {catalog.database}\n")
        sys.stdout.write(render(generate(catalog)))
        return EXIT_OK
    from .builder import build

    result = build(catalog)
    if not args.quiet:
        print(f"built {result.database} ({result.views} views) in {result.seconds:.2f} s")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Write a starter config."""
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
    import os

    with open(
        os.path.join(os.path.dirname(__file__), "duckalog.schema.json"), encoding="utf-8"
    ) as f:
        sys.stdout.write(f.read())
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Build DuckDB catalogs from declarative YAML or JSON configs, atomically.",
        epilog="Exit codes: 0 success, 2 invalid config, 3 build failed.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each statement (secrets redacted)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        doc = (handler.__doc__ or "").strip()
        sub = commands.add_parser(name, help=doc, description=doc)
        sub.set_defaults(handler=handler)
        return sub

    build = add("build", cmd_build)
    build.add_argument("config", metavar="CONFIG", help="config file (YAML or JSON)")
    build.add_argument(
        "--database", metavar="PATH", help="build this file instead of duckdb.database"
    )
    build.add_argument("--dry-run", action="store_true", help="print the SQL, build nothing")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    for name, handler in (("validate", cmd_validate), ("generate-sql", cmd_generate_sql)):
        add(name, handler).add_argument(
            "config", metavar="CONFIG", help="config file (YAML or JSON)"
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``duckalog`` console script."""
    args = make_parser().parse_args(argv)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format=f"{PROG}: %(message)s", stream=sys.stderr)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except DuckalogError as error:
        for line in str(error).splitlines():
            print(f"{PROG}: error: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

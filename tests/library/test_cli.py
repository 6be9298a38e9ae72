# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``duckalog`` command, end to end.

Most tests drive the CLI's ``main(argv)`` in this process (``run_main``: same
arguments, working directory, environment, captured stdout and stderr, exit
code): they are about what a command does. The entry points themselves are
proved in real subprocesses: the installed ``duckalog`` console script and
``python -m duckalog`` (version, a usage error, a build that succeeds, one that
fails on the config and one that fails in DuckDB: exit codes 0, 2 and 3), and
that ``--help`` and ``--version`` start without importing duckdb.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from support import digest, listing, run_cli, run_main, views_in, write_parquet

from duckalog import schema

CONFIG = """\
version: 1
duckdb:
  database: catalog.duckdb
  secrets:
    - {type: s3, name: lake, key_id: "${env:T_KEY}", secret: "${env:T_SECRET}", region: eu-west-1}
attachments:
  postgres:
    - {alias: pg, host: db.internal, database: app, user: app, password: "${env:T_PGPASSWORD}"}
views:
  - {name: orders, schema: sales, source: parquet, uri: data/orders.parquet}
  - {name: customers, source: postgres, database: pg, table: customers}
"""
SECRETS = {"T_KEY": "AKIA-KEY-123", "T_SECRET": "very-secret-value", "T_PGPASSWORD": "pg-passw0rd"}


def project(tmp_path: Path, text: str) -> Path:
    write_parquet(tmp_path / "data" / "orders.parquet")
    (tmp_path / "duckalog.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_version(tmp_path: Path) -> None:
    run = run_cli("--version", cwd=tmp_path)
    assert run.code == 0
    assert run.stdout.strip() == f"duckalog {version('duckalog')}"


def test_dunder_version_reads_metadata() -> None:
    import duckalog

    assert duckalog.__version__ == version("duckalog")


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["build", "--help"]])
def test_help_and_version_do_not_import_duckdb(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        "from duckalog.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('duckdb', 'yaml') if m in sys.modules)\n"
        "print('LOADED:' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "LOADED:"


def test_help_lists_commands_and_exit_codes(tmp_path: Path) -> None:
    run = run_main("--help", cwd=tmp_path)
    assert run.code == 0
    for word in ("build", "validate", "generate-sql", "init", "schema", "2 invalid config"):
        assert word in run.stdout


def test_build_validate_and_override_database(tmp_path: Path) -> None:
    project(tmp_path, "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n")
    assert run_main("validate", "duckalog.yaml", cwd=tmp_path).stdout.strip() == (
        "duckalog.yaml: valid (1 view)"
    )
    run = run_main("build", "duckalog.yaml", "--database", "other.duckdb", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "other.duckdb" in run.stdout
    assert set(views_in(tmp_path / "other.duckdb")) == {"main.orders"}
    assert not (tmp_path / "catalog.duckdb").exists()


def test_build_from_another_folder_resolves_paths_against_the_config(tmp_path: Path) -> None:
    project(
        tmp_path / "proj", "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n"
    )
    run = run_main("build", "proj/duckalog.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert set(views_in(tmp_path / "proj" / "catalog.duckdb")) == {"main.orders"}


def test_generate_sql_and_dry_run_redact_secrets_and_write_nothing(tmp_path: Path) -> None:
    project(tmp_path, CONFIG)
    before = listing(tmp_path)
    for argv in (["generate-sql", "duckalog.yaml"], ["build", "duckalog.yaml", "--dry-run"]):
        run = run_main(*argv, cwd=tmp_path, env=SECRETS)
        assert run.code == 0, run.stderr
        for secret in SECRETS.values():
            assert secret not in run.stdout + run.stderr
        assert (
            'CREATE SECRET "lake" ("type" \'s3\', "key_id" \'***\', "secret" \'***\'' in run.stdout
        )
        assert "password=''***''" in run.stdout
        assert "region\" 'eu-west-1'" in run.stdout
        assert 'CREATE VIEW "sales"."orders"' in run.stdout
    assert listing(tmp_path) == before


def test_failed_build_error_and_verbose_log_redact_secrets(tmp_path: Path) -> None:
    """A real build reaching DuckDB with secrets: nothing secret in the error or the log."""
    text = (
        "duckdb:\n"
        "  settings: {autoinstall_known_extensions: false, autoload_known_extensions: false}\n"
        "  secrets:\n    - {type: no_such_type, name: s, secret: very-secret-value}\n"
        "views: [{name: v, sql: SELECT 1}]\n"
    )
    project(tmp_path, text)
    run = run_main("-v", "build", "duckalog.yaml", cwd=tmp_path, env=SECRETS)
    assert run.code == 3
    assert "very-secret-value" not in run.stdout + run.stderr
    assert 'build failed at secret "s" (duckalog.yaml: duckdb.secrets[0])' in run.stderr
    assert "'***'" in run.stderr  # the verbose log shows the statement, redacted
    assert "Traceback" not in run.stderr
    assert listing(tmp_path) == ["data", "data/orders.parquet", "duckalog.yaml"]


def test_init_writes_a_config_that_builds(tmp_path: Path) -> None:
    run = run_main("init", cwd=tmp_path)
    assert run.code == 0
    assert (tmp_path / "duckalog.yaml").is_file()
    again = run_main("init", cwd=tmp_path)
    assert again.code == 2
    assert "already exists" in again.stderr
    built = run_main("build", "duckalog.yaml", cwd=tmp_path)
    assert built.code == 0, built.stderr
    assert set(views_in(tmp_path / "catalog.duckdb")) == {"main.hello"}


def test_init_into_a_folder(tmp_path: Path) -> None:
    (tmp_path / "new").mkdir()
    assert run_main("init", "new", cwd=tmp_path).code == 0
    assert (tmp_path / "new" / "duckalog.yaml").is_file()


def test_schema_command_prints_the_shipped_schema(tmp_path: Path) -> None:
    run = run_main("schema", cwd=tmp_path)
    assert run.code == 0
    assert json.loads(run.stdout) == schema.generate()


def test_shipped_schema_equals_the_generated_one() -> None:
    assert schema.shipped() == schema.dumps(schema.generate())


def test_missing_config_file(tmp_path: Path) -> None:
    run = run_main("build", "nope.yaml", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.strip() == "duckalog: error: nope.yaml: config file not found"


def test_usage_error_exits_2(tmp_path: Path) -> None:
    run = run_cli("build", cwd=tmp_path)
    assert run.code == 2
    assert "usage:" in run.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "duckalog", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("duckalog ")


def test_quickstart_style_rebuild_keeps_file_when_config_breaks(tmp_path: Path) -> None:
    project(tmp_path, "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n")
    assert run_cli("build", "duckalog.yaml", cwd=tmp_path).code == 0
    before = digest(tmp_path / "catalog.duckdb")
    (tmp_path / "duckalog.yaml").write_text("views: [{name: orders, source: parquet}]\n")
    run = run_cli("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 2
    assert "duckalog.yaml: views[0].uri: is required for source parquet" in run.stderr
    assert digest(tmp_path / "catalog.duckdb") == before


def test_quickstart_example_builds(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "quickstart"
    if not example.is_dir():
        pytest.skip("examples/ is not part of the sdist")
    shutil.copytree(example, tmp_path / "quickstart", ignore=shutil.ignore_patterns("*.duckdb*"))
    run = run_main("build", "duckalog.yaml", cwd=tmp_path / "quickstart")
    assert run.code == 0, run.stderr
    catalog = tmp_path / "quickstart" / "catalog.duckdb"
    assert set(views_in(catalog)) == {"shop.orders", "shop.customers", "shop.revenue_by_country"}


def test_target_that_cannot_be_replaced_is_a_build_error(tmp_path: Path) -> None:
    project(tmp_path, "views: [{name: orders, source: parquet, uri: data/orders.parquet}]\n")
    (tmp_path / "catalog.duckdb").mkdir()
    (tmp_path / "catalog.duckdb" / "keep.txt").write_text("x")
    before = listing(tmp_path)
    run = run_cli("build", "duckalog.yaml", cwd=tmp_path)
    assert run.code == 3
    assert "duckalog: error: build failed at catalog" in run.stderr
    assert "Traceback" not in run.stderr
    assert listing(tmp_path) == before

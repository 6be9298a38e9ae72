# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Loading configs: the model, YAML/JSON, paths, imports, merging, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duckalog.config import load_catalog
from duckalog.config.model import View
from duckalog.errors import ConfigError

FULL = """\
version: 1
duckdb:
  database: out/catalog.duckdb
  install_extensions: [json]
  load_extensions: [json]
  settings: {threads: 2}
  secrets:
    - type: s3
      name: lake
      key_id: "${env:T_AWS_KEY}"
      secret: "${env:T_AWS_SECRET}"
      region: eu-west-1
attachments:
  duckdb:   [{alias: ref, path: ref.duckdb, read_only: true}]
  sqlite:   [{alias: legacy, path: legacy.db}]
  postgres:
    - {alias: pg, host: db, port: 5432, database: app, user: app, password: "${env:T_PGPASSWORD}"}
views:
  - name: orders
    schema: sales
    source: parquet
    uri: data/orders/*.parquet
    options: {hive_partitioning: true}
    description: Orders, one row per order
    tags: [finance]
  - name: big_orders
    sql: "SELECT * FROM sales.orders WHERE amount > 100"
  - name: legacy_customers
    source: sqlite
    database: legacy
    table: customers
"""
ENV = {"T_AWS_KEY": "AKIAEXAMPLE", "T_AWS_SECRET": "s3cr3t-value", "T_PGPASSWORD": "pg-pass-word"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_full_example_loads(tmp_path: Path) -> None:
    config = write(tmp_path / "conf" / "duckalog.yaml", FULL)
    catalog = load_catalog(config, ENV)
    base = tmp_path / "conf"
    assert catalog.database == base / "out" / "catalog.duckdb"
    assert [extension.item for extension in catalog.install_extensions] == ["json"]
    assert catalog.settings == {"threads": 2}
    secret = catalog.secrets[0].item
    assert secret.parameters == {
        "key_id": "AKIAEXAMPLE",
        "secret": "s3cr3t-value",
        "region": "eu-west-1",
    }
    assert [a.item.alias for a in catalog.attachments] == ["ref", "legacy", "pg"]
    assert catalog.attachments[0].item.path == str(base / "ref.duckdb")  # type: ignore[union-attr]
    orders = catalog.views[0].item
    assert orders.uri == str(base / "data" / "orders" / "*.parquet")
    assert orders.options == {"hive_partitioning": True}
    assert catalog.views[1].origin.key == "views[1]"
    # region is configuration, not a credential; everything else is secret
    assert catalog.secret_values == {"AKIAEXAMPLE", "s3cr3t-value", "pg-pass-word"}


def test_json_and_yaml_are_one_model(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(FULL)
    yaml_catalog = load_catalog(write(tmp_path / "a.yaml", FULL), ENV)
    json_catalog = load_catalog(write(tmp_path / "a.json", json.dumps(data)), ENV)
    assert [v.item for v in yaml_catalog.views] == [v.item for v in json_catalog.views]
    assert [a.item for a in yaml_catalog.attachments] == [a.item for a in json_catalog.attachments]


def test_defaults(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path / "c.yaml", "views: []\n"), {})
    assert catalog.database == tmp_path / "catalog.duckdb"
    assert catalog.views == ()


def test_urls_and_absolute_paths_are_kept(tmp_path: Path) -> None:
    text = (
        "views:\n"
        "  - {name: a, source: parquet, uri: 's3://bucket/x/*.parquet'}\n"
        f"  - {{name: b, source: csv, uri: '{tmp_path / 'abs.csv'}'}}\n"
    )
    catalog = load_catalog(write(tmp_path / "c.yaml", text), {})
    assert catalog.views[0].item.uri == "s3://bucket/x/*.parquet"
    assert catalog.views[1].item.uri == str(tmp_path / "abs.csv")


def test_every_problem_is_reported_with_its_key(tmp_path: Path) -> None:
    text = "views:\n  - {name: 1, source: parquet}\n  - {name: b, sql: 'SELECT 1', urii: x}\n"
    with pytest.raises(ConfigError) as caught:
        load_catalog(write(tmp_path / "c.yaml", text), {})
    message = str(caught.value)
    assert "c.yaml: views[0].name: must be a string, not an integer" in message
    assert "c.yaml: views[1].urii: unknown key" in message


def test_secret_values_never_in_validation_messages(tmp_path: Path) -> None:
    text = "duckdb:\n  secrets:\n    - {type: s3, name: x, secret: [hunter2-secret]}\n"
    with pytest.raises(ConfigError) as caught:
        load_catalog(write(tmp_path / "c.yaml", text), {})
    assert "duckdb.secrets[0].secret" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_imports_merge_relative_to_each_file(tmp_path: Path) -> None:
    write(
        tmp_path / "shared" / "common.yaml",
        "duckdb: {settings: {threads: 1, memory_limit: '1GB'}}\n"
        "views: [{name: base, source: csv, uri: base.csv}]\n",
    )
    root = write(
        tmp_path / "duckalog.yaml",
        "imports: [shared/common.yaml]\nduckdb: {settings: {threads: 4}}\n"
        "views: [{name: top, sql: SELECT 1}]\n",
    )
    catalog = load_catalog(root, {})
    assert [v.item.name for v in catalog.views] == ["base", "top"]
    assert catalog.views[0].item.uri == str(tmp_path / "shared" / "base.csv")
    assert catalog.views[0].origin.file.name == "common.yaml"
    assert catalog.settings == {"threads": 4, "memory_limit": "1GB"}


def test_diamond_import_is_merged_once(tmp_path: Path) -> None:
    write(tmp_path / "c.yaml", "views: [{name: shared, sql: SELECT 1}]\n")
    write(tmp_path / "a.yaml", "imports: [c.yaml]\n")
    write(tmp_path / "b.yaml", "imports: [c.yaml]\n")
    catalog = load_catalog(write(tmp_path / "root.yaml", "imports: [a.yaml, b.yaml]\n"), {})
    assert [v.item.name for v in catalog.views] == ["shared"]


def test_import_cycle_names_the_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.yaml", "imports: [b.yaml]\n")
    write(tmp_path / "b.yaml", "imports: [a.yaml]\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        ConfigError, match=r"b.yaml: imports\[0\]: import cycle: a.yaml -> b.yaml -> a.yaml"
    ):
        load_catalog("a.yaml", {})


def test_self_import_is_a_cycle(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="import cycle"):
        load_catalog(write(tmp_path / "a.yaml", "imports: [a.yaml]\n"), {})


def test_view_names_are_case_insensitive(tmp_path: Path) -> None:
    text = "views: [{name: Orders, sql: SELECT 1}, {name: orders, schema: MAIN, sql: SELECT 2}]\n"
    with pytest.raises(ConfigError, match=r"views\[1\].name: duplicate view"):
        load_catalog(write(tmp_path / "c.yaml", text), {})


def test_same_name_in_two_schemas_is_fine(tmp_path: Path) -> None:
    text = "views: [{name: o, schema: a, sql: SELECT 1}, {name: o, schema: b, sql: SELECT 2}]\n"
    assert len(load_catalog(write(tmp_path / "c.yaml", text), {}).views) == 2


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ({"name": "v"}, "a view needs sql, sql_file or source"),
        ({"name": "v", "source": "parquet"}, "views[0].uri: is required for source parquet"),
        ({"name": "v", "source": "sqlite", "database": "x"}, "views[0].table: is required"),
        ({"name": "v", "sql": "SELECT 1", "uri": "x"}, "views[0].uri: not allowed in an sql view"),
        ({"name": "v", "source": "csv", "uri": "x", "table": "t"}, "views[0].table: not allowed"),
    ],
)
def test_view_rules(tmp_path: Path, view: dict[str, str], message: str) -> None:
    config = write(tmp_path / "c.json", json.dumps({"views": [view]}))
    with pytest.raises(ConfigError) as caught:
        load_catalog(config, {})
    assert message in str(caught.value)


def test_view_model_is_frozen() -> None:
    view = View(name="x", sql="SELECT 1")
    with pytest.raises(AttributeError):
        view.name = "y"  # type: ignore[misc]


def test_values_from_the_environment_take_the_fields_type(tmp_path: Path) -> None:
    text = (
        "attachments:\n  postgres:\n"
        "    - {alias: pg, host: db, database: app, user: app,"
        ' port: "${env:T_PGPORT:-5432}", read_only: "${env:T_RO}"}\n'
    )
    config = write(tmp_path / "c.yaml", text)
    default = load_catalog(config, {"T_RO": "false"}).attachments[0].item
    assert (default.port, default.read_only) == (5432, False)  # type: ignore[union-attr]
    chosen = load_catalog(config, {"T_PGPORT": "6543", "T_RO": "true"}).attachments[0].item
    assert (chosen.port, chosen.read_only) == (6543, True)  # type: ignore[union-attr]
    with pytest.raises(ConfigError) as caught:
        load_catalog(config, {"T_PGPORT": "99999", "T_RO": "maybe"})
    assert str(caught.value).splitlines() == [
        f"{config}: attachments.postgres[0].port: must be at most 65535",
        f"{config}: attachments.postgres[0].read_only: must be a boolean (true or false);"
        " '${env:T_RO}' gave 'maybe'",
    ]


def test_literal_text_is_never_coerced(tmp_path: Path) -> None:
    text = 'attachments: {postgres: [{alias: pg, host: db, database: a, user: a, port: "5432"}]}\n'
    with pytest.raises(ConfigError, match="port: must be an integer, not a string"):
        load_catalog(write(tmp_path / "c.yaml", text), {})


def test_names_fold_only_ascii_case_like_duckdb(tmp_path: Path) -> None:
    """ÄBC and äbc are two DuckDB names; ABC and abc are one."""
    text = 'views: [{name: "ÄBC", sql: SELECT 1}, {name: "äbc", sql: SELECT 2}]\n'
    assert len(load_catalog(write(tmp_path / "a.yaml", text), {}).views) == 2
    text = (
        'duckdb: {secrets: [{type: http, name: "Ö", bearer_token: x},'
        ' {type: http, name: "ö", bearer_token: y}]}\n'
        'attachments: {duckdb: [{alias: "É", path: a.duckdb}, {alias: "é", path: b.duckdb}]}\n'
    )
    catalog = load_catalog(write(tmp_path / "b.yaml", text), {})
    assert (len(catalog.secrets), len(catalog.attachments)) == (2, 2)


def test_extension_files_and_directories_resolve_against_the_config(tmp_path: Path) -> None:
    text = (
        "duckdb:\n"
        "  load_extensions: [json, ext/custom.duckdb_extension]\n"
        "  settings:\n"
        "    extension_directory: extensions\n"
        "    file_search_path: 'data,/abs/other'\n"
        "    threads: 2\n"
    )
    catalog = load_catalog(write(tmp_path / "conf" / "c.yaml", text), {})
    base = tmp_path / "conf"
    assert [e.item for e in catalog.load_extensions] == [
        "json",
        str(base / "ext" / "custom.duckdb_extension"),
    ]
    assert catalog.load_extensions[1].origin.key == "duckdb.load_extensions[1]"
    assert catalog.settings == {
        "extension_directory": str(base / "extensions"),
        "file_search_path": f"{base / 'data'},/abs/other",
        "threads": 2,
    }


def test_credentials_are_redacted_and_stored_only_by_reference(tmp_path: Path) -> None:
    text = (
        "duckdb:\n"
        "  settings: {s3_secret_access_key: '${env:T_S3}', s3_region: eu}\n"
        "  secrets:\n"
        "    - {type: s3, name: a, key_id: '${env:T_KEY}', secret: 'lit${env:T_S3}', region: eu}\n"
        "attachments:\n"
        "  postgres: [{alias: pg, host: h, database: d, user: u, password: '${env:T_PW:-}'}]\n"
    )
    catalog = load_catalog(
        write(tmp_path / "c.yaml", text), {"T_S3": "s3-value", "T_KEY": "key-value"}
    )
    file = tmp_path / "c.yaml"
    assert catalog.secret_values == {"s3-value", "key-value", "lits3-value"}
    assert {(o.key, ref) for o, ref in catalog.secret_references.items()} == {
        ("duckdb.settings.s3_secret_access_key", "${env:T_S3}"),
        ("duckdb.secrets[0].key_id", "${env:T_KEY}"),
        ("duckdb.secrets[0].secret", None),  # literal text around the reference
        ("attachments.postgres[0].password", "${env:T_PW:-}"),
    }
    assert {o.file for o in catalog.secret_references} == {file}

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The shipped JSON Schema: generated from the model, valid, and agreeing with the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from duckalog import schema
from duckalog.config import load_catalog
from duckalog.errors import ConfigError
from duckalog.starter import STARTER_CONFIG

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = Path(__file__).parents[2] / "examples"
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
#: Corpus cases whose problem is in the schema's domain (types, keys, patterns, bounds).
SCHEMA_CASES = [
    "unknown_top_level_key",
    "unknown_view_key",
    "views_not_a_list",
    "name_not_a_string",
    "read_only_not_boolean",
    "port_out_of_range",
    "unsupported_version",
    "unknown_source",
    "view_without_name",
    "view_sql_and_source",
    "view_neither_sql_nor_source",
    "setting_value_is_a_list",
    "imports_not_a_list",
    "unsafe_name_newline",
    "empty_name",
    "overlong_name",
    "unsafe_option_name",
    "unsafe_setting_name",
    "unsafe_extension_name",
]
VALID = {
    "version": 1,
    "duckdb": {
        "database": "catalog.duckdb",
        "install_extensions": ["json"],
        "settings": {"threads": 2, "memory_limit": "1GB"},
        "secrets": [{"type": "s3", "name": "lake", "key_id": "k", "secret": "s", "region": "eu"}],
    },
    "attachments": {
        "duckdb": [{"alias": "ref", "path": "ref.duckdb", "read_only": True}],
        "sqlite": [{"alias": "legacy", "path": "legacy.db"}],
        "postgres": [{"alias": "pg", "host": "db", "port": 5432, "database": "app", "user": "app"}],
    },
    "imports": [],
    "views": [
        {
            "name": "orders",
            "schema": "sales",
            "source": "parquet",
            "uri": "data/*.parquet",
            "options": {"hive_partitioning": True, "columns": {"a": "INT"}},
            "description": "Orders",
            "tags": ["finance"],
        },
        {"name": 'we"ird; --name', "sql": "SELECT 1"},
        {"name": "c", "source": "sqlite", "database": "legacy", "table": "customers"},
    ],
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    shipped = json.loads(schema.shipped())
    jsonschema.Draft202012Validator.check_schema(shipped)
    return jsonschema.Draft202012Validator(shipped)


def test_shipped_file_is_the_generated_schema() -> None:
    assert schema.shipped() == schema.dumps(schema.generate())


def test_valid_config_passes_schema_and_loader(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    validator.validate(VALID)
    config = tmp_path / "c.json"
    config.write_text(json.dumps(VALID), encoding="utf-8")
    assert len(load_catalog(config, {}).views) == 3


def test_starter_and_example_configs_pass_the_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    validator.validate(yaml.safe_load(STARTER_CONFIG))
    for example in EXAMPLES.glob("*/duckalog.yaml"):  # absent in the sdist: nothing to check
        validator.validate(yaml.safe_load(example.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", SCHEMA_CASES)
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.Draft202012Validator, name: str
) -> None:
    path = CORPUS / CASES[name]["config"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)), f"schema accepts {name}"
    with pytest.raises(ConfigError):
        load_catalog(path, {})


def test_lakehouse_sql_file_and_attached_configs_pass_schema_and_loader(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    (tmp_path / "q.sql").write_text("SELECT 1 AS n", encoding="utf-8")
    (tmp_path / "kid.yaml").write_text("duckdb: {database: kid.duckdb}\n", encoding="utf-8")
    config = {
        "attachments": {"duckalog": [{"alias": "kid", "config": "kid.yaml", "read_only": True}]},
        "views": [
            {"name": "q", "sql_file": "q.sql"},
            {"name": "d", "source": "delta", "uri": "lake/d", "options": {"filename": True}},
            {
                "name": "i",
                "source": "iceberg",
                "uri": "lake/i",
                "options": {"allow_moved_paths": True},
            },
        ],
    }
    validator.validate(config)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    catalog = load_catalog(path, {})
    assert [v.item.sql for v in catalog.views] == ["SELECT 1 AS n", None, None]
    assert [c.item.alias for c in catalog.children] == ["kid"]


@pytest.mark.parametrize(
    "view",
    [
        {"name": "v", "sql": "SELECT 1", "sql_file": "q.sql"},
        {"name": "v", "sql_file": "q.sql", "source": "delta", "uri": "x"},
        {"name": "v", "sql_file": ""},
    ],
)
def test_schema_and_loader_reject_a_bad_sql_file_view(
    validator: jsonschema.Draft202012Validator, tmp_path: Path, view: dict[str, str]
) -> None:
    (tmp_path / "q.sql").write_text("SELECT 1", encoding="utf-8")
    assert list(validator.iter_errors({"views": [view]}))
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"views": [view]}), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_catalog(path, {})


def test_starter_examples_pass_the_schema_when_uncommented(
    validator: jsonschema.Draft202012Validator,
) -> None:
    """`duckalog init` shows commented examples; each one, uncommented, is valid."""
    example = re.compile(r"^(- |[A-Za-z_]+:( |$))")
    lines = []
    for line in STARTER_CONFIG.splitlines():
        stripped = line.lstrip()
        # "  # - name: x" and "#   duckalog:" are examples; "# A view over SQL: ..." explains.
        if stripped.startswith("# ") and example.match(stripped[2:].lstrip()):
            lines.append(" " * (len(line) - len(stripped)) + stripped[2:])
        elif not stripped.startswith("#"):
            lines.append(line)
    data = yaml.safe_load("\n".join(lines))
    validator.validate(data)
    sources = {
        view.get("source") or ("sql_file" if "sql_file" in view else "sql")
        for view in data["views"]
    }
    assert sources == {"sql", "parquet", "csv", "sql_file", "delta", "iceberg"}
    assert data["attachments"]["duckalog"] == [
        {"alias": "ref", "config": "../reference/duckalog.yaml"}
    ]

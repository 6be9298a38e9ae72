# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The shipped JSON Schema: generated from the model, valid, and agreeing with the loader."""

from __future__ import annotations

import json
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

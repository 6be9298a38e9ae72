# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The JSON Schema of config files, generated from :mod:`duckalog.config.model`.

The generated schema is shipped as ``duckalog.schema.json`` (printed by
``duckalog schema``); a test proves the shipped file equals :func:`generate`.
Regenerate it with ``python -m duckalog.schema > src/duckalog/duckalog.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any, Literal, Union

from .config.model import Config
from .config.validate import hints, unwrap_optional

SCHEMA_FILE = Path(__file__).with_name("duckalog.schema.json")
SCHEMA_ID = "https://github.com/duckalog/duckalog/blob/main/src/duckalog/duckalog.schema.json"

#: A string holding an ${env:NAME} reference (JSON Schema / ECMA-262 pattern).
ENV_REFERENCE = "\\$\\{env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\\}"

_SCALARS: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
_STRING_KEYS = {"pattern": "pattern", "min_length": "minLength", "max_length": "maxLength"}
_NUMBER_KEYS = {"minimum": "minimum", "maximum": "maximum"}


def _type_schema(tp: Any, meta: typing.Mapping[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    tp, _ = unwrap_optional(tp)
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        name = typing.cast(type, tp).__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(typing.cast(type, tp), defs)
        return {"$ref": f"#/$defs/{name}"}
    if origin is list:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], meta, defs)}
    if origin is dict:
        item_meta = {k: v for k, v in meta.items() if k not in (*_STRING_KEYS, "key_pattern")}
        result: dict[str, Any] = {
            "type": "object",
            "additionalProperties": _type_schema(typing.get_args(tp)[1], item_meta, defs),
        }
        if "key_pattern" in meta:
            result["propertyNames"] = {"pattern": meta["key_pattern"]}
        return result
    if origin is Literal:
        return {"type": "string", "enum": list(typing.get_args(tp))}
    if origin is Union:
        return {"type": [_SCALARS[arg] for arg in typing.get_args(tp)]}
    if tp is Any:
        return {}
    result = {"type": _SCALARS[tp]}
    keys = _STRING_KEYS if tp is str else _NUMBER_KEYS if tp in (int, float) else {}
    result.update({json_key: meta[key] for key, json_key in keys.items() if key in meta})
    if "const" in meta:
        result["const"] = meta["const"]
    if tp is not str:
        # Text from ${env:...} is converted to the field's type when the config is loaded.
        return {"anyOf": [result, {"type": "string", "pattern": ENV_REFERENCE}]}
    return result


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    types = hints(cls)
    extra = getattr(cls, "__extra_keys__", None)
    properties: dict[str, Any] = {}
    required = []
    schema: dict[str, Any] = {"type": "object", "description": (cls.__doc__ or "").strip()}
    for field in dataclasses.fields(cls):
        meta = field.metadata
        prop = _type_schema(types[field.name], meta, defs)
        if field.name == extra:
            # The extra field collects unknown keys: they are the additional properties.
            schema["additionalProperties"] = prop["additionalProperties"]
            schema["propertyNames"] = prop.get("propertyNames", {})
            continue
        _, optional = unwrap_optional(types[field.name])
        if optional:
            prop = {"anyOf": [prop, {"type": "null"}]}
        prop["description"] = meta.get("description", "")
        if field.default is not dataclasses.MISSING and field.default is not None:
            prop["default"] = field.default
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.append(field.name)
        properties[field.name] = prop
    schema["properties"] = properties
    if required:
        schema["required"] = required
    if extra is None:
        schema["additionalProperties"] = False
    schema.update(getattr(cls, "__schema_rules__", {}))
    return schema


def generate() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a config file."""
    defs: dict[str, Any] = {}
    root = _object_schema(Config, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Duckalog config",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def dumps(schema: dict[str, Any]) -> str:
    """The canonical text of a schema, as shipped."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def shipped() -> str:
    """The schema file shipped in the package."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


if __name__ == "__main__":
    print(dumps(generate()), end="")

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read one config file into plain data: size and encoding checks, YAML or JSON parsing.

Syntax errors carry the line and column (1-based). Duplicate keys are errors in
both formats (YAML and JSON parsers silently keep the last one otherwise).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

#: Larger files are rejected before parsing; real configs are a few kB.
MAX_CONFIG_BYTES = 10 * 1024 * 1024

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loader that rejects duplicate mapping keys."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # Fast path for plain strings, most of a config: the same result as the
        # base class (node.value) without four Python calls per scalar.
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # complex keys are rejected later (keys must be strings)
            # Compare resolved tag and text, without constructing the key a second time.
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def read_text(path: Path, display: Path) -> str:
    """Read a config file as UTF-8 text, with checks that name the problem.

    ``display`` is how messages name the file.
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ConfigError("is a directory, not a config file", file=display)
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"config file is too large ({size} bytes; the limit is {MAX_CONFIG_BYTES} bytes)",
                file=display,
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config file not found", file=display) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file: {error.strerror}", file=display) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise ConfigError(
            "not a UTF-8 text file (binary or wrongly encoded content)",
            file=display,
            line=line,
            column=column,
        ) from None
    if "\x00" in text:
        line, column = _position(raw, raw.index(b"\x00"))
        raise ConfigError(
            "not a text file (contains NUL bytes)", file=display, line=line, column=column
        )
    return text


def parse(text: str, path: Path, display: Path) -> Any:
    """Parse YAML (or JSON, for ``.json`` files) into plain data."""
    if path.suffix.lower() == ".json":
        return _parse_json(text, display)
    return _parse_yaml(text, display)


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_json_keys)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"invalid JSON: {error.msg}", file=path, line=error.lineno, column=error.colno
        ) from None
    except ValueError as error:  # duplicate key
        raise ConfigError(f"invalid JSON: {error}", file=path) from None
    except RecursionError:
        raise ConfigError("invalid JSON: nested too deeply", file=path) from None


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "syntax error"
        if error.context:
            problem = f"{problem} ({error.context})"
        raise ConfigError(
            f"invalid YAML: {problem}",
            file=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"invalid YAML: {error}", file=path) from None
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", file=path) from None


def load_document(path: Path, display: Path) -> dict[str, Any]:
    """Read and parse one config file; its top level must be a mapping."""
    text = read_text(path, display)
    if not text.strip():
        raise ConfigError("config file is empty", file=display)
    data = parse(text, path, display)
    if data is None:
        raise ConfigError("config file is empty (only comments or null)", file=display)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ConfigError(f"the top level must be a mapping of keys, not {kind}", file=display)
    return data

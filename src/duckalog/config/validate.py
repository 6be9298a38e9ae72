# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Turn parsed YAML/JSON data into model objects, driven by the model's type hints.

Every problem is collected with its key path (``views[3].uri``) so one run
reports all of them. Only the types the model uses are supported: ``str``,
``int``, ``float``, ``bool``, ``Any`` (any JSON value), ``Optional``, ``Union``
of scalars, ``Literal``, ``List``, ``Dict[str, X]`` and nested dataclasses.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import typing
from collections.abc import Mapping
from typing import Any, Callable, Literal, TypeVar, Union

from . import model

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One validation problem: where (key path) and what."""

    key: str
    message: str


# JSON type names in the order they must be tried: bool is a subclass of int.
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (type(None), "null"),
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "a mapping"),
)


def _describe(value: object) -> str:
    """Name a value's JSON type, never the value itself (it may be a secret)."""
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _join(key: str, child: str) -> str:
    return f"{key}.{child}" if key else child


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    """The evaluated type hints of a model class (cached: evaluating them is slow)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


_FIELDS: dict[type, dict[str, dataclasses.Field[Any]]] = {}


def _known_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The dataclass fields of a model class by name (cached)."""
    if cls not in _FIELDS:
        _FIELDS[cls] = {field.name: field for field in dataclasses.fields(cls)}
    return _FIELDS[cls]


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    """``Optional[X]`` -> ``(X, True)``; anything else -> ``(tp, False)``."""
    if typing.get_origin(tp) is Union:
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(args) < len(typing.get_args(tp)):
            return (args[0] if len(args) == 1 else Union[tuple(args)]), True
    return tp, False


#: Keyed by id(): hashing typing constructs is slow, and model types live forever.
_ANALYSED: dict[int, tuple[Any, tuple[str, Any, bool]]] = {}


def _analyse(tp: Any) -> tuple[str, Any, bool]:
    """``(kind, inner, optional)`` of a model type, computed once per type."""
    cached = _ANALYSED.get(id(tp))
    if cached is not None and cached[0] is tp:
        return cached[1]
    bare, optional = unwrap_optional(tp)
    origin = typing.get_origin(bare)
    if dataclasses.is_dataclass(bare):
        result: tuple[str, Any, bool] = ("dataclass", bare, optional)
    elif origin is list:
        result = ("list", typing.get_args(bare)[0], optional)
    elif origin is dict:
        result = ("dict", typing.get_args(bare)[1], optional)
    elif origin is Literal:
        result = ("literal", typing.get_args(bare), optional)
    elif origin is Union:
        result = ("union", typing.get_args(bare), optional)
    elif bare is Any:
        result = ("any", None, optional)
    else:
        result = ("scalar", bare, optional)
    _ANALYSED[id(tp)] = (tp, result)
    return result


class Validator:
    """Converts data to model objects, recording :class:`Problem`s instead of raising."""

    def __init__(
        self,
        resolve_path: Callable[[str], str] | None = None,
        interpolated: Mapping[str, str] | None = None,
    ) -> None:
        self.problems: list[Problem] = []
        #: Applied to every valid string of a ``path`` field (relative -> absolute).
        self.resolve_path = resolve_path
        #: Key paths whose text came from ``${env:...}`` -> the template as written.
        #: Such text is coerced to the field's type (a port from the environment).
        self.interpolated: Mapping[str, str] = interpolated or {}

    def fail(self, key: str, message: str) -> None:
        """Record a problem at ``key``."""
        self.problems.append(Problem(key, message))

    def convert(self, tp: Any, value: Any, key: str, meta: Mapping[str, Any]) -> Any:
        """Convert ``value`` to type ``tp``; on a problem record it and return None."""
        kind, inner, optional = _analyse(tp)
        if value is None:
            if not optional:
                self.fail(key, "must not be null")
            return None
        if kind == "scalar":
            return self._scalar(inner, value, key, meta)
        if kind == "dataclass":
            return self.build(inner, value, key)
        if kind == "list":
            return self._list(inner, value, key, meta)
        if kind == "dict":
            return self._dict(inner, value, key, meta)
        if kind == "literal":
            if value not in inner or not isinstance(value, str):
                self.fail(key, f"must be one of {', '.join(inner)}")
                return None
            return value
        if kind == "union":
            return self._scalar_union(inner, value, key)
        return self._any(value, key)

    def _scalar(self, tp: type, value: Any, key: str, meta: Mapping[str, Any]) -> Any:
        if tp is not str and isinstance(value, str) and key in self.interpolated:
            coerced = _coerce(tp, value)
            if coerced is None:
                self.fail(
                    key,
                    f"must be {_SCALAR_NAMES[tp]}; {self.interpolated[key]!r} gave {value!r}",
                )
                return None
            value = coerced
        if tp is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif tp is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, tp)
        if not ok:
            self.fail(key, f"must be {_SCALAR_NAMES[tp]}, not {_describe(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(key, "must be a finite number")
            return None
        if "const" in meta and value != meta["const"]:
            self.fail(key, f"must be {meta['const']!r} (the only supported value)")
            return None
        if isinstance(value, str):
            self._check_string(value, key, meta)
            if self.resolve_path is not None and _is_path(value, meta):
                return self.resolve_path(value)
        elif isinstance(value, int):
            if "minimum" in meta and value < meta["minimum"]:
                self.fail(key, f"must be at least {meta['minimum']}")
            if "maximum" in meta and value > meta["maximum"]:
                self.fail(key, f"must be at most {meta['maximum']}")
        return value

    def _check_string(self, value: str, key: str, meta: Mapping[str, Any]) -> None:
        if "min_length" in meta and len(value) < meta["min_length"]:
            self.fail(key, "must not be empty")
        elif "max_length" in meta and len(value) > meta["max_length"]:
            self.fail(key, f"must be at most {meta['max_length']} characters long")
        elif "pattern" in meta and not _compiled(meta["pattern"]).search(value):
            self.fail(key, _PATTERN_HELP.get(meta["pattern"], f"must match {meta['pattern']}"))

    def _scalar_union(self, args: tuple[Any, ...], value: Any, key: str) -> Any:
        for arg in args:
            if arg is bool and isinstance(value, bool):
                return value
            if arg is not bool and isinstance(value, arg) and not isinstance(value, bool):
                if isinstance(value, float) and not math.isfinite(value):
                    break
                return value
        names = " or ".join(_SCALAR_NAMES[arg] for arg in args)
        self.fail(key, f"must be {names}, not {_describe(value)}")
        return None

    def _any(self, value: Any, key: str) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(key, "must be a finite number")
            return None
        if isinstance(value, (str, bool, int, float)):
            return value
        if isinstance(value, list):
            return [self._any(item, f"{key}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {str(k): self._any(v, _join(key, str(k))) for k, v in value.items()}
        self.fail(
            key, f"must be a string, number, boolean, list or mapping, not {_describe(value)}"
        )
        return None

    def _list(self, item_tp: Any, value: Any, key: str, meta: Mapping[str, Any]) -> Any:
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {_describe(value)}")
            return []
        return [
            self.convert(item_tp, item, f"{key}[{index}]", meta) for index, item in enumerate(value)
        ]

    def _dict(self, item_tp: Any, value: Any, key: str, meta: Mapping[str, Any]) -> Any:
        if not isinstance(value, dict):
            self.fail(key, f"must be a mapping, not {_describe(value)}")
            return {}
        result: dict[str, Any] = {}
        key_pattern = meta.get("key_pattern")
        item_meta = {k: v for k, v in meta.items() if k not in _STRING_CHECKS}
        for name, item in value.items():
            child = _join(key, str(name))
            if not isinstance(name, str):
                self.fail(child, f"key must be a string, not {_describe(name)}")
                continue
            if key_pattern and not _compiled(key_pattern).search(name):
                self.fail(child, _PATTERN_HELP.get(key_pattern, f"key must match {key_pattern}"))
                continue
            result[name] = self.convert(item_tp, item, child, item_meta)
        return result

    def build(self, cls: type[T], value: Any, key: str) -> T:
        """Build a dataclass ``cls`` from a mapping; unknown keys are problems."""
        if not isinstance(value, dict):
            self.fail(key, f"must be a mapping, not {_describe(value)}")
            return typing.cast(T, None)
        types = hints(cls)
        known = _known_fields(cls)
        extra_field = getattr(cls, "__extra_keys__", None)
        kwargs: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        for name in value:
            if not isinstance(name, str):
                self.fail(key, f"keys must be strings, not {_describe(name)}")
            elif name not in known or name == extra_field:
                if extra_field is None:
                    self.fail(
                        _join(key, name), f"unknown key (expected one of: {', '.join(known)})"
                    )
                else:
                    extras[name] = value[name]
        for name, field in known.items():
            if name == extra_field:
                kwargs[name] = self.convert(types[name], extras, key, field.metadata)
            elif name in value:
                kwargs[name] = self.convert(
                    types[name], value[name], _join(key, name), field.metadata
                )
            elif (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                self.fail(_join(key, name), "is required")
        try:
            return cls(**kwargs)
        except TypeError:  # a required field was missing: already recorded
            return typing.cast(T, None)


def _is_path(value: str, meta: Mapping[str, Any]) -> bool:
    if "path_suffix" in meta:
        return value.endswith(meta["path_suffix"])
    return bool(meta.get("path"))


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _coerce(tp: type, text: str) -> Any:
    """Text from the environment as an int, float or bool; None when it is not one."""
    stripped = text.strip()
    try:
        if tp is int:
            return int(stripped, 10)
        if tp is float:
            number = float(stripped)
            return number if math.isfinite(number) else None
    except ValueError:
        return None
    if tp is bool:
        lowered = stripped.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else None
    return None


_SCALAR_NAMES: dict[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean (true or false)",
}
_STRING_CHECKS = ("pattern", "min_length", "max_length", "key_pattern")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_PATTERN_HELP: dict[str, str] = {
    model.NAME_PATTERN: "must not contain control characters (newlines, tabs, NUL)",
    model.KEYWORD_PATTERN: "must be a plain identifier (letters, digits, underscore)",
    model.EXTENSION_PATTERN: (
        "must be an extension name (letters, digits, underscore)"
        f" or a path to a {model.EXTENSION_SUFFIX} file"
    ),
}

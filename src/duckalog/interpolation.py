# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``${env:NAME}`` and ``${env:NAME:-default}`` in config string values.

The default applies when the variable is unset or empty, as in the shell.
``$${`` writes a literal ``${``. Any other ``${`` is an error, so a typo such
as ``${env:AWS-KEY}`` is reported instead of reaching DuckDB verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(
    r"\$\$\{"  # escaped: a literal "${"
    r"|\$\{env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}"
    r"|\$\{"  # anything else starting with "${" is malformed
)


class InterpolationError(ValueError):
    """A reference could not be resolved; the message names the variable."""


def interpolate(value: str, environ: Mapping[str, str]) -> str:
    """Return ``value`` with every ``${env:...}`` reference replaced."""
    if "$" not in value:  # the common case, kept cheap
        return value

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name = match.group("name")
        if name is None:
            raise InterpolationError(
                "malformed reference: expected ${env:NAME} or ${env:NAME:-default}"
                " (write $${ for a literal ${)"
            )
        found = environ.get(name, "")
        if found:
            return found
        default = match.group("default")
        if default is not None:
            return default
        if name in environ:
            return ""
        raise InterpolationError(f"environment variable {name} is not set (and has no default)")

    return _TOKEN.sub(replace, value)


def references_only(template: str) -> bool:
    """True when ``template`` is made only of ``${env:NAME}`` references.

    Such a value can be stored (as the template) and resolved again later from
    the environment. A reference with a non-empty default, or any literal
    text, holds part of the value itself: for a secret, that part must not be
    stored.
    """
    rest = template
    for match in _TOKEN.finditer(template):
        if match.group("name") is None or match.group("default"):
            return False
        rest = rest.replace(match.group(0), "", 1)
    return rest == "" and template != ""


def has_references(value: str) -> bool:
    """True when ``value`` holds at least one ``${env:...}`` reference."""
    return "${" in value and any(m.group("name") for m in _TOKEN.finditer(value))

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Failure messages of the release gates, declared once so docs can be checked.

A gate never raises a bare string: it raises :class:`GateFailure` with a
:class:`Problem` declared at module level. ``docs/troubleshooting.md`` has an
entry for every problem code; ``tests/docs`` checks that with :func:`catalog`.

A code is ``<gate>.<slug>``: the slug is lowercase words joined by ``-``, and
the prefix names who found the problem, following where it is declared
(:func:`owner`): a gate (``gates/<gate>.py`` and its parts ``gates/<gate>_*.py``),
a workflow tool (its nox session; ``workflow/<tool>.py`` and its parts
``workflow/<tool>_*.py``), the rehearsal (``release``, its session), or a check
several gates share (``_internal/<check>.py``: ``checksums``, ``dists``,
``lockfile``, ``release_config``, ``pythons``, ``licence_overrides``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from release_gates import registry

CODE = re.compile(r"(?P<owner>[a-z][a-z_]*)\.(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)")


@dataclass(frozen=True)
class Problem:
    """One kind of gate failure: a stable code, a message template and the fix.

    ``code`` is ``<gate>.<slug>`` (for example ``version.tag-mismatch``);
    ``template`` is formatted with the values given to :class:`GateFailure`;
    ``fix`` tells a maintainer what to do next.
    """

    code: str
    template: str
    fix: str

    def render(self, **values: Any) -> str:
        """Return the message with ``values`` filled in."""
        return self.template.format(**values)


class GateFailure(Exception):
    """Raised by a gate that decided the release must not go on (or could not decide)."""

    def __init__(self, problem: Problem, **values: Any) -> None:
        self.problem = problem
        self.values = values
        super().__init__(f"[{problem.code}] {problem.render(**values)}")

    @property
    def message(self) -> str:
        """The rendered message without the code."""
        return self.problem.render(**self.values)


def owner(module: str) -> str:
    """The code prefix a Problem declared in ``module`` must have (see the module docstring)."""
    parts = module.split(".")
    role, name = (parts[1], parts[2]) if len(parts) > 2 else ("", "")
    if role == "gates":
        return name.split("_")[0]
    if role == "_internal":
        return name
    if role == "rehearsal":
        return "release"
    for tool in registry.TOOLS:
        if module == tool.module or module.startswith(f"{tool.module}_"):
            return tool.name
    raise ValueError(f"{module} may not declare problems: it is not a gate, tool or shared check")


def declared() -> Iterator[tuple[str, Problem]]:
    """``(module, problem)`` for every :class:`Problem` declared in this package."""
    import release_gates

    prefix = f"{release_gates.__name__}."
    for info in pkgutil.walk_packages(release_gates.__path__, prefix):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Problem) and value.code:
                yield info.name, value


def catalog() -> dict[str, Problem]:
    """Every :class:`Problem` declared in any module of this package, by code."""
    found: dict[str, Problem] = {}
    for _module, problem in declared():
        if problem.code in found and found[problem.code] != problem:
            raise ValueError(f"problem code {problem.code} declared twice")
        found[problem.code] = problem
    return found

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Failure messages of the release gates, declared once so docs can be checked.

A gate never raises a bare string: it raises :class:`GateFailure` with a
:class:`Problem` declared at module level. ``docs/troubleshooting.md`` has an
entry for every problem code; ``tests/docs`` checks that with :func:`catalog`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any


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


def catalog() -> dict[str, Problem]:
    """Every :class:`Problem` declared in any module of this package or the stand-ins, by code."""
    import release_gates
    import standins

    found: dict[str, Problem] = {}
    names = [
        info.name
        for package in (release_gates, standins)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not info.name.endswith("__main__")
    ]
    for name in names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Problem):
                if value.code in found and found[value.code] != value:
                    raise ValueError(f"problem code {value.code} declared twice")
                found[value.code] = value
    return found

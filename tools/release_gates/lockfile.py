# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read the hash-locked requirement files under ``security/`` (uv, ``--universal``).

A universal lock holds one line per package *and* environment, told apart by
markers (``duckdb==1.4.5 ; python_full_version < '3.10'``). The audit and licence
gates need the concrete closure a given Python installs: :func:`closure_for`
evaluates the markers for that Python, and :func:`write_pinned` writes the result
as a marker-free, still hash-checked requirement file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from release_gates.problems import GateFailure, Problem

UNPARSABLE = Problem(
    "lockfile.unparsable",
    "{path}:{line}: cannot read {text!r} as a pinned, hashed requirement ({reason})",
    "Regenerate the lock with `scripts/nox -s lock -- <name>`; do not edit .txt locks by hand.",
)


@dataclass(frozen=True)
class Pin:
    """One line of a lock: ``name==version`` for the environments ``marker`` selects."""

    name: str
    version: str
    marker: str | None
    hashes: tuple[str, ...]

    def applies_to(self, python: str) -> bool:
        """Whether this pin is installed on CPython ``python`` (``"3.9"``) on this platform."""
        if self.marker is None:
            return True
        environment: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
        # Only the Python differs from the running interpreter; X.Y.0 stands for the series.
        environment["python_version"] = python
        environment["python_full_version"] = f"{python}.0"
        return Marker(self.marker).evaluate(environment)

    def requirement_line(self) -> str:
        """The pin without its marker, with its hashes (for ``--require-hashes``)."""
        hashes = "".join(f" \\\n    --hash={h}" for h in self.hashes)
        return f"{self.name}=={self.version}{hashes}\n"


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Join backslash continuations; drop comments and blank lines."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            yield start, buffer.strip()
        buffer = ""
    if buffer.strip():
        yield start, buffer.strip()


def read_lock(path: Path) -> list[Pin]:
    """Every pin in ``path``; anything that is not ``name==version [; marker] --hash=...`` fails."""
    pins: list[Pin] = []
    for number, line in _logical_lines(path.read_text(encoding="utf-8")):
        spec, *hash_parts = re.split(r"\s+--hash=", line)
        hashes = tuple(h.strip() for h in hash_parts)
        try:
            requirement = Requirement(spec)
        except ValueError as error:
            raise GateFailure(UNPARSABLE, path=path, line=number, text=line, reason=error) from None
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or not hashes:
            raise GateFailure(
                UNPARSABLE, path=path, line=number, text=spec, reason="not ==, or no --hash"
            )
        marker = str(requirement.marker) if requirement.marker else None
        pins.append(Pin(canonicalize_name(requirement.name), specifiers[0].version, marker, hashes))
    return pins


def closure_for(pins: Sequence[Pin], python: str) -> tuple[Pin, ...]:
    """The pins installed on ``python``, sorted by name."""
    return tuple(sorted((p for p in pins if p.applies_to(python)), key=lambda p: p.name))


def group_by_closure(
    pins: Sequence[Pin], pythons: Sequence[str]
) -> dict[tuple[Pin, ...], list[str]]:
    """Pythons that install exactly the same closure, grouped (audit each closure once)."""
    groups: dict[tuple[Pin, ...], list[str]] = {}
    for python in pythons:
        groups.setdefault(closure_for(pins, python), []).append(python)
    return groups


def write_pinned(pins: Iterable[Pin], target: Path) -> Path:
    """Write ``pins`` as a marker-free requirement file with hashes."""
    target.write_text("".join(p.requirement_line() for p in pins), encoding="utf-8")
    return target


def supported_pythons(classifiers: Iterable[str]) -> list[str]:
    """``3.N`` versions named by ``Programming Language :: Python :: 3.N`` classifiers."""
    found = [
        m.group(1)
        for c in classifiers
        if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c.strip()))
    ]
    return sorted(set(found), key=lambda v: tuple(int(x) for x in v.split(".")))

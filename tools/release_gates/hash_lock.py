# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read the hash-locked requirement files under ``security/`` (uv ``--generate-hashes`` output).

A universal lock can pin several versions of one package behind environment
markers (duckdb 1.4 on Python 3.9, 2.x on 3.11+). :func:`resolve` picks what the
lock installs for one concrete interpreter, which is what an SBOM of that
interpreter's environment must contain, with the hashes of exactly that version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from release_gates.problems import GateFailure, Problem

LOCK_UNREADABLE = Problem(
    "lock.unreadable",
    "{path} line {line}: cannot read {text!r}: {reason}",
    "Regenerate the lock with `scripts/nox -s lock -- <name>`; every line must be "
    "`name==version [; marker]` with --hash options.",
)
LOCK_AMBIGUOUS = Problem(
    "lock.ambiguous",
    "{path} pins {name} more than once for the same Python ({versions})",
    "Regenerate the lock with `scripts/nox -s lock -- <name>` (uv --universal).",
)

_HASH = re.compile(r"--hash=sha256:([0-9a-fA-F]{64})")
# pip's rule: '#' starts a comment at the start of a line or after whitespace.
_COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class LockedRequirement:
    """One pinned line of a lock: canonical name, exact version, marker, allowed sha256s."""

    name: str
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    line: int

    def applies_to(self, environment: Mapping[str, str]) -> bool:
        """True when this line is installed in ``environment`` (PEP 508 marker values)."""
        return self.marker is None or self.marker.evaluate(dict(environment))


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = _COMMENT.sub("", raw).rstrip()
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = (pending + stripped).strip()
        pending = ""
        if logical:
            lines.append((start, logical))
    if pending.strip():
        lines.append((start, pending.strip()))
    return lines


def parse_lock(path: Path) -> list[LockedRequirement]:
    """Every requirement of the lock at ``path``; anything but pinned, hashed lines fails."""
    entries: list[LockedRequirement] = []
    for number, logical in _logical_lines(path.read_text(encoding="utf-8")):
        hashes = tuple(sorted(h.lower() for h in _HASH.findall(logical)))
        spec = _HASH.sub("", logical).strip()

        def unreadable(reason: str, spec: str = spec, number: int = number) -> GateFailure:
            return GateFailure(
                LOCK_UNREADABLE, path=str(path), line=number, text=spec, reason=reason
            )

        if not hashes:
            raise unreadable("no --hash=sha256 option")
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as error:
            raise unreadable(str(error)) from error
        pins = [s for s in requirement.specifier if s.operator == "=="]
        if len(requirement.specifier) != 1 or len(pins) != 1 or "*" in pins[0].version:
            raise unreadable("not pinned with a single ==")
        entries.append(
            LockedRequirement(
                name=canonicalize_name(requirement.name),
                version=pins[0].version,
                marker=requirement.marker,
                hashes=hashes,
                line=number,
            )
        )
    return entries


def resolve(
    entries: Sequence[LockedRequirement], environment: Mapping[str, str], path: Path
) -> dict[str, LockedRequirement]:
    """``{canonical name: requirement}`` the lock installs in ``environment``."""
    chosen: dict[str, LockedRequirement] = {}
    for entry in entries:
        if not entry.applies_to(environment):
            continue
        if entry.name in chosen:
            versions = f"{chosen[entry.name].version}, {entry.version}"
            raise GateFailure(LOCK_AMBIGUOUS, path=str(path), name=entry.name, versions=versions)
        chosen[entry.name] = entry
    return chosen

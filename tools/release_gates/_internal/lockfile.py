# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Read the hash-locked requirement files under ``security/`` (uv, ``--universal``, hashed).

A universal lock holds one line per package *and* environment, told apart by
markers (``duckdb==1.4.5 ; python_full_version < '3.10'``). Gates need the
concrete closure one interpreter installs:

* :func:`resolve` picks it for a full marker environment (the SBOM gate reads
  the real one from ``pip install --report``) and refuses a lock that pins a
  package twice for that environment;
* :func:`closure_for` picks it for a Python series (``"3.9"``) on this platform
  (audit and licence gates check every supported Python), and
  :func:`write_pinned` writes it as a marker-free, still hash-checked file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from release_gates.problems import GateFailure, Problem

UNPARSABLE = Problem(
    "lockfile.unparsable",
    "{path}:{line}: cannot read {text!r} as a pinned, hashed requirement ({reason})",
    "Regenerate the lock with `scripts/nox -s lock -- <name>`; do not edit .txt locks by hand.",
)
AMBIGUOUS = Problem(
    "lockfile.ambiguous",
    "{path} pins {name} more than once for the same Python ({versions})",
    "Regenerate the lock with `scripts/nox -s lock -- <name>` (uv --universal).",
)

_HASH = re.compile(r"--hash=sha256:([0-9a-fA-F]{64})")
# pip's rule: '#' starts a comment at the start of a line or after whitespace.
_COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class Pin:
    """One line of a lock: canonical name, exact version, marker, allowed sha256s (hex)."""

    name: str
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    line: int

    def applies_to(self, environment: Mapping[str, str]) -> bool:
        """True when this line is installed in ``environment`` (PEP 508 marker values)."""
        return self.marker is None or self.marker.evaluate(dict(environment))

    def requirement_line(self) -> str:
        """The pin without its marker, with its hashes (for ``--require-hashes``)."""
        hashes = "".join(f" \\\n    --hash=sha256:{h}" for h in self.hashes)
        return f"{self.name}=={self.version}{hashes}\n"


def environment_for(python: str) -> dict[str, str]:
    """This platform's marker environment, as CPython ``python`` (``"3.9"``) would report it."""
    environment: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    # Only the Python differs from the running interpreter; X.Y.0 stands for the series.
    environment["python_version"] = python
    environment["python_full_version"] = f"{python}.0"
    return environment


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash continuations; drop comments and blank lines; keep the first line number."""
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


def read_lock(path: Path) -> list[Pin]:
    """Every pin in ``path``; anything but ``name==version [; marker] --hash=sha256:...`` fails."""
    pins: list[Pin] = []
    for number, logical in _logical_lines(path.read_text(encoding="utf-8")):
        hashes = tuple(sorted(h.lower() for h in _HASH.findall(logical)))
        spec = _HASH.sub("", logical).strip()

        def unparsable(reason: str, spec: str = spec, number: int = number) -> GateFailure:
            return GateFailure(UNPARSABLE, path=str(path), line=number, text=spec, reason=reason)

        if not hashes:
            raise unparsable("no --hash=sha256 option")
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as error:
            raise unparsable(str(error)) from None
        pinned = [s for s in requirement.specifier if s.operator == "=="]
        if len(requirement.specifier) != 1 or len(pinned) != 1 or "*" in pinned[0].version:
            raise unparsable("not pinned with a single ==")
        pins.append(
            Pin(
                name=canonicalize_name(requirement.name),
                version=pinned[0].version,
                marker=requirement.marker,
                hashes=hashes,
                line=number,
            )
        )
    return pins


def resolve(pins: Sequence[Pin], environment: Mapping[str, str], path: Path) -> dict[str, Pin]:
    """``{name: pin}`` the lock installs in ``environment``; two pins for one name fail."""
    chosen: dict[str, Pin] = {}
    for pin in pins:
        if not pin.applies_to(environment):
            continue
        if pin.name in chosen:
            versions = f"{chosen[pin.name].version}, {pin.version}"
            raise GateFailure(AMBIGUOUS, path=str(path), name=pin.name, versions=versions)
        chosen[pin.name] = pin
    return chosen


def closure_for(pins: Sequence[Pin], python: str) -> tuple[Pin, ...]:
    """The pins installed on CPython ``python`` on this platform, sorted by name."""
    environment = environment_for(python)
    return tuple(sorted((p for p in pins if p.applies_to(environment)), key=lambda p: p.name))


def group_by_closure(
    pins: Sequence[Pin], pythons: Sequence[str]
) -> dict[tuple[Pin, ...], list[str]]:
    """Pythons that install exactly the same closure, grouped (audit each closure once)."""
    groups: dict[tuple[Pin, ...], list[str]] = {}
    for python in pythons:
        groups.setdefault(closure_for(pins, python), []).append(python)
    return groups


def closure_label(pythons: Sequence[str]) -> str:
    """``py3.9`` or ``py3.11-3.13``: the Pythons a closure's file (an SBOM) is named after."""
    first, last = pythons[0], pythons[-1]
    return f"py{first}" if first == last else f"py{first}-{last}"


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

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""docs/sbom.md's table of locked closures is what security/runtime.txt gives each Python."""

from __future__ import annotations

import re

import docpages

from release_gates._internal.lockfile import group_by_closure, read_lock, supported_pythons

PAGE = docpages.page("docs/sbom.md")


def documented_rows() -> list[tuple[str, str, str]]:
    """(Pythons, closure, SBOM file) of each row of the closures table."""
    rows = re.findall(r"^\| (3\.[\d., ]+) \| ([^|]+) \| `([^`]+)` \|$", PAGE.text, re.MULTILINE)
    return [(p.strip(), c.strip(), f.strip()) for p, c, f in rows]


def test_the_closures_table_matches_the_lock() -> None:
    classifiers = docpages.pyproject()["project"]["classifiers"]  # type: ignore[index]
    pins = read_lock(docpages.ROOT / "security" / "runtime.txt")
    expected = []
    for closure, pythons in group_by_closure(pins, supported_pythons(classifiers)).items():
        names = {"pyyaml": "PyYAML"}
        packages = ", ".join(f"{names.get(p.name, p.name)} {p.version}" for p in closure)
        label = f"py{pythons[0]}" if len(pythons) == 1 else f"py{pythons[0]}-{pythons[-1]}"
        expected.append((", ".join(pythons), packages, f"duckalog-X.Y.Z.{label}.cdx.json"))
    assert documented_rows() == expected

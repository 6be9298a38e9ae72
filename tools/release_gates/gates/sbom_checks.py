# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The sbom gate's cross-checks: the SBOM says exactly what the lock and the dists say.

The components are what the lock resolves for the described Python, each with a
licence and a sha256; the root component is bound to both dists by sha256; and
the wheel's ``Requires-Dist`` is met by the locked closure; and the document is
valid CycloneDX :data:`SPEC_VERSION` (:func:`validate`, offline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from release_gates._internal.dists import (
    Dists,
    wheel_metadata,
)
from release_gates._internal.lockfile import Pin
from release_gates.gates import sbom_render
from release_gates.problems import GateFailure, Problem

SPEC_VERSION = "1.6"


@dataclass(frozen=True)
class Installed:
    """What pip installed into the described venv: its marker environment and files."""

    environment: dict[str, str]
    files: dict[str, tuple[str, str]]  # canonical name -> (version, sha256 of the file)


COMPONENTS_MISMATCH = Problem(
    "sbom.components-mismatch",
    "the SBOM's components differ from what {lock} resolves for Python {python}: "
    "missing {missing}, unexpected {unexpected}",
    "Packaging tools must not be in the described venv and every locked package must be; "
    "regenerate the lock (`scripts/nox -s lock -- runtime`) if it no longer matches.",
)

HASH_NOT_LOCKED = Problem(
    "sbom.hash-not-locked",
    "pip installed {name} {version} from a file with sha256 {sha256}, which {lock} does not list",
    "Do not release: the installed file is not the locked one. Regenerate the lock and "
    "investigate the index.",
)

MISSING_LICENCE = Problem(
    "sbom.missing-licence",
    "components that declare no licence at all (no License-Expression, License field or "
    "License classifier, and no reviewed override): {components}",
    "Read the package's licence; if it is acceptable, add a reviewed [[override]] to "
    "security/license-overrides.toml (the licences gate reads it too), else replace the "
    "dependency.",
)

MISSING_HASH = Problem(
    "sbom.missing-hash",
    "components without a sha256 in the SBOM: {components}",
    "Every runtime dependency must be hash-locked in security/runtime.txt; regenerate it "
    "with `scripts/nox -s lock -- runtime`.",
)

ROOT_HASH_MISMATCH = Problem(
    "sbom.root-hash-mismatch",
    "the root component's dist hashes {recorded} are not the dists' sha256 {actual}",
    "Rebuild and rerun the gate; the SBOM must be bound to the released files.",
)

SCHEMA_INVALID = Problem(
    "sbom.schema-invalid",
    "the SBOM is not valid CycloneDX {spec}: {error}",
    "This is a bug in the sbom gate or cyclonedx-bom; look at the reported path in the JSON.",
)

REQUIREMENT_UNMET = Problem(
    "sbom.requirement-unmet",
    "{wheel} requires {requirement}, but the locked closure for Python {python} has {found}",
    "Keep security/runtime.in in step with [project].dependencies and regenerate the lock "
    "(`scripts/nox -s lock -- runtime`).",
)


def dist_hashes(bom: Mapping[str, Any]) -> dict[str, str]:
    """``{file name: sha256}`` recorded on the root component's distribution references."""
    found: dict[str, str] = {}
    for reference in bom["metadata"]["component"].get("externalReferences", []):
        if reference.get("type") == "distribution" and reference.get("hashes"):
            found[str(reference["url"])] = str(reference["hashes"][0]["content"])
    return found


def check_components(
    bom: Mapping[str, Any],
    locked: Mapping[str, Pin],
    python: str,
    lock: Path,
) -> None:
    """Fail unless the components are exactly the locked closure, each with licence and hash."""
    components = list(bom.get("components", []))
    present = {(canonicalize_name(str(c.get("name"))), str(c.get("version"))) for c in components}
    expected = {(name, entry.version) for name, entry in locked.items()}
    if present != expected:
        raise GateFailure(
            COMPONENTS_MISMATCH,
            lock=str(lock),
            python=python,
            missing=sorted(f"{n} {v}" for n, v in expected - present) or "none",
            unexpected=sorted(f"{n} {v}" for n, v in present - expected) or "none",
        )
    unlicensed = sorted(
        f"{c['name']} {c['version']}" for c in components if not sbom_render.licence_text(c)
    )
    if unlicensed:
        raise GateFailure(MISSING_LICENCE, components=unlicensed)
    unhashed = sorted(
        f"{c['name']} {c['version']}"
        for c in components
        if not c.get("hashes") or not all(h.get("alg") == "SHA-256" for h in c["hashes"])
    )
    if unhashed:
        raise GateFailure(MISSING_HASH, components=unhashed)


def check_installed_hashes(installed: Installed, locked: Mapping[str, Pin], lock: Path) -> None:
    """Fail if pip installed a file whose sha256 the lock does not allow."""
    for name, (version, sha256) in sorted(installed.files.items()):
        entry = locked.get(name)
        if entry is not None and entry.version == version and sha256 not in entry.hashes:
            raise GateFailure(
                HASH_NOT_LOCKED, name=name, version=version, sha256=sha256, lock=str(lock)
            )


def check_requires_dist(
    dists: Dists, bom: Mapping[str, Any], environment: Mapping[str, str]
) -> None:
    """Every ``Requires-Dist`` of the wheel that applies on this Python is met by a component."""
    versions = {
        canonicalize_name(str(c.get("name"))): str(c.get("version"))
        for c in bom.get("components", [])
    }
    marker_env = {**environment, "extra": ""}
    for text in wheel_metadata(dists.wheel).get_all("Requires-Dist") or []:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(marker_env):
            continue
        found = versions.get(canonicalize_name(requirement.name))
        if found is None or not requirement.specifier.contains(found, prereleases=True):
            raise GateFailure(
                REQUIREMENT_UNMET,
                wheel=dists.wheel.name,
                requirement=text,
                python=environment.get("python_full_version", "?"),
                found=f"{requirement.name} {found}" if found else "nothing",
            )


def validate(text: str) -> None:
    """Validate ``text`` against the CycloneDX 1.6 JSON schema (offline, shipped in the lib)."""
    # Only the sbom gate's venv has cyclonedx-python-lib (the lint venv does not).
    from cyclonedx.schema import SchemaVersion  # type: ignore[import-not-found,unused-ignore]
    from cyclonedx.validation.json import (  # type: ignore[import-not-found,unused-ignore]
        JsonStrictValidator,
    )

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise GateFailure(SCHEMA_INVALID, spec=SPEC_VERSION, error=str(error).splitlines()[0])

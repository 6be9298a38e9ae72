# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The vulnerability status of a release, as a CycloneDX 1.6 VEX document.

The audit gate writes it (``<name>-<version>.vex.cdx.json``) from what it found:
every advisory pip-audit reported against the locked closures, with the analysis
a reviewed waiver in ``security/waivers.toml`` states (``analysis.state``,
``justification``, the waiver's reason and expiry as ``detail``); a finding no
waiver covers is ``in_triage`` (and the audit fails). Its components are the
packages of every locked closure audited, each saying which Pythons install it,
and ``vulnerabilities[].affects`` refers to them by purl.

With no finding at all the document says so explicitly: the property
``duckalog:vex:status`` reads "no known vulnerabilities as of <date> ...".
An audit that did not run writes no VEX (and removes a stale one), since nothing
can be stated. The workflow attaches the VEX to the GitHub release next to the
SBOMs and attests it with them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

SPEC_VERSION = "1.6"
SUFFIX = ".vex.cdx.json"


@dataclass
class Finding:
    """One advisory affecting one pinned package version, on some Pythons.

    Defined here, with the VEX that states an analysis for each; the audit gate
    collects them from pip-audit's reports.
    """

    ids: tuple[str, ...]
    package: str
    version: str
    fix_versions: tuple[str, ...]
    description: str
    pythons: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """``ID package==version (fixed in X; Python 3.9)``."""
        fixed = ", ".join(self.fix_versions) or "no fixed version known"
        return (
            f"{self.ids[0]} {self.package}=={self.version} "
            f"(fixed in {fixed}; Python {', '.join(self.pythons)})"
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form for the report."""
        return {
            "id": self.ids[0],
            "aliases": list(self.ids[1:]),
            "package": self.package,
            "version": self.version,
            "fix_versions": list(self.fix_versions),
            "description": self.description,
            "pythons": self.pythons,
        }


@dataclass(frozen=True)
class Assessed:
    """One finding and the analysis stated for it (``analysis.state``, ``justification``)."""

    finding: Finding
    state: str
    justification: str | None
    detail: str


def file_name(project: str, version: str) -> str:
    """``duckalog-0.1.0.vex.cdx.json``."""
    return f"{canonicalize_name(project).replace('-', '_')}-{version}{SUFFIX}"


def purl(name: str, version: str) -> str:
    """The package URL of a PyPI package version."""
    return f"pkg:pypi/{canonicalize_name(name)}@{version}"


def status_line(assessed: Sequence[Assessed], as_of: datetime.datetime, pythons: str) -> str:
    """The one-sentence verdict the document carries (and the release report shows)."""
    day = as_of.date().isoformat()
    if not assessed:
        return (
            f"no known vulnerabilities as of {day} in the locked closures for Python {pythons} "
            "(pip-audit against OSV)"
        )
    states = ", ".join(
        f"{a.finding.ids[0]} in {a.finding.package} {a.finding.version}: {a.state}"
        for a in assessed
    )
    count = f"{len(assessed)} known vulnerabilit{'y' if len(assessed) == 1 else 'ies'}"
    return f"{count} as of {day}: {states}"


def document(
    project: str,
    version: str,
    closures: Sequence[Mapping[str, Any]],
    assessed: Sequence[Assessed],
    as_of: datetime.datetime,
    osv_url: str,
) -> dict[str, Any]:
    """The VEX for ``project`` ``version``.

    ``closures`` are the audit's ``[{"pythons": [...], "packages": ["name==version", ...]}]``.
    """
    used: dict[tuple[str, str], list[str]] = {}
    for closure in closures:
        for pinned in closure["packages"]:
            name, _, pinned_version = str(pinned).partition("==")
            used.setdefault((canonicalize_name(name), pinned_version), []).extend(
                closure["pythons"]
            )
    components = [
        {
            "type": "library",
            "bom-ref": purl(name, pinned_version),
            "name": name,
            "version": pinned_version,
            "purl": purl(name, pinned_version),
            "properties": [{"name": "duckalog:pythons", "value": " ".join(pythons)}],
        }
        for (name, pinned_version), pythons in sorted(used.items())
    ]
    all_pythons = ", ".join(dict.fromkeys(p for closure in closures for p in closure["pythons"]))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "timestamp": as_of.astimezone(datetime.timezone.utc).isoformat(timespec="seconds"),
            "component": {
                "type": "library",
                "bom-ref": purl(project, version),
                "name": project,
                "version": version,
                "purl": purl(project, version),
            },
            "properties": [
                {"name": "duckalog:vex:status", "value": status_line(assessed, as_of, all_pythons)},
                {
                    "name": "duckalog:vex:describes",
                    "value": "the locked closures (security/runtime.txt) for Python "
                    f"{all_pythons}, audited with pip-audit against {osv_url}",
                },
            ],
        },
        "components": components,
        "vulnerabilities": [_vulnerability(a) for a in assessed],
    }


def _vulnerability(assessed: Assessed) -> dict[str, Any]:
    finding = assessed.finding
    main, *aliases = finding.ids
    analysis: dict[str, Any] = {"state": assessed.state, "detail": assessed.detail}
    if assessed.justification:
        analysis["justification"] = assessed.justification
    entry: dict[str, Any] = {
        "bom-ref": f"{main}/{purl(finding.package, finding.version)}",
        "id": main,
        "source": {"name": "OSV", "url": f"https://osv.dev/vulnerability/{main}"},
        "references": [
            {"id": alias, "source": {"url": f"https://osv.dev/vulnerability/{alias}"}}
            for alias in aliases
        ],
        "analysis": analysis,
        "affects": [{"ref": purl(finding.package, finding.version)}],
        "properties": [{"name": "duckalog:pythons", "value": " ".join(finding.pythons)}],
    }
    if finding.description:
        entry["description"] = finding.description
    if finding.fix_versions:
        entry["recommendation"] = f"Upgrade to {', '.join(finding.fix_versions)}"
    return entry


def serialize(vex: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, final newline."""
    return json.dumps(vex, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(directory: Path, vex: Mapping[str, Any]) -> Path:
    """Write ``vex`` into ``directory`` under its release's file name."""
    component = vex["metadata"]["component"]
    path = directory / file_name(str(component["name"]), str(component["version"]))
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(serialize(vex), encoding="utf-8", newline="\n")
    return path


def remove_stale(directory: Path, project: str, version: str) -> bool:
    """Delete a VEX left by an earlier audit (this one did not run); True if one was there."""
    path = directory / file_name(project, version)
    if path.exists():
        path.unlink()
        return True
    return False

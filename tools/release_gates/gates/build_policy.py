# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What the build gate expects: the file policy and the project's own declaration.

:func:`load_policy` reads ``security/dist-contents.toml`` (which files the sdist
and the wheel may and must hold, and the metadata they must carry) and
:func:`load_declaration` reads ``[project]`` of ``pyproject.toml``, both from the
exported commit, so the release is checked against the rules it was built with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from release_gates._internal.tomlfile import load_toml
from release_gates.problems import GateFailure, Problem

POLICY_PATH = "security/dist-contents.toml"

METADATA_MISMATCH = Problem(
    "build.metadata-mismatch",
    "the built metadata does not match what was declared: {mismatches}",
    "Make pyproject.toml (and --expect-version, the release tag) agree; a build hook or "
    "backend must not change the declared metadata.",
)

POLICY_INVALID = Problem(
    "build.policy-invalid",
    "{path}: {reason}",
    "Fix security/dist-contents.toml: tables [sdist] and [wheel], each with `allow` and "
    "`require` lists of path patterns; [wheel] also `toplevel` and `package`.",
)

PROJECT_INVALID = Problem(
    "build.project-invalid",
    "pyproject.toml of the commit cannot be checked: {reason}",
    "Declare [project] name, a static version, requires-python, license (an SPDX string), "
    "license-files and readme in pyproject.toml.",
)


@dataclass(frozen=True)
class TargetPolicy:
    """Path patterns one dist may contain (``allow``) and must contain (``require``)."""

    allow: tuple[str, ...]
    require: tuple[str, ...]


@dataclass(frozen=True)
class DistPolicy:
    """The reviewed allow-list for the sdist and the wheel, plus check-wheel-contents input."""

    sdist: TargetPolicy
    wheel: TargetPolicy
    toplevel: tuple[str, ...]
    package: tuple[str, ...]
    # Optional [metadata] table: what reviewers fixed, independent of pyproject.toml, so
    # changing the project's licence or entry point needs a policy change too.
    license_expression: str | None = None
    console_scripts: dict[str, str] | None = None


@dataclass(frozen=True)
class ProjectDeclaration:
    """What ``pyproject.toml`` declares, i.e. what the built metadata must say."""

    name: str
    version: str
    requires_python: str
    license_expression: str
    license_files: tuple[str, ...]
    readme_content_type: str
    console_scripts: dict[str, str]
    dependencies: tuple[str, ...]

    @property
    def dist_name(self) -> str:
        """The name as it appears in dist file names (``duckalog``, ``tiny_pkg``)."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def sdist_filename(self) -> str:
        """The file name the sdist must have."""
        return f"{self.dist_name}-{self.version}.tar.gz"

    @property
    def wheel_filename(self) -> str:
        """The file name the (pure Python) wheel must have."""
        return f"{self.dist_name}-{self.version}-py3-none-any.whl"


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GateFailure(POLICY_INVALID, path=POLICY_PATH, reason=f"{where}.{key} is not a list")
    return tuple(value)


def load_policy(source_root: Path) -> DistPolicy:
    """Read ``security/dist-contents.toml`` from the exported commit at ``source_root``."""
    path = source_root / POLICY_PATH
    if not path.is_file():
        raise GateFailure(POLICY_INVALID, path=POLICY_PATH, reason="missing from the commit")
    try:
        data = load_toml(path)
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        raise GateFailure(POLICY_INVALID, path=POLICY_PATH, reason=str(error)) from error
    targets: dict[str, TargetPolicy] = {}
    for target in ("sdist", "wheel"):
        table = data.get(target)
        if not isinstance(table, dict):
            raise GateFailure(POLICY_INVALID, path=POLICY_PATH, reason=f"no [{target}] table")
        allow = _strings(table, "allow", target)
        if not allow:
            raise GateFailure(POLICY_INVALID, path=POLICY_PATH, reason=f"[{target}] allows nothing")
        targets[target] = TargetPolicy(allow=allow, require=_strings(table, "require", target))
    wheel = data["wheel"]
    toplevel, package = _strings(wheel, "toplevel", "wheel"), _strings(wheel, "package", "wheel")
    if not toplevel or not package:
        raise GateFailure(
            POLICY_INVALID, path=POLICY_PATH, reason="[wheel] needs `toplevel` and `package`"
        )
    metadata = data.get("metadata", {})
    license_expression = metadata.get("license-expression")
    scripts = metadata.get("console-scripts")
    if not isinstance(license_expression, (str, type(None))) or not (
        scripts is None
        or (isinstance(scripts, dict) and all(isinstance(v, str) for v in scripts.values()))
    ):
        raise GateFailure(
            POLICY_INVALID,
            path=POLICY_PATH,
            reason="[metadata] license-expression must be a string, console-scripts a table",
        )
    return DistPolicy(
        targets["sdist"],
        targets["wheel"],
        toplevel,
        package,
        license_expression=license_expression,
        console_scripts=dict(scripts) if scripts is not None else None,
    )


def load_declaration(source_root: Path, expect_version: str | None = None) -> ProjectDeclaration:
    """Read ``[project]`` of ``pyproject.toml`` at ``source_root`` into what to expect."""
    project = load_toml(source_root / "pyproject.toml").get("project", {})

    def need(key: str, kind: type) -> Any:
        value = project.get(key)
        if not isinstance(value, kind):
            reason = f"[project].{key} must be a {kind.__name__}"
            if key in project.get("dynamic", []):
                reason += " (static, not dynamic)"
            raise GateFailure(PROJECT_INVALID, reason=reason)
        return value

    version = need("version", str)
    try:
        normalized = str(Version(version))
    except InvalidVersion as error:
        raise GateFailure(PROJECT_INVALID, reason=f"version {version!r}: {error}") from error
    if normalized != version:
        raise GateFailure(
            PROJECT_INVALID, reason=f"version {version!r} is not normalized (write {normalized!r})"
        )
    readme = project.get("readme")
    readme_file = readme if isinstance(readme, str) else None
    if not readme_file or not readme_file.lower().endswith(".md"):
        raise GateFailure(PROJECT_INVALID, reason="readme must be a Markdown file (README.md)")
    declaration = ProjectDeclaration(
        name=need("name", str),
        version=version,
        requires_python=need("requires-python", str),
        license_expression=need("license", str),
        license_files=tuple(need("license-files", list)),
        readme_content_type="text/markdown",
        console_scripts=dict(project.get("scripts", {})),
        dependencies=tuple(project.get("dependencies", [])),
    )
    if not declaration.license_files:
        raise GateFailure(PROJECT_INVALID, reason="license-files is empty")
    if expect_version is not None and expect_version != declaration.version:
        raise GateFailure(
            METADATA_MISMATCH,
            mismatches=f"--expect-version is {expect_version} but pyproject.toml says "
            f"{declaration.version}",
        )
    return declaration

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Inspect built dists: metadata against pyproject.toml, files against an allow-list.

The metadata asserts catch a backend or a build hook that changes what the
project declared (name, version, Python range, licence, readme type, entry
points). The allow-list (``security/dist-contents.toml``, read from the commit
being built) names every path pattern that may ship; anything else fails,
naming the file, so a stray secret or scratch file cannot be published.
``twine check --strict`` and ``check-wheel-contents`` run as the real tools.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from release_gates.gates.build_policy import (
    METADATA_MISMATCH,
    POLICY_PATH,
    DistPolicy,
    ProjectDeclaration,
)
from release_gates.problems import GateFailure, Problem

UNEXPECTED_DIST_FILES = Problem(
    "build.unexpected-dist-files",
    "the dists contain files that are not expected: {files}",
    "If the file belongs in the release, add a pattern for it to security/dist-contents.toml; "
    "otherwise exclude it in [tool.hatch.build.targets.*] of pyproject.toml or delete it.",
)
MISSING_DIST_FILES = Problem(
    "build.missing-dist-files",
    "the dists lack required files: {files}",
    "Check [tool.hatch.build.targets.*] in pyproject.toml: these files must ship.",
)
TWINE_CHECK_FAILED = Problem(
    "build.twine-check-failed",
    "twine check --strict rejected the dists: {output}",
    "Fix the metadata twine names (usually the readme or its content type) in pyproject.toml.",
)
WHEEL_CONTENTS_FAILED = Problem(
    "build.wheel-contents-failed",
    "check-wheel-contents rejected the wheel: {output}",
    "Fix the wheel's layout as reported (stray modules, .pyc files, duplicates, missing "
    "package files); see https://github.com/jwodder/check-wheel-contents#checks.",
)


# --- archives --------------------------------------------------------------


def sdist_names(path: Path) -> list[str]:
    """File paths in the sdist (directories left out), in archive order."""
    with tarfile.open(path, "r:gz") as archive:
        return [info.name for info in archive.getmembers() if not info.isdir()]


def wheel_names(path: Path) -> list[str]:
    """File paths in the wheel (directories left out), in archive order."""
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if not name.endswith("/")]


def _sdist_text(path: Path, name: str) -> str | None:
    with tarfile.open(path, "r:gz") as archive:
        try:
            stream = archive.extractfile(name)
        except KeyError:
            return None
        return stream.read().decode("utf-8") if stream else None


def _wheel_text(path: Path, name: str) -> str | None:
    with zipfile.ZipFile(path) as archive:
        try:
            return archive.read(name).decode("utf-8")
        except KeyError:
            return None


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A glob where ``**/`` spans any number of directories and ``*`` stays in one."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def expand(patterns: tuple[str, ...], declaration: ProjectDeclaration) -> tuple[str, ...]:
    """Fill ``{dist}`` (dist file name prefix) and ``{version}`` into ``patterns``."""
    return tuple(
        p.replace("{dist}", declaration.dist_name).replace("{version}", declaration.version)
        for p in patterns
    )


def unexpected(names: list[str], allow: tuple[str, ...]) -> list[str]:
    """Names that no ``allow`` pattern matches."""
    regexes = [_pattern_regex(pattern) for pattern in allow]
    return [name for name in names if not any(regex.match(name) for regex in regexes)]


def missing(names: list[str], require: tuple[str, ...]) -> list[str]:
    """Patterns in ``require`` that match no name."""
    return [
        pattern
        for pattern in require
        if not any(_pattern_regex(pattern).match(name) for name in names)
    ]


def check_contents(
    sdist: Path, wheel: Path, policy: DistPolicy, declaration: ProjectDeclaration
) -> None:
    """Fail unless every file of both dists is allowed and every required file is there."""
    prefix = f"{declaration.dist_name}-{declaration.version}/"
    stray: list[str] = []
    lacking: list[str] = []
    sdist_files = []
    for name in sdist_names(sdist):
        if name.startswith(prefix):
            sdist_files.append(name[len(prefix) :])
        else:
            stray.append(f"{sdist.name}:{name} (outside {prefix})")
    files = wheel_names(wheel)
    for where, names, target in (
        (f"{sdist.name}:{prefix}", sdist_files, policy.sdist),
        (f"{wheel.name}:", files, policy.wheel),
    ):
        allow, require = expand(target.allow, declaration), expand(target.require, declaration)
        stray += [f"{where}{name}" for name in unexpected(names, allow)]
        lacking += [f"{where}{pattern}" for pattern in missing(names, require)]
    if stray or lacking:
        # The trees go into the result's details, so the report shows what did ship.
        trees = {
            "sdist_tree": render_tree(sdist.name, sdist_names(sdist)),
            "wheel_tree": render_tree(wheel.name, files),
        }
        if stray:
            raise GateFailure(UNEXPECTED_DIST_FILES, files=", ".join(stray), **trees)
        raise GateFailure(MISSING_DIST_FILES, files=", ".join(lacking), **trees)


# --- metadata --------------------------------------------------------------


def _compare_metadata(
    where: str, message: Message, declaration: ProjectDeclaration, mismatches: list[str]
) -> None:
    def check(field: str, built: object, declared: object) -> None:
        if built != declared:
            mismatches.append(f"{where} {field} is {built!r}, expected {declared!r}")

    check("Name", message.get("Name"), declaration.name)
    check("Version", message.get("Version"), declaration.version)
    built_python = message.get("Requires-Python")
    check(
        "Requires-Python",
        SpecifierSet(built_python) if built_python else None,
        SpecifierSet(declaration.requires_python),
    )
    check("License-Expression", message.get("License-Expression"), declaration.license_expression)
    check(
        "License-File",
        sorted(message.get_all("License-File") or []),
        sorted(declaration.license_files),
    )
    check(
        "Description-Content-Type",
        message.get("Description-Content-Type"),
        declaration.readme_content_type,
    )
    check(
        "Requires-Dist",
        sorted(str(Requirement(r)) for r in message.get_all("Requires-Dist") or []),
        sorted(str(Requirement(r)) for r in declaration.dependencies),
    )


def check_metadata(
    sdist: Path, wheel: Path, declaration: ProjectDeclaration, policy: DistPolicy
) -> dict[str, str]:
    """Compare PKG-INFO, METADATA, the license files and entry points with ``declaration``.

    Also compares the licence and console scripts with the policy's ``[metadata]``
    when it has one. Returns the wheel's key metadata fields for the report;
    raises ``build.metadata-mismatch`` listing every difference.
    """
    mismatches: list[str] = []
    if sdist.name != declaration.sdist_filename:
        mismatches.append(f"sdist file name is {sdist.name}, expected {declaration.sdist_filename}")
    if wheel.name != declaration.wheel_filename:
        mismatches.append(f"wheel file name is {wheel.name}, expected {declaration.wheel_filename}")
    base = f"{declaration.dist_name}-{declaration.version}"
    pkg_info = _sdist_text(sdist, f"{base}/PKG-INFO")
    metadata = _wheel_text(wheel, f"{base}.dist-info/METADATA")
    if pkg_info is None or metadata is None:
        mismatches.append(f"PKG-INFO or {base}.dist-info/METADATA is missing")
        raise GateFailure(METADATA_MISMATCH, mismatches="; ".join(mismatches))
    wheel_message = HeaderParser().parsestr(metadata)
    _compare_metadata("sdist PKG-INFO", HeaderParser().parsestr(pkg_info), declaration, mismatches)
    _compare_metadata("wheel METADATA", wheel_message, declaration, mismatches)
    names = set(wheel_names(wheel))
    for license_file in declaration.license_files:
        if f"{base}.dist-info/licenses/{license_file}" not in names:
            mismatches.append(f"wheel lacks {base}.dist-info/licenses/{license_file}")
    entry_points = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    entry_points.optionxform = str  # type: ignore[assignment,method-assign]  # keep case
    entry_points.read_string(_wheel_text(wheel, f"{base}.dist-info/entry_points.txt") or "")
    scripts = (
        dict(entry_points["console_scripts"]) if entry_points.has_section("console_scripts") else {}
    )
    if scripts != declaration.console_scripts:
        mismatches.append(
            f"wheel console_scripts are {scripts!r}, expected {declaration.console_scripts!r}"
        )
    built_license = wheel_message.get("License-Expression")
    if policy.license_expression is not None and built_license != policy.license_expression:
        mismatches.append(
            f"wheel License-Expression is {built_license!r}, but {POLICY_PATH} expects "
            f"{policy.license_expression!r}"
        )
    if policy.console_scripts is not None and scripts != policy.console_scripts:
        mismatches.append(
            f"wheel console_scripts are {scripts!r}, but {POLICY_PATH} expects "
            f"{policy.console_scripts!r}"
        )
    if canonicalize_name(str(wheel_message.get("Name"))) != canonicalize_name(declaration.name):
        mismatches.append("the wheel is for another project")
    if mismatches:
        raise GateFailure(METADATA_MISMATCH, mismatches="; ".join(mismatches))
    return {
        "name": declaration.name,
        "version": declaration.version,
        "requires_python": declaration.requires_python,
        "license_expression": declaration.license_expression,
        "entry_points": ", ".join(f"{k} = {v}" for k, v in sorted(scripts.items())),
    }


# --- the real tools ----------------------------------------------------------


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_twine_check(dists: list[Path]) -> str:
    """``twine check --strict`` on ``dists``; its output, or ``build.twine-check-failed``."""
    completed = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dists)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise GateFailure(TWINE_CHECK_FAILED, output=_tail(output))
    return output.strip()


def run_check_wheel_contents(wheel: Path, policy: DistPolicy, source_root: Path) -> str:
    """``check-wheel-contents`` with the policy's toplevel and package; output or failure."""
    command = [
        sys.executable,
        "-m",
        "check_wheel_contents",
        "--no-config",
        "--toplevel",
        ",".join(policy.toplevel),
    ]
    for package in policy.package:
        command += ["--package", str(source_root / package)]
    completed = subprocess.run(
        [*command, str(wheel)], capture_output=True, text=True, check=False, cwd=source_root
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise GateFailure(WHEEL_CONTENTS_FAILED, output=_tail(output))
    return output.strip()


def render_tree(title: str, names: list[str]) -> str:
    """An indented tree of archive paths, like build-and-inspect prints for humans."""
    lines = [title]
    seen: set[tuple[str, ...]] = set()
    for name in sorted(names, key=lambda name: name.split("/")):
        parts = tuple(name.split("/"))
        for depth in range(1, len(parts)):
            if parts[:depth] not in seen:
                seen.add(parts[:depth])
                lines.append("  " * depth + parts[depth - 1] + "/")
        lines.append("  " * len(parts) + parts[-1])
    return "\n".join(lines)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``sbom`` gate: a CycloneDX 1.6 SBOM of the runtime closure, bound to the dists.

    python -m release_gates.gates.sbom [--dist dist] [--python python3.11] [--source .]

1. Install exactly what ``security/runtime.txt`` locks for ``--python`` into a
   venv made ``--without-pip`` (with the gate's own pip), so no packaging tool
   can appear in the SBOM. pip's ``--report`` tells which file it installed and
   the interpreter's marker environment.
2. ``cyclonedx-py environment`` describes that venv: licences, purls and the
   dependency graph, with ``pyproject.toml`` as the root component.
3. Add what it cannot know: each component's sha256 (the installed file, plus
   every file of that version the lock allows) and the sha256 of both dists on
   the root component.
4. Cross-check (the component set is what the lock resolves for that Python;
   every component has a licence and a hash; the wheel's Requires-Dist is met),
   validate against the CycloneDX 1.6 schema, write
   ``dist/<name>-<version>.cdx.json`` and its markdown and HTML renderings.

The output is byte-identical across runs: cyclonedx-py's reproducible mode,
``SOURCE_DATE_EPOCH`` from the last commit, and sorted JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal import paths
from release_gates._internal.dists import (
    Dists,
    find_dists,
    project_name_version,
)
from release_gates._internal.lockfile import Pin, read_lock, resolve
from release_gates._internal.venvs import create_venv, pip_install_locked, run
from release_gates.gates import sbom_render
from release_gates.gates.sbom_checks import (
    ROOT_HASH_MISMATCH,
    Installed,
    check_components,
    check_installed_hashes,
    check_requires_dist,
    dist_hashes,
)
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "sbom"
SPEC_VERSION = "1.6"
INDEX_SIMPLE_URL = "https://pypi.org/simple/{name}/"

NO_EPOCH = Problem(
    "sbom.no-source-date-epoch",
    "cannot date the SBOM reproducibly: SOURCE_DATE_EPOCH is unset and `git log` in {source} "
    "failed: {reason}",
    "Run the gate in a git checkout of the release commit, or export SOURCE_DATE_EPOCH "
    "(the commit time: `git log -1 --format=%ct`).",
)
VENV_FAILED = Problem(
    "sbom.venv-failed",
    "cannot create a venv with {python}: {output}",
    "Pass an installed interpreter with --python (e.g. python3.11); with pyenv, run through "
    "scripts/nox so every installed Python is visible.",
)
INSTALL_FAILED = Problem(
    "sbom.install-failed",
    "installing {lock} into a fresh {python} venv failed: {output}",
    "Check that the lock installs on this Python (`scripts/nox -s lock -- runtime`) and that "
    "the package index is reachable.",
)
PIP_REPORT = Problem(
    "sbom.pip-report",
    "pip's installation report {report} is unusable: {reason}",
    "Use the pip pinned in security/sbom.txt (`scripts/nox -s sbom`).",
)
CYCLONEDX_FAILED = Problem(
    "sbom.cyclonedx-failed",
    "cyclonedx-py environment failed: {output}",
    "Run the gate through `scripts/nox -s sbom`, which installs cyclonedx-bom from "
    "security/sbom.txt.",
)
SCHEMA_INVALID = Problem(
    "sbom.schema-invalid",
    "the SBOM is not valid CycloneDX {spec}: {error}",
    "This is a bug in the sbom gate or cyclonedx-bom; look at the reported path in the JSON.",
)


@dataclass(frozen=True)
class SbomFiles:
    """Where the gate wrote the SBOM and its renderings."""

    json: Path
    markdown: Path
    html: Path


def source_date_epoch(source: Path) -> str:
    """``$SOURCE_DATE_EPOCH``, else the commit time of ``source``'s HEAD."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return os.environ["SOURCE_DATE_EPOCH"].strip()
    done = run(["git", "-C", source, "log", "-1", "--format=%ct"])
    epoch = done.output.strip()
    if not done.ok or not epoch.isdigit():
        raise GateFailure(NO_EPOCH, source=str(source), reason=done.tail(3) or "no output")
    return epoch


def read_pip_report(report: Path) -> Installed:
    """The marker environment and installed files from ``pip install --report``."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        environment = {str(k): str(v) for k, v in data["environment"].items()}
        files: dict[str, tuple[str, str]] = {}
        for item in data["install"]:
            name = canonicalize_name(item["metadata"]["name"])
            sha256 = item["download_info"]["archive_info"]["hashes"]["sha256"]
            files[name] = (str(item["metadata"]["version"]), str(sha256).lower())
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GateFailure(PIP_REPORT, report=str(report), reason=repr(error)) from error
    return Installed(environment=environment, files=files)


def describe_venv(python: Path, pyproject: Path, epoch: str, output: Path) -> dict[str, Any]:
    """Run ``cyclonedx-py environment`` on the venv of ``python``; return its BOM."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    env.pop("PYTHONPATH", None)
    done = run(
        [
            sys.executable,
            "-m",
            "cyclonedx_py",
            "environment",
            "--output-reproducible",
            "--sv",
            SPEC_VERSION,
            "--of",
            "JSON",
            "--pyproject",
            pyproject,
            "--mc-type",
            "library",
            # The combined document is validated below; validating this one too only costs time.
            "--no-validate",
            "-o",
            output,
            python,
        ],
        env=env,
    )
    if not done.ok:
        raise GateFailure(CYCLONEDX_FAILED, output=done.tail())
    bom: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return bom


def _sha256_entries(digests: Sequence[str]) -> list[dict[str, str]]:
    return [{"alg": "SHA-256", "content": digest} for digest in digests]


def combine(
    bom: dict[str, Any],
    locked: Mapping[str, Pin],
    installed: Installed,
    dists: Dists,
    dist_sha256: Mapping[str, str],
) -> dict[str, Any]:
    """Add the lock's hashes to every component and the dists' hashes to the root."""
    for component in bom.get("components", []):
        name = canonicalize_name(str(component.get("name", "")))
        entry = locked.get(name)
        if entry is None or entry.version != component.get("version"):
            continue  # reported by check_components
        # The component's own hash: the file installed in the described environment.
        version, sha256 = installed.files.get(name, ("", ""))
        if version == entry.version and sha256:
            component["hashes"] = _sha256_entries([sha256])
        # And every distribution file of this version that the lock allows.
        references = component.setdefault("externalReferences", [])
        references.append(
            {
                "type": "distribution",
                "url": INDEX_SIMPLE_URL.format(name=name),
                "comment": f"every file of {name} {entry.version} allowed by the hash lock",
                "hashes": _sha256_entries(entry.hashes),
            }
        )
    root = bom["metadata"]["component"]
    root["purl"] = f"pkg:pypi/{canonicalize_name(dists.name)}@{dists.version}"
    references = root.setdefault("externalReferences", [])
    for kind, path in (("wheel", dists.wheel), ("sdist", dists.sdist)):
        references.append(
            {
                "type": "distribution",
                "url": path.name,
                "comment": f"the released {kind}, as listed in SHA256SUMS",
                "hashes": _sha256_entries([dist_sha256[path.name]]),
            }
        )
    env = installed.environment
    properties = bom["metadata"].setdefault("properties", [])
    properties.extend(
        {"name": f"duckalog:sbom:{key}", "value": env.get(key, "")}
        for key in ("python_version", "implementation_name", "sys_platform", "platform_machine")
    )
    return bom


def serialize(bom: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, final newline."""
    return json.dumps(bom, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


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


def build_sbom(source: Path, dist: Path, python: str) -> tuple[dict[str, Any], SbomFiles]:
    """Make, check and write the SBOM of the release in ``dist`` for interpreter ``python``."""
    pyproject = source / "pyproject.toml"
    lock = source / "security" / "runtime.txt"
    name, version = project_name_version(pyproject)
    dists = find_dists(dist, name, version)
    dist_sha256 = dists.sha256()
    epoch = source_date_epoch(source)
    with tempfile.TemporaryDirectory(prefix="duckalog-sbom-") as scratch:
        work = Path(scratch)
        venv, made = create_venv(python, work / "venv")
        if not made.ok:
            raise GateFailure(VENV_FAILED, python=python, output=made.tail())
        report = work / "pip-report.json"
        done = pip_install_locked(venv, lock, "--report", report)
        if not done.ok:
            raise GateFailure(INSTALL_FAILED, lock=str(lock), python=python, output=done.tail())
        installed = read_pip_report(report)
        locked = resolve(read_lock(lock), installed.environment, lock)
        check_installed_hashes(installed, locked, lock)
        bom = describe_venv(venv.python, pyproject, epoch, work / "environment.cdx.json")
    bom = combine(bom, locked, installed, dists, dist_sha256)
    python_version = installed.environment.get("python_full_version", python)
    check_components(bom, locked, python_version, lock)
    check_requires_dist(dists, bom, installed.environment)
    if dist_hashes(bom) != dist_sha256:
        raise GateFailure(ROOT_HASH_MISMATCH, recorded=dist_hashes(bom), actual=dist_sha256)
    text = serialize(bom)
    validate(text)
    stem = f"{dists.wheel.name.split('-')[0]}-{version}"
    files = SbomFiles(
        json=dist / f"{stem}.cdx.json",
        markdown=dist / f"{stem}.sbom.md",
        html=dist / f"{stem}.sbom.html",
    )
    files.json.write_text(text, encoding="utf-8", newline="\n")
    files.markdown.write_text(sbom_render.markdown(bom), encoding="utf-8", newline="\n")
    files.html.write_text(sbom_render.html(bom), encoding="utf-8", newline="\n")
    return bom, files


def gate(source: Path, dist: Path, python: str) -> GateResult:
    """The gate's work: the SBOM and a summary for the report."""
    bom, files = build_sbom(source, dist, python)
    rows = sbom_render.component_rows(bom)
    print(sbom_render.markdown_table(rows))
    root = bom["metadata"]["component"]
    summary = (
        f"{files.json.name}: CycloneDX {SPEC_VERSION}, {len(rows)} runtime components "
        f"with licence and sha256, bound to both dists"
    )
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=summary,
        details={
            "sbom": str(files.json),
            "renderings": [str(files.markdown), str(files.html)],
            "root": f"{root['name']} {root['version']}",
            "dist_sha256": dist_hashes(bom),
            "components": [row._asdict() for row in rows],
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.gates.sbom", description=__doc__)
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="directory of the dists")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter whose locked runtime closure the SBOM describes (default: this one)",
    )
    parser.add_argument(
        "--source", type=Path, default=paths.ROOT, help="source tree (pyproject.toml, security/)"
    )
    args = parser.parse_args(argv)
    return run_gate(GATE, lambda: gate(args.source.resolve(), args.dist.resolve(), args.python))


if __name__ == "__main__":
    sys.exit(main())

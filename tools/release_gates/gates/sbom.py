# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The ``sbom`` gate: CycloneDX 1.6 SBOMs of every locked closure users install, bound to the dists.

    python -m release_gates.gates.sbom [--dist dist] [--python python3.11] [--source .]

``security/runtime.txt`` is a universal lock: each supported Python installs its
own *locked closure* (duckdb 1.4 on 3.9, 1.5 on 3.10, 2.0 on 3.11+). The gate
groups the Pythons of the ``pyproject.toml`` classifiers by closure and writes
one SBOM per closure, ``dist/<name>-<version>.py<first>[-<last>].cdx.json``,
each made with a real interpreter of that Python (``python3.N`` on PATH; only
the closure of ``--python`` when given). For each:

1. Install exactly what the lock gives that interpreter into a venv made
   ``--without-pip`` (with the gate's own pip), so no packaging tool can appear
   in the SBOM. pip's ``--report`` tells which file it installed and the
   interpreter's marker environment.
2. ``cyclonedx-py environment`` describes that venv: licences, purls and the
   dependency graph, with ``pyproject.toml`` as the root component.
3. Add what it cannot know: each component's sha256 (the installed file, plus
   every file of that version the lock allows), the sha256 of both dists on the
   root component, the licences it dropped (read by
   :mod:`release_gates._internal.licence_reading`, the licences gate's reading: a
   non-SPDX text becomes ``license.name``, a reviewed override an expression
   acknowledged as ``concluded``) and which Pythons the closure is for.
4. Cross-check (the component set is what the lock resolves for that Python;
   every component has a licence and a hash; the wheel's Requires-Dist is met),
   validate against the CycloneDX 1.6 schema and write it.

Beside them go ``<name>-<version>.sbom.md`` / ``.sbom.html`` (every closure) and
``<name>-<version>-constraints.txt`` (:mod:`~release_gates.gates.sbom_constraints`), the
locked closure as a pip constraints file. The output is byte-identical across
runs: cyclonedx-py's reproducible mode, ``SOURCE_DATE_EPOCH`` from the last
commit, and sorted JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal import licence_reading, paths
from release_gates._internal.checksums import sha256_file
from release_gates._internal.dists import Dists, find_dists, project_name_version
from release_gates._internal.licence_overrides import Override, load_overrides
from release_gates._internal.lockfile import Pin, read_lock, resolve
from release_gates._internal.venvs import Venv, clean_env, create_venv, pip_install_locked, run
from release_gates.gates import sbom_constraints as constraints
from release_gates.gates import sbom_render
from release_gates.gates.sbom_checks import (
    ROOT_HASH_MISMATCH,
    SPEC_VERSION,
    Installed,
    check_components,
    check_installed_hashes,
    check_requires_dist,
    dist_hashes,
    validate,
)
from release_gates.gates.sbom_closures import VENV_FAILED, Closure, closures, describe_closure
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "sbom"
INDEX_SIMPLE_URL = "https://pypi.org/simple/{name}/"

NO_EPOCH = Problem(
    "sbom.no-source-date-epoch",
    "cannot date the SBOM reproducibly: SOURCE_DATE_EPOCH is unset and `git log` in {source} "
    "failed: {reason}",
    "Run the gate in a git checkout of the release commit, or export SOURCE_DATE_EPOCH "
    "(the commit time: `git log -1 --format=%ct`).",
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


@dataclass(frozen=True)
class SbomFiles:
    """Where the gate wrote the SBOMs, their renderings and the constraints file."""

    json: tuple[Path, ...]
    markdown: Path
    html: Path
    constraints: Path


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


def fill_licences(bom: dict[str, Any], venv: Venv, overrides: Sequence[Override]) -> None:
    """Give each component the licences the shared reading finds (cyclonedx-py drops some)."""
    components = list(bom.get("components", []))
    names = [str(c.get("name", "")) for c in components]
    code, output = licence_reading.probe(venv.python, names, clean_env())
    if code != 0:
        raise GateFailure(CYCLONEDX_FAILED, output=f"reading licence metadata: {output[-500:]}")
    _, found = licence_reading.parse_probe(output)
    for component in components:
        info = found.get(str(component.get("name", ""))) or {}
        reading = licence_reading.read(str(component.get("name")), info, overrides)
        licences = licence_reading.cyclonedx_licences(reading, component.get("licenses", []))
        if licences:
            component["licenses"] = licences
        if reading.override is not None:
            properties = component.setdefault("properties", [])
            properties.append(
                {"name": "duckalog:licence:override", "value": reading.override.describe()}
            )
            properties.append({"name": "duckalog:licence:declared", "value": reading.declared()})


def serialize(bom: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, final newline."""
    return json.dumps(bom, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_one(
    source: Path,
    dists: Dists,
    closure: Closure,
    epoch: str,
    overrides: Sequence[Override],
    constraints_file: Path,
) -> dict[str, Any]:
    """Make and check the SBOM of one closure (not written yet)."""
    pyproject = source / "pyproject.toml"
    lock = source / "security" / "runtime.txt"
    python = closure.interpreter
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
        fill_licences(bom, venv, overrides)
    bom = combine(bom, locked, installed, dists, dists.sha256())
    describe_closure(bom, closure, dists.name, dists.version, constraints_file)
    python_version = installed.environment.get("python_full_version", python)
    check_components(bom, locked, python_version, lock)
    check_requires_dist(dists, bom, installed.environment)
    if dist_hashes(bom) != dists.sha256():
        raise GateFailure(ROOT_HASH_MISMATCH, recorded=dist_hashes(bom), actual=dists.sha256())
    validate(serialize(bom))
    return bom


def build_sbom(
    source: Path, dist: Path, python: str | None
) -> tuple[list[tuple[Closure, dict[str, Any]]], SbomFiles]:
    """Make, check and write the SBOM of every closure of the release in ``dist``."""
    pyproject = source / "pyproject.toml"
    lock = source / "security" / "runtime.txt"
    name, version = project_name_version(pyproject)
    dists = find_dists(dist, name, version)
    epoch = source_date_epoch(source)
    pins = read_lock(lock)
    overrides = load_overrides(source / "security" / "license-overrides.toml")
    stem = f"{dists.wheel.name.split('-')[0]}-{version}"
    constraints_file = constraints.write(dist, stem, pins, name, "security/runtime.txt")
    wanted = closures(source, pins, python)
    # Each closure is mostly pip and interpreter start-up: describe them side by side.
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        futures = [
            pool.submit(build_one, source, dists, closure, epoch, overrides, constraints_file)
            for closure in wanted
        ]
        boms = [(closure, future.result()) for closure, future in zip(wanted, futures)]
    for stale in dist.glob(f"{stem}.py*.cdx.json"):
        stale.unlink()
    written = []
    for closure, bom in boms:
        path = dist / f"{stem}.{closure.label}.cdx.json"
        path.write_text(serialize(bom), encoding="utf-8", newline="\n")
        written.append(path)
    files = SbomFiles(
        json=tuple(written),
        markdown=dist / f"{stem}.sbom.md",
        html=dist / f"{stem}.sbom.html",
        constraints=constraints_file,
    )
    only_boms = [bom for _, bom in boms]
    files.markdown.write_text(sbom_render.markdown_all(only_boms), encoding="utf-8", newline="\n")
    files.html.write_text(sbom_render.html_all(only_boms), encoding="utf-8", newline="\n")
    return boms, files


def gate(source: Path, dist: Path, python: str | None) -> GateResult:
    """The gate's work: the SBOMs and a summary for the report."""
    boms, files = build_sbom(source, dist, python)
    described: list[dict[str, Any]] = []
    for (closure, bom), path in zip(boms, files.json):
        rows = sbom_render.component_rows(bom)
        print(f"Python {', '.join(closure.pythons)} ({path.name}):")
        print(sbom_render.markdown_table(rows))
        described.append(
            {
                "pythons": list(closure.pythons),
                "sbom": str(path),
                "sha256": sha256_file(path),
                "size": path.stat().st_size,
                "components": [row._asdict() for row in rows],
            }
        )
    root = boms[0][1]["metadata"]["component"]
    closures_text = "; ".join(
        f"Python {'/'.join(d['pythons'])}: "
        + ", ".join(f"{c['name']} {c['version']}" for c in d["components"])
        for d in described
    )
    summary = (
        f"CycloneDX {SPEC_VERSION} SBOMs of {len(described)} locked closure(s), each with "
        f"licence and sha256 per component and bound to both dists ({closures_text})"
    )
    if python is not None:
        summary += "; only this interpreter's closure (other Pythons' NOT described)"
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=summary,
        details={
            "sboms": described,
            "renderings": [str(files.markdown), str(files.html)],
            "constraints": str(files.constraints),
            "root": f"{root['name']} {root['version']}",
            "dist_sha256": dist_hashes(boms[0][1]),
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.gates.sbom", description=__doc__)
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="directory of the dists")
    parser.add_argument(
        "--python",
        help="describe only this interpreter's locked closure (default: every supported "
        "Python's, each with its own python3.N)",
    )
    parser.add_argument(
        "--source", type=Path, default=paths.ROOT, help="source tree (pyproject.toml, security/)"
    )
    args = parser.parse_args(argv)
    return run_gate(GATE, lambda: gate(args.source.resolve(), args.dist.resolve(), args.python))


if __name__ == "__main__":
    sys.exit(main())

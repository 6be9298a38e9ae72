# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The sbom gate with real tools: pip, cyclonedx-py, the CycloneDX 1.6 schema.

Dists are tiny throw-away projects built with the pinned hatchling. One test
module fixture describes the real runtime closure (security/runtime.txt: duckdb,
pyyaml from the index); the fault tests use a one-file dependency served from a
local directory (``PIP_NO_INDEX`` + ``PIP_FIND_LINKS``), so they need no network.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.gates.helpers import EPOCH, Run, build_dists, run_gate_cli

from release_gates._internal.checksums import write_sha256sums
from release_gates._internal.lockfile import read_lock, resolve
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import sbom, sbom_checks
from release_gates.problems import GateFailure

ROOT = Path(__file__).resolve().parents[2]
TOOL_PACKAGES = {"pip", "setuptools", "wheel", "hatchling", "build"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_project(
    where: Path, name: str, version: str, dependencies: list[str], licence: str | None
) -> Path:
    """A minimal hatchling project; ``licence=None`` declares no licence at all."""
    package = name.replace("-", "_")
    (where / "src" / package).mkdir(parents=True)
    (where / "src" / package / "__init__.py").write_text('"""Tiny."""\n', encoding="utf-8")
    licence_line = f'license = "{licence}"\n' if licence else ""
    (where / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["hatchling==1.33.0"]\n'
        'build-backend = "hatchling.build"\n\n'
        "[project]\n"
        f'name = "{name}"\nversion = "{version}"\n{licence_line}'
        'requires-python = ">=3.9"\n'
        f"dependencies = {json.dumps(dependencies)}\n\n"
        "[tool.hatch.build.targets.wheel]\n"
        f'packages = ["src/{package}"]\n',
        encoding="utf-8",
    )
    return where


def run_gate(source: Path, dist: Path, workdir: Path) -> Run:
    """Run the real sbom gate on ``dist`` for this interpreter, dated reproducibly."""
    args = ["--dist", str(dist), "--source", str(source), "--python", sys.executable]
    return run_gate_cli("sbom", args, workdir, env={"SOURCE_DATE_EPOCH": EPOCH}, timeout=600)


# --- the real runtime closure -------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two gate runs over the real lock, with dists of a stub carrying the real metadata."""
    project = load_toml(ROOT / "pyproject.toml")["project"]
    base = tmp_path_factory.mktemp("real")
    source = base / "source"
    (source / "security").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", source / "pyproject.toml")
    shutil.copy(ROOT / "security" / "runtime.txt", source / "security" / "runtime.txt")
    stub = make_project(
        base / "stub", project["name"], project["version"], project["dependencies"], "MIT"
    )
    dist = base / "dist"
    build_dists(stub, dist)
    write_sha256sums(dist, [p for p in dist.iterdir() if p.name != "SHA256SUMS"])
    runs = []
    for attempt in range(2):
        ran = run_gate(source, dist, base / f"results{attempt}")
        result = ran.result
        assert ran.returncode == 0, result
        outputs = {
            p.name: p.read_bytes()
            for p in dist.iterdir()
            if p.name.endswith((".json", ".md", ".html"))
        }
        runs.append((result, outputs))
    name, version = project["name"], project["version"]
    bom = json.loads(runs[0][1][f"{name}-{version}.cdx.json"])
    return {
        "runs": runs,
        "bom": bom,
        "dist": dist,
        "source": source,
        "name": name,
        "version": version,
    }


def test_components_are_the_locked_closure_for_this_python(real: dict[str, Any]) -> None:
    lock = real["source"] / "security" / "runtime.txt"
    env = {
        "python_full_version": ".".join(map(str, sys.version_info[:3])),
        "python_version": ".".join(map(str, sys.version_info[:2])),
    }
    locked = resolve(read_lock(lock), env, lock)
    components = {c["name"].lower(): c for c in real["bom"]["components"]}
    assert {n: c["version"] for n, c in components.items()} == {
        n: e.version for n, e in locked.items()
    }
    assert {"duckdb", "pyyaml"} <= set(components)
    assert not TOOL_PACKAGES & set(components)
    for name, component in components.items():
        assert component["purl"] == f"pkg:pypi/{name}@{locked[name].version}"
        assert component["licenses"][0]["license"]["id"] == "MIT"
        # The installed file's hash is one the lock allows for exactly this version ...
        installed = [h["content"] for h in component["hashes"]]
        assert len(installed) == 1 and installed[0] in locked[name].hashes
        # ... and every allowed file of this version (not of duckdb's other versions) is listed.
        [reference] = [
            r
            for r in component["externalReferences"]
            if r["type"] == "distribution" and r.get("hashes")
        ]
        assert tuple(h["content"] for h in reference["hashes"]) == locked[name].hashes


def test_root_is_bound_to_both_dists(real: dict[str, Any]) -> None:
    root = real["bom"]["metadata"]["component"]
    assert (root["name"], root["version"]) == (real["name"], real["version"])
    assert root["purl"] == f"pkg:pypi/{real['name']}@{real['version']}"
    recorded = sbom_checks.dist_hashes(real["bom"])
    actual = {
        p.name: sha256(p)
        for p in real["dist"].glob(f"{real['name']}-*")
        if p.name.endswith((".whl", ".tar.gz"))
    }
    assert len(actual) == 2 and recorded == actual


def test_two_runs_are_byte_identical_and_dated_from_source_date_epoch(
    real: dict[str, Any],
) -> None:
    (first_result, first), (_, second) = real["runs"]
    assert first == second
    assert set(first) == {
        f"{real['name']}-{real['version']}.{suffix}"
        for suffix in ("cdx.json", "sbom.md", "sbom.html")
    }
    assert real["bom"]["metadata"]["timestamp"] == "2025-11-25T00:00:00+00:00"
    assert "serialNumber" not in real["bom"]
    assert first_result["status"] == "passed"


def test_output_is_valid_cyclonedx_1_6_and_invalid_output_is_caught(real: dict[str, Any]) -> None:
    assert real["bom"]["specVersion"] == "1.6"
    sbom.validate(sbom.serialize(real["bom"]))
    broken = copy.deepcopy(real["bom"])
    broken["components"][0]["hashes"][0]["content"] = "not-a-sha256"
    with pytest.raises(GateFailure) as caught:
        sbom.validate(sbom.serialize(broken))
    assert caught.value.problem is sbom.SCHEMA_INVALID


def test_renderings_list_every_component(real: dict[str, Any]) -> None:
    outputs = real["runs"][0][1]
    stem = f"{real['name']}-{real['version']}"
    markdown = outputs[f"{stem}.sbom.md"].decode()
    html = outputs[f"{stem}.sbom.html"].decode()
    for component in real["bom"]["components"]:
        row = f"| {component['name']} | {component['version']} | MIT | {component['purl']} |"
        assert row in markdown
        assert f"<td>{component['name']}</td><td>{component['version']}</td>" in html
    for name, digest in sbom_checks.dist_hashes(real["bom"]).items():
        assert f"| {name} | {digest} |" in markdown and digest in html


def test_component_without_hash_or_extra_tool_is_rejected(real: dict[str, Any]) -> None:
    lock = real["source"] / "security" / "runtime.txt"
    locked = {
        c["name"].lower(): e
        for c in real["bom"]["components"]
        for e in read_lock(lock)
        if e.name == c["name"].lower() and e.version == c["version"]
    }
    unhashed = copy.deepcopy(real["bom"])
    del unhashed["components"][0]["hashes"]
    with pytest.raises(GateFailure) as caught:
        sbom_checks.check_components(unhashed, locked, "3.x", lock)
    assert caught.value.problem is sbom_checks.MISSING_HASH
    with_pip = copy.deepcopy(real["bom"])
    with_pip["components"].append(
        {"name": "pip", "version": "25.3", "licenses": [{"license": {"id": "MIT"}}]}
    )
    with pytest.raises(GateFailure) as caught:
        sbom_checks.check_components(with_pip, locked, "3.x", lock)
    assert caught.value.problem is sbom_checks.COMPONENTS_MISMATCH
    assert "pip 25.3" in str(caught.value)


# --- fault injection with a local one-file dependency ---------------------------------


@pytest.fixture
def local_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Factory: a release depending on ``tinylib`` 1.0 served from a local directory."""

    def make(tinylib_licence: str | None, requirement: str = "tinylib>=1.0") -> tuple[Path, Path]:
        index = tmp_path / "index"
        build_dists(
            make_project(tmp_path / "tinylib", "tinylib", "1.0", [], tinylib_licence), index
        )
        hashes = " ".join(f"--hash=sha256:{sha256(p)}" for p in sorted(index.iterdir()))
        source = tmp_path / "source"
        (source / "security").mkdir(parents=True)
        (source / "security" / "runtime.txt").write_text(
            f"tinylib==1.0 {hashes}\n    # via -r security/runtime.in\n", encoding="utf-8"
        )
        make_project(source, "duckalog", "0.1.0", [requirement], "MIT")
        dist = tmp_path / "dist"
        build_dists(source, dist)
        write_sha256sums(dist, list(dist.iterdir()))
        monkeypatch.setenv("PIP_NO_INDEX", "1")
        monkeypatch.setenv("PIP_FIND_LINKS", str(index))
        return source, dist

    return make


def test_local_dependency_with_licence_passes(local_release: Any, tmp_path: Path) -> None:
    source, dist = local_release("Apache-2.0")
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 0, result
    [row] = result["details"]["components"]
    assert (row["name"], row["version"], row["licence"]) == ("tinylib", "1.0", "Apache-2.0")


def test_dependency_without_licence_fails(
    local_release: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, dist = local_release(None)
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "sbom.missing-licence"
    assert "tinylib 1.0" in result["summary"]
    assert not list(dist.glob("*.cdx.json"))


def test_lock_that_no_longer_meets_the_wheel_requirements_fails(
    local_release: Any, tmp_path: Path
) -> None:
    source, dist = local_release("MIT", requirement="tinylib>=2")
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "sbom.requirement-unmet"
    assert "tinylib>=2" in result["summary"]


def test_dist_changed_after_sha256sums_fails(local_release: Any, tmp_path: Path) -> None:
    source, dist = local_release("MIT")
    sdist = next(dist.glob("*.tar.gz"))
    sdist.write_bytes(sdist.read_bytes() + b"\0")
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "dists.sums-invalid"


def test_without_git_or_source_date_epoch_it_refuses(
    local_release: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, dist = local_release("MIT")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    args = ["--dist", str(dist), "--source", str(source), "--python", sys.executable]
    ran = run_gate_cli("sbom", args, tmp_path, timeout=600)
    assert ran.returncode == 1 and ran.problem == "sbom.no-source-date-epoch"

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The sbom gate with real tools: pip, cyclonedx-py, the CycloneDX 1.6 schema.

Dists are tiny throw-away projects built with the pinned hatchling. One test
module fixture describes the real locked closures (security/runtime.txt: duckdb,
pyyaml from the index) with real Python 3.9, 3.10 and 3.11 interpreters; the
fault tests use a one-file dependency served from a local directory
(``PIP_NO_INDEX`` + ``PIP_FIND_LINKS``), so they need no network.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.gates.helpers import EPOCH, Run, build_dists, run_gate_cli

from release_gates._internal import licence_reading
from release_gates._internal.checksums import write_sha256sums
from release_gates._internal.lockfile import (
    closure_label,
    group_by_closure,
    read_lock,
    resolve,
    supported_pythons,
)
from release_gates._internal.spdx import Verdict
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import sbom, sbom_checks
from release_gates.gates import sbom_constraints as constraints
from release_gates.gates.licenses import load_policy
from release_gates.problems import GateFailure

ROOT = Path(__file__).resolve().parents[2]
TOOL_PACKAGES = {"pip", "setuptools", "wheel", "hatchling", "build"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_project(
    where: Path, name: str, version: str, dependencies: list[str], licence: str | None
) -> Path:
    """A minimal hatchling project; ``licence=None`` declares no licence at all, and a
    licence written as a TOML table (``{ text = "MIT License" }``) is the legacy field."""
    package = name.replace("-", "_")
    (where / "src" / package).mkdir(parents=True)
    (where / "src" / package / "__init__.py").write_text('"""Tiny."""\n', encoding="utf-8")
    licence_value = licence if licence and licence.startswith("{") else f'"{licence}"'
    licence_line = f"license = {licence_value}\n" if licence else ""
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


def run_gate(source: Path, dist: Path, workdir: Path, every_closure: bool = False) -> Run:
    """Run the real sbom gate on ``dist``, dated reproducibly.

    By default only this interpreter's closure; ``every_closure`` as the release does.
    """
    python = [] if every_closure else ["--python", sys.executable]
    args = ["--dist", str(dist), "--source", str(source), *python]
    return run_gate_cli("sbom", args, workdir, env={"SOURCE_DATE_EPOCH": EPOCH}, timeout=600)


def _closure_labels() -> dict[str, str]:
    """SBOM label -> first Python, for the closures the real lock gives the supported Pythons."""
    classifiers = load_toml(ROOT / "pyproject.toml")["project"]["classifiers"]
    groups = group_by_closure(
        read_lock(ROOT / "security" / "runtime.txt"), supported_pythons(classifiers)
    )
    return {closure_label(g): g[0] for g in groups.values()}


CLOSURES = _closure_labels()
NEWEST = list(CLOSURES)[-1]


# --- the real runtime closure -------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two gate runs over the real lock (every closure), with dists of a stub carrying the
    real metadata."""
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
        ran = run_gate(source, dist, base / f"results{attempt}", every_closure=True)
        result = ran.result
        assert ran.returncode == 0, result
        outputs = {
            p.name: p.read_bytes()
            for p in dist.iterdir()
            if p.name.endswith((".json", ".md", ".html", ".txt"))
        }
        runs.append((result, outputs))
    name, version = project["name"], project["version"]
    boms = {
        label: json.loads(runs[0][1][f"{name}-{version}.{label}.cdx.json"]) for label in CLOSURES
    }
    return {
        "runs": runs,
        "boms": boms,
        "bom": boms[NEWEST],
        "dist": dist,
        "source": source,
        "name": name,
        "version": version,
    }


@pytest.mark.parametrize("label", CLOSURES)
def test_each_sbom_is_the_locked_closure_of_its_pythons(real: dict[str, Any], label: str) -> None:
    """Reported: only the 3.11 closure was described; 3.9 and 3.10 users were in no SBOM."""
    lock = real["source"] / "security" / "runtime.txt"
    bom = real["boms"][label]
    props = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    # The marker environment the SBOM records is a real interpreter of that Python.
    assert props["duckalog:sbom:python_version"] == CLOSURES[label]
    assert props["duckalog:sbom:pythons"].split()[0] == CLOSURES[label]
    assert props["duckalog:sbom:describes"].startswith("the locked closure (security/runtime.txt)")
    name, version = real["name"], real["version"]
    assert props["duckalog:sbom:install-locked-closure"] == (
        f"pip install -c {name}-{version}-constraints.txt {name}=={version}"
    )
    constraints = real["dist"] / f"{name}-{version}-constraints.txt"
    assert props["duckalog:sbom:constraints-sha256"] == (
        f"{sha256(constraints)}  {constraints.name}"
    )
    env = {"python_full_version": f"{CLOSURES[label]}.0", "python_version": CLOSURES[label]}
    locked = resolve(read_lock(lock), env, lock)
    components = {c["name"].lower(): c for c in bom["components"]}
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


def test_the_three_pythons_get_three_duckdbs(real: dict[str, Any]) -> None:
    versions = {
        label: {c["name"].lower(): c["version"] for c in bom["components"]}
        for label, bom in real["boms"].items()
    }
    duckdb = {label: found["duckdb"] for label, found in versions.items()}
    assert len(set(duckdb.values())) == 3, duckdb  # 1.4 on 3.9, 1.5 on 3.10, 2.0 on 3.11+
    assert duckdb["py3.9"].startswith("1.4.") and duckdb[NEWEST].startswith("2.")


def test_every_sbom_root_is_bound_to_both_dists(real: dict[str, Any]) -> None:
    actual = {
        p.name: sha256(p)
        for p in real["dist"].glob(f"{real['name']}-*")
        if p.name.endswith((".whl", ".tar.gz"))
    }
    assert len(actual) == 2
    for bom in real["boms"].values():
        root = bom["metadata"]["component"]
        assert (root["name"], root["version"]) == (real["name"], real["version"])
        assert root["purl"] == f"pkg:pypi/{real['name']}@{real['version']}"
        assert sbom_checks.dist_hashes(bom) == actual


def test_two_runs_are_byte_identical_and_dated_from_source_date_epoch(
    real: dict[str, Any],
) -> None:
    (first_result, first), (_, second) = real["runs"]
    assert first == second
    stem = f"{real['name']}-{real['version']}"
    assert set(first) == {
        *(f"{stem}.{label}.cdx.json" for label in CLOSURES),
        f"{stem}.sbom.md",
        f"{stem}.sbom.html",
        f"{stem}-constraints.txt",
    }
    # Each SBOM is bound in the result by its own sha256.
    recorded = {Path(d["sbom"]).name: d["sha256"] for d in first_result["details"]["sboms"]}
    assert recorded == {name: hashlib.sha256(first[name]).hexdigest() for name in recorded}
    assert len(recorded) == 3
    assert real["bom"]["metadata"]["timestamp"] == "2025-11-25T00:00:00+00:00"
    assert "serialNumber" not in real["bom"]
    assert first_result["status"] == "passed"


def test_output_is_valid_cyclonedx_1_6_and_invalid_output_is_caught(real: dict[str, Any]) -> None:
    for bom in real["boms"].values():
        assert bom["specVersion"] == "1.6"
        sbom_checks.validate(sbom.serialize(bom))
    broken = copy.deepcopy(real["bom"])
    broken["components"][0]["hashes"][0]["content"] = "not-a-sha256"
    with pytest.raises(GateFailure) as caught:
        sbom_checks.validate(sbom.serialize(broken))
    assert caught.value.problem is sbom_checks.SCHEMA_INVALID


def test_renderings_list_every_component(real: dict[str, Any]) -> None:
    outputs = real["runs"][0][1]
    stem = f"{real['name']}-{real['version']}"
    markdown = outputs[f"{stem}.sbom.md"].decode()
    html = outputs[f"{stem}.sbom.html"].decode()
    assert "locked closure" in markdown and "locked closure" in html
    for label, bom in real["boms"].items():
        assert f"the locked closure for Python {CLOSURES[label]}" in markdown
        for component in bom["components"]:
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
    [row] = result["details"]["sboms"][0]["components"]
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


def component_licences(result: dict[str, Any], dist: Path) -> list[Any]:
    [described] = result["details"]["sboms"]
    bom = json.loads(Path(described["sbom"]).read_text(encoding="utf-8"))
    [component] = bom["components"]
    return [component["licenses"], component.get("properties", [])]


def test_legacy_licence_text_is_recorded_as_a_licence_name_and_both_gates_agree(
    local_release: Any, tmp_path: Path
) -> None:
    """Reported: `License: MIT License` passed the licences gate but blocked the SBOM gate
    (cyclonedx-py drops non-SPDX text) with advice saying it "declares no licence"."""
    source, dist = local_release('{ text = "MIT License" }')
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 0, result
    licences, _ = component_licences(result, dist)
    assert licences == [{"license": {"acknowledgement": "declared", "name": "MIT License"}}]
    # The licences gate judges the same reading of the same metadata: allowed.
    policy = load_policy(ROOT / "security" / "license-allowlist.toml")
    reading = licence_reading.read("tinylib", {"version": "1.0", "license": "MIT License"})
    assert licence_reading.judge(reading, policy.spdx, policy.names()) == (
        Verdict.ALLOWED,
        "License 'MIT License' allowed",
    )


def test_reviewed_override_is_recorded_as_a_concluded_licence(
    local_release: Any, tmp_path: Path
) -> None:
    source, dist = local_release('{ text = "See LICENSE.txt" }')
    expires = datetime.date.today() + datetime.timedelta(days=30)
    (source / "security" / "license-overrides.toml").write_text(
        '[[override]]\npackage = "tinylib"\nversion = "1.0"\nlicense = "MIT"\n'
        'reason = "LICENSE.txt is the MIT text"\nreviewer = "Jane"\n'
        f"expires = {expires.isoformat()}\n",
        encoding="utf-8",
    )
    ran = run_gate(source, dist, tmp_path / "results")
    result = ran.result
    assert ran.returncode == 0, result
    licences, properties = component_licences(result, dist)
    assert licences == [{"acknowledgement": "concluded", "expression": "MIT"}]
    assert {p["name"]: p["value"] for p in properties} == {
        "duckalog:licence:declared": "See LICENSE.txt",
        "duckalog:licence:override": (
            f"MIT (override reviewed by Jane until {expires.isoformat()}: "
            "LICENSE.txt is the MIT text)"
        ),
    }


def test_constraints_file_installs_exactly_the_locked_closure(tmp_path: Path) -> None:
    """pip install -c <release>-constraints.txt gets the locked versions, not the newest."""
    index = tmp_path / "index"
    for version in ("1.0", "1.1"):
        build_dists(make_project(tmp_path / f"dep{version}", "tinylib", version, [], "MIT"), index)
    build_dists(make_project(tmp_path / "app", "app", "0.1.0", ["tinylib>=1.0"], "MIT"), index)
    older = sorted(index.glob("tinylib-1.0*"))
    lock = tmp_path / "runtime.txt"
    lock.write_text(
        "tinylib==1.0 ; python_full_version >= '3.9' "
        + " ".join(f"--hash=sha256:{sha256(p)}" for p in older)
        + "\n",
        encoding="utf-8",
    )
    written = constraints.write(tmp_path, "app-0.1.0", read_lock(lock), "app", "runtime.txt")
    assert written.name == "app-0.1.0-constraints.txt"
    assert written.read_text(encoding="utf-8").splitlines()[-1] == (
        'tinylib==1.0 ; python_full_version >= "3.9"'
    )

    def installed(*extra: str) -> str:
        target = tmp_path / f"target{len(extra)}"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--find-links",
             str(index), "--target", str(target), *extra, "app==0.1.0"],
            check=True, capture_output=True,
        )  # fmt: skip
        [info] = target.glob("tinylib-*.dist-info")
        return info.name

    assert installed() == "tinylib-1.1.dist-info"  # a fresh install takes the newest
    assert installed("-c", str(written)) == "tinylib-1.0.dist-info"

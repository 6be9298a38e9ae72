# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The smoke gate with real interpreters, venvs, pip, duckdb and pytest.

The dists are a tiny stand-in for duckalog (built with the pinned hatchling): a
CLI with ``--version`` and a ``build`` that writes one DuckDB view. The source
tree holds the real locks (runtime, tests, backend), a one-line example config
and a one-test suite that checks it imports the installed copy.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tests.gates.helpers import Run, build_dists, run_gate_cli

from release_gates._internal.checksums import write_sha256sums
from release_gates._internal.pythons import find_pythons, probe
from release_gates.gates import smoke

ROOT = Path(__file__).resolve().parents[2]
VERSION = "0.1.0"

CLI = '''\
"""A stand-in duckalog CLI: --version and build CONFIG --database PATH."""
import sys

PRINTED_VERSION = "{printed}"


def main():
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"duckalog {{PRINTED_VERSION}}")
        return 0
    if args[:1] == ["build"]:
        import duckdb

        con = duckdb.connect(args[args.index("--database") + 1])
        con.execute("CREATE SCHEMA shop")
        con.execute("CREATE VIEW shop.answer AS SELECT 42 AS answer")
        con.close()
        return 0
    return 2
'''

TEST_INSTALLED = """\
import duckalog


def test_imports_the_installed_copy():
    assert "site-packages" in duckalog.__file__
"""


def make_release(base: Path, printed_version: str = VERSION) -> tuple[Path, Path]:
    """A source tree and a dist/ of a stand-in duckalog whose CLI prints ``printed_version``."""
    source = base / "source"
    package = source / "src" / "duckalog"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Stand-in."""\n', encoding="utf-8")
    (package / "cli.py").write_text(CLI.format(printed=printed_version), encoding="utf-8")
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling==1.33.0"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "duckalog"\nversion = "{VERSION}"\nlicense = "MIT"\n'
        'requires-python = ">=3.9"\ndependencies = ["duckdb>=1.4,<3", "pyyaml>=6.0"]\n\n'
        '[project.scripts]\nduckalog = "duckalog.cli:main"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["src/duckalog"]\n\n'
        '[tool.hatch.build.targets.sdist]\ninclude = ["/src", "/pyproject.toml"]\n',
        encoding="utf-8",
    )
    (source / "security").mkdir()
    for lock in ("runtime", "tests", "backend"):
        shutil.copy(ROOT / "security" / f"{lock}.txt", source / "security" / f"{lock}.txt")
    (source / "examples" / "quickstart").mkdir(parents=True)
    (source / "examples" / "quickstart" / "duckalog.yaml").write_text("version: 1\n")
    (source / "tests" / "library").mkdir(parents=True)
    (source / "tests" / "library" / "test_installed.py").write_text(TEST_INSTALLED)
    dist = base / "dist"
    build_dists(source, dist)
    write_sha256sums(dist, list(dist.iterdir()))
    return source, dist


def run_smoke(source: Path, dist: Path, pythons: str, venvs: Path | None = None) -> Run:
    """Run the real smoke gate on ``dist`` with ``source``'s locks, example and tests."""
    args = ["--dist", str(dist), "--source", str(source), "--pythons", pythons]
    args += ["--venvs", str(venvs)] if venvs else []
    return run_gate_cli("smoke", args, dist.parent, timeout=900)


def two_pythons() -> str:
    """Python 3.9 (exercises the sdist-built-by-another-Python path) and this one."""
    if probe("3.9")[0] is None:
        pytest.skip("python3.9 is not available; run through scripts/nox")
    return f"3.9,{sys.version_info[0]}.{sys.version_info[1]}"


def test_good_release_passes_on_two_pythons(
    tmp_path: Path,
) -> None:
    source, dist = make_release(tmp_path)
    ran = run_smoke(source, dist, two_pythons())
    result = ran.result
    assert ran.returncode == 0, result
    rows = result["details"]["pythons"]
    this = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert rows[0]["python"].startswith("3.9.") and rows[1]["python"].startswith(f"{this}.")
    for row in rows:
        assert {row[step] for step in smoke.STEPS} == {"passed"}
    assert "built into a wheel" in result["details"]["sdist_note"]
    assert "install wheel" in ran.output and rows[0]["python"] in ran.output
    # Nothing was written into the source tree (the venvs live in a temporary directory).
    assert not list(source.rglob("__pycache__")) and not list(source.rglob("*.duckdb"))


def test_wrong_version_printed_fails_naming_python_and_step_in_a_reused_venv(
    tmp_path: Path,
) -> None:
    """A first run keeps its venvs; the second, with other bytes of the same version,
    reuses them and must still install and check its own wheel."""
    this = f"{sys.version_info[0]}.{sys.version_info[1]}"
    venvs = tmp_path / "venvs"
    source, dist = make_release(tmp_path / "good")
    first = run_smoke(source, dist, this, venvs)
    assert first.returncode == 0, first.result
    assert sorted(p.name for p in venvs.iterdir()) == [f"py{this}-sdist", f"py{this}-wheel"]
    marker = venvs / f"py{this}-wheel" / "made-by-the-first-run"
    marker.write_text("x", encoding="utf-8")

    _, other = make_release(tmp_path / "other", printed_version="9.9.9")
    ran = run_smoke(source, other, this, venvs)

    assert marker.exists()  # the venv was reused, not made again
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "smoke.failed"
    assert f"Python {this}." in result["summary"] and "/ version (wheel)" in result["summary"]
    assert "'duckalog 9.9.9'" in result["summary"]
    [row] = result["details"]["pythons"]
    assert row["version"] == "failed"
    assert row["install wheel"] == row["install sdist"] == row["example"] == "passed"


def test_requested_missing_python_fails(tmp_path: Path) -> None:
    source, dist = make_release(tmp_path)
    ran = run_smoke(source, dist, "3.99")
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "pythons.missing"
    assert "3.99" in result["summary"]


def test_dist_tampered_after_sha256sums_fails_before_installing(tmp_path: Path) -> None:
    source, dist = make_release(tmp_path)
    wheel = next(dist.glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"tampered")
    ran = run_smoke(source, dist, "3.99")
    result = ran.result
    assert ran.returncode == 1
    assert result["problem_code"] == "dists.sums-invalid"
    assert wheel.name in result["summary"]


def test_discovery_finds_the_running_python() -> None:
    found = {i.version: i for i in find_pythons(None)}
    this = found[f"{sys.version_info[0]}.{sys.version_info[1]}"]
    assert this.full_version == ".".join(map(str, sys.version_info[:3]))

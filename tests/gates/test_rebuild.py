# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The independent rebuild (publish.yml's macOS job) on a tiny real repository and real builds."""

from __future__ import annotations

from pathlib import Path

from tests.gates.helpers import run_gate_cli
from tests.gates.test_build import make_repo


def test_rebuild_reproduces_the_build_gates_sha256_and_a_difference_fails(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    built = run_gate_cli("build", ["--repo", str(repo), "--out", str(tmp_path / "out")], tmp_path)
    assert built.returncode == 0, built.result
    sums = tmp_path / "out" / "SHA256SUMS"
    ran = run_gate_cli("rebuild", ["--repo", str(repo), "--sums", str(sums)], tmp_path)
    assert ran.returncode == 0, ran.result
    assert ran.result["status"] == "passed"
    listed = {
        name: digest
        for digest, name in (line.split("  ") for line in sums.read_text().splitlines())
    }
    assert ran.result["details"]["sha256"] == listed

    # The build job's SHA256SUMS names other bytes for the wheel: nothing may be signed.
    wheel = "tiny_pkg-1.2.3-py3-none-any.whl"
    sums.write_text(sums.read_text().replace(listed[wheel], "0" * 64), encoding="utf-8")
    ran = run_gate_cli("rebuild", ["--repo", str(repo), "--sums", str(sums)], tmp_path)
    assert ran.returncode == 1
    assert ran.problem == "rebuild.differs"
    assert f"{wheel}: rebuilt {listed[wheel]}, build job {'0' * 64}" in ran.result["summary"]


def test_unusable_sha256sums_fails(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sums = tmp_path / "SHA256SUMS"
    sums.write_text("not a checksum line\n", encoding="utf-8")
    ran = run_gate_cli("rebuild", ["--repo", str(repo), "--sums", str(sums)], tmp_path)
    assert ran.returncode == 1
    assert ran.problem == "rebuild.sums-unreadable"

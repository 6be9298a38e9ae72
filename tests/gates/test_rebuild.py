# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The independent rebuild (publish.yml's macOS job) on a tiny real repository and real builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.gates.test_build import make_repo

from release_gates import build, rebuild


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "results"
    monkeypatch.setenv("RELEASE_GATES_RESULTS", str(directory))
    return directory


def test_rebuild_reproduces_the_build_gates_sha256_and_a_difference_fails(
    tmp_path: Path, results: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    assert build.main(["--repo", str(repo), "--out", str(tmp_path / "out")]) == 0
    sums = tmp_path / "out" / "SHA256SUMS"
    assert rebuild.main(["--repo", str(repo), "--sums", str(sums)]) == 0
    result = json.loads((results / "rebuild.json").read_text(encoding="utf-8"))
    assert result["status"] == "passed"
    listed = dict(reversed(line.split("  ")) for line in sums.read_text().splitlines())
    assert result["details"]["sha256"] == listed

    # The build job's SHA256SUMS names other bytes for the wheel: nothing may be signed.
    wheel = "tiny_pkg-1.2.3-py3-none-any.whl"
    sums.write_text(sums.read_text().replace(listed[wheel], "0" * 64), encoding="utf-8")
    assert rebuild.main(["--repo", str(repo), "--sums", str(sums)]) == 1
    result = json.loads((results / "rebuild.json").read_text(encoding="utf-8"))
    assert result["problem_code"] == "rebuild.differs"
    assert f"{wheel}: rebuilt {listed[wheel]}, build job {'0' * 64}" in result["summary"]


def test_unusable_sha256sums_fails(tmp_path: Path, results: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sums = tmp_path / "SHA256SUMS"
    sums.write_text("not a checksum line\n", encoding="utf-8")
    assert rebuild.main(["--repo", str(repo), "--sums", str(sums)]) == 1
    result = json.loads((results / "rebuild.json").read_text(encoding="utf-8"))
    assert result["problem_code"] == "rebuild.sums-unreadable"

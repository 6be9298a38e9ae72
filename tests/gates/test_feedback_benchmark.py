# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""benchmarks/feedback.py's pieces that decide what is measured and what is reported."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def feedback() -> ModuleType:
    """The benchmark script, imported from its file (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("feedback", ROOT / "benchmarks" / "feedback.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["feedback"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_clone_starts_with_empty_caches_and_every_python(
    feedback: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYENV_VERSION", "3.11.7")
    monkeypatch.setenv("UV_CACHE_DIR", "/somewhere")
    monkeypatch.setenv("NOX_PARALLEL", "4")
    monkeypatch.setenv("PIP_CACHE_DIR", "/elsewhere")
    monkeypatch.setenv("DUCKALOG_ACTIONS_MIRROR", "../shared/fixtures/actions")
    env = feedback.shell_env(tmp_path / "cache")
    assert env["XDG_CACHE_HOME"] == str(tmp_path / "cache")
    assert not {"PYENV_VERSION", "UV_CACHE_DIR", "NOX_PARALLEL", "PIP_CACHE_DIR"} & set(env)
    # Absolute, with links resolved (the shared folder may be a link beside the clone).
    mirror = (ROOT.parent / "shared/fixtures/actions").resolve()
    assert env["DUCKALOG_ACTIONS_MIRROR"] == str(mirror)


def test_a_command_is_timed_with_its_gates(feedback: ModuleType, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    script = "echo '[release] <== smoke: PASSED in 12.5 s - ok'; echo '<== audit: NOT RUN in 0.0 s'"
    timing = feedback.run_timed(
        "release x", ("bash", "-c", script), clone, {"PATH": "/usr/bin:/bin"}
    )
    assert timing.code == 0 and timing.wall_s > 0
    assert timing.parts == [("smoke (passed)", 12.5), ("audit (not run)", 0.0)]
    assert "smoke: PASSED" in (tmp_path / "release-x.log").read_text(encoding="utf-8")


def test_a_failed_command_or_a_missed_target_fails_the_benchmark(
    feedback: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    fast = feedback.Timing("release warm", wall_s=40.0)
    assert feedback.check_targets({"release warm": fast}) is True
    slow = feedback.Timing("release warm", wall_s=46.0)
    assert feedback.check_targets({"release warm": slow}) is False
    assert "MISSED" in capsys.readouterr().out
    failed = feedback.Timing("release warm", wall_s=1.0, code=1)
    assert feedback.check_targets({"release warm": failed}) is False


def test_the_clone_is_the_committed_ref(feedback: ModuleType, tmp_path: Path) -> None:
    clone = feedback.clone_at("HEAD", [], tmp_path)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True)
    ours = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    assert head.stdout == ours.stdout
    assert not (clone / ".nox").exists() and not (clone / ".venv-nox").exists()

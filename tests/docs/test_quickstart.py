# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The README's quick start, run as written against the installed wheel.

``nox -s docs`` installs the wheel ``nox -s test_wheel`` built (and the locked
runtime dependencies), so ``duckalog`` and ``duckdb`` here are what users get.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import docpages
import pytest

BIN = Path(sys.executable).parent


def quick_start_commands() -> list[str]:
    """Shell lines of the console blocks of README's "Quick start", up to the first YAML block."""
    tokens = docpages.page("README.md").tokens
    commands: list[str] = []
    inside = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content
            if inside:
                break
            inside = title == "Quick start"
        elif inside and token.type == "fence":
            if token.info.strip() != "console":
                break  # the YAML example that follows needs the user's own data
            commands.extend(line for line in token.content.splitlines() if line.strip())
    return commands


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    elif argv[0] == "duckalog":
        argv[0] = str(BIN / "duckalog")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)  # only the installed package, never the source tree
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("duckalog", path=str(BIN)) is None:
        pytest.fail("duckalog is not installed here: run the docs tests with `scripts/nox -s docs`")
    commands = quick_start_commands()
    assert [c.split()[:2] for c in commands[:2]] == [["duckalog", "init"], ["duckalog", "build"]]
    outputs = []
    for command in commands:
        result = run(command, tmp_path)
        assert result.returncode == 0, f"`{command}` failed:\n{result.stdout}{result.stderr}"
        outputs.append(result.stdout)
    assert (tmp_path / "catalog.duckdb").is_file()
    # The last command queries the view the starter config defines.
    assert "42" in outputs[-1] and "duckalog" in outputs[-1]

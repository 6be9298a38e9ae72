# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The commands in an example config's header comment work after `pip install duckalog`.

An example's opening comment shows commands as ``#   command`` lines. They are
run as written, in order, as one bash script from a copy of ``examples/``'s
parent (the first one ``cd``s into the example), offline, with what pip installs:
``duckalog`` and the ``duckdb`` Python package, run with ``python``. The DuckDB
command-line tool is a separate download, so a command may only start with a
program that ``pip install duckalog`` provides.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docpages
import pytest

EXAMPLES = sorted((docpages.ROOT / "examples").glob("*/duckalog.yaml"))
# What `pip install duckalog` puts on PATH (python: the interpreter it was installed into).
PIP_PROGRAMS = {"cd", "duckalog", "python"}


def header_commands(config: Path) -> list[str]:
    """The ``#   command`` lines of the comment block at the top of ``config``."""
    commands = []
    for line in config.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("#   "):
            commands.append(line[4:].strip())
    return commands


@pytest.mark.parametrize("config", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_header_commands_run_for_a_pip_user(config: Path, tmp_path: Path) -> None:
    commands = header_commands(config)
    assert commands, f"{config.relative_to(docpages.ROOT)} shows no `#   command` lines"
    programs = {re.split(r"\s+", part.strip())[0] for c in commands for part in c.split("&&")}
    assert programs <= PIP_PROGRAMS, f"not installed by pip: {sorted(programs - PIP_PROGRAMS)}"
    ignore = shutil.ignore_patterns("*.duckdb*")
    shutil.copytree(docpages.ROOT / "examples", tmp_path / "examples", ignore=ignore)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(commands)],
        cwd=tmp_path,
        env=docpages.offline_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    if config.parent.name == "quickstart":
        assert "revenue" in done.stdout  # its query ran against the catalog it built


@pytest.mark.parametrize("config", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_header_sends_nobody_to_the_duckdb_cli_alone(config: Path) -> None:
    header = "".join(
        line for line in config.read_text(encoding="utf-8").splitlines(True) if line[:1] == "#"
    )
    for shown in re.findall(r"`(duckdb\s[^`]*)`", header):
        assert "separate" in header, f"`{shown}` needs the DuckDB CLI, which pip does not install"

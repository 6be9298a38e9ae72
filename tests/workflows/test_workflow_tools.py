# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""check-jsonschema and zizmor on the real workflows, and proof that each can fail."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

GITHUB = Path(__file__).resolve().parents[2] / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
Tool = Callable[[str], str]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "publish.yml",
        "ci.yml",
        "pypi-health.yml",
        "fresh-install.yml",
        "scorecard.yml",
        "codeql.yml",
    }


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_schema(workflow: Path, tool: Tool) -> None:
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_schema(tool: Tool) -> None:
    result = run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.dependabot",
        str(GITHUB / "dependabot.yml"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_rejects_a_broken_workflow(tmp_path: Path, tool: Tool) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    permissions: {id-token: sudo}\n    steps: [{run: echo}]\n",
        encoding="utf-8",
    )
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert result.returncode != 0


def zizmor_findings(tool: Tool, path: Path) -> list[dict[str, Any]]:
    result = run(tool("zizmor"), "--offline", "--persona", "auditor", "--format", "json", str(path))
    findings = json.loads(result.stdout)
    assert isinstance(findings, list), result.stderr
    return findings


def test_zizmor_auditor_finds_nothing(tool: Tool) -> None:
    findings = zizmor_findings(tool, GITHUB)
    assert findings == [], [(f["ident"], f["locations"][0]["symbolic"]["key"]) for f in findings]


def test_zizmor_audits_every_workflow_and_dependabot(tool: Tool) -> None:
    result = run(tool("zizmor"), "--offline", "--persona", "auditor", str(GITHUB))
    for path in [*WORKFLOWS, GITHUB / "dependabot.yml"]:
        assert f"completed {path}" in result.stderr, result.stderr


def test_zizmor_flags_a_careless_workflow(tmp_path: Path, tool: Tool) -> None:
    careless = tmp_path / ".github" / "workflows" / "careless.yml"
    careless.parent.mkdir(parents=True)
    careless.write_text(
        "on: pull_request_target\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with: {ref: '${{ github.event.pull_request.head.sha }}'}\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    idents = {f["ident"] for f in zizmor_findings(tool, tmp_path / ".github")}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers"} <= idents

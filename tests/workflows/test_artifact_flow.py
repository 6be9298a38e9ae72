# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The artifact rule of the workflow policy: downloads have a source that holds what is read.

The real workflows pass it; each mutation of a copy of publish.yml below breaks
one artifact hand-over, and the rule names it. The first one is the fault a run
under act found in the summary job (it downloaded `dist` for the checksums).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from release_gates.workflow import policy_artifacts
from release_gates.workflow.model import Workflow

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"

SUMMARY_DOWNLOAD = """          pattern: checksums
          path: dist
      - name: Job summary"""
SMOKE_CHECKSUMS = """      - name: Download SHA256SUMS
        uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1
        with:
          name: checksums
          path: dist
      - name: Re-check SHA256SUMS of the downloaded dists
        run: scripts/nox -s verify -- --checksums-only dist
      - name: Smoke gate"""

ATTEST_NEEDS = """    needs: [version, audit, build, rebuild-macos, smoke, sbom]
    if: ${{ !inputs.dry_run }}"""

# name -> (what to replace, by what, the rule that must object, where)
MUTATIONS: dict[str, tuple[str, str, str, str]] = {
    "summary collects the dists, not the checksums (the fault act found)": (
        SUMMARY_DOWNLOAD,
        SUMMARY_DOWNLOAD.replace("pattern: checksums", "pattern: dist"),
        "artifact-content",
        "publish.yml/summary/Job summary",
    ),
    "summary downloads by name (it fails when the build never ran, as act showed)": (
        SUMMARY_DOWNLOAD,
        SUMMARY_DOWNLOAD.replace("pattern: checksums", "name: checksums"),
        "artifact-optional",
        "publish.yml/summary/Collect the checksums",
    ),
    "download of an artifact nobody uploads": (
        SMOKE_CHECKSUMS,
        SMOKE_CHECKSUMS.replace("name: checksums", "name: checksum"),
        "artifact-source",
        "publish.yml/smoke/Download SHA256SUMS",
    ),
    "download into another folder than the one read": (
        SMOKE_CHECKSUMS,
        SMOKE_CHECKSUMS.replace(
            "name: checksums\n          path: dist", "name: checksums\n          path: sums"
        ),
        "artifact-content",
        "publish.yml/smoke/Re-check SHA256SUMS",
    ),
    "upload path that no longer holds what is read": (
        "            dist/*.cdx.json\n            dist/*-constraints.txt\n",
        "            dist/*.spdx.json\n            dist/*-constraints.txt\n",
        "artifact-content",
        "publish.yml/attest/SBOM attestation",
    ),
    "download from a job that is not needed": (
        ATTEST_NEEDS,
        ATTEST_NEEDS.replace("smoke, sbom]", "smoke]"),
        "artifact-source",
        "publish.yml/attest/Download the SBOMs",
    ),
}


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_real_workflows_hand_over_their_artifacts(path: Path) -> None:
    assert [str(v) for v in policy_artifacts.check_artifact_flow(Workflow.load(path))] == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_hand_over_is_rejected(name: str) -> None:
    old, new, rule, where = MUTATIONS[name]
    text = PUBLISH.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the mutation must change exactly one place: {old!r}"
    found = policy_artifacts.check_artifact_flow(
        Workflow.parse("publish.yml", text.replace(old, new))
    )
    # The broken hand-over is named where it happens (a missing source may also leave a
    # later step reading a file nothing downloaded: that is reported too).
    assert any(v.rule == rule and v.where.startswith(where) for v in found), [str(v) for v in found]
    assert {v.rule for v in found} <= {"artifact-source", "artifact-content", "artifact-optional"}


def test_the_summary_fault_is_named_precisely() -> None:
    old, new, _, _ = MUTATIONS[
        "summary collects the dists, not the checksums (the fault act found)"
    ]
    text = PUBLISH.read_text(encoding="utf-8").replace(old, new)
    (violation,) = policy_artifacts.check_artifact_flow(Workflow.parse("publish.yml", text))
    assert violation.message == (
        "reads SHA256SUMS from dist/ (--dist dist), which holds only "
        "['*.tar.gz', '*.whl'] from its downloads"
    )

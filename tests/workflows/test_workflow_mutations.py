# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Mutation test: harmful edits to a copy of publish.yml, each rejected by the policy.

Every mutation names the rule that must catch it. The untouched copy, written back
through the same YAML round trip, must pass, so a rejection is caused by the edit.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from release_gates.workflow import policy
from release_gates.workflow.model import Violation, Workflow

PUBLISH = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "publish.yml"
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@functools.lru_cache(maxsize=1)
def _parsed(text: str) -> Any:
    """The round-trip parse of publish.yml, done once (each mutation edits a deep copy)."""
    return _yaml().load(text)


def edit(change: Callable[[Any], None]) -> Callable[[str], str]:
    """A text -> text mutation from an edit of the round-tripped YAML (comments kept)."""

    def mutate(text: str) -> str:
        yaml = _yaml()
        data = copy.deepcopy(_parsed(text))
        change(data)
        out = io.StringIO()
        yaml.dump(data, out)
        return out.getvalue()

    return mutate


def text(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    """A mutation replacing ``old`` (which must be there) by ``new``."""

    def mutate(source: str) -> str:
        assert old in source, old
        return source.replace(old, new, count)

    return mutate


def step(data: Any, job: str, predicate: Callable[[Any], bool]) -> Any:
    return next(s for s in data["jobs"][job]["steps"] if predicate(s))


def run_step(data: Any, job: str, session: str) -> Any:
    return step(data, job, lambda s: f"-s {session}" in str(s.get("run", "")))


def _set(mapping: Any, key: str, value: Any) -> None:
    mapping[key] = value


MUTATIONS: dict[str, tuple[Callable[[str], str], str]] = {
    "unpin checkout to a tag": (text(f"{CHECKOUT} # v7.0.1", "actions/checkout@v7"), "pinned-sha"),
    "pin to an unverified SHA": (text(CHECKOUT, "actions/checkout@" + "a" * 40), "verified-pin"),
    "drop a version comment": (text(f"{CHECKOUT} # v7.0.1", CHECKOUT), "pin-comment"),
    "wrong version comment": (text(f"{CHECKOUT} # v7.0.1", f"{CHECKOUT} # v6.0.0"), "pin-comment"),
    "contents: write at the top": (
        edit(lambda d: _set(d, "permissions", CommentedMap({"contents": "write"}))),
        "top-permissions",
    ),
    "id-token on build": (
        edit(lambda d: _set(d["jobs"]["build"]["permissions"], "id-token", "write")),
        "write-permission",
    ),
    "id-token on verify-pypi": (
        edit(lambda d: _set(d["jobs"]["verify-pypi"]["permissions"], "id-token", "write")),
        "write-permission",
    ),
    "contents: write on attest": (
        edit(lambda d: _set(d["jobs"]["attest"]["permissions"], "contents", "write")),
        "write-permission",
    ),
    "write-all on a job": (
        edit(lambda d: _set(d["jobs"]["summary"], "permissions", "write-all")),
        "job-permissions",
    ),
    "permission without its reason": (
        text(
            "      id-token: write # keyless Sigstore signing with this workflow's OIDC identity",
            "      id-token: write",
        ),
        "permission-comment",
    ),
    "drop environment from publish-pypi": (
        edit(lambda d: d["jobs"]["publish-pypi"].pop("environment")),
        "environment",
    ),
    "publish-pypi in the testpypi environment": (
        edit(lambda d: _set(d["jobs"]["publish-pypi"]["environment"], "name", "testpypi")),
        "environment",
    ),
    "drop audit from publish-pypi needs": (
        edit(lambda d: d["jobs"]["publish-pypi"]["needs"].remove("audit")),
        "publish-needs",
    ),
    "drop attest from publish-testpypi needs": (
        edit(lambda d: d["jobs"]["publish-testpypi"]["needs"].remove("attest")),
        "publish-needs",
    ),
    "publish-pypi on always()": (
        edit(lambda d: _set(d["jobs"]["publish-pypi"], "if", "always()")),
        "publish-if",
    ),
    "publish-pypi without a condition": (
        edit(lambda d: d["jobs"]["publish-pypi"].pop("if")),
        "publish-if",
    ),
    "dispatch to PyPI without confirm": (
        text(" && inputs.confirm == inputs.version", ""),
        "publish-if",
    ),
    "publish on a branch push": (
        text("startsWith(github.ref, 'refs/tags/v')", "startsWith(github.ref, 'refs/')", 1),
        "publish-if",
    ),
    "pull_request_target trigger": (
        edit(lambda d: _set(d["on"], "pull_request_target", None)),
        "forbidden-trigger",
    ),
    "workflow_run trigger": (
        edit(lambda d: _set(d["on"], "workflow_run", CommentedMap({"workflows": ["ci"]}))),
        "forbidden-trigger",
    ),
    "setup-python pip cache": (
        edit(
            lambda d: _set(
                step(d, "build", lambda s: "setup-python" in str(s.get("uses")))["with"],
                "cache",
                "pip",
            )
        ),
        "no-cache",
    ),
    "persist-credentials true": (
        edit(
            lambda d: _set(
                step(d, "sign", lambda s: "checkout" in str(s.get("uses")))["with"],
                "persist-credentials",
                True,
            )
        ),
        "persist-credentials",
    ),
    "persist-credentials dropped": (
        edit(
            lambda d: step(d, "build", lambda s: "checkout" in str(s.get("uses")))["with"].pop(
                "persist-credentials"
            )
        ),
        "persist-credentials",
    ),
    "user input expanded inside run": (
        edit(
            lambda d: _set(
                run_step(d, "version", "version"),
                "run",
                "scripts/nox -s version -- --tag ${{ github.event.inputs.version }}",
            )
        ),
        "run-expression",
    ),
    "failure hidden with || true": (
        edit(lambda d: _set(run_step(d, "audit", "audit"), "run", "scripts/nox -s audit || true")),
        "run-single-command",
    ),
    "multi-command run": (
        edit(
            lambda d: _set(
                run_step(d, "build", "build"), "run", "scripts/nox -s build\nscripts/nox -s sbom\n"
            )
        ),
        "run-single-command",
    ),
    "arbitrary tool in run": (
        edit(lambda d: _set(run_step(d, "build", "build"), "run", "python -m build")),
        "run-tool",
    ),
    "session that does not exist": (
        edit(lambda d: _set(run_step(d, "build", "build"), "run", "scripts/nox -s deploy")),
        "unknown-session",
    ),
    "continue-on-error on a gate job": (
        edit(lambda d: _set(d["jobs"]["audit"], "continue-on-error", True)),
        "continue-on-error",
    ),
    "continue-on-error on a gate step": (
        edit(lambda d: _set(run_step(d, "licenses", "licenses"), "continue-on-error", True)),
        "continue-on-error",
    ),
    "upload failure tolerated without a retry": (
        edit(lambda d: d["jobs"]["publish-pypi"]["steps"].pop()),
        "upload-retry",
    ),
    "blind retry of any failure (permanent ones too)": (
        edit(
            lambda d: _set(
                step(d, "publish-pypi", lambda s: s.get("name", "").startswith("Retry")),
                "if",
                "steps.upload.outcome == 'failure'",
            )
        ),
        "upload-retry",
    ),
    "no triage after a failed attempt": (
        edit(
            lambda d: d["jobs"]["publish-pypi"]["steps"].remove(
                step(d, "publish-pypi", lambda s: s.get("id") == "triage")
            )
        ),
        "upload-retry",
    ),
    "a blind wait before the retry": (
        edit(
            lambda d: d["jobs"]["publish-pypi"]["steps"].insert(
                -1,
                CommentedMap(
                    {
                        "name": "Back off",
                        "if": "steps.upload.outcome == 'failure'",
                        "run": "sleep 60",
                    }
                ),
            )
        ),
        "upload-retry",
    ),
    "rebuild on the build job's runner image": (
        edit(lambda d: _set(d["jobs"]["rebuild-macos"], "runs-on", "ubuntu-24.04")),
        "independent-rebuild",
    ),
    "sign before the independent rebuild": (
        edit(lambda d: d["jobs"]["sign"]["needs"].remove("rebuild-macos")),
        "independent-rebuild",
    ),
    "rebuild without comparing with the build job": (
        edit(
            lambda d: _set(run_step(d, "rebuild-macos", "rebuild"), "run", "scripts/nox -s build")
        ),
        "independent-rebuild",
    ),
    "attestations made on dry runs": (
        edit(lambda d: d["jobs"]["attest"].pop("if")),
        "dry-run-staging",
    ),
    "dry run signs against production": (
        edit(
            lambda d: _set(
                step(
                    d,
                    "sign",
                    lambda s: (
                        "--staging" in str(s.get("run", "")) and "-s sign" in str(s.get("run", ""))
                    ),
                ),
                "run",
                "scripts/nox -s sign -- dist/*.whl dist/*.tar.gz",
            )
        ),
        "dry-run-staging",
    ),
    "a locked closure's SBOM not attested": (
        edit(
            lambda d: d["jobs"]["attest"]["steps"].remove(
                step(d, "attest", lambda s: "py3.9" in str((s.get("with") or {}).get("sbom-path")))
            )
        ),
        "sbom-attestations",
    ),
    "the VEX not attested": (
        edit(
            lambda d: d["jobs"]["attest"]["steps"].remove(
                step(d, "attest", lambda s: "predicate-path" in (s.get("with") or {}))
            )
        ),
        "sbom-attestations",
    ),
    "no timeout-minutes": (edit(lambda d: d["jobs"]["sbom"].pop("timeout-minutes")), "timeout"),
    "running publish cancelled": (
        edit(lambda d: _set(d["concurrency"], "cancel-in-progress", True)),
        "concurrency",
    ),
    "artifact kept forever": (
        edit(
            lambda d: step(d, "build", lambda s: "upload-artifact" in str(s.get("uses")))[
                "with"
            ].pop("retention-days")
        ),
        "retention",
    ),
    "downloaded dists used unchecked": (
        edit(lambda d: d["jobs"]["smoke"]["steps"].remove(run_step(d, "smoke", "verify"))),
        "checksum-recheck",
    ),
    "retry uploads a fresh copy unchecked": (
        edit(
            lambda d: d["jobs"]["publish-pypi"]["steps"].remove(
                step(
                    d,
                    "publish-pypi",
                    lambda s: s.get("name") == "Re-check SHA256SUMS of the fresh copy",
                )
            )
        ),
        "checksum-recheck",
    ),
    "API token instead of trusted publishing": (
        edit(
            lambda d: _set(
                step(d, "publish-pypi", lambda s: s.get("id") == "upload")["with"],
                "password",
                "${{ secrets.PYPI_API_TOKEN }}",
            )
        ),
        "trusted-publishing",
    ),
    "upload from the build job": (
        edit(
            lambda d: d["jobs"]["build"]["steps"].append(
                CommentedMap(
                    {"uses": "pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33"}
                )
            )
        ),
        "publish-job",
    ),
    "smoke no longer needs build": (
        edit(lambda d: d["jobs"]["smoke"]["needs"].remove("build")),
        "gate-needs",
    ),
    "smoke after sbom (order unlike the rehearsal)": (
        edit(lambda d: d["jobs"]["smoke"]["needs"].append("sbom")),
        "gate-order",
    ),
    "sign job without its verification": (
        edit(
            lambda d: _set(
                d["jobs"]["sign"],
                "steps",
                [s for s in d["jobs"]["sign"]["steps"] if "--identity" not in str(s.get("run"))],
            )
        ),
        "gate-session",
    ),
    "dry runs signed but never verified": (
        edit(
            lambda d: d["jobs"]["sign"]["steps"].remove(
                step(d, "sign", lambda s: "-s verify -- --staging" in str(s.get("run", "")))
            )
        ),
        "dry-run-staging",
    ),
    "GitHub release even when PyPI was skipped": (
        edit(lambda d: _set(d["jobs"]["github-release"], "if", "always()")),
        "status-function",
    ),
    "GitHub release before PyPI is verified": (
        edit(lambda d: d["jobs"]["github-release"]["needs"].remove("verify-pypi")),
        "release-needs",
    ),
    "a job outside the release graph": (
        edit(lambda d: _set(d["jobs"], "deploy-docs", CommentedMap(d["jobs"]["licenses"]))),
        "unknown-job",
    ),
}


def violations(source: str) -> list[Violation]:
    return policy.check_workflow(Workflow.parse("publish.yml", source))


def test_round_trip_alone_is_accepted() -> None:
    assert violations(edit(lambda d: None)(PUBLISH.read_text(encoding="utf-8"))) == []


def test_at_least_twelve_distinct_mutations() -> None:
    assert len(MUTATIONS) >= 12
    assert len({rule for _, rule in MUTATIONS.values()}) >= 12


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_harmful_edit_is_rejected(name: str) -> None:
    mutate, rule = MUTATIONS[name]
    original = PUBLISH.read_text(encoding="utf-8")
    mutated = mutate(original)
    assert mutated != original
    found = violations(mutated)
    assert rule in {v.rule for v in found}, [str(v) for v in found]

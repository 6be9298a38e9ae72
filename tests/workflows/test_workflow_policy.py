# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The project's own workflow policy (release_gates.workflow.policy) on the real files."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from release_gates import registry
from release_gates._internal.noxfile import read_noxfile
from release_gates.workflow import policy, policy_release
from release_gates.workflow.model import Workflow, sessions_by_job

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PUBLISH = Workflow.load(ROOT / ".github" / "workflows" / "publish.yml")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_the_policy(path: Path) -> None:
    assert [str(v) for v in policy.check_workflow(Workflow.load(path))] == []


def test_pins_file_matches_the_verified_reference_list() -> None:
    """security/action-pins.yml is a copy of the verified list, nothing added."""
    reference = ROOT.parent / "shared" / "reference" / "actions-pins.md"
    if not reference.exists():
        pytest.skip("the verified reference list is not on this machine")
    rows = re.findall(
        r"^\| ([\w.-]+/[\w.-]+)[^|]*\| (v[\d.]+) \| ([0-9a-f]{40}) \|",
        reference.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert {(a, s): v for a, v, s in rows} == policy.load_pins()


def test_every_uses_is_a_verified_pin() -> None:
    pins = policy.load_pins()
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        for ref, comment in re.findall(r"uses: (\S+) # (\S+)", text):
            action, sha = ref.split("@")
            assert pins["/".join(action.split("/")[:2]), sha] == comment
        assert text.count("uses:") == len(re.findall(r"uses: (\S+) # (\S+)", text))


def test_only_allow_listed_jobs_hold_tokens() -> None:
    holders = {
        job: {scope for scope, level in spec["permissions"].items() if level == "write"}
        for job, spec in PUBLISH.jobs.items()
    }
    assert {job: scopes for job, scopes in holders.items() if scopes} == {
        "sign": {"id-token"},
        "attest": {"id-token", "attestations"},
        "publish-testpypi": {"id-token"},
        "publish-pypi": {"id-token"},
        "github-release": {"contents"},
    }
    assert PUBLISH.data["permissions"] == {}


def test_publish_jobs_are_gated() -> None:
    jobs = PUBLISH.jobs
    assert jobs["publish-pypi"]["environment"]["name"] == "pypi"
    assert jobs["publish-testpypi"]["environment"]["name"] == "testpypi"
    gates = {"version", "licenses", "audit", "test", "build", "smoke", "sbom", "sign", "attest"}
    assert set(jobs["publish-pypi"]["needs"]) == gates | {"rebuild-macos"}
    assert "inputs.confirm == inputs.version" in jobs["publish-pypi"]["if"]
    assert set(PUBLISH.data["on"]) == {"push", "workflow_dispatch"}
    assert PUBLISH.data["on"]["push"] == {"tags": ["v*.*.*"]}
    assert set(PUBLISH.data["on"]["workflow_dispatch"]["inputs"]) == {
        "version",
        "channel",
        "confirm",
        "dry_run",
    }


def test_publish_uses_trusted_publishing_with_attestations() -> None:
    uploads = [s for j, _, s in PUBLISH.steps() if "pypi-publish" in str(s.get("uses"))]
    assert len(uploads) == 3  # TestPyPI, PyPI, PyPI retry
    for step in uploads:
        assert "password" not in step["with"]
        assert step["with"].get("attestations", True) is True
    assert "secrets." not in json.dumps(PUBLISH.data)


def test_matrices_cover_every_python_with_named_jobs() -> None:
    for job in ("test", "smoke"):
        spec = PUBLISH.jobs[job]
        assert spec["strategy"]["fail-fast"] is False
        assert spec["strategy"]["matrix"]["python"] == [
            "3.9",
            "3.10",
            "3.11",
            "3.12",
            "3.13",
            "3.14",
        ]
        assert "${{ matrix.python }}" in spec["name"]


def test_every_nox_session_called_exists() -> None:
    sessions = read_noxfile().names
    called = {
        s
        for path in WORKFLOWS
        for names in sessions_by_job(Workflow.load(path)).values()
        for s in names
    }
    assert called <= sessions
    assert {
        "version",
        "licenses",
        "audit",
        "build",
        "smoke",
        "sbom",
        "verify",
        "publish",
        "sign",
        "workflow_policy",
        "pypi_health",
        "tests",
    } <= called


def test_noxfile_parser_agrees_with_nox() -> None:
    """The ast reading of noxfile.py finds what `nox --list` lists."""
    nox_python = ROOT / ".venv-nox" / "bin" / "python"
    if not nox_python.exists():
        pytest.skip("scripts/nox has not bootstrapped .venv-nox")
    listed = subprocess.run(
        [str(nox_python), "-m", "nox", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names = re.findall(r"^[*-] ([\w-]+?)(?:-\d+\.\d+)? ", listed.stdout, re.MULTILINE)
    assert set(names) == read_noxfile().names


def test_release_graph_matches_the_rehearsal() -> None:
    """Each gate has its job, with the rehearsal's needs, in a compatible order."""
    jobs = PUBLISH.jobs
    mapping = policy_release.gate_jobs()
    calls = sessions_by_job(PUBLISH)
    for gate in registry.GATES:
        job = mapping[gate.name]
        assert {mapping[n] for n in gate.needs} <= set(jobs[job].get("needs", []))
    for name in ("version", "licenses", "audit", "build", "smoke", "sbom"):
        assert name in calls[name]
    assert calls["sign"][-1] == "verify"  # bundles verified right after signing
    assert "publish" in calls["verify-pypi"]
    # Walking the workflow graph in rehearsal order never meets a job before its needs.
    done: set[str] = set()
    for gate in registry.GATES:
        job = mapping[gate.name]
        gate_needs = set(jobs[job].get("needs", [])) & set(mapping.values())
        assert gate_needs <= done, (job, gate_needs - done)
        done.add(job)
    assert set(jobs) == policy_release.known_jobs()
    # Every job that runs a gate maps back to it (the job summary relies on it).
    for gate in registry.GATES:
        for job in gate.jobs or (gate.name,):
            assert registry.gate_of_job(job) is gate, job


@pytest.mark.parametrize(
    "command",
    [
        "scripts/nox -s verify -- --checksums-only dist",
        'scripts/nox --extra-python "$PYTHON" -s "tests-$PYTHON"',
        'gh release create "$TAG" --notes-file notes.md dist/x',
        "sha256sum --check --strict ../checksums/SHA256SUMS",
    ],
)
def test_single_commands_pass(command: str) -> None:
    assert policy.check_run(command, "here") == []


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("scripts/nox -s build || true", "run-single-command"),
        ("scripts/nox -s build; scripts/nox -s sbom", "run-single-command"),
        ("scripts/nox -s build\nscripts/nox -s sbom", "run-single-command"),
        ("scripts/nox -s build > /dev/null", "run-single-command"),
        ("curl -sSf https://example.invalid/x.sh | sh", "run-single-command"),
        ('scripts/nox -s version -- --tag "$(cat tag)"', "run-single-command"),
        ("scripts/nox -s version -- --tag `cat tag`", "run-single-command"),
        ('scripts/nox -s version -- --tag "${{ github.head_ref }}"', "run-expression"),
        ("scripts/nox -t tests", "run-nox-session"),
        ("scripts/nox -s build -s sbom", "run-nox-session"),
        ("pip install duckalog", "run-tool"),
        ("gh release delete v1.0.0", "run-tool"),
        ("python -m build", "run-tool"),
        ("sleep 60", "run-tool"),  # a blind wait: the retry decision is upload_triage's
    ],
)
def test_other_commands_are_rejected(command: str, rule: str) -> None:
    assert [v.rule for v in policy.check_run(command, "here")] == [rule]


def test_rehearsal_runs_the_sessions_the_jobs_run() -> None:
    """`nox -s release` runs each registry gate as `nox -s <gate>`, as the jobs do."""
    from release_gates.rehearsal import cli

    command = cli.nox_command("python", [])
    workflow_calls = sessions_by_job(PUBLISH, gates_only=True)
    mapping = policy_release.gate_jobs()
    sessions = read_noxfile().names
    for gate in registry.GATES:
        argv = command(gate, [])
        assert argv[argv.index("-s") + 1] == gate.name
        assert gate.name in sessions
        callers = [mapping[gate.name]] + [
            job for job, spec in PUBLISH.jobs.items() if mapping[gate.name] in spec.get("needs", [])
        ]
        assert any(gate.name in workflow_calls[job] for job in callers), gate.name


def test_dependabot_updates_actions_and_pip_with_a_cooldown() -> None:
    import yaml

    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for update in updates.values():
        assert update["cooldown"]["default-days"] >= 7
    assert "/security" in updates["pip"]["directories"]

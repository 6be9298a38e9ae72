# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The audit gate against a loopback OSV server, running the real pip-audit."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.lockfile import closure_for, read_lock
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import audit_vex as vex
from release_gates.gates import sbom_checks
from release_gates.gates.audit_waivers import load_waivers
from release_gates.problems import GateFailure
from release_gates.result import Status
from standins.osv_server import OsvServer, advisory

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "security" / "runtime.txt"
TODAY = datetime.date.today()
VERSION = load_toml(ROOT / "pyproject.toml")["project"]["version"]


def locked(package: str, python: str) -> str:
    """The version of ``package`` the runtime lock installs on ``python``."""
    pins = closure_for(read_lock(RUNTIME_LOCK), python)
    return next(p.version for p in pins if p.name == package)


# An advisory for the pyyaml pinned on Python 3.9 only (3.10+ pins a newer pyyaml).
PYYAML_39 = locked("pyyaml", "3.9")
ADVISORY = advisory(
    "GHSA-duck-test-0001",
    "pyyaml",
    [PYYAML_39],
    fixed="99.0",
    aliases=["CVE-2026-99999"],
    summary="arbitrary code execution in a test",
)


# Tests of the waiver logic audit only the 3.9 closure, which the advisory hits:
# each pip-audit run costs seconds of start-up on a busy machine.
ONE_PYTHON = ("--python", "3.9")


def write_waiver(path: Path, vuln_id: str, package: str, expires: datetime.date) -> Path:
    path.write_text(
        "[[waiver]]\n"
        f'id = "{vuln_id}"\n'
        f'package = "{package}"\n'
        'reason = "not reachable from duckalog (test)"\n'
        'state = "not_affected"\n'
        'justification = "code_not_reachable"\n'
        f"expires = {expires.isoformat()}\n",
        encoding="utf-8",
    )
    return path


def run_audit(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run the real audit gate against this checkout's lock (no OSV URL unless given)."""
    osv = {"PIP_AUDIT_OSV_URL": "", **(env or {})}
    return run_gate_cli("audit", ["--root", str(ROOT), *args], tmp_path, env=osv, timeout=120)


def no_waivers(tmp_path: Path) -> str:
    path = tmp_path / "waivers.toml"
    path.write_text("# none\n")
    return str(path)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_vex(tmp_path: Path) -> dict[str, Any]:
    [path] = (tmp_path / "vex").glob("*.vex.cdx.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    sbom_checks.validate(vex.serialize(document))  # valid CycloneDX 1.6
    return document


def vex_status(document: dict[str, Any]) -> str:
    properties = {p["name"]: p["value"] for p in document["metadata"]["properties"]}
    return str(properties["duckalog:vex:status"])


def test_clean_answers_pass_for_every_closure(tmp_path: Path) -> None:
    with OsvServer() as osv:
        ran = run_audit(
            tmp_path, "--osv-url", osv.url, "--waivers", no_waivers(tmp_path),
            "--vex-dir", str(tmp_path / "vex"),
        )  # fmt: skip
        result = ran.gate_result
        queried = {(q["package"]["name"], q["version"]) for q in osv.queries}
    assert ran.returncode == 0, result.summary
    assert result.status is Status.PASSED
    # Every closure of the universal lock was audited, e.g. 3.9's older pins.
    assert ("pyyaml", PYYAML_39) in queried
    assert ("duckdb", locked("duckdb", "3.9")) in queried
    assert ("duckdb", locked("duckdb", "3.13")) in queried
    pythons = [p for c in result.details["closures"] for p in c["pythons"]]
    assert {"3.9", "3.10", "3.11", "3.12", "3.13"} <= set(pythons)
    # The VEX says explicitly that nothing is known, as of today, for every closure.
    document = read_vex(tmp_path)
    assert document["vulnerabilities"] == []
    assert vex_status(document).startswith(
        f"no known vulnerabilities as of {TODAY.isoformat()} in the locked closures for Python "
        "3.9, 3.10, 3.11"
    )
    refs = {c["bom-ref"]: c["properties"][0]["value"] for c in document["components"]}
    assert refs[f"pkg:pypi/pyyaml@{PYYAML_39}"] == "3.9"
    assert refs[f"pkg:pypi/duckdb@{locked('duckdb', '3.13')}"].startswith("3.11 3.12 3.13")
    assert result.details["vex"] == str(tmp_path / "vex" / f"duckalog-{VERSION}.vex.cdx.json")


def test_advisory_fails_naming_id_package_version_fix(tmp_path: Path) -> None:
    with OsvServer([ADVISORY]) as osv:
        ran = run_audit(tmp_path, "--osv-url", osv.url, "--waivers", no_waivers(tmp_path))
        result = ran.gate_result
    summary = ran.failure("audit.vulnerable")
    for expected in ("pyyaml", PYYAML_39, "99.0", "Python 3.9"):
        assert expected in summary
    assert "GHSA-duck-test-0001" in str(result.details["findings"])
    assert "CVE-2026-99999" in summary or "GHSA-duck-test-0001" in summary
    assert "waivers.toml" in (result.fix or "")
    assert "FAILED [audit.vulnerable]" in ran.output


@pytest.mark.parametrize("waived_id", ["GHSA-duck-test-0001", "CVE-2026-99999"])
def test_waiver_makes_it_pass(tmp_path: Path, waived_id: str) -> None:
    expires = TODAY + datetime.timedelta(30)
    waivers = write_waiver(tmp_path / "w.toml", waived_id, "PyYAML", expires)
    with OsvServer([ADVISORY]) as osv:
        ran = run_audit(
            tmp_path, *ONE_PYTHON, "--osv-url", osv.url, "--waivers", str(waivers),
            "--vex-dir", str(tmp_path / "vex"),
        )  # fmt: skip
        result = ran.gate_result
    assert ran.returncode == 0, result.summary
    assert result.status is Status.PASSED
    assert "1 waived" in result.summary
    assert result.details["waived"][0]["reason"] == "not reachable from duckalog (test)"
    # The VEX carries the reviewed analysis of the waiver.
    document = read_vex(tmp_path)
    [vulnerability] = document["vulnerabilities"]
    # pip-audit names the advisory by one of its ids; the others are references.
    assert {vulnerability["id"], *(r["id"] for r in vulnerability["references"])} == {
        "GHSA-duck-test-0001",
        "CVE-2026-99999",
    }
    assert vulnerability["affects"] == [{"ref": f"pkg:pypi/pyyaml@{PYYAML_39}"}]
    assert vulnerability["analysis"] == {
        "state": "not_affected",
        "justification": "code_not_reachable",
        "detail": "not reachable from duckalog (test) (reviewed waiver in "
        f"security/waivers.toml, expires {expires.isoformat()})",
    }
    assert vulnerability["recommendation"] == "Upgrade to 99.0"
    assert vex_status(document) == (
        f"1 known vulnerability as of {TODAY.isoformat()}: {vulnerability['id']} in pyyaml "
        f"{PYYAML_39}: not_affected"
    )


def test_expired_waiver_fails(tmp_path: Path) -> None:
    waivers = write_waiver(
        tmp_path / "w.toml", "GHSA-duck-test-0001", "pyyaml", TODAY - datetime.timedelta(1)
    )
    with OsvServer([ADVISORY]) as osv:
        ran = run_audit(tmp_path, *ONE_PYTHON, "--osv-url", osv.url, "--waivers", str(waivers))
        result = ran.gate_result
    assert ran.returncode == 1
    assert result.problem_code == "audit.waiver-expired"
    assert "GHSA-duck-test-0001" in result.summary and "still matches a finding" in result.summary


def test_waiver_for_another_package_does_not_cover_the_finding(tmp_path: Path) -> None:
    waivers = write_waiver(
        tmp_path / "w.toml", "GHSA-duck-test-0001", "duckdb", TODAY + datetime.timedelta(30)
    )
    with OsvServer([ADVISORY]) as osv:
        ran = run_audit(tmp_path, *ONE_PYTHON, "--osv-url", osv.url, "--waivers", str(waivers))
        result = ran.gate_result
    ran.failure("audit.vulnerable")
    assert result.details["stale_waivers"] == ["GHSA-duck-test-0001 (duckdb)"]


def test_stale_waiver_is_reported(tmp_path: Path) -> None:
    waivers = write_waiver(
        tmp_path / "w.toml", "GHSA-gone", "pyyaml", TODAY + datetime.timedelta(9)
    )
    with OsvServer() as osv:
        ran = run_audit(tmp_path, *ONE_PYTHON, "--osv-url", osv.url, "--waivers", str(waivers))
        result = ran.gate_result
    assert ran.returncode == 0
    assert "stale" in result.summary and "GHSA-gone (pyyaml)" in result.summary


def test_invalid_waiver_fails(tmp_path: Path) -> None:
    waivers = tmp_path / "w.toml"
    waivers.write_text('[[waiver]]\nid = "GHSA-x"\npackage = "pyyaml"\nexpires = 2027-01-01\n')
    ran = run_audit(tmp_path, "--osv-url", "http://127.0.0.1:9/v1/query", "--waivers", str(waivers))
    summary = ran.failure("audit.waiver-invalid")
    assert "reason" in summary


def test_waiver_too_far_ahead_is_invalid(tmp_path: Path) -> None:
    waivers = write_waiver(tmp_path / "w.toml", "GHSA-x", "pyyaml", TODAY + datetime.timedelta(181))
    with pytest.raises(GateFailure) as failure:
        load_waivers(waivers)
    assert failure.value.problem.code == "audit.waiver-invalid"
    assert "more than 180 days ahead" in str(failure.value)
    write_waiver(waivers, "GHSA-x", "pyyaml", TODAY + datetime.timedelta(180))
    assert load_waivers(waivers)[0].expires == TODAY + datetime.timedelta(180)


def test_unreachable_service_fails_closed(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1/query"
    ran = run_audit(
        tmp_path, *ONE_PYTHON, "--waivers", no_waivers(tmp_path), env={"PIP_AUDIT_OSV_URL": url}
    )
    result = ran.gate_result
    summary = ran.failure("audit.service-unreachable")
    assert url in summary
    assert "PIP_AUDIT_OSV_URL" in (result.fix or "") and "--offline" in (result.fix or "")
    assert "what to do" in ran.output


def test_offline_is_not_run_not_passed(tmp_path: Path) -> None:
    stale = tmp_path / "vex" / f"duckalog-{VERSION}.vex.cdx.json"
    stale.parent.mkdir()
    stale.write_text("{}", encoding="utf-8")  # left by an earlier audit
    ran = run_audit(
        tmp_path, "--offline", "--waivers", no_waivers(tmp_path), "--vex-dir", str(stale.parent)
    )
    result = ran.gate_result
    assert ran.returncode == 0
    assert result.status is Status.NOT_RUN
    assert "not releasable" in result.summary
    # Nothing can be stated about vulnerabilities: no VEX, and it says so.
    assert not stale.exists()
    assert "no VEX" in result.summary
    # Unreachable URL + --offline: still NOT RUN, never a pass.
    url = f"http://127.0.0.1:{free_port()}/v1/query"
    ran = run_audit(tmp_path, "--offline", env={"PIP_AUDIT_OSV_URL": url})
    result = ran.gate_result
    assert result.status is Status.NOT_RUN


def test_offline_with_reachable_osv_url_runs(tmp_path: Path) -> None:
    with OsvServer([ADVISORY]) as osv:
        ran = run_audit(
            tmp_path,
            *ONE_PYTHON,
            "--offline",
            "--waivers",
            no_waivers(tmp_path),
            "--vex-dir",
            str(tmp_path / "vex"),
            env={"PIP_AUDIT_OSV_URL": osv.url},
        )
        result = ran.gate_result
    assert ran.returncode == 1
    assert result.problem_code == "audit.vulnerable"
    # An unwaived finding is in the VEX too, in triage.
    [vulnerability] = read_vex(tmp_path)["vulnerabilities"]
    assert vulnerability["analysis"]["state"] == "in_triage"
    assert "not waived" in vulnerability["analysis"]["detail"]


@pytest.mark.parametrize(
    ("analysis", "message"),
    [
        ("", "state must be one of"),
        ('state = "not_affected"\n', "state not_affected needs a justification"),
        ('state = "exploitable"\njustification = "code_not_reachable"\n', "only given with"),
        ('state = "not_affected"\njustification = "trust me"\n', "needs a justification"),
    ],
)
def test_waiver_must_state_its_vex_analysis(tmp_path: Path, analysis: str, message: str) -> None:
    waivers = tmp_path / "w.toml"
    waivers.write_text(
        '[[waiver]]\nid = "GHSA-x"\npackage = "pyyaml"\nreason = "r"\n'
        f"{analysis}expires = {(TODAY + datetime.timedelta(30)).isoformat()}\n",
        encoding="utf-8",
    )
    with pytest.raises(GateFailure) as failure:
        load_waivers(waivers)
    assert failure.value.problem.code == "audit.waiver-invalid"
    assert message in str(failure.value)


def test_service_error_fails_closed(tmp_path: Path) -> None:
    with OsvServer(fail_status=503) as osv:
        ran = run_audit(
            tmp_path, *ONE_PYTHON, "--osv-url", osv.url, "--waivers", no_waivers(tmp_path)
        )
        result = ran.gate_result
        assert osv.queries == []  # the server refused before reading: nothing was judged
    assert ran.returncode == 1
    assert result.status is Status.FAILED
    assert result.problem_code == "audit.service-unreachable"
    assert "503 Server Error" in result.summary


def test_osv_server_cli_prints_its_url_and_stops_by_itself() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    done = subprocess.run(
        [sys.executable, "-m", "standins.osv_server", "--lifetime", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert done.stdout.startswith("http://127.0.0.1:")
    assert done.stdout.strip().endswith("/v1/query")

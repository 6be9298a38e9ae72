# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``audit``: no known vulnerability in the runtime closure, on any supported Python.

The closure is ``security/runtime.txt``, a universal lock whose markers install
other versions on older Pythons (duckdb 1.4 on 3.9). For every Python named in
the ``pyproject.toml`` classifiers the markers are evaluated; each distinct
closure is written as a pinned, hashed file and audited with real pip-audit
against an OSV service (``--osv-url`` / ``$PIP_AUDIT_OSV_URL``, default the public
OSV API). Findings are matched against ``security/waivers.toml``:

* an unwaived finding fails, naming id, package, version and the fixed version;
* a waiver past its expiry date fails (it must be reviewed again);
* a waiver that matches nothing is reported as stale;
* a service that cannot be reached, or output that cannot be read, fails closed.

``--offline`` is for rehearsals without network: the gate is NOT RUN (never
passed) unless the OSV URL is given and reachable, in which case it runs.

With ``--vex-dir DIR`` the result is also written as a CycloneDX VEX,
``DIR/<name>-<version>.vex.cdx.json`` (:mod:`release_gates.gates.audit_vex`); an audit that
does not run writes none and removes a stale one.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal import endpoints
from release_gates._internal.lockfile import (
    Pin,
    group_by_closure,
    read_lock,
    supported_pythons,
    write_pinned,
)
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import audit_vex as vex
from release_gates.gates.audit_vex import Finding
from release_gates.gates.audit_waivers import Waiver, load_waivers
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "audit"
OSV_URL_ENV = "PIP_AUDIT_OSV_URL"
PUBLIC_OSV_URL = "https://api.osv.dev/v1/query"

VULNERABLE = Problem(
    "audit.vulnerable",
    "{count} known vulnerabilit{plural} in the locked closures: {listing}",
    "Raise the pin to the fixed version in security/runtime.in and re-lock "
    "(`scripts/nox -s lock -- runtime`); if duckalog is not affected, add a reviewed "
    "[[waiver]] with id, package, reason and expires to security/waivers.toml.",
)
WAIVER_EXPIRED = Problem(
    "audit.waiver-expired",
    "expired waiver{plural} in security/waivers.toml: {listing}",
    "Review each expired waiver: fix the dependency and delete the waiver, or renew it with "
    "a new `expires` date and an updated reason.",
)
SERVICE_UNREACHABLE = Problem(
    "audit.service-unreachable",
    "cannot reach or use the OSV service at {url}: {error}",
    "Check the network, or point PIP_AUDIT_OSV_URL (or --osv-url) at a reachable "
    "OSV-compatible /v1/query endpoint. For a rehearsal without network pass --offline: the "
    "audit is then NOT RUN and the release is not releasable.",
)
TOOL_ERROR = Problem(
    "audit.tool-error",
    "pip-audit gave no usable result for Python {pythons} (exit code {code}): {error}",
    "Run the pip-audit command shown in the details by hand and fix what it reports.",
)
INCOMPLETE = Problem(
    "audit.incomplete",
    "pip-audit did not audit {missing} for Python {pythons}",
    "Every pinned package must be audited: check the lock security/runtime.txt and that "
    "pip-audit reports each of its packages.",
)

# Phrases requests/urllib3 put in the traceback when the service cannot be reached.
_UNREACHABLE_MARKERS = (
    "ConnectionError",
    "Connection refused",
    "ConnectTimeout",
    "Could not connect",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "timed out",
    "Server Error",  # requests' HTTPError for a 5xx answer: the service is down
    "Too Many Requests",
)
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception)\b.*")


def _error_text(stderr: str) -> str:
    """The exception lines of a traceback (the cause and the last), else its last line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    return " <- ".join(reversed(exceptions[-2:])) or (lines[-1] if lines else "no output")


def pip_audit_command(requirements: Path, osv_url: str, cache: Path, timeout_s: int) -> list[str]:
    """The pip-audit invocation for one pinned closure."""
    return [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(requirements),
        "--require-hashes",
        "--disable-pip",
        "--no-deps",
        "--vulnerability-service",
        "osv",
        "--osv-url",
        osv_url,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--cache-dir",
        str(cache),
        "--timeout",
        str(timeout_s),
    ]


def audit_closure(
    pins: Sequence[Pin], pythons: list[str], osv_url: str, workdir: Path, timeout_s: int
) -> list[Finding]:
    """Run pip-audit on one closure; every pinned package must come back audited."""
    label = "-".join(pythons)
    requirements = write_pinned(pins, workdir / f"runtime-py{label}.txt")
    # One cache per run: pip-audit's cache is not safe to share between parallel runs.
    command = pip_audit_command(requirements, osv_url, workdir / f"cache-{label}", timeout_s)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout) if done.returncode in (0, 1) else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        error = _error_text(done.stderr)
        if any(marker in done.stderr for marker in _UNREACHABLE_MARKERS):
            raise GateFailure(SERVICE_UNREACHABLE, url=osv_url, error=error)
        raise GateFailure(
            TOOL_ERROR,
            pythons=", ".join(pythons),
            code=done.returncode,
            error=error,
            command=" ".join(command),
        )
    audited = {
        (canonicalize_name(d["name"]), d["version"])
        for d in report.get("dependencies", [])
        if "skip_reason" not in d
    }
    missing = [f"{p.name}=={p.version}" for p in pins if (p.name, p.version) not in audited]
    if missing:
        raise GateFailure(INCOMPLETE, missing=", ".join(missing), pythons=", ".join(pythons))
    return [
        Finding(
            ids=(vuln["id"], *vuln.get("aliases", [])),
            package=canonicalize_name(dependency["name"]),
            version=dependency["version"],
            fix_versions=tuple(vuln.get("fix_versions", [])),
            description=vuln.get("description", ""),
            pythons=list(pythons),
        )
        for dependency in report["dependencies"]
        for vuln in dependency.get("vulns", [])
    ]


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per (advisory, package, version), listing every Python it affects."""
    merged: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        key = (finding.ids[0], finding.package, finding.version)
        if key in merged:
            merged[key].pythons.extend(finding.pythons)
        else:
            merged[key] = finding
    return sorted(merged.values(), key=lambda f: (f.package, f.version, f.ids[0]))


def judge(
    findings: list[Finding], waivers: list[Waiver], today: datetime.date
) -> tuple[list[Finding], list[tuple[Finding, Waiver]], list[Waiver]]:
    """Split findings into unwaived and waived; return also the stale waivers."""
    unwaived: list[Finding] = []
    waived: list[tuple[Finding, Waiver]] = []
    used: set[Waiver] = set()
    for finding in findings:
        waiver = next((w for w in waivers if w.covers(finding.package, finding.ids)), None)
        if waiver is None:
            unwaived.append(finding)
        else:
            waived.append((finding, waiver))
            used.add(waiver)
    stale = [w for w in waivers if w not in used]
    return unwaived, waived, stale


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface of the gate."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.audit", description=__doc__
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout")
    parser.add_argument("--lock", type=Path, help="default: ROOT/security/runtime.txt")
    parser.add_argument("--waivers", type=Path, help="default: ROOT/security/waivers.toml")
    parser.add_argument("--osv-url", help=f"OSV /v1/query endpoint (default: ${OSV_URL_ENV})")
    parser.add_argument("--python", action="append", help="audit for this 3.N (repeatable)")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per OSV request")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="no network: NOT RUN unless the OSV URL is given and reachable",
    )
    parser.add_argument(
        "--vex-dir", type=Path, help="write the CycloneDX VEX of the result into this directory"
    )
    return parser.parse_args(argv)


def write_vex(
    args: argparse.Namespace,
    project: dict[str, Any],
    closures: list[dict[str, Any]],
    unwaived: list[Finding],
    waived: list[tuple[Finding, Waiver]],
    osv_url: str,
) -> str | None:
    """Write the VEX of this audit when ``--vex-dir`` is given; its path."""
    if args.vex_dir is None:
        return None
    assessed = [
        vex.Assessed(
            f, w.state, w.justification,
            f"{w.reason} (reviewed waiver in security/waivers.toml, expires {w.expires})",
        )
        for f, w in waived
    ] + [
        vex.Assessed(
            f, "in_triage", None,
            "not waived: the audit gate blocks the release until it is fixed or a reviewed "
            "waiver states its analysis",
        )
        for f in unwaived
    ]  # fmt: skip
    assessed.sort(key=lambda a: (a.finding.package, a.finding.version, a.finding.ids[0]))
    document = vex.document(
        str(project.get("name")),
        str(project.get("version")),
        closures,
        assessed,
        datetime.datetime.now(datetime.timezone.utc),
        osv_url,
    )
    return str(vex.write(args.vex_dir, document))


def run(args: argparse.Namespace, today: datetime.date | None = None) -> GateResult:
    """Do the gate's work for parsed ``args``."""
    root: Path = args.root
    today = today or datetime.date.today()
    waivers = load_waivers(args.waivers or root / "security" / "waivers.toml", today)
    configured_url = args.osv_url or os.environ.get(OSV_URL_ENV)
    project = load_toml(root / "pyproject.toml").get("project", {})
    if args.offline and not (configured_url and endpoints.reachable(configured_url, timeout_s=3.0)):
        summary = f"--offline and no reachable {OSV_URL_ENV}: no audit, so not releasable"
        if args.vex_dir is not None:
            vex.remove_stale(args.vex_dir, str(project.get("name")), str(project.get("version")))
            summary += "; no VEX (nothing can be stated about vulnerabilities)"
        return GateResult(
            gate=GATE,
            status=Status.NOT_RUN,
            summary=summary,
            details={"osv_url": configured_url, "offline": True, "vex": None},
        )
    osv_url = configured_url or PUBLIC_OSV_URL
    pythons = args.python or supported_pythons(project.get("classifiers", []))
    pins = read_lock(args.lock or root / "security" / "runtime.txt")
    findings: list[Finding] = []
    closures: list[dict[str, Any]] = []
    groups = group_by_closure(pins, pythons)
    # pip-audit spends most of its time starting up: audit the closures side by side.
    with (
        tempfile.TemporaryDirectory(prefix="audit-") as scratch,
        ThreadPoolExecutor(max_workers=len(groups) or 1) as pool,
    ):
        futures = [
            pool.submit(audit_closure, closure, group, osv_url, Path(scratch), args.timeout)
            for closure, group in groups.items()
        ]
        for future in futures:
            findings += future.result()
    for closure, group in groups.items():
        closures.append({"pythons": group, "packages": [f"{p.name}=={p.version}" for p in closure]})
    findings = merge(findings)
    unwaived, waived, stale = judge(findings, waivers, today)
    expired = [w for w in waivers if w.expired(today)]
    details: dict[str, Any] = {
        "osv_url": osv_url,
        "closures": closures,
        "findings": [f.to_json() for f in findings],
        "unwaived": [f.describe() for f in unwaived],
        "waived": [
            {"finding": f.describe(), "reason": w.reason, "expires": w.expires.isoformat()}
            for f, w in waived
        ],
        "stale_waivers": [f"{w.id} ({w.package})" for w in stale],
        "vex": write_vex(args, project, closures, unwaived, waived, osv_url),
    }
    if unwaived:
        raise GateFailure(
            VULNERABLE,
            count=len(unwaived),
            plural="y" if len(unwaived) == 1 else "ies",
            listing="; ".join(f.describe() for f in unwaived),
            **details,
        )
    if expired:
        raise GateFailure(
            WAIVER_EXPIRED,
            plural="" if len(expired) == 1 else "s",
            listing="; ".join(
                f"{w.id} ({w.package}) expired {w.expires.isoformat()}"
                + (" and still matches a finding" if w not in stale else "")
                for w in expired
            ),
            **details,
        )
    audited = ", ".join(f"Python {'/'.join(c['pythons'])}" for c in closures)
    summary = f"no unwaived vulnerability in {len(closures)} closures ({audited})"
    if waived:
        summary += f"; {len(waived)} waived ({', '.join(f.ids[0] for f, _ in waived)})"
    if stale:
        summary += f"; stale waivers (match nothing, remove them): {details['stale_waivers']}"
    if details["vex"]:
        summary += f"; VEX written to {details['vex']}"
    return GateResult(gate=GATE, status=Status.PASSED, summary=summary, details=details)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m release_gates.gates.audit [--osv-url URL] [--offline] ...``."""
    return run_gate(GATE, lambda: run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Scheduled check: what does a fresh ``pip install duckalog`` get *today*, and is it safe?

    python -m release_gates.workflow.fresh_install [--index-url https://pypi.org/simple/]
        [--version X.Y.Z] [--python 3.9 ...] [--osv-url URL]

The release was tested, audited and described (SBOM) with its *locked closure*
(``security/runtime.txt``). ``pyproject.toml`` allows ranges, so a fresh install
may resolve newer dependencies, and advisories appear after a release. Every day
(``fresh-install.yml``, beside ``pypi-health.yml``) this resolves the latest
release (or ``--version``) from the index for each supported Python with pip's
own resolver (``pip install --dry-run --report``, wheels for that Python), audits
each resolved set with pip-audit against OSV, and judges the findings with
``security/waivers.toml``. A finding no waiver covers fails loudly, naming the
advisory, the package and version users get, and the Pythons. Where the fresh
resolution differs from the locked closure, the result lists it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from release_gates._internal import index, paths
from release_gates._internal.lockfile import Pin, closure_for, read_lock, supported_pythons
from release_gates._internal.tomlfile import load_toml
from release_gates.gates import audit
from release_gates.gates.audit_waivers import load_waivers
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "fresh_install"

INDEX_UNREADABLE = Problem(
    "fresh_install.index-unreadable",
    "cannot read {index} for {project}: {reason}",
    "Re-run later; an unanswered check is a failed check. Check --index-url.",
)
NO_RELEASE = Problem(
    "fresh_install.no-release",
    "{index} lists no final release of {project}",
    "If nothing was released yet, disable the schedule of fresh-install.yml until the first "
    "release; otherwise the project was removed from the index: investigate.",
)
RESOLVE_FAILED = Problem(
    "fresh_install.resolve-failed",
    "pip cannot resolve a fresh install of {requirement} on Python {python}: {output}",
    "Users of that Python cannot install the release right now: read pip's message "
    "(a dependency yanked or removed, no wheel for that Python) and release a fix.",
)
VULNERABLE = Problem(
    "fresh_install.vulnerable",
    "a fresh install of {requirement} gets {count} known vulnerabilit{plural} today: {listing}",
    "Users installing today are affected. Release a version whose pyproject.toml excludes the "
    "vulnerable versions and whose lock uses the fix; tell users to upgrade (SECURITY.md). If "
    "duckalog is not affected, add a reviewed [[waiver]] to security/waivers.toml.",
)


def _version(text: str | None) -> Version | None:
    """The PEP 440 version pypi-simple read from a file name, or None for none or an invalid one."""
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


def latest_release(index_url: str, project: str) -> str:
    """The highest final (not pre-release) version the index lists files for."""
    try:
        listed = index.project_files(index_url, project)
    except index.IndexReadError as error:
        reason = error.reason
        raise GateFailure(
            INDEX_UNREADABLE, index=index_url, project=project, reason=reason
        ) from error
    versions = {v for f in listed.values() if (v := _version(f.version)) is not None}
    finals = sorted(v for v in versions if not v.is_prerelease)
    if not finals:
        raise GateFailure(NO_RELEASE, index=index_url, project=project)
    return str(finals[-1])


def resolve(requirement: str, python: str, index_url: str, workdir: Path) -> tuple[Pin, ...]:
    """What a fresh install of ``requirement`` gets on ``python`` today (wheels, pip's resolver)."""
    report = workdir / f"report-{python}.json"
    command = [
        sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
        "--disable-pip-version-check", "--no-input", "--report", str(report),
        "--python-version", python, "--only-binary", ":all:",
        "--index-url", index_url, requirement,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        output = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise GateFailure(RESOLVE_FAILED, requirement=requirement, python=python, output=output)
    data = json.loads(report.read_text(encoding="utf-8"))
    pins = [
        Pin(
            name=canonicalize_name(item["metadata"]["name"]),
            version=str(item["metadata"]["version"]),
            marker=None,
            hashes=(str(item["download_info"]["archive_info"]["hashes"]["sha256"]).lower(),),
            line=0,
        )
        for item in data["install"]
    ]
    return tuple(sorted(pins, key=lambda p: p.name))


def drift(fresh: Sequence[Pin], locked: Sequence[Pin]) -> list[str]:
    """``name locked -> fresh`` for every package a fresh install gets in another version."""
    pinned = {p.name: p.version for p in locked}
    return [
        f"{p.name} {pinned.get(p.name, 'not locked')} -> {p.version}"
        for p in fresh
        if p.name in pinned and pinned[p.name] != p.version
    ]


def check(args: argparse.Namespace) -> GateResult:
    """Resolve, audit, judge."""
    root: Path = args.root
    project_table = load_toml(root / "pyproject.toml").get("project", {})
    project = args.project or str(project_table.get("name"))
    version = args.version or latest_release(args.index_url, project)
    requirement = f"{project}=={Version(version)}"
    pythons = args.python or supported_pythons(project_table.get("classifiers", []))
    lock = read_lock(args.lock or root / "security" / "runtime.txt")
    waivers = load_waivers(args.waivers or root / "security" / "waivers.toml")
    osv_url = args.osv_url or os.environ.get(audit.OSV_URL_ENV) or audit.PUBLIC_OSV_URL
    with tempfile.TemporaryDirectory(prefix="fresh-install-") as scratch:
        work = Path(scratch)
        with ThreadPoolExecutor(max_workers=max(len(pythons), 1)) as pool:
            resolved = dict(
                zip(
                    pythons,
                    pool.map(lambda p: resolve(requirement, p, args.index_url, work), pythons),
                )
            )
        groups: dict[tuple[Pin, ...], list[str]] = {}
        for python, pins in resolved.items():
            groups.setdefault(pins, []).append(python)
        with ThreadPoolExecutor(max_workers=max(len(groups), 1)) as pool:
            futures = [
                pool.submit(audit.audit_closure, pins, group, osv_url, work, args.timeout)
                for pins, group in groups.items()
            ]
            findings = audit.merge([f for future in futures for f in future.result()])
    unwaived, waived, _ = audit.judge(findings, waivers, datetime.date.today())
    details: dict[str, Any] = {
        "index": args.index_url,
        "osv_url": osv_url,
        "fresh": {
            python: [f"{p.name}=={p.version}" for p in pins] for python, pins in resolved.items()
        },
        "drift_from_locked_closure": {
            python: drift(pins, closure_for(lock, python)) for python, pins in resolved.items()
        },
        "findings": [f.to_json() for f in findings],
        "waived": [f.describe() for f, _ in waived],
    }
    if unwaived:
        raise GateFailure(
            VULNERABLE,
            requirement=requirement,
            count=len(unwaived),
            plural="y" if len(unwaived) == 1 else "ies",
            listing="; ".join(f.describe() for f in unwaived),
            **details,
        )
    drifted = sorted({d for ds in details["drift_from_locked_closure"].values() for d in ds})
    summary = (
        f"a fresh install of {requirement} today gets no unwaived known vulnerability on "
        f"Python {', '.join(pythons)}"
    )
    if drifted:
        summary += f"; newer than the locked closure: {', '.join(drifted)}"
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=summary,
        details={"requirement": requirement, **details},
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.workflow.fresh_install", description=__doc__
    )
    parser.add_argument("--root", type=Path, default=paths.ROOT, help="the project checkout")
    parser.add_argument("--index-url", default="https://pypi.org/simple/", help="simple API")
    parser.add_argument("--project", help="default: [project].name")
    parser.add_argument("--version", help="default: the latest final release on the index")
    parser.add_argument("--python", action="append", help="resolve for this 3.N (repeatable)")
    parser.add_argument("--lock", type=Path, help="default: ROOT/security/runtime.txt")
    parser.add_argument("--waivers", type=Path, help="default: ROOT/security/waivers.toml")
    parser.add_argument("--osv-url", help=f"OSV /v1/query endpoint (default: ${audit.OSV_URL_ENV})")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per OSV request")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    return run_gate(GATE, lambda: check(args))


if __name__ == "__main__":
    sys.exit(main())

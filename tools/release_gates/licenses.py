# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``licenses``: the tree is REUSE-compliant and every runtime dependency is allowed.

Two real tools decide, and this module only wires them and fills liccheck's gaps:

* ``reuse lint`` on the checkout: every file carries (or is annotated with) its
  copyright and licence.
* ``liccheck`` on the runtime closure from ``security/runtime.txt``, run *inside*
  the environment that holds that closure (``--python``, default this
  interpreter), against ``security/license-allowlist.toml``. liccheck prefers
  classifiers and calls any ``AND`` expression unknown, so every package that
  declares a ``License-Expression`` (PEP 639), and every package liccheck cannot
  decide, is also judged as a full SPDX expression (:mod:`release_gates.spdx`).

Unknown or disallowed fails, naming the package and the licence it declares.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates.lockfile import Pin, closure_for, read_lock, write_pinned
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate
from release_gates.spdx import SpdxPolicy, Verdict, judge
from release_gates.tomlfile import load_toml

GATE = "licenses"

REUSE_LINT = Problem(
    "licenses.reuse-lint",
    "reuse lint found {count} problem(s): {listing}",
    "Add the two SPDX header lines (SPDX-FileCopyrightText / SPDX-License-Identifier) to each "
    "file named, or annotate it in REUSE.toml; commit or delete untracked files.",
)
REUSE_ERROR = Problem(
    "licenses.reuse-error",
    "reuse lint could not run (exit code {code}): {error}",
    "Install the gate's tools from security/licenses.txt (`nox -s licenses` does) and run "
    "it from the git checkout.",
)
POLICY_INVALID = Problem(
    "licenses.policy-invalid",
    "{path}: {reason}",
    "Fix security/license-allowlist.toml: [spdx] allowed/exceptions/denied and "
    "[liccheck] authorized/unauthorized are lists of strings.",
)
NOT_INSTALLED = Problem(
    "licenses.not-installed",
    "the checked environment {python} does not hold the locked runtime closure: {listing}",
    "Install security/runtime.txt into the environment checked (`nox -s licenses` installs "
    "it next to liccheck), or pass --python for the environment that holds it.",
)
LICCHECK_ERROR = Problem(
    "licenses.liccheck-error",
    "liccheck gave no usable report (exit code {code}): {error}",
    "liccheck needs pip and setuptools<82 (pkg_resources) in the environment it checks: "
    "install security/licenses.txt there.",
)
DISALLOWED = Problem(
    "licenses.disallowed",
    "runtime dependencies with licences not allowed: {listing}",
    "Replace the dependency, or if its licence is acceptable for an MIT project, get it "
    "reviewed and add it to security/license-allowlist.toml.",
)
UNKNOWN = Problem(
    "licenses.unknown",
    "runtime dependencies whose licence cannot be decided: {listing}",
    "Read the package's licence; if it is acceptable add its SPDX id (or liccheck's name for "
    "it) to security/license-allowlist.toml, else replace the dependency.",
)

# Run by the checked interpreter: what each distribution declares about its licence.
_PROBE = """
import importlib.metadata as m, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        d = m.distribution(name)
    except m.PackageNotFoundError:
        found[name] = None
        continue
    md = d.metadata
    found[name] = {
        "version": d.version,
        "license_expression": md.get("License-Expression"),
        "license": md.get("License"),
        "classifiers": [c for c in (md.get_all("Classifier") or []) if c.startswith("License ::")],
    }
print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "found": found}))
"""


@dataclass(frozen=True)
class Policy:
    """The allow-list: SPDX ids for expressions, plus liccheck's own names."""

    spdx: SpdxPolicy
    denied: tuple[str, ...]
    liccheck_authorized: tuple[str, ...]
    liccheck_unauthorized: tuple[str, ...]

    def liccheck_strategy(self) -> str:
        """liccheck's strategy file (ini); it compares lower-cased exact names."""
        authorized = sorted({*self.liccheck_authorized, *self.spdx.licenses})
        unauthorized = sorted({*self.liccheck_unauthorized, *(d.lower() for d in self.denied)})
        return (
            "[Licenses]\nauthorized_licenses:\n"
            + "".join(f"    {name}\n" for name in authorized)
            + "unauthorized_licenses:\n"
            + "".join(f"    {name}\n" for name in unauthorized)
        )


def load_policy(path: Path) -> Policy:
    """Read ``security/license-allowlist.toml``."""
    data = load_toml(path)

    def strings(table: str, key: str) -> tuple[str, ...]:
        value = data.get(table, {}).get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise GateFailure(POLICY_INVALID, path=path, reason=f"[{table}] {key} is not a list")
        return tuple(value)

    allowed = strings("spdx", "allowed")
    if not allowed:
        raise GateFailure(POLICY_INVALID, path=path, reason="[spdx] allowed is empty")
    return Policy(
        spdx=SpdxPolicy.of(allowed, strings("spdx", "exceptions")),
        denied=strings("spdx", "denied"),
        liccheck_authorized=tuple(v.lower() for v in strings("liccheck", "authorized")),
        liccheck_unauthorized=tuple(v.lower() for v in strings("liccheck", "unauthorized")),
    )


@dataclass(frozen=True)
class PackageLicence:
    """One runtime dependency: what it declares, what liccheck said, the final verdict."""

    name: str
    version: str
    declared: str
    liccheck: str
    verdict: Verdict
    reason: str

    def describe(self) -> str:
        """``name version (declared licence): reason``."""
        return f"{self.name} {self.version} ({self.declared}): {self.reason}"


def declared_licence(info: dict[str, Any]) -> str:
    """What a package says about its licence, most precise field first."""
    classifiers = [c.split(" :: ")[-1] for c in info.get("classifiers", [])]
    return (
        info.get("license_expression")
        or (info.get("license") or "").strip()
        or "; ".join(classifiers)
        or "no licence declared"
    )


def decide(info: dict[str, Any], liccheck_status: str, policy: Policy) -> tuple[Verdict, str]:
    """Combine liccheck's status with a full SPDX evaluation where liccheck falls short."""
    if liccheck_status == "UNAUTHORIZED":
        return Verdict.DISALLOWED, "liccheck: unauthorized licence"
    expression = info.get("license_expression")
    if expression:
        # PEP 639: the expression is authoritative even where liccheck went by classifiers.
        judgement = judge(expression, policy.spdx)
        return judgement.verdict, judgement.reason
    if liccheck_status == "OK":
        return Verdict.ALLOWED, "liccheck: authorized"
    licence_field = (info.get("license") or "").strip()
    if licence_field:
        judgement = judge(licence_field, policy.spdx)
        return judgement.verdict, f"liccheck: unknown; {judgement.reason}"
    return Verdict.UNKNOWN, "liccheck: unknown, and no SPDX licence expression declared"


def probe(python: Path, names: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Ask ``python`` for its version and the licence metadata of ``names``."""
    done = subprocess.run(
        [str(python), "-c", _PROBE, *names], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise GateFailure(NOT_INSTALLED, python=python, listing=done.stderr.strip()[-300:])
    data = json.loads(done.stdout)
    return str(data["python"]), dict(data["found"])


def run_liccheck(python: Path, requirements: Path, policy: Policy, workdir: Path) -> dict[str, str]:
    """liccheck's status (OK / UNAUTHORIZED / UNKNOWN) per canonical package name."""
    strategy = workdir / "liccheck.ini"
    strategy.write_text(policy.liccheck_strategy(), encoding="utf-8")
    report = workdir / "liccheck-report.txt"
    command = [
        str(python), "-m", "liccheck", "--sfile", str(strategy), "--rfile", str(requirements),
        "--level", "standard", "--no-deps", "--reporting", str(report),
    ]  # fmt: skip
    # cwd: liccheck prefers a [tool.liccheck] in ./pyproject.toml over --sfile.
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=workdir)
    if done.returncode not in (0, 255) or not report.is_file():
        error = " ".join((done.stderr or done.stdout).strip().splitlines()[-2:]) or "no output"
        raise GateFailure(LICCHECK_ERROR, code=done.returncode, error=error)
    statuses: dict[str, str] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        # "<name> <version> <first licence, may contain spaces> <status>"
        parts = line.split()
        if len(parts) >= 3:
            statuses[canonicalize_name(parts[0])] = parts[-1]
    return statuses


def check_closure(python: Path, pins: Sequence[Pin], policy: Policy) -> list[PackageLicence]:
    """Check the runtime closure installed in ``python``'s environment."""
    version, found = probe(python, sorted({p.name for p in pins}))
    closure = closure_for(pins, version)
    wrong = [
        f"{p.name}=={p.version} (found {found[p.name]['version'] if found.get(p.name) else 'none'})"
        for p in closure
        if not found.get(p.name) or found[p.name]["version"] != p.version
    ]
    if wrong:
        raise GateFailure(NOT_INSTALLED, python=python, listing=", ".join(wrong))
    with tempfile.TemporaryDirectory(prefix="licenses-") as scratch:
        workdir = Path(scratch)
        requirements = write_pinned(closure, workdir / "runtime-closure.txt")
        statuses = run_liccheck(python, requirements, policy, workdir)
    results: list[PackageLicence] = []
    for pin in closure:
        info = found[pin.name]
        status = statuses.get(pin.name)
        if status is None:
            raise GateFailure(
                LICCHECK_ERROR, code="n/a", error=f"{pin.name} is missing from its report"
            )
        verdict, reason = decide(info, status, policy)
        results.append(
            PackageLicence(pin.name, pin.version, declared_licence(info), status, verdict, reason)
        )
    return results


def reuse_lint(root: Path) -> list[str]:
    """Run ``reuse lint --lines`` on ``root``; return its problem lines (empty when clean)."""
    done = subprocess.run(
        [sys.executable, "-m", "reuse", "--root", str(root), "lint", "--lines"],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode == 0:
        return []
    if done.returncode != 1 or not lines:
        error = " ".join(done.stderr.strip().splitlines()[-2:]) or "no output"
        raise GateFailure(REUSE_ERROR, code=done.returncode, error=error)
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface of the gate."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.licenses", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the git checkout")
    parser.add_argument("--lock", type=Path, help="default: ROOT/security/runtime.txt")
    parser.add_argument(
        "--allowlist", type=Path, help="default: ROOT/security/license-allowlist.toml"
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="interpreter of the environment holding the closure and liccheck (default: this)",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> GateResult:
    """Do the gate's work for parsed ``args``."""
    root: Path = args.root
    policy = load_policy(args.allowlist or root / "security" / "license-allowlist.toml")
    pins = read_lock(args.lock or root / "security" / "runtime.txt")
    packages = check_closure(args.python, pins, policy)
    reuse_problems = reuse_lint(root)
    details: dict[str, Any] = {
        "packages": [{**asdict(p), "verdict": p.verdict.value} for p in packages],
        "reuse_problems": reuse_problems,
    }
    if reuse_problems:
        shown = "; ".join(reuse_problems[:20]) + (" ..." if len(reuse_problems) > 20 else "")
        raise GateFailure(REUSE_LINT, count=len(reuse_problems), listing=shown, **details)
    disallowed = [p for p in packages if p.verdict is Verdict.DISALLOWED]
    unknown = [p for p in packages if p.verdict is Verdict.UNKNOWN]
    if disallowed:
        listing = "; ".join(p.describe() for p in disallowed + unknown)
        raise GateFailure(DISALLOWED, listing=listing, **details)
    if unknown:
        raise GateFailure(UNKNOWN, listing="; ".join(p.describe() for p in unknown), **details)
    summary = "reuse lint clean; runtime licences allowed: " + ", ".join(
        f"{p.name} {p.version} ({p.declared})" for p in packages
    )
    return GateResult(gate=GATE, status=Status.PASSED, summary=summary, details=details)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m release_gates.licenses [--python VENV/bin/python] ...``."""
    args = parse_args(argv)
    return run_gate(GATE, lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())

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
  decide, is also judged as a full SPDX expression (:mod:`release_gates._internal.spdx`).

The universal lock installs other versions on older Pythons (duckdb 1.4 on 3.9):
the closure of every Python in the ``pyproject.toml`` classifiers is checked too,
each installed hash-checked into a ``--target`` directory that shadows the checked
environment's own versions while liccheck still runs inside that environment.

What a package declares is read once, the same way the SBOM gate reads it
(:mod:`release_gates._internal.licence_reading`), with the reviewed overrides of
``security/license-overrides.toml``. Unknown or disallowed fails, naming the
package, the licence it declares and the field or classifier behind the verdict.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from release_gates._internal import licence_reading
from release_gates._internal.licence_overrides import Override, load_overrides
from release_gates._internal.lockfile import (
    Pin,
    closure_for,
    group_by_closure,
    read_lock,
    supported_pythons,
    write_pinned,
)
from release_gates._internal.spdx import SpdxPolicy, Verdict
from release_gates._internal.tomlfile import load_toml
from release_gates.gates.licenses_reuse import REUSE_LINT, reuse_lint
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "licenses"

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
ENV_FAILED = Problem(
    "licenses.env-failed",
    "cannot install the runtime closure {listing} to read its licences: {error}",
    "The package index must be reachable (the closure of every supported Python is installed "
    "to read its licences); check security/runtime.txt.",
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

    def names(self) -> licence_reading.Names:
        """The names a licence text or classifier is compared with (liccheck's and SPDX ids)."""
        return licence_reading.Names(
            authorized=frozenset({*self.liccheck_authorized, *self.spdx.licenses}),
            unauthorized=frozenset(
                {*self.liccheck_unauthorized, *(d.lower() for d in self.denied)}
            ),
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


def decide(
    reading: licence_reading.Reading, liccheck_status: str, policy: Policy
) -> tuple[Verdict, str]:
    """The shared reading's verdict (:func:`licence_reading.judge`), with liccheck as a
    second opinion that can only make it stricter (a reviewed override decides alone)."""
    verdict, reason = licence_reading.judge(reading, policy.spdx, policy.names())
    if liccheck_status == "UNAUTHORIZED" and verdict is Verdict.ALLOWED and not reading.override:
        return Verdict.DISALLOWED, f"liccheck: unauthorized, although {reason}"
    return verdict, reason


def probe(python: Path, names: Sequence[str], env: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Ask ``python`` for its version and the licence metadata of ``names``."""
    code, output = licence_reading.probe(python, names, env)
    if code != 0:
        raise GateFailure(NOT_INSTALLED, python=python, listing=output.strip()[-300:])
    return licence_reading.parse_probe(output)


def run_liccheck(
    python: Path, requirements: Path, policy: Policy, workdir: Path, env: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """liccheck's (version, status) per canonical package name; status is OK,
    UNAUTHORIZED or UNKNOWN."""
    strategy = workdir / "liccheck.ini"
    strategy.write_text(policy.liccheck_strategy(), encoding="utf-8")
    report = workdir / "liccheck-report.txt"
    command = [
        str(python), "-m", "liccheck", "--sfile", str(strategy), "--rfile", str(requirements),
        "--level", "standard", "--no-deps", "--reporting", str(report),
    ]  # fmt: skip
    # cwd: liccheck prefers a [tool.liccheck] in ./pyproject.toml over --sfile.
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=workdir, env=env
    )
    if done.returncode not in (0, 255) or not report.is_file():
        error = " ".join((done.stderr or done.stdout).strip().splitlines()[-2:]) or "no output"
        raise GateFailure(LICCHECK_ERROR, code=done.returncode, error=error)
    statuses: dict[str, tuple[str, str]] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        # "<name> <version> <first licence, may contain spaces> <status>"
        parts = line.split()
        if len(parts) >= 3:
            statuses[canonicalize_name(parts[0])] = (parts[1], parts[-1])
    return statuses


def check_closure(
    python: Path,
    pins: Sequence[Pin],
    policy: Policy,
    closure: Sequence[Pin] | None = None,
    overlay: Path | None = None,
    overrides: Sequence[Override] = (),
) -> tuple[str, list[PackageLicence]]:
    """Check the closure installed in ``python``'s environment (plus ``overlay`` first on
    its path): the pins its Python installs, or ``closure`` when given. Returns that
    Python's ``3.N`` and the verdicts."""
    env = dict(os.environ)
    if overlay is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(overlay), env.get("PYTHONPATH")]))
    version, found = probe(python, sorted({p.name for p in pins}), env)
    checked = tuple(closure) if closure is not None else closure_for(pins, version)
    wrong = [
        f"{p.name}=={p.version} (found {found[p.name]['version'] if found.get(p.name) else 'none'})"
        for p in checked
        if not found.get(p.name) or found[p.name]["version"] != p.version
    ]
    if wrong:
        raise GateFailure(NOT_INSTALLED, python=python, listing=", ".join(wrong))
    with tempfile.TemporaryDirectory(prefix="licenses-") as scratch:
        workdir = Path(scratch)
        requirements = write_pinned(checked, workdir / "runtime-closure.txt")
        statuses = run_liccheck(python, requirements, policy, workdir, env)
    results: list[PackageLicence] = []
    for pin in checked:
        info = found[pin.name]
        judged_version, status = statuses.get(pin.name, ("", ""))
        if judged_version != pin.version:
            # It must have judged exactly the pinned version (the overlay shadows others).
            error = f"{pin.name}=={pin.version} is not in its report (found {judged_version!r})"
            raise GateFailure(LICCHECK_ERROR, code="n/a", error=error)
        reading = licence_reading.read(pin.name, info, overrides)
        verdict, reason = decide(reading, status, policy)
        results.append(
            PackageLicence(pin.name, pin.version, reading.declared(), status, verdict, reason)
        )
    return version, results


def closure_overlay(closure: Sequence[Pin], workdir: Path, find_links: Path | None) -> Path:
    """Install ``closure`` (hash-checked, no deps) into a fresh ``--target`` directory.

    Put first on ``PYTHONPATH``, it shadows the checked environment's own versions of
    the same packages for importlib.metadata and pkg_resources alike, while liccheck,
    pip and setuptools still come from that environment. Licence metadata does not
    depend on the wheel's Python tag, and the universal lock hashes every wheel.
    """
    target = workdir / "site"
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--require-hashes", "--no-deps", "--target", str(target),
        *(["--no-index", "--find-links", str(find_links)] if find_links else []),
        "-r", str(write_pinned(closure, workdir / "closure.txt")),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        error = " ".join(done.stderr.strip().splitlines()[-2:]) or "no output"
        raise GateFailure(ENV_FAILED, listing=closure_label(closure), error=error)
    return target


def closure_label(closure: Sequence[Pin]) -> str:
    """``duckdb==1.4.5, pyyaml==6.0.3``."""
    return ", ".join(f"{p.name}=={p.version}" for p in closure)


def check_other_closures(
    python: Path,
    pins: Sequence[Pin],
    pythons: Sequence[str],
    checked_python: str,
    policy: Policy,
    find_links: Path | None,
    overrides: Sequence[Override] = (),
) -> list[tuple[list[str], list[PackageLicence]]]:
    """Check the closures other supported Pythons install (e.g. duckdb 1.4 on 3.9)."""
    checked = closure_for(pins, checked_python)
    others = [
        (closure, group)
        for closure, group in group_by_closure(pins, pythons).items()
        if closure and closure != checked
    ]

    def check(closure: tuple[Pin, ...]) -> list[PackageLicence]:
        with tempfile.TemporaryDirectory(prefix="licenses-closure-") as scratch:
            overlay = closure_overlay(closure, Path(scratch), find_links)
            return check_closure(python, pins, policy, closure, overlay, overrides)[1]

    # Mostly pip and interpreter start-up: check the closures side by side.
    with ThreadPoolExecutor(max_workers=max(len(others), 1)) as pool:
        futures = [(group, pool.submit(check, closure)) for closure, group in others]
        return [(group, future.result()) for group, future in futures]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface of the gate."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.licenses", description=__doc__
    )
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
    parser.add_argument(
        "--overrides", type=Path, help="default: ROOT/security/license-overrides.toml"
    )
    parser.add_argument(
        "--find-links", type=Path, help="install those closures from this wheel directory only"
    )
    parser.add_argument(
        "--this-python-only",
        action="store_true",
        help="check only the closure of --python, not the other supported Pythons' closures",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> GateResult:
    """Do the gate's work for parsed ``args``."""
    root: Path = args.root
    policy = load_policy(args.allowlist or root / "security" / "license-allowlist.toml")
    pins = read_lock(args.lock or root / "security" / "runtime.txt")
    overrides = load_overrides(args.overrides or root / "security" / "license-overrides.toml")
    python_version, packages = check_closure(args.python, pins, policy, overrides=overrides)
    pyproject = root / "pyproject.toml"
    project = load_toml(pyproject).get("project", {}) if pyproject.is_file() else {}
    pythons = supported_pythons(project.get("classifiers", []))
    own_closure = closure_for(pins, python_version)
    same = [v for v in pythons if closure_for(pins, v) == own_closure] or [python_version]
    closures = [(same, packages)]
    if not args.this_python_only:
        closures += check_other_closures(
            args.python, pins, pythons, python_version, policy, args.find_links, overrides
        )
    # One verdict per package version, whichever Pythons install it.
    unique = {(p.name, p.version): p for _, found in closures for p in found}
    packages = [unique[key] for key in sorted(unique)]
    reuse_problems = reuse_lint(root)
    details: dict[str, Any] = {
        "packages": [{**asdict(p), "verdict": p.verdict.value} for p in packages],
        "closures": [
            {"pythons": group, "packages": [f"{p.name}=={p.version}" for p in found]}
            for group, found in closures
        ],
        "reuse_problems": reuse_problems,
        "stale_overrides": [
            f"{o.package} {o.version}"
            for o in overrides
            if not any(o.covers(p.name, p.version) for p in packages)
        ],
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
    checked = "; ".join(f"Python {'/'.join(group)}" for group, _ in closures)
    if args.this_python_only:
        checked += " only (other Pythons' closures NOT checked)"
    if details["stale_overrides"]:
        stale = details["stale_overrides"]
        checked += f"; stale overrides (match no package, remove them): {stale}"
    summary = f"reuse lint clean; runtime licences allowed ({checked}): " + ", ".join(
        f"{p.name} {p.version} ({p.declared})" for p in packages
    )
    return GateResult(gate=GATE, status=Status.PASSED, summary=summary, details=details)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m release_gates.gates.licenses [--python VENV/bin/python] ...``."""
    return run_gate(GATE, lambda: run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The act runs of ``nox -s workflow_run``: which workflow, job, event and stand-ins each uses.

Each scenario runs the unmodified workflow, once per session (:class:`Runs`
remembers it). ``-j JOB`` runs JOB and every job it needs, so each scenario
names the smallest target that still shows what it is about; only the tag
release runs the whole graph (its target is the summary, which needs every job).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import tomllib
from packaging.markers import Marker

from standins.osv_server import OsvServer, advisory
from workflow_run import events
from workflow_run.clone import throwaway_clone
from workflow_run.nox_runner import seed_nox
from workflow_run.runner import ActRun, RunOutcome, Workbench, run

ROOT = Path(__file__).resolve().parents[2]
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"
# Caches shared by every run and kept between sessions (pip downloads, tool cache).
BASE = ROOT / "build" / "workflow-run"

_PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY: str = _PYPROJECT["tool"]["duckalog-release"]["repository"]
VERSION: str = _PYPROJECT["project"]["version"]
PRERELEASE = f"{VERSION}rc1"  # never released: the pre-release scenario's own version
ADVISORY = "GHSA-wflw-run0-test"


def locked_version(package: str, lock: Path = ROOT / "security" / "runtime.txt") -> str:
    """The version of ``package`` the runtime lock pins for Python 3.11 (the jobs' Python)."""
    python = {"python_full_version": "3.11.7", "python_version": "3.11"}
    for line in lock.read_text(encoding="utf-8").splitlines():
        requirement, _, marker = line.rstrip("\\ ").partition(";")
        name, sep, version = requirement.partition("==")
        applies = not marker.strip() or Marker(marker.strip()).evaluate(python)
        if sep and name.strip() == package and applies:
            return version.strip()
    raise LookupError(f"{package} is not in {lock}")


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections (bound, never listening) while in use."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


def prerelease_edits() -> dict[str, str]:
    """pyproject.toml and CHANGELOG.md of a ``PRERELEASE`` release (what a maintainer commits)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    old = f'version = "{VERSION}"'
    assert old in pyproject, old
    section = f"## [{PRERELEASE}] - 2026-11-29\n\n### Changed\n\n- A release candidate.\n\n"
    assert "## [Unreleased]\n\n" in changelog
    return {
        "pyproject.toml": pyproject.replace(old, f'version = "{PRERELEASE}"', 1),
        "CHANGELOG.md": changelog.replace("## [Unreleased]\n\n", f"## [Unreleased]\n\n{section}"),
    }


def slug(name: str) -> str:
    """``name`` as a folder name without spaces (NODE_OPTIONS paths cannot hold one)."""
    return "".join(c if c.isalnum() else "-" for c in name)


class Runs:
    """The session's clones and act runs, each made once, with their times."""

    def __init__(self, bench: Workbench, tmp: Path) -> None:
        self.bench = bench
        self.tmp = tmp
        self.timings: list[tuple[str, float, float]] = []
        self._clones: dict[str, Path] = {}
        self._runs: dict[str, RunOutcome] = {}

    def clone(self, name: str, edits: Mapping[str, str] | None = None) -> Path:
        """The throw-away clone ``name`` (the working tree, plus ``edits``), nox pre-seeded."""
        if name not in self._clones:
            target = throwaway_clone(ROOT, self.tmp / f"clone-{name}", REPOSITORY, edits)
            seeded = next(iter(self._clones.values()), None)
            if seeded is None:
                seed_nox(target, self.bench)
            else:  # the same runner: copy it (it is relocatable: nox runs as `python -m nox`)
                shutil.copytree(seeded / ".venv-nox", target / ".venv-nox", symlinks=True)
            self._clones[name] = target
        return self._clones[name]

    def done(self, name: str) -> bool:
        """Whether the run called ``name`` already happened."""
        return name in self._runs

    def run(self, name: str, clone: Path, request: ActRun) -> RunOutcome:
        """Run ``request`` in ``clone`` unless a run called ``name`` already happened."""
        if name not in self._runs:
            with closed_port() as port:
                # The OIDC token endpoint of a job with `id-token: write`: here a port that
                # refuses, so attest stops exactly at the token request (see test_release).
                oidc = {
                    "ACTIONS_ID_TOKEN_REQUEST_URL": f"http://127.0.0.1:{port}/token",
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "workflow-run-no-token",
                }
                request = dataclasses.replace(request, env={**oidc, **request.env})
                outcome = run(self.bench, clone, request, self.tmp / f"run-{slug(name)}")
            self._runs[name] = outcome
            self.timings.append((name, outcome.wall_s, outcome.cpu_s))
        return self._runs[name]


def in_clone(clone: Path, workflow: Path) -> Path:
    """``workflow`` (a file of this checkout) as the clone holds it: the run reads that copy."""
    return clone / workflow.relative_to(ROOT)


def with_osv(
    runs: Runs, name: str, clone: Path, request: ActRun, records: list[dict[str, Any]]
) -> RunOutcome:
    """``request`` with the audit pointed at a loopback OSV server serving ``records``."""
    if runs.done(name):
        return runs.run(name, clone, request)
    with OsvServer(records, lifetime_s=request.timeout_s + 60) as osv:
        env = {**request.env, "PIP_AUDIT_OSV_URL": osv.url}
        return runs.run(name, clone, dataclasses.replace(request, env=env))


# --- the scenarios -----------------------------------------------------------------


def tag_release(runs: Runs) -> RunOutcome:
    """Tag push ``vVERSION`` (a final version: channel pypi), the whole graph.

    The OSV server serves an advisory for the locked PyYAML, so the audit job fails
    and everything that needs it is skipped, while every other gate runs.
    """
    clone = runs.clone("release")
    record = advisory(ADVISORY, "pyyaml", [locked_version("pyyaml")], fixed="99.0")
    request = ActRun(
        in_clone(clone, PUBLISH), "summary", events.tag_push(f"v{VERSION}", REPOSITORY)
    )
    return with_osv(runs, "tag release (whole graph)", clone, request, [record])


def tag_prerelease(runs: Runs) -> RunOutcome:
    """Tag push ``vVERSIONrc1`` of a clone whose pyproject says so: channel testpypi."""
    clone = runs.clone("prerelease", prerelease_edits())
    request = ActRun(
        in_clone(clone, PUBLISH), "version", events.tag_push(f"v{PRERELEASE}", REPOSITORY)
    )
    return runs.run("pre-release tag", clone, request)


def dispatch_dry_run(runs: Runs) -> RunOutcome:
    """``workflow_dispatch`` dry run to pypi: no confirmation needed."""
    event = events.dispatch(REPOSITORY, version=VERSION, channel="pypi", dry_run=True)
    clone = runs.clone("release")
    return runs.run("dispatch dry run", clone, ActRun(in_clone(clone, PUBLISH), "version", event))


def dispatch_confirmed(runs: Runs) -> RunOutcome:
    """Dispatch to pypi with ``confirm`` repeating the version; the audit against a clean OSV."""
    event = events.dispatch(
        REPOSITORY, version=VERSION, channel="pypi", confirm=VERSION, dry_run=False
    )
    clone = runs.clone("release")
    request = ActRun(in_clone(clone, PUBLISH), "audit", event)
    return with_osv(runs, "dispatch to pypi, confirmed", clone, request, [])


def dispatch_unconfirmed(runs: Runs) -> RunOutcome:
    """Dispatch to pypi without ``confirm``: the version gate refuses, all else is skipped."""
    event = events.dispatch(REPOSITORY, version=VERSION, channel="pypi", dry_run=False)
    clone = runs.clone("release")
    request = ActRun(in_clone(clone, PUBLISH), "summary", event)
    return runs.run("dispatch to pypi, unconfirmed", clone, request)


def ci_push(runs: Runs) -> RunOutcome:
    """ci.yml on a push to main: its workflow-policy job."""
    event = events.branch_push("main", REPOSITORY)
    clone = runs.clone("release")
    request = ActRun(in_clone(clone, CI), "workflow-policy", event)
    return runs.run("ci.yml workflow-policy", clone, request)


def broken_copy(runs: Runs, name: str, old: str, new: str, job: str) -> RunOutcome:
    """A tag release of a copy of publish.yml with ``old`` replaced by ``new``, up to ``job``."""
    clone = runs.clone("release")
    text = in_clone(clone, PUBLISH).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the break must change exactly one place: {old!r}"
    copy = runs.tmp / f"broken-{slug(name)}" / "publish.yml"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text.replace(old, new), encoding="utf-8")
    request = ActRun(copy, job, events.tag_push(f"v{VERSION}", REPOSITORY))
    return runs.run(f"broken: {name}", clone, request)

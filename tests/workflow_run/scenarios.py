# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The act runs of ``nox -s workflow_run``: which workflow, job, event and stand-ins each uses.

Each scenario runs the unmodified workflow, once per session (:class:`Runs`
remembers it). ``-j JOB`` runs JOB and every job it needs, so each scenario
names the smallest target that still shows what it is about. The tag release
takes the whole publish.yml graph (target: the summary, which needs every job);
the dry run goes up to sign (build, the independent rebuild, smoke and sbom
first). These two long runs start in the background as the session begins
(:meth:`Runs.prestart`) while the short runs go on in the foreground.

Every run reaches the version gate, which reads the target index before anything
is built: here a local index holding the release's predecessor
(``$RELEASE_INDEX_SIMPLE_URL``, as in the rehearsal). The audit reads a loopback
OSV server; the OIDC token endpoint is a port that refuses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tomllib
from packaging.markers import Marker

from standins.index_seed import earlier_version, seeded_index
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
PROJECT: str = _PYPROJECT["project"]["name"]
REPOSITORY: str = _PYPROJECT["tool"]["duckalog-release"]["repository"]
VERSION: str = _PYPROJECT["project"]["version"]
PRERELEASE = f"{VERSION}rc1"  # never released: the pre-release scenario's own version
ADVISORY = "GHSA-wflw-run0-test"
# How many runs may go on in the background beside the foreground one.
BACKGROUND_RUNS = 2
# Time limit of a long run (up to 15 jobs, some beside other runs).
WHOLE_GRAPH_S = 1800.0


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
    """``name`` as a folder name of letters, digits and single dashes.

    No spaces: NODE_OPTIONS cannot name a file in a folder with one. No ``--``:
    the jobs' paths end up in SQL the library prints, where ``--`` starts a comment,
    which changes how ``generate-sql`` lays out a statement.
    """
    words = "".join(c if c.isalnum() else " " for c in name).split()
    return "-".join(words)


@contextlib.contextmanager
def version_index(workdir: Path) -> Iterator[dict[str, str]]:
    """The version gate's index for every run: a local index holding ``VERSION``'s predecessor.

    ``VERSION`` and ``PRERELEASE`` have the same predecessor, so one index serves both.
    """
    assert earlier_version(VERSION) == earlier_version(PRERELEASE)
    with seeded_index(workdir, PROJECT, [earlier_version(VERSION)]) as url:
        yield {"RELEASE_INDEX_SIMPLE_URL": url}


@dataclasses.dataclass(frozen=True)
class Timing:
    """One act run's name, start and end (``time.monotonic``) and CPU seconds."""

    name: str
    start: float
    end: float
    cpu_s: float

    @property
    def wall_s(self) -> float:
        """Wall-clock seconds from start to end."""
        return self.end - self.start


class Runs:
    """The session's clones and act runs, each made once, with their times.

    A run is made by whoever asks first: the foreground (a test) or a background
    thread (:meth:`prestart`); whoever asks later waits for the same outcome.
    ``env`` is added to every run's environment.
    """

    def __init__(self, bench: Workbench, tmp: Path, env: Mapping[str, str]) -> None:
        self.bench = bench
        self.tmp = tmp
        self.env = dict(env)
        self.timings: list[Timing] = []
        self._lock = threading.Lock()
        self._clones: dict[str, Path] = {}
        self._runs: dict[str, Future[RunOutcome]] = {}
        self._background = ThreadPoolExecutor(BACKGROUND_RUNS, thread_name_prefix="act-run")

    def clone(self, name: str, edits: Mapping[str, str] | None = None) -> Path:
        """The throw-away clone ``name`` (the working tree, plus ``edits``), nox pre-seeded."""
        with self._lock:
            if name not in self._clones:
                target = throwaway_clone(ROOT, self.tmp / f"clone-{name}", REPOSITORY, edits)
                seeded = next(iter(self._clones.values()), None)
                if seeded is None:
                    seed_nox(target, self.bench)
                else:  # the same runner: copy it (relocatable: nox runs as `python -m nox`)
                    shutil.copytree(seeded / ".venv-nox", target / ".venv-nox", symlinks=True)
                self._clones[name] = target
            return self._clones[name]

    def started(self, name: str) -> bool:
        """Whether the run called ``name`` has started (or finished)."""
        with self._lock:
            return name in self._runs

    def prestart(self, scenario: Callable[[Runs], RunOutcome]) -> None:
        """Make ``scenario``'s run in the background; a test asking for it later waits."""
        self._background.submit(scenario, self)

    def close(self) -> None:
        """Wait for the background runs (their servers must outlive them)."""
        self._background.shutdown(wait=True, cancel_futures=True)

    def run(self, name: str, clone: Path, request: ActRun) -> RunOutcome:
        """Run ``request`` in ``clone`` unless a run called ``name`` already started."""
        with self._lock:
            future = self._runs.get(name)
            mine = future is None
            if future is None:
                future = self._runs[name] = Future()
        if mine:
            try:
                future.set_result(self._run(name, clone, request))
            except BaseException as error:
                future.set_exception(error)
        return future.result()

    def _run(self, name: str, clone: Path, request: ActRun) -> RunOutcome:
        with closed_port() as port:
            # The OIDC token endpoint of a job with `id-token: write`: here a port that
            # refuses, so attest stops exactly at the token request (see test_release).
            oidc = {
                "ACTIONS_ID_TOKEN_REQUEST_URL": f"http://127.0.0.1:{port}/token",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "workflow-run-no-token",
            }
            request = dataclasses.replace(request, env={**oidc, **self.env, **request.env})
            start = time.monotonic()
            outcome = run(self.bench, clone, request, self.tmp / f"run-{slug(name)}")
        with self._lock:
            self.timings.append(Timing(name, start, time.monotonic(), outcome.cpu_s))
        return outcome


def in_clone(clone: Path, workflow: Path) -> Path:
    """``workflow`` (a file of this checkout) as the clone holds it: the run reads that copy."""
    return clone / workflow.relative_to(ROOT)


def with_osv(
    runs: Runs, name: str, clone: Path, request: ActRun, records: list[dict[str, Any]]
) -> RunOutcome:
    """``request`` with the audit pointed at a loopback OSV server serving ``records``."""
    if runs.started(name):
        return runs.run(name, clone, request)
    with OsvServer(records, lifetime_s=request.timeout_s + 60) as osv:
        env = {**request.env, "PIP_AUDIT_OSV_URL": osv.url}
        return runs.run(name, clone, dataclasses.replace(request, env=env))


def pyyaml_advisory() -> dict[str, Any]:
    """An OSV advisory against the PyYAML version the runtime lock pins for the jobs."""
    return advisory(ADVISORY, "pyyaml", [locked_version("pyyaml")], fixed="99.0")


# --- the scenarios -----------------------------------------------------------------


def tag_release(runs: Runs) -> RunOutcome:
    """Tag push ``vVERSION`` (a final version: channel pypi), the whole graph, a clean audit.

    Every gate passes; sign stops at Sigstore's production TUF root and attest at the
    OIDC token request (both unreachable here), so nothing is published.
    """
    clone = runs.clone("release")
    event = events.tag_push(f"v{VERSION}", REPOSITORY)
    request = ActRun(in_clone(clone, PUBLISH), "summary", event, timeout_s=WHOLE_GRAPH_S)
    return with_osv(runs, "tag release (whole graph)", clone, request, [])


def dispatch_dry_run(runs: Runs) -> RunOutcome:
    """``workflow_dispatch`` dry run to pypi (no confirmation), up to sign.

    ``-j sign`` runs version, build, the independent rebuild, smoke and sbom, then
    sign, which must take its staging steps. Not the whole graph: the jobs only the
    summary adds (licenses, audit, test) run the same as in the tag release, and would
    cost about 100 s of CPU time more.
    """
    event = events.dispatch(REPOSITORY, version=VERSION, channel="pypi", dry_run=True)
    clone = runs.clone("release")
    request = ActRun(in_clone(clone, PUBLISH), "sign", event, timeout_s=WHOLE_GRAPH_S)
    return runs.run("dispatch dry run (up to sign)", clone, request)


def tag_prerelease(runs: Runs) -> RunOutcome:
    """Tag push ``vVERSIONrc1`` of a clone whose pyproject says so: channel testpypi."""
    clone = runs.clone("prerelease", prerelease_edits())
    request = ActRun(
        in_clone(clone, PUBLISH), "version", events.tag_push(f"v{PRERELEASE}", REPOSITORY)
    )
    return runs.run("pre-release tag", clone, request)


def dispatch_confirmed_advisory(runs: Runs) -> RunOutcome:
    """Dispatch to pypi with ``confirm`` repeating the version; OSV knows an advisory.

    Only version and audit: the audit fails on the advisory against the locked PyYAML.
    """
    event = events.dispatch(
        REPOSITORY, version=VERSION, channel="pypi", confirm=VERSION, dry_run=False
    )
    clone = runs.clone("release")
    request = ActRun(in_clone(clone, PUBLISH), "audit", event)
    name = "dispatch to pypi, confirmed; advisory"
    return with_osv(runs, name, clone, request, [pyyaml_advisory()])


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

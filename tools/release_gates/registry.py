# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The gate registry: every release gate and workflow tool, declared once, as data.

Everything else reads this table instead of repeating it:

* ``noxfile.py`` makes one nox session per :class:`Gate` and :class:`Tool`
  (installing :attr:`Gate.locks`, running :attr:`Gate.module`);
* the rehearsal (:mod:`release_gates.rehearsal`) walks :data:`GATES` in order,
  passing :attr:`Gate.rehearsal_args` and starting :attr:`Gate.service`;
* the release report shows what :attr:`Gate.vouches_for` only when that gate passed;
* the workflow policy checks that ``publish.yml`` has the gate's :attr:`Gate.jobs`
  with the same ``needs``; the workflow report maps a failed job back to its gate.

Adding a gate means: a :class:`Gate` entry here, its module
``release_gates/gates/<name>.py``, its lock ``security/<name>.in``/``.txt``, its job in
``publish.yml`` and its entry in the docs (``docs/troubleshooting.md``). Nothing else.

This module is plain data and the standard library only: ``noxfile.py`` imports it
before any session venv exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """One gate of the release, in the order of :data:`GATES`.

    ``name`` is its nox session, its result file (``<name>.json``) and the prefix of
    its problem codes. ``locks`` are the ``security/<lock>.txt`` files its session
    installs. ``needs`` are the gates that must pass first. A ``network`` gate talks to
    a service outside this machine; offline it is NOT RUN unless
    ``offline_endpoint_env`` names a variable pointing at a reachable stand-in.
    ``rehearsal_args`` are its arguments in the rehearsal (``{dist}`` is the dist
    folder), plus ``offline_args`` offline. ``service`` names a stand-in the
    rehearsal runs beside it. ``jobs`` are the ``publish.yml`` jobs that run it, its
    own job first (default: a job named like the gate). ``vouches_for`` lists the
    outputs the release report may show only when this gate passed.
    """

    name: str
    summary: str = ""
    locks: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    network: bool = False
    rehearsal_args: tuple[str, ...] = ()
    offline_args: tuple[str, ...] = ()
    offline_endpoint_env: str | None = None
    service: str | None = None
    jobs: tuple[str, ...] = ()
    vouches_for: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        """What ``python -m`` runs: ``release_gates.gates.<name>``."""
        return f"release_gates.gates.{self.name}"

    @property
    def job(self) -> str:
        """The ``publish.yml`` job that carries this gate."""
        return self.jobs[0] if self.jobs else self.name


@dataclass(frozen=True)
class Tool:
    """A nox session the workflows call that is not a gate of the release order.

    The rehearsal never runs a tool. ``jobs`` are the ``publish.yml`` jobs that exist
    to run it (none for a tool that is a step of another job or runs in another
    workflow); such a job needs the jobs of the gates in ``needs``, and the jobs in
    ``needed_by`` must wait for it (e.g. nothing is signed before the independent
    rebuild agreed with the build).
    """

    name: str
    summary: str
    module: str
    locks: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    needed_by: tuple[str, ...] = ()


# In release order: a gate only needs gates listed before it.
GATES: tuple[Gate, ...] = (
    Gate(
        "version",
        "Check the release version (tag, pyproject.toml, CHANGELOG.md) and that it is not "
        "on the index yet.",
        locks=("version",),
        offline_args=("--offline",),
        # Its index check reads a local index seeded with an earlier release.
        service="seeded_index",
    ),
    Gate(
        "licenses",
        "reuse lint on the tree; runtime dependency licences against the allow-list.",
        # liccheck must run inside the environment it checks: the venv holds the
        # runtime closure next to the gate's tools (the two locks share no package).
        locks=("runtime", "licenses"),
        needs=("version",),
    ),
    Gate(
        "audit",
        "pip-audit of the locked runtime closures against OSV, with waivers; the VEX.",
        locks=("audit",),
        needs=("version",),
        network=True,
        rehearsal_args=("--vex-dir", "{dist}"),
        offline_args=("--offline",),
        offline_endpoint_env="PIP_AUDIT_OSV_URL",
        vouches_for=("VEX",),
    ),
    Gate(
        "build",
        "Build once from a clean export, prove it reproducible, inspect, write SHA256SUMS.",
        locks=("build",),
        needs=("version",),
        rehearsal_args=("--out", "{dist}"),
        vouches_for=("SHA256SUMS",),
    ),
    Gate(
        "smoke",
        "Install the built wheel and sdist on every Python found and exercise them.",
        locks=("smoke",),
        needs=("build",),
        rehearsal_args=("--dist", "{dist}"),
    ),
    Gate(
        "sbom",
        "CycloneDX SBOMs of every locked closure, bound to the dists by sha256.",
        locks=("sbom",),
        needs=("build",),
        rehearsal_args=("--dist", "{dist}"),
        vouches_for=("SBOM",),
    ),
    Gate(
        "verify",
        "Signature check of Sigstore bundles (offline) and checksum check of SHA256SUMS.",
        locks=("verify",),
        needs=("build", "smoke", "sbom"),
        # Locally there are no signatures: only the checksum check runs.
        rehearsal_args=("--checksums-only", "{dist}"),
        # The bundles are checked right after signing, in the job that signs.
        jobs=("sign",),
    ),
    Gate(
        "publish",
        "Upload the dists with retries, then the index check of what the index serves.",
        locks=("publish",),
        needs=("version", "licenses", "audit", "build", "smoke", "sbom", "verify"),
        rehearsal_args=("--dist", "{dist}"),
        service="local_index",
        # The PyPI upload job; the index check (--verify-only) also runs after each upload.
        jobs=("publish-pypi", "publish-testpypi", "verify-pypi"),
    ),
)

# Workflow-only nox sessions that run one module of this package.
TOOLS: tuple[Tool, ...] = (
    Tool(
        "rebuild",
        "Independent rebuild (publish.yml, macOS): the dists must have the build job's sha256.",
        module="release_gates.workflow.rebuild",
        locks=("build",),
        # Another OS and runner image than the build job's: see policy_release.
        jobs=("rebuild-macos",),
        needs=("build",),
        needed_by=("sign", "attest"),
    ),
    Tool(
        "upload_triage",
        "After a failed upload attempt: done, permanent (fails) or transient (retry=true).",
        module="release_gates.workflow.upload_triage",
        # pypi-simple reads the index; the publish job already trusts this lock.
        locks=("publish",),
    ),
    Tool(
        "pypi_health",
        "Every file PyPI serves matches its GitHub release's SHA256SUMS and is attested.",
        module="release_gates.workflow.pypi_health",
        locks=("pypi-health",),
    ),
    Tool(
        "fresh_install",
        "What a fresh `pip install duckalog` of the latest release gets today, audited.",
        module="release_gates.workflow.fresh_install",
        locks=("fresh-install",),
    ),
    Tool(
        "workflow_report",
        "publish.yml's release notes (CHANGELOG section) and job summary.",
        module="release_gates.workflow.report",
    ),
    Tool(
        "critical_path",
        "Model publish.yml's tag -> PyPI time from its job graph and the rehearsal's timings.",
        module="release_gates.workflow.critical_path",
        locks=("workflow-policy",),
    ),
)

# Jobs of publish.yml that carry no gate: the library tests per Python, the
# attestations and the GitHub release (they need GitHub's OIDC token or API).
# `sign` carries the verify gate (see its jobs), the publish jobs the publish gate.
WORKFLOW_ONLY_JOBS: tuple[str, ...] = ("test", "attest", "github-release")
# The job that reports on the others and may run after a failure.
REPORT_JOBS: tuple[str, ...] = ("summary",)


def entries() -> tuple[Gate | Tool, ...]:
    """Every gate and tool: each is one nox session (``noxfile.py`` defines them)."""
    return (*GATES, *TOOLS)


def gate(name: str) -> Gate:
    """The gate called ``name``; KeyError if there is none."""
    for candidate in GATES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def tool(name: str) -> Tool:
    """The tool called ``name``; KeyError if there is none."""
    for candidate in TOOLS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def gate_of_job(job: str) -> Gate | None:
    """The gate a ``publish.yml`` job runs, or None for a job without one."""
    return next((g for g in GATES if job in (g.job, *g.jobs)), None)


def tool_of_job(job: str) -> Tool | None:
    """The tool a ``publish.yml`` job exists to run (``rebuild-macos``), or None."""
    return next((t for t in TOOLS if job in t.jobs), None)

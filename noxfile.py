# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every check of Duckalog, as a nox session.

The GitHub workflows only sequence these sessions; a maintainer runs exactly
the same commands locally. Each session gets its own virtualenv holding only
its tools, installed from one small hash-locked file under ``security/``.

    scripts/nox -t tests                 # every test suite (what CI runs)
    scripts/nox -s release -- --offline  # the full offline release rehearsal

Virtualenvs are made and filled by uv (``security/nox.txt`` installs it with
nox), always ``uv pip sync --require-hashes`` of the session's locks, so a venv
holds exactly its locks and nothing else. A venv is reused when it exists, and
its install step is skipped when neither its locks nor its interpreter changed:

* **reused as is**: the sha256 of every lock file it was synced from and its
  interpreter (``pyvenv.cfg``: home and version) are the ones recorded in
  ``<venv>/duckalog-venv-key.sha256``; uv then only checks it against the locks,
  offline (``uv pip sync --offline``), and falls back to the index if it does
  not match any more;
* **synced**: a lock file changed: ``uv pip sync`` installs and removes what differs;
* **rebuilt**: the session's interpreter is not the venv's any more (nox's
  staleness check, switched on here), the venv is broken, or ``-N`` / ``--reuse-venv
  no`` is given.

The sessions that test the built wheel reinstall only that wheel. ``-R`` (reuse,
install nothing) still works and skips even the check.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import nox
from nox.command import CommandFailed

ROOT = Path(__file__).parent.resolve()
SECURITY = ROOT / "security"
TOOLS = ROOT / "tools"
# Read from the source tree, standard library only: the gate registry (plain data), what
# nox's command line asks for, and the venvs' keys.
sys.path.insert(0, str(TOOLS))
from release_gates import registry  # noqa: E402
from release_gates._internal import nox_argv, venvs  # noqa: E402

# Python versions the library supports and is tested on here; CI adds 3.14
# through `--force-python`.
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]

# uv makes and fills every venv; it comes from security/nox.txt, next to nox.
nox.options.default_venv_backend = "uv"
# Never download an interpreter (uv would fetch one from GitHub): use the installed ones.
nox.options.download_python = "never"
# Reuse venvs (see the docstring: install_locked decides what a reused venv needs) ...
nox.options.reuse_venv = "yes"
# ... but rebuild one whose interpreter is not the one the session asks for any more.
os.environ.setdefault("NOX_ENABLE_STALENESS_CHECK", "1")
nox.options.sessions = []  # nothing runs by accident: name a session or a tag


# A tag selects many sessions (the README's `scripts/nox -t tests`): nox runs two at a
# time, each in its own nox process, its output printed when it ends. Each of them
# waits part of the time (downloads, servers, act), so two keep two cores busier than
# one. `-j 1` runs them one after the other again. Sessions named with -s run in this
# process with their output streamed (the rehearsal, the workflow jobs).
if nox_argv.selects_by_tag(sys.argv[1:]) and hasattr(nox.options, "parallel"):
    nox.options.parallel = 2
    nox.options.allow_parallel = True


def install_locked(session: nox.Session, *locks: str) -> None:
    """Make the session's venv exactly the hash-locked files ``security/<lock>.txt``.

    Call it once per session with every lock the session needs: ``uv pip sync``
    removes whatever the files do not list. Skipped with ``--no-install`` on a
    reused venv (``-R``); see the module docstring for when a venv is only checked.
    """
    files = [SECURITY / f"{lock}.txt" for lock in locks]
    venv = Path(session.virtualenv.location)
    key = venvs.venv_key(venvs.pyvenv_interpreter(venv), files)
    # Byte-compiled once, here: where PYTHONDONTWRITEBYTECODE is set (the machine image this
    # project is developed and tested on sets it), each process would compile all it imports.
    sync = ("uv", "pip", "sync", "--require-hashes", "--compile-bytecode", *(str(f) for f in files))
    if venvs.recorded_key(venv) == key:
        try:
            # Same locks, same interpreter: check the venv against them without the index.
            session.run_install(*sync, "--offline", "--quiet")
            return
        except CommandFailed:
            session.log("the venv no longer matches its locks: syncing it from the index")
    venvs.record_key(venv, None)
    if session.run_install(*sync) is not None:
        venvs.record_key(venv, key)


def gate_env() -> dict[str, str]:
    """Environment for running ``python -m release_gates.*`` and ``standins.*`` from the tree."""
    return {"PYTHONPATH": str(TOOLS)}


def run_module(
    session: nox.Session, module: str, *args: str, env: dict[str, str] | None = None
) -> None:
    """Run ``python -m <module>`` from the source tree with the session's arguments."""
    session.run("python", "-m", module, *args, *session.posargs, env={**gate_env(), **(env or {})})


TEST_WHEEL_DIR = ROOT / "build" / "test-wheel"


def install_wheel(session: nox.Session) -> None:
    """Install the duckalog wheel (no dependencies): $DUCKALOG_WHEEL, else test_wheel's.

    Reinstalled on every run (uv would otherwise keep an installed duckalog of the
    same version): the wheel is the one thing that changes between runs.
    """
    wheel = os.environ.get("DUCKALOG_WHEEL")
    if not wheel:
        wheels = sorted(TEST_WHEEL_DIR.glob("duckalog-*.whl"))
        if len(wheels) != 1:
            session.error(
                f"expected one wheel in {TEST_WHEEL_DIR}, found {len(wheels)}: "
                "run `scripts/nox -s test_wheel` first"
            )
        wheel = str(wheels[0])
    session.run_install("uv", "pip", "install", "--quiet", "--no-deps", "--compile-bytecode",
                        "--reinstall-package", "duckalog", wheel)  # fmt: skip


def install_project(session: nox.Session, *locks: str) -> None:
    """Install the locks, the locked runtime dependencies and duckalog from the wheel."""
    install_locked(session, *locks, "runtime")
    install_wheel(session)


# --- tests -------------------------------------------------------------------


@nox.session(default=False)
def test_wheel(session: nox.Session) -> None:
    """Build the wheel the test sessions install (pinned hatchling, no build isolation).

    hatchling 1.33 needs Python 3.10+, so the wheel is built once here and
    installed on every Python, 3.9 included.
    """
    install_locked(session, "backend")
    shutil.rmtree(TEST_WHEEL_DIR, ignore_errors=True)
    # uv runs hatchling from this venv (no isolation: nothing unpinned is fetched).
    session.run(
        "uv",
        "build",
        "--quiet",
        "--wheel",
        "--no-build-isolation",
        "--out-dir",
        str(TEST_WHEEL_DIR),
        str(ROOT),
    )


# Coverage floors, in percent of lines and branches ([tool.coverage] in pyproject.toml),
# set from the figures measured when coverage was introduced (2026-11-29): the library
# 94.1 % (Python 3.9) to 94.3 %; tools/ over the gate tests 75.6 % (workflow/ is tested by
# the workflow_policy session, not measured). Raise them as the tests grow, never lower
# them. A floor applies to a full run only (no pytest arguments given).
LIBRARY_COVERAGE_FLOOR = 94
TOOLS_COVERAGE_FLOOR = 75


def run_pytest_with_coverage(
    session: nox.Session, floor: int, *pytest_args: str, env: dict[str, str], workers: int = 0
) -> None:
    """pytest under coverage ([tool.coverage] in pyproject.toml), then the report and its floor.

    ``workers``: run the tests in that many pytest-xdist processes, one test file per
    process (``--dist loadfile``: a file's module fixtures are made once); pytest-cov
    measures each process and combines their data with the measured subprocesses'.
    ``-- -n 0`` runs them in one process again.
    """
    data = Path(session.create_tmp()).resolve() / "coverage"
    shutil.rmtree(data, ignore_errors=True)  # stale data files would be combined too
    data.mkdir()
    rcfile = str(ROOT / "pyproject.toml")
    env = {**env, "COVERAGE_FILE": str(data / ".coverage")}
    coverage = ("python", "-m", "coverage")
    if workers:
        session.run("python", "-m", "pytest", *pytest_args, "-n", str(workers), "--dist",
                    "loadfile", "--cov", "--cov-config", rcfile, "--cov-report=",
                    "-p", "no:cacheprovider", *session.posargs, env=env)  # fmt: skip
    else:
        session.run(*coverage, "run", "--rcfile", rcfile, "-m", "pytest",
                    *pytest_args, "-p", "no:cacheprovider", *session.posargs, env=env)  # fmt: skip
        session.run(*coverage, "combine", "--quiet", "--rcfile", rcfile, env=env)
    floor_args = [] if session.posargs else [f"--fail-under={floor}"]
    session.run(*coverage, "report", "--rcfile", rcfile, *floor_args, env=env)


@nox.session(python=PYTHONS, tags=["tests"], requires=["test_wheel"])
def tests(session: nox.Session) -> None:
    """The library's test suite against the installed package, with its coverage."""
    install_project(session, "tests")
    # Run from outside the tree so `import duckalog` can only find the installed copy.
    session.chdir(session.create_tmp())
    library_tests = str(ROOT / "tests" / "library")
    # The CLI tests start `duckalog` in subprocesses: measure those too (pyproject.toml).
    env = {"COVERAGE_SUBPROCESS": "subprocess"}
    run_pytest_with_coverage(
        session, LIBRARY_COVERAGE_FLOOR, library_tests, "--rootdir", str(ROOT), env=env
    )


@nox.session(python="3.11", tags=["tests"], requires=["test_wheel"])
def integration(session: nox.Session) -> None:
    """The library against real SQLite files, a real PostgreSQL server and real Delta
    Lake and Iceberg tables (written by deltalake and pyiceberg in the tests).

    duckdb 1.4.4 with the PyPI extension wheels duckdb-ext-sqlite/-postgres/
    -delta/-iceberg/-avro, loaded offline from their folder; PostgreSQL is started
    by the tests (skipped, with the reason, where no PostgreSQL binaries exist).
    """
    install_locked(session, "integration")
    install_wheel(session)
    session.chdir(session.create_tmp())
    session.run(
        "python",
        "-m",
        "pytest",
        str(ROOT / "tests" / "integration"),
        "--rootdir",
        str(ROOT),
        "-p",
        "no:cacheprovider",
        *session.posargs,
    )


# mypy --strict runs once per import layout: the library, the tools and this file
# (pyproject's [tool.mypy] files); the gate, workflow and workflow-run tests, which
# import `tests.gates.helpers` / `tests.workflow_run.*`; and the suites that put their
# own folder on sys.path (the integration tests also import tests/library's support);
# and the feedback benchmark.
MYPY_TEST_RUNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("--explicit-package-bases", "tests/gates", "tests/workflows"), ""),
    # The workflow-run session's Python (tomllib).
    (("--explicit-package-bases", "--python-version", "3.11", "tests/workflow_run"), ""),
    (("--python-version", "3.11", "tests/docs"), "tests/docs"),  # the docs session's Python
    (("tests/library",), "tests/library"),
    (("tests/integration",), os.pathsep.join(["tests/integration", "tests/library"])),
    (("benchmarks/feedback.py",), ""),
)


@nox.session(tags=["tests"])
def lint(session: nox.Session) -> None:
    """ruff (style, bugs, security lints); mypy --strict on the library, tools, tests, noxfile."""
    install_locked(session, "lint")
    session.run("ruff", "check", "src", "tools", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tools", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")
    for args, path in MYPY_TEST_RUNS:
        session.run("mypy", *args, env={"MYPYPATH": path} if path else None)


# --- maintenance ---------------------------------------------------------------

_LOCK_PYTHON = re.compile(r"^# lock-python: (\S+)$", re.MULTILINE)


@nox.session
def lock(session: nox.Session) -> None:
    """Regenerate every hash-locked file security/X.txt from security/X.in (needs PyPI)."""
    install_locked(session, "lock")
    names = session.posargs or sorted(p.stem for p in SECURITY.glob("*.in"))
    for name in names:
        source = SECURITY / f"{name}.in"
        found = _LOCK_PYTHON.search(source.read_text(encoding="utf-8"))
        python = found.group(1) if found else "3.11"
        session.run(
            "uv",
            "pip",
            "compile",
            "--quiet",
            "--universal",
            "--generate-hashes",
            "--no-header",
            "--python-version",
            python,
            "--index-url",
            "https://pypi.org/simple",
            "--no-config",
            str(source),
            "-o",
            str(SECURITY / f"{name}.txt"),
        )


# --- release gates -----------------------------------------------------------
# One session per gate and workflow tool of tools/release_gates/registry.py, each
# installing only its own locks. The workflow jobs call exactly these; `release`
# chains the gates locally.


def define_registry_sessions() -> None:
    """Define ``nox -s <name>`` for every gate and tool of the registry."""
    for entry in registry.entries():
        _registry_session(entry.name, entry.summary, entry.locks, entry.module)


# Where a gate may keep venvs of its own between runs (the smoke gate's --venvs): inside
# the session's venv, so they go when nox makes that venv again (-N, a changed interpreter).
GATE_VENVS_ENV = "RELEASE_GATES_VENVS"


def _registry_session(name: str, summary: str, locks: tuple[str, ...], module: str) -> None:
    def session_function(session: nox.Session) -> None:
        if locks:
            install_locked(session, *locks)
        kept = Path(session.virtualenv.location) / "gate-venvs"
        run_module(session, module, env={GATE_VENVS_ENV: str(kept)})

    session_function.__doc__ = summary
    nox.session(name=name, default=False)(session_function)


define_registry_sessions()


@nox.session(tags=["tests"])
def gate_tests(session: nox.Session) -> None:
    """Unit and fault-injection tests of the release gates, with real tools and local stand-ins."""
    install_locked(session, "gate-tests")
    # Two processes: most of these tests wait on the gates' subprocesses and local servers.
    run_pytest_with_coverage(
        session, TOOLS_COVERAGE_FLOOR, "tests/gates", env=gate_env(), workers=2
    )


@nox.session(tags=["tests"], requires=["test_wheel"])
def docs(session: nox.Session) -> None:
    """Docs tests: nox sessions and links exist, the documented commands really work.

    The built wheel is installed so the README's quick start runs for real.
    """
    install_project(session, "docs")
    env = {"PYTHONPATH": os.pathsep.join([str(TOOLS), str(ROOT / "tests" / "docs")])}
    session.run(
        "python", "-m", "pytest", "tests/docs", "-p", "no:cacheprovider", *session.posargs, env=env
    )


# --- release -----------------------------------------------------------------


@nox.session
def release(session: nox.Session) -> None:
    """Main job: the release rehearsal, every gate end to end against a local index.

    `nox -s release [-- --offline] [--jobs N]`. Each gate runs as its own
    `nox -s <gate>` with this nox interpreter, reusing its venv as every session
    does (see the module docstring); -N/-R and --reuse-venv are passed on.
    Writes dist/release-report.{md,html}.
    """
    install_locked(session, "local-index")  # pypiserver + passlib: the stand-in index
    session.run(
        "python",
        "-m",
        "release_gates.rehearsal",
        *(f"--nox-arg={arg}" for arg in nox_argv.reuse_options(sys.argv[1:])),
        *session.posargs,
        env={**gate_env(), "RELEASE_NOX_PYTHON": sys.executable},
    )


# --- workflows -----------------------------------------------------------------
# .github/workflows only sequence the sessions above; these are the few that
# exist for the workflows themselves.


@nox.session(tags=["tests"])
def workflow_policy(session: nox.Session) -> None:
    """.github/: schemas, zizmor --persona auditor (0 findings) and the policy tests."""
    install_locked(session, "workflow-policy")
    github = ROOT / ".github"
    workflows = sorted(str(p) for p in (github / "workflows").glob("*.yml"))
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run(
        "check-jsonschema", "--builtin-schema", "vendor.dependabot", str(github / "dependabot.yml")
    )
    session.run("zizmor", "--offline", "--persona", "auditor", str(github))
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/workflows",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env=gate_env(),
    )


@nox.session(tags=["tests"])
def workflow_run(session: nox.Session) -> None:
    """publish.yml and ci.yml run for real by act (host mode, offline), job by job.

    The pinned actions come from the folder $DUCKALOG_ACTIONS_MIRROR names (relative
    to the repository root), else act fetches them from GitHub; with neither it fails.
    See docs/release-process.md, "Run the release workflow locally".
    """
    install_locked(session, "workflow-run")
    # A temp folder of its own: pytest prunes old ones in the shared default place,
    # which would pull a clone out from under a running job.
    basetemp = ROOT / "build" / "workflow-run" / "tmp"
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/workflow_run",
        "-p",
        "no:cacheprovider",
        f"--basetemp={basetemp}",
        *session.posargs,
        env=gate_env(),
    )


@nox.session(default=False)
def sign(session: nox.Session) -> None:
    """Sigstore-sign FILE... keylessly, writing FILE.sigstore.json (`-- --staging FILE...`
    for dry runs: Sigstore's staging instance).

    GitHub workflow only: it needs the job's OIDC token and Sigstore's services.
    """
    if not session.posargs:
        session.error("usage: nox -s sign -- [--staging] FILE...")
    install_locked(session, "sign")
    # Dry runs sign against Sigstore's staging instance: no permanent public Rekor entry
    # for a release that will never exist. `--staging` is a global sigstore option.
    staging = ["--staging"] if session.posargs[0] == "--staging" else []
    files = session.posargs[len(staging) :]
    session.run("sigstore", *staging, "sign", *files)


@nox.session(default=False)
def pypi_attestations(session: nox.Session) -> None:
    """pypi-attestations from its lock, e.g. `-- verify pypi --repository URL pypi:FILE`."""
    install_locked(session, "pypi-attestations")
    session.run("pypi-attestations", *session.posargs)

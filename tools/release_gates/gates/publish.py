# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``publish``: upload the dists with twine, then run the index check on what is served.

    python -m release_gates.gates.publish --dist dist --repository-url URL [--index-url SIMPLE_URL]
    python -m release_gates.gates.publish --verify-only --dist dist --index-url SIMPLE_URL

Credentials come from ``TWINE_USERNAME`` / ``TWINE_PASSWORD`` and are scrubbed
from every line this gate prints or records. The URLs default to
``TWINE_REPOSITORY_URL`` and ``RELEASE_INDEX_SIMPLE_URL`` (set by the rehearsal).

1. **Read the release** (:mod:`~release_gates.gates.publish_release`): the dists
   in ``--dist``, every one vouched for by ``SHA256SUMS``.
2. **Upload** (:mod:`~release_gates.gates.publish_upload`; skipped with
   ``--verify-only``): conflicts decided first, one file at a time, wheel first,
   retried with backoff on 5xx, 429, resets and timeouts; a failure names what is
   published and what is not, and a re-run completes the release.
3. **Index check** (always; alone with ``--verify-only``, e.g. against PyPI): poll
   the simple API until every dist of the version is listed (bounded), then
   compare the declared *and* the downloaded sha256 of each with ``SHA256SUMS``
   (:mod:`release_gates._internal.index_check`, shared with ``pypi_health``).
4. **Install and run**: install the release from that index into a fresh venv
   (runtime closure from ``security/runtime.txt`` with hashes, then the project
   with ``--no-deps`` and the sha256 of our dists, so pip can only accept our
   bytes) and run ``<project> --version``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from release_gates._internal import index, paths, retry
from release_gates._internal.index_check import check_served
from release_gates._internal.retry import Transient
from release_gates._internal.venvs import create_venv, sync_locked
from release_gates.gates.publish_release import (
    Log,
    Release,
    read_release,
    scrub,
    scrub_value,
    secrets_from,
)
from release_gates.gates.publish_upload import INDEX_UNREADABLE, Target, upload
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "publish"

NO_REPOSITORY = Problem(
    "publish.no-repository",
    "no upload URL: pass --repository-url or set TWINE_REPOSITORY_URL",
    "Give the index's upload URL, e.g. https://upload.pypi.org/legacy/ (or run the rehearsal, "
    "which starts a local index).",
)
NO_INDEX_URL = Problem(
    "publish.no-index-url",
    "no simple API URL for {repository}: pass --index-url",
    "Give the index's simple API URL, e.g. https://pypi.org/simple/.",
)
NO_CREDENTIALS = Problem(
    "publish.no-credentials",
    "TWINE_USERNAME and TWINE_PASSWORD are not both set",
    "Export the upload credentials as TWINE_USERNAME / TWINE_PASSWORD (never on the command "
    "line); on GitHub use trusted publishing instead of this gate's upload.",
)
NOT_VISIBLE = Problem(
    "publish.not-visible",
    "after {seconds} s {index} still does not list {missing} for {project} {version}",
    "The upload may not have been processed yet, or went elsewhere; re-run with --verify-only "
    "later, and check the index's web page for the release.",
)
SERVED_MISMATCH = Problem(
    "publish.served-mismatch",
    "{filename}: the index {how} sha256 {served}, but SHA256SUMS says {expected}",
    "Stop: the index serves other bytes than were built and signed. Do not announce the "
    "release; yank it and investigate the index and the upload path.",
)
INSTALL_FAILED = Problem(
    "publish.install-failed",
    "installing {what} into a fresh venv failed (exit {code}): {output}",
    "Read pip's message above; check that the index serves the release and that "
    "security/runtime.txt is the runtime lock of this version.",
)
SMOKE_FAILED = Problem(
    "publish.smoke-failed",
    "`{command}` exited {code} and printed {output!r}; expected the version {version}",
    "The installed release does not run: yank it and fix the package.",
)


@dataclass(frozen=True)
class Settings:
    """Everything the publish gate needs, from the command line and the environment."""

    dist_dir: Path
    repository_url: str | None
    simple_url: str
    upload_policy: retry.RetryPolicy
    poll_policy: retry.RetryPolicy
    upload_timeout_s: float
    runtime_lock: Path | None
    index_check_only: bool
    env: Mapping[str, str]

    def target(self) -> Target:
        """Where the upload goes."""
        assert self.repository_url is not None, "checked when the arguments were parsed"
        return Target(
            self.repository_url,
            self.simple_url,
            self.env,
            self.upload_timeout_s,
            self.upload_policy,
            self.poll_policy,
        )


# --- the index check ------------------------------------------------------------


def wait_until_visible(
    release: Release, settings: Settings, log: Log
) -> dict[str, index.IndexFile]:
    """Poll the simple API with backoff until every dist of the release is listed."""
    start = time.monotonic()
    wanted = {dist.filename for dist in release.dists}
    missing = sorted(wanted)
    try:
        for attempt in retry.attempts(settings.poll_policy, Transient):
            with attempt:
                try:
                    listed = index.project_files(settings.simple_url, release.project)
                except index.IndexReadError as error:
                    raise Transient("the index cannot be read yet", error.reason) from error
                missing = sorted(wanted - set(listed))
                if missing:
                    raise Transient(f"not listed yet: {missing}", "not listed")
                return listed
    except Transient:
        pass
    raise GateFailure(
        NOT_VISIBLE,
        seconds=round(time.monotonic() - start, 1),
        index=settings.simple_url,
        missing=missing,
        project=release.project,
        version=release.version,
    )


def check_served_files(
    release: Release, listed: Mapping[str, index.IndexFile], log: Log
) -> list[dict[str, str]]:
    """The index check: declared and downloaded sha256 of every dist equal SHA256SUMS."""
    ours = {dist.filename: listed[dist.filename] for dist in release.dists}
    expected = {dist.filename: dist.sha256 for dist in release.dists}
    try:
        mismatches = check_served(ours, expected, require_declared=False, download=True)
    except index.IndexReadError as error:
        raise GateFailure(INDEX_UNREADABLE, reason=str(error)) from error
    for mismatch in mismatches:
        if mismatch.kind in ("hash-mismatch", "bytes-mismatch"):
            how = "declares" if mismatch.kind == "hash-mismatch" else "serves bytes with"
            raise GateFailure(
                SERVED_MISMATCH,
                filename=mismatch.filename,
                how=how,
                served=mismatch.served,
                expected=mismatch.expected,
            )
    for name, sha256 in expected.items():
        log(f"{name}: served sha256 matches SHA256SUMS ({sha256[:16]}…)")
    return [{"file": name, "sha256": sha256} for name, sha256 in expected.items()]


# --- installing what the index serves -------------------------------------------


def _pip(venv_python: Path, *args: str, what: str, log: Log) -> None:
    command = [sys.executable, "-m", "pip", "--python", str(venv_python), "install",
               "--disable-pip-version-check", "--no-input", *args]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = scrub(done.stdout + done.stderr, log.secrets).strip()[-2000:]
        raise GateFailure(INSTALL_FAILED, what=what, code=done.returncode, output=output)


def install_and_smoke(release: Release, settings: Settings, log: Log) -> str:
    """Install the release from the index into a fresh venv and run ``<project> --version``."""
    with tempfile.TemporaryDirectory(prefix="publish-index-check-") as scratch:
        # No pip inside: the venv holds only the runtime closure and the release.
        venv, made = create_venv(sys.executable, Path(scratch) / "venv")
        if not made.ok:
            raise GateFailure(
                INSTALL_FAILED, what="a venv", code=made.returncode, output=made.tail()
            )
        python = venv.python
        lock = settings.runtime_lock
        if lock is not None and any(
            line.strip() and not line.lstrip().startswith("#")
            for line in lock.read_text(encoding="utf-8").splitlines()
        ):
            # The closure is the lock's (uv, hashes required); the release itself goes in
            # with pip below, from the index, as users install it.
            log(f"installing the runtime closure from {lock} (hash-locked)")
            synced = sync_locked(venv, lock)
            if not synced.ok:
                output = scrub(synced.output, log.secrets).strip()[-2000:]
                raise GateFailure(
                    INSTALL_FAILED, what=str(lock), code=synced.returncode, output=output
                )
        requirement = Path(scratch) / "release.txt"
        hashes = " ".join(f"--hash=sha256:{dist.sha256}" for dist in release.dists)
        requirement.write_text(f"{release.project}=={release.version} {hashes}\n", "utf-8")
        log(f"installing {release.project}=={release.version} from {settings.simple_url}")
        _pip(
            python,
            "--require-hashes", "--no-deps", "--no-cache-dir", "--only-binary", ":all:",
            "--index-url", settings.simple_url, "-r", str(requirement),
            what=f"{release.project}=={release.version}", log=log,
        )  # fmt: skip
        script = venv.bin / release.project
        command = [str(script), "--version"]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, cwd=scratch, timeout=120, check=False
            )
            code, output = done.returncode, (done.stdout + done.stderr).strip()
        except (OSError, subprocess.TimeoutExpired) as error:
            code, output = -1, str(error)
        if code != 0 or release.version not in output.split():
            raise GateFailure(
                SMOKE_FAILED,
                command=f"{release.project} --version",
                code=code,
                output=output[-500:],
                version=release.version,
            )
        log(f"`{release.project} --version` printed {output!r}")
        return output


def publish(settings: Settings) -> GateResult:
    """Upload (unless --verify-only), then run the index check and install the release."""
    log = Log(secrets_from(settings.env))
    retry.log_retries(log)
    release = read_release(settings.dist_dir)
    destination = settings.simple_url if settings.index_check_only else settings.repository_url
    files = ", ".join(d.filename for d in release.dists)
    log(f"{release.project} {release.version}: {files} -> {destination}")
    uploads: list[dict[str, Any]] = []
    if not settings.index_check_only:
        if not settings.env.get("TWINE_USERNAME") or not settings.env.get("TWINE_PASSWORD"):
            raise GateFailure(NO_CREDENTIALS)
        uploads = upload(release, settings.target(), log)
    listed = wait_until_visible(release, settings, log)
    served = check_served_files(release, listed, log)
    smoke_output = install_and_smoke(release, settings, log)
    verb = "verified on" if settings.index_check_only else "published to and verified on"
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=f"{release.project} {release.version} {verb} {settings.simple_url}",
        details={
            "project": release.project,
            "version": release.version,
            "index": settings.simple_url,
            "uploads": uploads,
            "served": served,
            "smoke": smoke_output,
            "log": log.lines,
        },
    )


# --- command line -------------------------------------------------------------


def default_simple_url(repository_url: str) -> str | None:
    """The simple API belonging to an upload URL, where it is known."""
    known = {
        "https://upload.pypi.org/legacy/": "https://pypi.org/simple/",
        "https://test.pypi.org/legacy/": "https://test.pypi.org/simple/",
    }
    if repository_url in known:
        return known[repository_url]
    if re.match(r"^http://127\.0\.0\.1:\d+/$", repository_url):  # pypiserver: uploads at /
        return repository_url + "simple/"
    return None


def parse_args(argv: Sequence[str], env: Mapping[str, str]) -> Settings:
    """Settings from the command line, with URLs defaulting to the environment."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.gates.publish",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="dists + SHA256SUMS")
    parser.add_argument(
        "--repository-url",
        default=env.get("TWINE_REPOSITORY_URL"),
        help="upload URL (default: $TWINE_REPOSITORY_URL)",
    )
    parser.add_argument(
        "--index-url",
        default=env.get("RELEASE_INDEX_SIMPLE_URL"),
        help="simple API URL (default: $RELEASE_INDEX_SIMPLE_URL or derived)",
    )
    parser.add_argument(
        "--verify-only", action="store_true", help="do not upload; only the index check"
    )
    parser.add_argument("--attempts", type=int, default=5, help="upload attempts per file")
    parser.add_argument("--backoff", type=float, default=2.0, help="first retry delay, s")
    parser.add_argument("--max-delay", type=float, default=60.0, help="longest retry delay, s")
    parser.add_argument(
        "--max-total", type=float, default=600.0, help="time budget for one file's retries, s"
    )
    parser.add_argument(
        "--upload-timeout",
        type=float,
        default=300.0,
        help="one upload attempt is killed after this, s",
    )
    parser.add_argument("--poll-attempts", type=int, default=8, help="simple API polls")
    parser.add_argument("--poll-backoff", type=float, default=2.0, help="first poll delay, s")
    parser.add_argument("--poll-total", type=float, default=300.0, help="poll budget, s")
    parser.add_argument(
        "--runtime-lock",
        default=str(paths.RUNTIME_LOCK),
        help="hash-locked runtime closure installed before the release ('none' to skip)",
    )
    args = parser.parse_args(argv)
    repository_url = args.repository_url
    if not args.verify_only and not repository_url:
        raise GateFailure(NO_REPOSITORY)
    simple_url = args.index_url or (default_simple_url(repository_url) if repository_url else None)
    if not simple_url:
        raise GateFailure(NO_INDEX_URL, repository=repository_url or "(none)")
    return Settings(
        dist_dir=args.dist,
        repository_url=repository_url,
        simple_url=simple_url,
        upload_policy=retry.RetryPolicy(
            args.attempts, args.backoff, args.max_delay, args.max_total
        ),
        poll_policy=retry.RetryPolicy(args.poll_attempts, args.poll_backoff, 30.0, args.poll_total),
        upload_timeout_s=args.upload_timeout,
        runtime_lock=None if args.runtime_lock == "none" else Path(args.runtime_lock),
        index_check_only=args.verify_only,
        env=dict(env),
    )


def scrubbed_run(argv: Sequence[str], env: Mapping[str, str]) -> GateResult:
    """Run the gate; whatever it reports (result or failure) goes through :func:`scrub`.

    Log lines are scrubbed as they are printed; this catches the rest (URLs with
    user:password@ in messages, details), so a credential never reaches the
    terminal or the JSON result.
    """
    secrets = secrets_from(env)
    try:
        result = publish(parse_args(argv, env))
    except GateFailure as failure:
        values = {key: scrub_value(value, secrets) for key, value in failure.values.items()}
        raise GateFailure(failure.problem, **values) from None
    return replace(
        result,
        summary=scrub(result.summary, secrets),
        details=scrub_value(result.details, secrets),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.gates.publish``."""
    return run_gate(GATE, lambda: scrubbed_run(sys.argv[1:] if argv is None else argv, os.environ))


if __name__ == "__main__":
    sys.exit(main())

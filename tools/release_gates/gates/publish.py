# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Gate ``publish``: upload the dists with twine, then check what the index really serves.

    python -m release_gates.gates.publish --dist dist --repository-url URL [--index-url SIMPLE_URL]
    python -m release_gates.gates.publish --verify-only --dist dist --index-url SIMPLE_URL

Credentials come from ``TWINE_USERNAME`` / ``TWINE_PASSWORD`` and are scrubbed
from every line this gate prints or records. The URLs default to
``TWINE_REPOSITORY_URL`` and ``RELEASE_INDEX_SIMPLE_URL`` (set by the rehearsal).

**Uploading.** A package index has no transactions: each file is published on
its own and, on PyPI, a file name can never be used again, even after deletion.
"Nothing half-published" therefore means, as far as an index allows:

1. everything that can be decided before the first upload is decided first:
   ``SHA256SUMS`` matches the dists, and no dist's file name is already on the
   index with other bytes (that would be a hard error half-way through);
2. files go up one at a time, wheel first: a py3-none-any wheel alone is a
   complete release for every pip user, while an sdist alone would make every
   user build from source;
3. every failure ends with the index re-read and the report naming exactly which
   files are published (with the right sha256) and which are not. Re-running the
   gate completes such a release: a file already there with the same sha256
   counts as published (that also covers an upload that landed but whose
   response was lost).

Each upload is retried with exponential backoff and jitter on HTTP 5xx, 429,
connection resets and timeouts, bounded in attempts and total time. Any other
4xx is not retried.

**Verifying** (always, and alone with ``--verify-only``, e.g. against PyPI): poll
the simple API until every dist of the exact version is listed (bounded),
compare the declared and the downloaded sha256 of each served file with
``SHA256SUMS``, then install the release from that index into a fresh venv
(runtime closure from ``security/runtime.txt`` with hashes, then the project with
``--no-deps`` and the sha256 of our dists, so pip can only accept our bytes) and
run ``<project> --version``.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.utils import parse_sdist_filename, parse_wheel_filename

from release_gates._internal import checksums, simple_index
from release_gates._internal.retry import Attempts, RetryPolicy
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "publish"
ROOT = Path(__file__).resolve().parents[3]
RUNTIME_LOCK = ROOT / "security" / "runtime.txt"

NO_DISTS = Problem(
    "publish.no-dists",
    "no wheel or sdist in {dist}",
    "Run the build gate first (`scripts/nox -s build`); it writes the dists and SHA256SUMS.",
)
NOT_ONE_RELEASE = Problem(
    "publish.not-one-release",
    "the dists in {dist} are not one release of one project: {found}",
    "Empty the dist directory and rebuild (`scripts/nox -s build`).",
)
BAD_CHECKSUMS = Problem(
    "publish.bad-checksums",
    "{dist}/SHA256SUMS does not vouch for the dists: {problems}",
    "Nothing was uploaded. Rebuild with `scripts/nox -s build`; never publish files that "
    "changed after SHA256SUMS was written.",
)
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
CONFLICTING_FILE = Problem(
    "publish.conflicting-file",
    "{filename} is already on {index} with sha256 {served}, but ours is {expected}; "
    "an index never replaces a file. Published: {published}; not published: {missing}",
    "Do not retry: these bytes can never be published under this name. Find out who uploaded "
    "the other file; release a new version (new tag) with the fix.",
)
UPLOAD_REJECTED = Problem(
    "publish.upload-rejected",
    "the index refused {filename} ({reason}); not retried. Published: {published}; "
    "not published: {missing}. twine said: {output}",
    "Check the credentials, the project's permissions on the index and the metadata; "
    "re-running is safe (files already there with the same sha256 count as published).",
)
UPLOAD_GAVE_UP = Problem(
    "publish.upload-gave-up",
    "{filename} still failed after {attempts} attempt(s) in {seconds} s (last: {reason}). "
    "Published: {published}; not published: {missing}",
    "The index is failing or unreachable. Re-run the publish gate later: it skips files that "
    "are already published with the same sha256 and uploads the rest.",
)
INDEX_UNREADABLE = Problem(
    "publish.index-unreadable",
    "cannot read the index: {reason}",
    "Check the --index-url and that the index is up; the gate cannot decide without reading it.",
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


# --- secrets ------------------------------------------------------------------

_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")


def secrets_from(env: Mapping[str, str]) -> list[str]:
    """The credential values in ``env`` that must never be printed."""
    values = [env.get("TWINE_PASSWORD", "")]
    username = env.get("TWINE_USERNAME", "")
    if username != "__token__":  # PyPI's fixed user name for tokens is not a secret
        values.append(username)
    return [value for value in values if value]


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret and any user:password@ in URLs replaced by ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _URL_USERINFO.sub(r"\g<scheme>***@", text)


# --- the dists ------------------------------------------------------------------


@dataclass(frozen=True)
class Dist:
    """One file of the release and the sha256 SHA256SUMS gives for it."""

    path: Path
    sha256: str
    is_wheel: bool

    @property
    def filename(self) -> str:
        """The file name on the index."""
        return self.path.name


@dataclass(frozen=True)
class Release:
    """The project, its version and its dists in upload order (wheels first)."""

    project: str
    version: str
    dists: tuple[Dist, ...]


def read_release(dist_dir: Path) -> Release:
    """The release in ``dist_dir``, with every dist vouched for by ``SHA256SUMS``."""
    paths = sorted(p for p in dist_dir.glob("*") if p.name.endswith(checksums.DIST_SUFFIXES))
    if not paths:
        raise GateFailure(NO_DISTS, dist=dist_dir)
    problems = checksums.verify_sha256sums(dist_dir / checksums.SUMS_NAME)
    if problems:
        raise GateFailure(BAD_CHECKSUMS, dist=dist_dir, problems="; ".join(map(str, problems)))
    sums, _ = checksums.read_sha256sums(dist_dir / checksums.SUMS_NAME)
    found: set[tuple[str, str]] = set()
    dists = []
    for path in paths:
        try:
            if path.name.endswith(".whl"):
                parsed_name, parsed_version, *_ = parse_wheel_filename(path.name)
            else:
                parsed_name, parsed_version = parse_sdist_filename(path.name)
        except ValueError as error:
            raise GateFailure(NOT_ONE_RELEASE, dist=dist_dir, found=str(error)) from error
        found.add((str(parsed_name), str(parsed_version)))
        dists.append(Dist(path, sums[path.name], path.name.endswith(".whl")))
    if len(found) != 1:
        raise GateFailure(NOT_ONE_RELEASE, dist=dist_dir, found=sorted(found))
    ((project, version),) = found
    dists.sort(key=lambda dist: (not dist.is_wheel, dist.filename))
    return Release(project, version, tuple(dists))


# --- reading the index --------------------------------------------------------


@dataclass
class Log:
    """Prints progress (scrubbed) and keeps it for the gate's details."""

    secrets: Sequence[str]
    lines: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        line = scrub(message, self.secrets)
        self.lines.append(line)
        print(f"publish: {line}", flush=True)


def read_index(
    simple_url: str, project: str, policy: RetryPolicy, log: Log
) -> dict[str, simple_index.IndexFile]:
    """The project's files on the index, retrying transient errors; fails closed."""
    last = ""
    attempts = Attempts(policy, on_wait=lambda n, d: log(f"reading the index again in {d:.1f} s"))
    for _ in attempts:
        try:
            return simple_index.project_files(simple_url, project)
        except simple_index.IndexReadError as error:
            last = str(error)
            log(f"cannot read the index: {last}")
            if not error.retryable:
                break
    raise GateFailure(INDEX_UNREADABLE, reason=last)


def served_sha256(entry: simple_index.IndexFile) -> str:
    """The sha256 of a file on the index: what it declares, else the downloaded bytes'."""
    try:
        return entry.sha256 or simple_index.served_sha256(entry.url)
    except simple_index.IndexReadError as error:
        raise GateFailure(INDEX_UNREADABLE, reason=str(error)) from error


def split_published(
    release: Release, simple_url: str, policy: RetryPolicy, log: Log
) -> tuple[list[str], list[str]]:
    """(published with our sha256, not published) file names, as the index says right now."""
    try:
        listed = read_index(simple_url, release.project, policy, log)
        published = [
            d.filename
            for d in release.dists
            if d.filename in listed and served_sha256(listed[d.filename]) == d.sha256
        ]
    except GateFailure:
        return [], ["unknown: the index could not be read"]
    return published, [d.filename for d in release.dists if d.filename not in published]


# --- uploading ------------------------------------------------------------------

_HTTP_ERROR = re.compile(r"HTTPError: (\d{3})")
_TRANSIENT = re.compile(
    r"ConnectionError|Connection aborted|ConnectionReset|RemoteDisconnected|BrokenPipe|"
    r"ProtocolError|Timeout|timed out|IncompleteRead|ChunkedEncodingError"
)


@dataclass(frozen=True)
class UploadOutcome:
    """One twine run: did it upload, why not, and may it be retried."""

    ok: bool
    reason: str
    retryable: bool
    output: str


def classify(returncode: int | None, output: str) -> UploadOutcome:
    """Decide from twine's exit code and output whether an upload failure is transient.

    ``returncode`` None means the attempt was killed at its timeout.
    """
    if returncode == 0:
        return UploadOutcome(True, "uploaded", False, output)
    if returncode is None:
        return UploadOutcome(False, "timed out", True, output)
    status = _HTTP_ERROR.search(output)
    if status:
        code = int(status.group(1))
        return UploadOutcome(False, f"HTTP {code}", code >= 500 or code == 429, output)
    if _TRANSIENT.search(output):
        return UploadOutcome(False, "connection reset or timeout", True, output)
    # Anything else (bad file, bad config, twine crash) is not something a retry fixes.
    return UploadOutcome(False, f"twine exit {returncode}", False, output)


def run_twine(
    dist: Dist, repository_url: str, env: Mapping[str, str], timeout_s: float, log: Log
) -> UploadOutcome:
    """Upload one file with twine, killed after ``timeout_s`` (twine sets no timeout itself).

    One request per run (see :mod:`standins.twine_once`): retries are ours.
    """
    command = [
        sys.executable, "-m", "standins.twine_once", "upload", "--non-interactive",
        "--disable-progress-bar", "--repository-url", repository_url, str(dist.path),
    ]  # fmt: skip
    twine_env = {
        **env,
        # Credentials come from TWINE_USERNAME/TWINE_PASSWORD only, never from a keyring
        # (which could prompt, or pick up someone's stored token).
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "COLUMNS": "200",
    }
    try:
        done = subprocess.run(
            command, env=twine_env, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"") + (expired.stderr or b"")
        text = output.decode(errors="replace") if isinstance(output, bytes) else output
        return classify(None, scrub(text, log.secrets))
    return classify(done.returncode, scrub(done.stdout + done.stderr, log.secrets))


@dataclass(frozen=True)
class Settings:
    """Everything the publish gate needs, from the command line and the environment."""

    dist_dir: Path
    repository_url: str | None
    simple_url: str
    upload_policy: RetryPolicy
    poll_policy: RetryPolicy
    upload_timeout_s: float
    runtime_lock: Path | None
    verify_only: bool
    env: Mapping[str, str]


def upload_failure(
    problem: Problem, release: Release, settings: Settings, log: Log, **values: Any
) -> GateFailure:
    """``problem`` plus which files the index already serves: a half-done release must say so."""
    published, missing = split_published(release, settings.simple_url, settings.poll_policy, log)
    return GateFailure(problem, published=published, missing=missing, **values)


def conflicting_file(
    dist: Dist, served: str, release: Release, settings: Settings, log: Log
) -> GateFailure:
    """The index serves other bytes under our file name: never overwrite, stop."""
    return upload_failure(
        CONFLICTING_FILE,
        release,
        settings,
        log,
        filename=dist.filename,
        index=settings.simple_url,
        served=served,
        expected=dist.sha256,
    )


def upload(release: Release, settings: Settings, log: Log) -> list[dict[str, Any]]:
    """Upload every dist not yet on the index; return what happened to each file."""
    assert settings.repository_url is not None
    listed = read_index(settings.simple_url, release.project, settings.upload_policy, log)
    already: set[str] = set()
    for dist in release.dists:  # decide every conflict before the first upload
        if dist.filename in listed:
            served = served_sha256(listed[dist.filename])
            if served != dist.sha256:
                raise conflicting_file(dist, served, release, settings, log)
            already.add(dist.filename)
            log(f"{dist.filename} is already on the index with the same sha256: nothing to do")
    report: list[dict[str, Any]] = []
    for dist in release.dists:
        if dist.filename in already:
            report.append({"file": dist.filename, "result": "already published", "attempts": 0})
            continue
        attempts = upload_one(dist, release, settings, log)
        report.append({"file": dist.filename, "result": "uploaded", "attempts": attempts})
    return report


def _state_on_index(dist: Dist, release: Release, settings: Settings, log: Log) -> str | None:
    """Our file's sha256 on the index (None if absent or the index cannot be read now)."""
    try:
        listed = simple_index.project_files(settings.simple_url, release.project)
        if dist.filename in listed:
            return served_sha256(listed[dist.filename])
    except simple_index.IndexReadError as error:
        log(f"could not check the index after the failure: {error}")
    except GateFailure as failure:
        log(f"could not check the index after the failure: {failure.message}")
    return None


def upload_one(dist: Dist, release: Release, settings: Settings, log: Log) -> int:
    """Upload one file with retries; return the number of attempts. Raises when it cannot."""
    assert settings.repository_url is not None
    start = time.monotonic()
    last = UploadOutcome(False, "not attempted", True, "")

    def on_wait(attempt: int, delay: float) -> None:
        log(
            f"retrying {dist.filename} in {delay:.1f} s "
            f"(attempt {attempt}/{settings.upload_policy.attempts}, last: {last.reason})"
        )

    attempts = Attempts(settings.upload_policy, on_wait=on_wait)
    for attempt in attempts:
        log(f"uploading {dist.filename} (attempt {attempt})")
        last = run_twine(
            dist, settings.repository_url, settings.env, settings.upload_timeout_s, log
        )
        if last.ok:
            return attempt
        log(f"upload of {dist.filename} failed: {last.reason}")
        # The upload may have landed although the client saw an error (lost response,
        # or "already exists" on a re-run): the index decides.
        served = _state_on_index(dist, release, settings, log)
        if served == dist.sha256:
            log(f"{dist.filename} is on the index with the same sha256: published")
            return attempt
        if served is not None:
            raise conflicting_file(dist, served, release, settings, log)
        if not last.retryable:
            raise upload_failure(
                UPLOAD_REJECTED,
                release,
                settings,
                log,
                filename=dist.filename,
                reason=last.reason,
                output=last.output.strip()[-1500:],
            )
    raise upload_failure(
        UPLOAD_GAVE_UP,
        release,
        settings,
        log,
        filename=dist.filename,
        attempts=attempts.last_attempt,
        seconds=round(time.monotonic() - start, 1),
        reason=last.reason,
    )


# --- verifying what the index serves --------------------------------------------


def wait_until_visible(
    release: Release, settings: Settings, log: Log
) -> dict[str, simple_index.IndexFile]:
    """Poll the simple API with backoff until every dist of the release is listed."""
    start = time.monotonic()
    wanted = {dist.filename for dist in release.dists}
    missing = sorted(wanted)
    attempts = Attempts(
        settings.poll_policy,
        on_wait=lambda n, d: log(f"not listed yet: {missing}; next look in {d:.1f} s"),
    )
    for _ in attempts:
        try:
            listed = simple_index.project_files(settings.simple_url, release.project)
        except simple_index.IndexReadError as error:
            log(f"cannot read the index yet: {error}")
            continue
        missing = sorted(wanted - set(listed))
        if not missing:
            return listed
    raise GateFailure(
        NOT_VISIBLE,
        seconds=round(time.monotonic() - start, 1),
        index=settings.simple_url,
        missing=missing,
        project=release.project,
        version=release.version,
    )


def check_served_files(
    release: Release, listed: Mapping[str, simple_index.IndexFile], log: Log
) -> list[dict[str, str]]:
    """Declared and downloaded sha256 of every served dist must equal SHA256SUMS."""
    checked = []
    for dist in release.dists:
        entry = listed[dist.filename]
        if entry.sha256 is not None and entry.sha256 != dist.sha256:
            raise GateFailure(
                SERVED_MISMATCH,
                filename=dist.filename,
                how="declares",
                served=entry.sha256,
                expected=dist.sha256,
            )
        try:
            served = simple_index.served_sha256(entry.url)
        except simple_index.IndexReadError as error:
            raise GateFailure(INDEX_UNREADABLE, reason=str(error)) from error
        if served != dist.sha256:
            raise GateFailure(
                SERVED_MISMATCH,
                filename=dist.filename,
                how="serves bytes with",
                served=served,
                expected=dist.sha256,
            )
        log(f"{dist.filename}: served sha256 matches SHA256SUMS ({served[:16]}…)")
        checked.append({"file": dist.filename, "sha256": served})
    return checked


def _pip(venv_python: Path, *args: str, what: str, log: Log) -> None:
    command = [sys.executable, "-m", "pip", "--python", str(venv_python), "install",
               "--disable-pip-version-check", "--no-input", *args]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = scrub(done.stdout + done.stderr, log.secrets).strip()[-2000:]
        raise GateFailure(INSTALL_FAILED, what=what, code=done.returncode, output=output)


def install_and_smoke(release: Release, settings: Settings, log: Log) -> str:
    """Install the release from the index into a fresh venv and run ``<project> --version``."""
    with tempfile.TemporaryDirectory(prefix="publish-verify-") as scratch:
        venv = Path(scratch) / "venv"
        # No pip inside: the venv holds only the runtime closure and the release.
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = venv / "bin" / "python"
        lock = settings.runtime_lock
        if lock is not None and any(
            line.strip() and not line.lstrip().startswith("#")
            for line in lock.read_text(encoding="utf-8").splitlines()
        ):
            log(f"installing the runtime closure from {lock} (hash-locked)")
            _pip(python, "--require-hashes", "--no-deps", "-r", str(lock), what=str(lock), log=log)
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
        script = venv / "bin" / release.project
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
    """Upload (unless verify-only), then verify the release on the index."""
    log = Log(secrets_from(settings.env))
    release = read_release(settings.dist_dir)
    log(
        f"{release.project} {release.version}: {', '.join(d.filename for d in release.dists)} "
        f"-> {settings.repository_url if not settings.verify_only else settings.simple_url}"
    )
    uploads: list[dict[str, Any]] = []
    if not settings.verify_only:
        if not settings.env.get("TWINE_USERNAME") or not settings.env.get("TWINE_PASSWORD"):
            raise GateFailure(NO_CREDENTIALS)
        uploads = upload(release, settings, log)
    listed = wait_until_visible(release, settings, log)
    served = check_served_files(release, listed, log)
    smoke_output = install_and_smoke(release, settings, log)
    verb = "verified on" if settings.verify_only else "published to and verified on"
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
        "--verify-only", action="store_true", help="do not upload; verify what the index serves"
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
        default=str(RUNTIME_LOCK),
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
        upload_policy=RetryPolicy(args.attempts, args.backoff, args.max_delay, args.max_total),
        poll_policy=RetryPolicy(args.poll_attempts, args.poll_backoff, 30.0, args.poll_total),
        upload_timeout_s=args.upload_timeout,
        runtime_lock=None if args.runtime_lock == "none" else Path(args.runtime_lock),
        verify_only=args.verify_only,
        env=dict(env),
    )


def _scrub_value(value: Any, secrets: Sequence[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, (list, tuple)):
        return [_scrub_value(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item, secrets) for key, item in value.items()}
    text = str(value)
    return scrub(text, secrets) if scrub(text, secrets) != text else value


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
        values = {key: _scrub_value(value, secrets) for key, value in failure.values.items()}
        raise GateFailure(failure.problem, **values) from None
    return replace(
        result,
        summary=scrub(result.summary, secrets),
        details=_scrub_value(result.details, secrets),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m release_gates.gates.publish``."""
    return run_gate(GATE, lambda: scrubbed_run(sys.argv[1:] if argv is None else argv, os.environ))


if __name__ == "__main__":
    sys.exit(main())

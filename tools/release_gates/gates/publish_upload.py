# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The publish gate's upload: one file at a time, wheel first, retried, never half-told.

A package index has no transactions, and a file name can never be used again
(even after deletion, on PyPI). So, as far as an index allows:

1. every conflict is decided before the first upload: a dist whose file name is
   already on the index with other bytes stops everything;
2. files go up one at a time, wheel first (a py3-none-any wheel alone is a
   complete release for every pip user);
3. every failure re-reads the index and names exactly which files are published
   (with our sha256) and which are not. A file already there with our sha256
   counts as published, so re-running completes a half-done release (and an
   upload whose response was lost).

Each upload runs ``twine upload`` through :mod:`standins.twine_once` (one HTTP
request per run), killed after a timeout, and is retried by
:mod:`~release_gates._internal.retry` on 5xx, 429, resets and timeouts; any
other 4xx is not retried.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from release_gates._internal import index, retry
from release_gates._internal.retry import Transient
from release_gates.gates.publish_release import Dist, Log, Release, scrub
from release_gates.problems import GateFailure, Problem

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


@dataclass(frozen=True)
class Target:
    """Where and how to upload: the upload URL, the index's simple API, the policies."""

    repository_url: str
    simple_url: str
    env: Mapping[str, str]
    timeout_s: float
    upload_policy: retry.RetryPolicy
    read_policy: retry.RetryPolicy


# --- reading the index ------------------------------------------------------------


def read_index(
    simple_url: str, project: str, policy: retry.RetryPolicy
) -> dict[str, index.IndexFile]:
    """The project's files on the index, retrying transient errors; fails closed."""

    try:
        for attempt in retry.attempts(policy, Transient):
            with attempt:
                try:
                    return index.project_files(simple_url, project)
                except index.IndexReadError as error:
                    if error.retryable:
                        raise Transient("reading the index", error.reason) from error
                    raise GateFailure(INDEX_UNREADABLE, reason=str(error)) from error
    except Transient as error:
        raise GateFailure(INDEX_UNREADABLE, reason=error.reason) from error
    raise AssertionError("unreachable: stamina made no attempt")


def served_sha256(entry: index.IndexFile) -> str:
    """The sha256 of a file on the index: what it declares, else the downloaded bytes'."""
    try:
        return entry.sha256 or index.served_sha256(entry.url)
    except index.IndexReadError as error:
        raise GateFailure(INDEX_UNREADABLE, reason=str(error)) from error


def split_published(release: Release, target: Target) -> tuple[list[str], list[str]]:
    """(published with our sha256, not published) file names, as the index says right now."""
    try:
        listed = read_index(target.simple_url, release.project, target.read_policy)
        published = [
            d.filename
            for d in release.dists
            if d.filename in listed and served_sha256(listed[d.filename]) == d.sha256
        ]
    except GateFailure:
        return [], ["unknown: the index could not be read"]
    return published, [d.filename for d in release.dists if d.filename not in published]


def upload_failure(
    problem: Problem, release: Release, target: Target, **values: Any
) -> GateFailure:
    """``problem`` plus which files the index already serves: a half-done release must say so."""
    published, missing = split_published(release, target)
    return GateFailure(problem, published=published, missing=missing, **values)


def conflicting_file(dist: Dist, served: str, release: Release, target: Target) -> GateFailure:
    """The index serves other bytes under our file name: never overwrite, stop."""
    return upload_failure(
        CONFLICTING_FILE,
        release,
        target,
        filename=dist.filename,
        index=target.simple_url,
        served=served,
        expected=dist.sha256,
    )


# --- uploading ---------------------------------------------------------------------

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


def upload(release: Release, target: Target, log: Log) -> list[dict[str, Any]]:
    """Upload every dist not yet on the index; return what happened to each file."""
    listed = read_index(target.simple_url, release.project, target.upload_policy)
    already: set[str] = set()
    for dist in release.dists:  # decide every conflict before the first upload
        if dist.filename in listed:
            served = served_sha256(listed[dist.filename])
            if served != dist.sha256:
                raise conflicting_file(dist, served, release, target)
            already.add(dist.filename)
            log(f"{dist.filename} is already on the index with the same sha256: nothing to do")
    report: list[dict[str, Any]] = []
    for dist in release.dists:
        if dist.filename in already:
            report.append({"file": dist.filename, "result": "already published", "attempts": 0})
            continue
        attempts = upload_one(dist, release, target, log)
        report.append({"file": dist.filename, "result": "uploaded", "attempts": attempts})
    return report


def _state_on_index(dist: Dist, release: Release, target: Target, log: Log) -> str | None:
    """Our file's sha256 on the index (None if absent or the index cannot be read now)."""
    try:
        listed = index.project_files(target.simple_url, release.project)
        if dist.filename in listed:
            return served_sha256(listed[dist.filename])
    except index.IndexReadError as error:
        log(f"could not check the index after the failure: {error}")
    except GateFailure as failure:
        log(f"could not check the index after the failure: {failure.message}")
    return None


def upload_one(dist: Dist, release: Release, target: Target, log: Log) -> int:
    """Upload one file with retries; return the number of attempts. Raises when it cannot."""
    start = time.monotonic()
    tried = 0
    try:
        for attempt in retry.attempts(target.upload_policy, Transient):
            with attempt:
                tried = attempt.num
                log(f"uploading {dist.filename} (attempt {tried})")
                outcome = run_twine(dist, target.repository_url, target.env, target.timeout_s, log)
                if outcome.ok:
                    return tried
                log(f"upload of {dist.filename} failed: {outcome.reason}")
                # The upload may have landed although the client saw an error (lost
                # response, or "already exists" on a re-run): the index decides.
                served = _state_on_index(dist, release, target, log)
                if served == dist.sha256:
                    log(f"{dist.filename} is on the index with the same sha256: published")
                    return tried
                if served is not None:
                    raise conflicting_file(dist, served, release, target)
                if not outcome.retryable:
                    raise upload_failure(
                        UPLOAD_REJECTED,
                        release,
                        target,
                        filename=dist.filename,
                        reason=outcome.reason,
                        output=outcome.output.strip()[-1500:],
                    )
                raise Transient(dist.filename, outcome.reason)
    except Transient as error:
        raise upload_failure(
            UPLOAD_GAVE_UP,
            release,
            target,
            filename=dist.filename,
            attempts=tried,
            seconds=round(time.monotonic() - start, 1),
            reason=error.reason,
        ) from None
    raise AssertionError("unreachable: stamina made no attempt")

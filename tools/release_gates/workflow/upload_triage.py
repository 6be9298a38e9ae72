# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""After a failed upload attempt in the workflow: was it transient (retry) or permanent (stop)?

    python -m release_gates.workflow.upload_triage --dist dist --sums checksums/SHA256SUMS \\
        --index-url https://pypi.org/simple/ --index-base https://pypi.org

publish.yml uploads with pypa/gh-action-pypi-publish, whose error text no later
step can read. So this step decides from what can be observed afterwards, and
the retry step runs only when it writes ``retry=true`` to ``$GITHUB_OUTPUT``:

1. **Done** — every dist is on the index with our sha256 (the upload landed and
   something after it failed, or the response was lost): no retry, success.
2. **Permanent** — fails the job, no retry:
   * a dist's file name is on the index with *other* bytes ("File already
     exists"; an index never replaces a file);
   * the version is a local version (``+abc``), which indexes refuse;
   * the trusted publisher is refused: the same OIDC token exchange the action
     makes (``/_/oidc/audience``, the job's OIDC token, ``/_/oidc/mint-token``)
     answers 4xx, e.g. ``invalid-publisher``. The minted token, on success, is
     discarded unused and never printed.
3. **Transient** — none of the above, and the index and the exchange answered:
   wait (bounded, with jitter), then ``retry=true``. An index or exchange that
   answers 5xx, 429 or not at all is transient too; if the index cannot be read
   at all the step fails (it cannot tell "done" from "conflict").

Other 4xx rejections of the upload itself (invalid metadata) cannot be seen here;
the build gate's ``twine check --strict`` and the version gate catch them before.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from release_gates._internal import checksums, index, retry
from release_gates.problems import GateFailure, Problem
from release_gates.result import GateResult, Status, run_gate

GATE = "upload_triage"
DONE, PERMANENT, TRANSIENT = "done", "permanent", "transient"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

BAD_DISTS = Problem(
    "upload_triage.bad-dists",
    "the dists in {dist} are not vouched for by {sums}: {problems}",
    "Re-run the whole workflow from the build; never upload files SHA256SUMS does not name.",
)
CONFLICTING_FILE = Problem(
    "upload_triage.conflicting-file",
    "permanent, not retried: {files} already on {index} with other bytes than ours "
    '(an index never replaces a file; this is PyPI\'s "400 File already exists")',
    "Release a new version (bump, changelog, tag). Find out where the other file came from "
    "before anything else.",
)
LOCAL_VERSION = Problem(
    "upload_triage.local-version",
    "permanent, not retried: {version!r} is a local version, which {index} refuses",
    "Release a public version (no `+...` part); the version gate refuses local versions.",
)
PUBLISHER_REFUSED = Problem(
    "upload_triage.publisher-refused",
    "permanent, not retried: {exchange} refused this workflow's OIDC token (HTTP {status}): "
    "{errors}",
    "Fix the trusted publisher on the index (owner, repository, workflow file name, "
    "environment must match this run; see docs/setup.md), then re-run the failed jobs.",
)
INDEX_UNREADABLE = Problem(
    "upload_triage.index-unreadable",
    "cannot tell a transient from a permanent failure: {index} cannot be read ({reason})",
    "Re-run the failed jobs once the index answers: files already there with our sha256 "
    "count as published, so a re-run is safe.",
)
NO_OIDC = Problem(
    "upload_triage.no-oidc",
    "cannot check the trusted publisher: {missing} not set (the job needs id-token: write)",
    "Run the triage in the publish job, which has id-token: write; or pass "
    "--no-publisher-check where no trusted publishing is involved.",
)


@dataclass(frozen=True)
class Triage:
    """The decision and why."""

    verdict: str
    reason: str
    details: Mapping[str, Any]


def our_files(dist: Path, sums: Path) -> dict[str, str]:
    """``{file name: sha256}`` of the dists in ``dist``, each vouched for by ``sums``."""
    try:
        listed = checksums.load_sha256sums(sums)  # fails closed: no half-read SHA256SUMS
    except GateFailure as failure:
        raise GateFailure(BAD_DISTS, dist=dist, sums=sums, problems=failure.message) from failure
    files = {p.name: checksums.sha256_file(p) for p in sorted(dist.glob("*"))}
    files = {n: d for n, d in files.items() if n.endswith(checksums.DIST_SUFFIXES)}
    problems = [
        f"{name} has sha256 {digest}, SHA256SUMS says {listed.get(name)}"
        for name, digest in files.items()
        if listed.get(name) != digest
    ]
    if problems or not files:
        raise GateFailure(
            BAD_DISTS, dist=dist, sums=sums, problems="; ".join(problems) or "no dists"
        )
    return files


def release_of(files: Mapping[str, str]) -> tuple[str, str]:
    """(project, version) from the dists' file names."""
    name = next(iter(files))
    if name.endswith(".whl"):
        project, version, *_ = parse_wheel_filename(name)
    else:
        project, version = parse_sdist_filename(name)
    return str(project), str(version)


def served(index_url: str, project: str, attempts: int, pause: float) -> dict[str, str | None]:
    """``{file name: sha256 the index declares or serves}``; transient errors retried briefly.

    At most ``attempts`` reads, about ``pause`` seconds apart (stamina, with jitter);
    an index that still cannot be read fails (:data:`INDEX_UNREADABLE`).
    """
    policy = retry.RetryPolicy(
        attempts=attempts, base_delay_s=pause, max_delay_s=pause, max_total_s=attempts * pause + 60
    )
    try:
        for attempt in retry.attempts(policy, retry.Transient):
            with attempt:
                try:
                    listed = index.project_files(index_url, project)
                    return {
                        name: entry.sha256 or index.served_sha256(entry.url)
                        for name, entry in listed.items()
                    }
                except index.IndexReadError as error:
                    if error.retryable:
                        raise retry.Transient("reading the index", error.reason) from error
                    raise GateFailure(
                        INDEX_UNREADABLE, index=index_url, reason=error.reason
                    ) from error
    except retry.Transient as error:
        raise GateFailure(INDEX_UNREADABLE, index=index_url, reason=error.reason) from error
    raise AssertionError("unreachable: stamina made no attempt")


def _request(url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None,
             timeout: float = 30.0) -> tuple[int, Any]:  # fmt: skip
    """(HTTP status, parsed JSON body or None); status 0 when nothing answered."""
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}))  # noqa: S310
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, body = int(response.status), response.read()
    except urllib.error.HTTPError as error:
        status, body = int(error.code), error.read()
        error.close()
    except (urllib.error.URLError, OSError):
        return 0, None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def check_publisher(index_base: str, env: Mapping[str, str]) -> str:
    """Exchange this job's OIDC token like trusted publishing does; say what happened.

    A refusal (4xx other than 429) raises :data:`PUBLISHER_REFUSED`: it is permanent.
    """
    missing = [v for v in ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
               if not env.get(v)]  # fmt: skip
    if missing:
        raise GateFailure(NO_OIDC, missing=" and ".join(missing))
    base = index_base.rstrip("/")
    status, body = _request(f"{base}/_/oidc/audience")
    if status != 200 or not isinstance(body, dict) or "audience" not in body:
        return f"{base}/_/oidc/audience answered HTTP {status}"
    audience = urllib.parse.quote(str(body["audience"]), safe="")
    separator = "&" if "?" in env["ACTIONS_ID_TOKEN_REQUEST_URL"] else "?"
    status, body = _request(
        f"{env['ACTIONS_ID_TOKEN_REQUEST_URL']}{separator}audience={audience}",
        headers={"Authorization": f"bearer {env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']}"},
    )
    if status != 200 or not isinstance(body, dict) or not body.get("value"):
        return f"the job's OIDC token could not be had (HTTP {status})"
    exchange = f"{base}/_/oidc/mint-token"
    status, body = _request(
        exchange,
        data=json.dumps({"token": body["value"]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status == 200:
        return "the trusted publisher accepts this workflow"  # the token is dropped here
    if 400 <= status < 500 and status != 429:
        errors = body.get("errors", []) if isinstance(body, dict) else []
        listing = "; ".join(f"{e.get('code')}: {e.get('description')}" for e in errors)
        raise GateFailure(
            PUBLISHER_REFUSED, exchange=exchange, status=status, errors=listing or "no details"
        )
    return f"{exchange} answered HTTP {status or 'nothing'}"


@dataclass(frozen=True)
class Settings:
    """Where to look and how long to wait."""

    dist: Path
    sums: Path
    index: str
    index_base: str | None
    backoff_s: float
    read_attempts: int


def triage(settings: Settings, env: Mapping[str, str], rng: random.Random) -> Triage:
    """Decide; raise :class:`GateFailure` for a permanent failure."""
    files = our_files(settings.dist, settings.sums)
    project, version = release_of(files)
    if Version(version).local is not None:
        raise GateFailure(LOCAL_VERSION, version=version, index=settings.index)
    on_index = served(settings.index, project, settings.read_attempts, settings.backoff_s / 4)
    conflicts = sorted(n for n in files if n in on_index and on_index[n] != files[n])
    if conflicts:
        raise GateFailure(CONFLICTING_FILE, files=", ".join(conflicts), index=settings.index)
    published = sorted(n for n in files if on_index.get(n) == files[n])
    details: dict[str, Any] = {
        "published": published,
        "missing": sorted(set(files) - set(published)),
    }
    if len(published) == len(files):
        return Triage(
            DONE, "every dist is on the index with our sha256: the upload landed", details
        )
    publisher = "not checked (--no-publisher-check)"
    if settings.index_base is not None:
        publisher = check_publisher(settings.index_base, env)
    details["publisher"] = publisher
    delay = settings.backoff_s / 2 + rng.uniform(0, settings.backoff_s / 2)
    details["waited_s"] = round(delay, 1)
    time.sleep(delay)  # the retry must not hit the same outage
    return Triage(
        TRANSIENT,
        f"no permanent cause found ({publisher}; not on the index yet: "
        f"{', '.join(details['missing'])}): retrying once after {delay:.0f} s",
        details,
    )


def write_output(retry: bool) -> None:
    """``retry=true|false`` into ``$GITHUB_OUTPUT`` (when set)."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"retry={'true' if retry else 'false'}\n")


def run(args: argparse.Namespace) -> GateResult:
    """The step's work: decide, record ``retry=``, report."""
    settings = Settings(
        dist=args.dist,
        sums=args.sums,
        index=args.index_url,
        index_base=None if args.no_publisher_check else args.index_base,
        backoff_s=args.backoff,
        read_attempts=args.read_attempts,
    )
    try:
        decided = triage(settings, os.environ, random.SystemRandom())
    except GateFailure:
        write_output(False)
        raise
    write_output(decided.verdict == TRANSIENT)
    return GateResult(
        gate=GATE,
        status=Status.PASSED,
        summary=f"{decided.verdict}: {decided.reason}",
        details={"verdict": decided.verdict, **decided.details},
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m release_gates.workflow.upload_triage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="the dists uploaded")
    parser.add_argument("--sums", type=Path, required=True, help="their SHA256SUMS")
    parser.add_argument("--index-url", required=True, help="the index's simple API")
    parser.add_argument(
        "--index-base", default="https://pypi.org", help="where /_/oidc/ lives (trusted publishing)"
    )
    parser.add_argument(
        "--no-publisher-check",
        action="store_true",
        help="do not exchange an OIDC token (no trusted publishing involved)",
    )
    parser.add_argument("--backoff", type=float, default=60.0, help="wait before a retry, s")
    parser.add_argument("--read-attempts", type=int, default=4, help="reads of the index")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_gate(GATE, lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())

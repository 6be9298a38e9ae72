# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The publish gate end to end: real twine, real pypiserver, real pip, a scripted faulty proxy.

Each test builds a tiny release (``duckalog 0.0.N``: a wheel with a ``duckalog``
console script and an sdist) plus its SHA256SUMS and runs
``python -m release_gates.gates.publish`` as the workflow would. One pypiserver serves
the module (starting it costs seconds); every test releases its own version, so
tests do not see each other's files. Backoff is shortened through the gate's own
options so the suite stays fast.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.checksums import write_sha256sums
from release_gates._internal.index import project_files
from standins.fault_proxy import (
    Answer,
    Delay,
    Forward,
    ForwardThenAnswer,
    Reset,
    fault_proxy,
)
from standins.index_seed import pack_wheel
from standins.local_index import LocalIndex, local_index

FAST = ["--backoff", "0.2", "--max-delay", "0.5", "--poll-backoff", "0.2", "--poll-attempts", "3"]
_versions = itertools.count(1)


def make_release(
    dist: Path, version: str, *, marker: str = "", prints: str | None = None
) -> list[Path]:
    """Write a tiny wheel + sdist of ``duckalog`` and their SHA256SUMS into ``dist``.

    ``marker`` changes the bytes without changing the file names; ``prints`` is
    what ``duckalog --version`` prints (default ``duckalog <version>``).
    """
    dist.mkdir(parents=True, exist_ok=True)
    name, info = "duckalog", f"duckalog-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test {marker}\n"
    files = {
        f"{name}/__init__.py": f"# {marker}\n",
        f"{name}/cli.py": f"def main():\n    print({prints or f'{name} {version}'!r})\n",
        f"{info}/METADATA": metadata,
        f"{info}/entry_points.txt": f"[console_scripts]\n{name} = {name}.cli:main\n",
    }
    wheel = dist / f"{name}-{version}-py3-none-any.whl"
    pack_wheel(wheel, info, {path: text.encode() for path, text in files.items()})
    sdist = dist / f"{name}-{version}.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for path, content in {"PKG-INFO": metadata, "README": marker}.items():
            data = content.encode()
            member = tarfile.TarInfo(f"{name}-{version}/{path}")
            member.size, member.mtime = len(data), 1580601600
            archive.addfile(member, io.BytesIO(data))
    write_sha256sums(dist, [wheel, sdist])
    return [wheel, sdist]


@dataclass
class Release:
    """This test's release: its folder, version, file names and their sha256."""

    dist: Path
    version: str
    wheel: str
    sdist: str
    sha256: dict[str, str]


def new_release(dist: Path, prints: str | None = None) -> Release:
    """A release of a version no other test uses, written by :func:`make_release`."""
    version = f"0.0.{next(_versions)}"
    wheel, sdist = make_release(dist, version, prints=prints)
    sha256 = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (wheel, sdist)}
    return Release(dist, version, wheel.name, sdist.name, sha256)


def run_publish(
    release: Release, index: LocalIndex, *args: str, password: str | None = None
) -> Run:
    credentials = {
        "TWINE_USERNAME": index.username,
        "TWINE_PASSWORD": index.password if password is None else password,
    }
    return run_gate_cli(
        "publish",
        ["--dist", str(release.dist), "--index-url", index.simple_url, "--runtime-lock", "none",
         *FAST, *args],
        release.dist.parent,
        env=credentials,
    )  # fmt: skip


def twine_upload(index: LocalIndex, *files: Path) -> None:
    """Put files on the index directly (set-up, not the gate under test)."""
    env = {**os.environ, "TWINE_USERNAME": index.username, "TWINE_PASSWORD": index.password}
    subprocess.run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
         "--repository-url", index.upload_url, *map(str, files)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def on_index(index: LocalIndex, release: Release) -> dict[str, str | None]:
    """File name -> sha256 of what the index lists for this test's version."""
    listed = project_files(index.simple_url, "duckalog")
    wanted = {release.wheel, release.sdist}
    return {name: entry.sha256 for name, entry in listed.items() if name in wanted}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    with local_index(tmp_path_factory.mktemp("index")) as running:
        yield running


@pytest.fixture
def release(tmp_path: Path) -> Release:
    return new_release(tmp_path / "dist")


def test_publishes_verifies_and_a_rerun_is_idempotent(index: LocalIndex, release: Release) -> None:
    first = run_publish(release, index, "--repository-url", index.upload_url)
    assert first.returncode == 0, first.output
    assert on_index(index, release) == release.sha256
    uploads = first.result["details"]["uploads"]
    assert [(u["file"], u["result"]) for u in uploads] == [
        (release.wheel, "uploaded"),  # wheel first: alone it is a complete release for pip users
        (release.sdist, "uploaded"),
    ]
    assert f"`duckalog --version` printed 'duckalog {release.version}'" in first.output

    again = run_publish(release, index, "--repository-url", index.upload_url)
    assert again.returncode == 0, again.output
    assert {u["result"] for u in again.result["details"]["uploads"]} == {"already published"}


def test_503_twice_then_ok_succeeds_after_two_logged_retries(
    index: LocalIndex, release: Release
) -> None:
    with fault_proxy(index.url, [Answer(503), Answer(503)]) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url)
        actions = proxy.uploads()
    assert run.returncode == 0, run.output
    # One request per attempt: twine's own immediate 5xx retries are switched off.
    assert actions == [Answer(503), Answer(503), Forward(), Forward()]
    retries = [line for line in run.output.splitlines() if "retrying" in line]
    assert len(retries) == 2, run.output
    assert all(release.wheel in line and "HTTP 503" in line for line in retries)
    assert on_index(index, release) == release.sha256


def test_a_timeout_and_a_429_are_retried(index: LocalIndex, release: Release) -> None:
    # twine has no timeout of its own: the gate kills an attempt that hangs.
    with fault_proxy(index.url, [Delay(120), Answer(429)]) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url, "--upload-timeout", "15")
        actions = proxy.uploads()
    assert run.returncode == 0, run.output
    assert actions[:2] == [Delay(120), Answer(429)]
    retries = [line for line in run.output.splitlines() if "retrying" in line]
    assert "last: timed out" in retries[0]
    assert "last: HTTP 429" in retries[1]
    assert on_index(index, release) == release.sha256


def test_always_503_fails_after_bounded_attempts_with_nothing_published(
    index: LocalIndex, release: Release
) -> None:
    with fault_proxy(index.url, [], then=Answer(503)) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url, "--attempts", "3")
        actions = proxy.uploads()
    assert run.returncode == 1
    assert run.problem == "publish.upload-gave-up"
    assert actions == [Answer(503)] * 3  # the wheel 3 times; the sdist is never tried
    assert on_index(index, release) == {}
    assert f"not published: ['{release.wheel}', '{release.sdist}']" in run.output


def test_a_failure_half_way_names_what_is_published_and_a_rerun_completes(
    index: LocalIndex, release: Release
) -> None:
    with fault_proxy(index.url, [Forward()], then=Answer(502)) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url, "--attempts", "2")
    assert run.problem == "publish.upload-gave-up"
    assert f"Published: ['{release.wheel}']; not published: ['{release.sdist}']" in run.output
    assert on_index(index, release) == {release.wheel: release.sha256[release.wheel]}

    rerun = run_publish(release, index, "--repository-url", index.upload_url)
    assert rerun.returncode == 0, rerun.output
    assert on_index(index, release) == release.sha256


@pytest.mark.parametrize(
    "answer",
    [
        Answer(400),
        # What PyPI answers for a reused file name, and for a file deleted earlier.
        Answer(400, "400 File already exists ('duckalog-0.2.0.tar.gz', with blake2_256 hash)"),
        Answer(400, "This filename has already been used, use a different version."),
        # And for a refused trusted publisher / token.
        Answer(403, "Invalid API Token: invalid-publisher: valid token, but no publisher"),
    ],
    ids=["bare-400", "file-already-exists", "filename-reused", "invalid-publisher"],
)
def test_a_4xx_is_not_retried(index: LocalIndex, release: Release, answer: Answer) -> None:
    with fault_proxy(index.url, [], then=answer) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url)
        actions = proxy.uploads()
    assert run.problem == "publish.upload-rejected"
    assert actions == [answer]  # one attempt: a permanent error is never retried
    assert "retrying" not in run.output
    assert f"HTTP {answer.code}" in str(run.result["summary"])
    assert on_index(index, release) == {}


def test_a_wrong_password_is_refused_by_the_real_index_without_retry(
    index: LocalIndex, release: Release
) -> None:
    run = run_publish(release, index, "--repository-url", index.upload_url, password="wrong-pw")
    assert run.problem == "publish.upload-rejected"
    assert "HTTP 403" in run.output
    assert run.output.count("uploading ") == 1
    assert "wrong-pw" not in run.output


def test_same_file_name_with_other_content_is_a_hard_error_before_any_upload(
    tmp_path: Path, index: LocalIndex, release: Release
) -> None:
    theirs = make_release(tmp_path / "theirs", release.version, marker="someone else's bytes")
    twine_upload(index, theirs[1])  # their sdist, under our sdist's name
    before = on_index(index, release)
    with fault_proxy(index.url, []) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url)
        actions = proxy.uploads()
    assert run.problem == "publish.conflicting-file"
    assert release.sdist in str(run.result["summary"])
    assert actions == []  # decided before the first upload: not even the wheel went up
    assert on_index(index, release) == before


def test_a_lost_response_and_a_reset_end_published_without_duplicate_uploads(
    index: LocalIndex, release: Release
) -> None:
    # The wheel lands but the client sees 502; the sdist's first request is reset.
    with fault_proxy(index.url, [ForwardThenAnswer(502), Reset()]) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url)
        actions = proxy.uploads()
    assert run.returncode == 0, run.output
    assert actions == [ForwardThenAnswer(502), Reset(), Forward()]  # the wheel is not re-sent
    assert f"{release.wheel} is on the index with the same sha256: published" in run.output
    assert "connection reset or timeout" in run.output
    assert on_index(index, release) == release.sha256


def test_post_publish_verification_catches_a_served_file_that_differs(
    index: LocalIndex, release: Release
) -> None:
    twine_upload(index, *(release.dist / name for name in release.sha256))
    served = index.packages_dir / release.sdist
    served.write_bytes(served.read_bytes() + b"\0")  # the index now serves other bytes

    run = run_publish(release, index, "--verify-only")
    assert run.problem == "publish.served-mismatch"
    assert release.sdist in str(run.result["summary"])
    assert release.sha256[release.sdist] in str(run.result["summary"])


def test_post_publish_verification_hashes_the_bytes_not_just_the_listing(
    index: LocalIndex, release: Release
) -> None:
    twine_upload(index, *(release.dist / name for name in release.sha256))
    # The pages list the right sha256, but every file comes back with one byte more.
    with fault_proxy(index.url, tamper_downloads=True) as mirror:
        run = run_publish(release, index, "--verify-only", "--index-url", mirror.url + "simple/")
    assert run.problem == "publish.served-mismatch"
    assert "serves bytes with" in str(run.result["summary"])


def test_verify_only_fails_when_the_release_never_shows_up(
    index: LocalIndex, release: Release
) -> None:
    run = run_publish(release, index, "--verify-only", "--poll-attempts", "2")
    assert run.problem == "publish.not-visible"


def test_the_installed_release_must_print_its_version(tmp_path: Path, index: LocalIndex) -> None:
    release = new_release(tmp_path / "dist", prints="duckalog 9.9.9")
    twine_upload(index, release.dist / release.wheel, release.dist / release.sdist)
    run = run_publish(release, index, "--verify-only")
    assert run.problem == "publish.smoke-failed"
    assert "duckalog 9.9.9" in str(run.result["summary"])


def test_a_dist_changed_after_sha256sums_is_never_uploaded(
    index: LocalIndex, release: Release
) -> None:
    wheel = release.dist / release.wheel
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    run = run_publish(release, index, "--repository-url", index.upload_url)
    assert run.problem == "publish.bad-checksums"
    assert on_index(index, release) == {}


def test_credentials_never_appear_in_output_or_results(index: LocalIndex, release: Release) -> None:
    # A server that echoes the credentials back in its error message (some do).
    with fault_proxy(index.url, [], then=Answer(401, "denied for {basic_auth}")) as proxy:
        run = run_publish(release, index, "--repository-url", proxy.url)
    assert run.problem == "publish.upload-rejected"
    assert "denied for ***:***" in run.output  # the echo reached us, scrubbed
    recorded = json.dumps(run.result)
    for secret in (index.password, index.username):
        assert secret not in run.output
        assert secret not in recorded

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The workflow's retry decision after a failed upload: a real local index (pypiserver) and a
loopback stand-in for GitHub's OIDC token endpoint and the index's trusted-publishing exchange.

Each case is one the old blind ``sleep 60`` + retry got wrong or could not tell apart:
a file already there (ours: done; other bytes: permanent), a refused trusted publisher
(permanent), an index or exchange that is down (transient).
"""

from __future__ import annotations

import json
import shutil
import socket
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.checksums import write_sha256sums
from standins.index_seed import write_wheel
from standins.local_index import LocalIndex, local_index
from standins.serving import serving

MINTED = "pypi-AgEIcHlwaS5vcmcCJDRiNjM-minted-token-never-printed"
OIDC = "eyJhbGciOi.job-oidc-token.never-printed"


@dataclass
class Exchange:
    """What the stand-in answers at /_/oidc/mint-token, and what it was asked."""

    status: int = 200
    errors: list[dict[str, str]] = field(default_factory=list)
    minted: list[str] = field(default_factory=list)


@pytest.fixture
def exchange() -> Iterator[tuple[str, Exchange]]:
    """A loopback server playing GitHub's OIDC token endpoint and PyPI's /_/oidc/ routes."""
    state = Exchange()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/_/oidc/audience":
                self._answer(200, {"audience": "pypi"})
            elif self.path.startswith("/github-oidc?") and self.path.endswith("audience=pypi"):
                ok = self.headers.get("Authorization") == "bearer runner-request-token"
                self._answer(200 if ok else 403, {"value": OIDC} if ok else {})
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.minted.append(body["token"])
            if state.status == 200:
                self._answer(200, {"success": True, "token": MINTED})
            else:
                self._answer(
                    state.status, {"message": "Token request failed", "errors": state.errors}
                )

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}", state


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    with local_index(tmp_path / "index") as running:
        yield running


def make_dists(where: Path, version: str, marker: str = "") -> tuple[Path, Path]:
    """A wheel and an sdist of duckalog ``version`` in ``where/dist``, SHA256SUMS apart."""
    dist = where / "dist"
    dist.mkdir(parents=True)
    wheel = write_wheel(dist, "duckalog", version)
    if marker:  # other bytes under the same name
        with wheel.open("ab") as handle:
            handle.write(marker.encode())
    sdist = dist / f"duckalog-{version}.tar.gz"
    info = where / "PKG-INFO"
    info.write_text(f"Metadata-Version: 2.1\nName: duckalog\nVersion: {version}\n{marker}")
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(info, arcname=f"duckalog-{version}/PKG-INFO")
    sums = where / "checksums"
    sums.mkdir()
    write_sha256sums(dist, [wheel, sdist])
    shutil.move(str(dist / "SHA256SUMS"), sums / "SHA256SUMS")
    return dist, sums / "SHA256SUMS"


def triage(
    tmp_path: Path, index: LocalIndex, base: str, *extra: str, oidc: bool = True
) -> tuple[Run, str]:
    """Run the triage step as the workflow does; its result and what it wrote to GITHUB_OUTPUT."""
    output = tmp_path / "github-output"
    output.write_text("")
    env = {"GITHUB_OUTPUT": str(output)}
    if oidc:
        env["ACTIONS_ID_TOKEN_REQUEST_URL"] = f"{base}/github-oidc?api-version=2.0"
        env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "runner-request-token"
    run = run_gate_cli(
        "upload_triage",
        ["--dist", str(tmp_path / "dist"), "--sums", str(tmp_path / "checksums" / "SHA256SUMS"),
         "--index-url", index.simple_url, "--index-base", base, "--backoff", "0.2", *extra],
        tmp_path,
        env=env,
    )  # fmt: skip
    return run, output.read_text()


def test_nothing_on_the_index_and_the_publisher_valid_is_transient(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    base, state = exchange
    make_dists(tmp_path, "1.0.0")
    run, output = triage(tmp_path, index, base)
    assert run.returncode == 0, run.output
    assert output == "retry=true\n"
    assert run.result["details"]["verdict"] == "transient"
    assert run.result["details"]["publisher"] == "the trusted publisher accepts this workflow"
    assert state.minted == [OIDC]  # the same exchange trusted publishing makes
    # Neither the job's OIDC token nor the minted API token is ever printed or recorded.
    for secret in (MINTED, OIDC):
        assert secret not in run.output and secret not in json.dumps(run.result)


def test_our_files_already_there_means_done_without_retry(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    base, state = exchange
    dist, _ = make_dists(tmp_path, "1.0.1")
    for path in dist.iterdir():  # the first attempt landed, its answer was lost
        shutil.copy(path, index.packages_dir / path.name)
    run, output = triage(tmp_path, index, base)
    assert run.returncode == 0, run.output
    assert output == "retry=false\n"
    assert run.result["details"]["verdict"] == "done"
    assert state.minted == []  # nothing more to decide


def test_other_bytes_under_our_file_name_is_permanent(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    """Reported: "400 File already exists" after approval, then a blind 60 s wait and retry."""
    base, _ = exchange
    theirs, _ = make_dists(tmp_path / "theirs", "1.0.2", marker="someone else's bytes")
    shutil.copy(next(theirs.glob("*.whl")), index.packages_dir)
    make_dists(tmp_path, "1.0.2")
    run, output = triage(tmp_path, index, base)
    assert run.returncode == 1
    assert output == "retry=false\n"
    assert run.problem == "upload_triage.conflicting-file"
    assert "duckalog-1.0.2-py3-none-any.whl already on" in str(run.result["summary"])
    assert "400 File already exists" in str(run.result["summary"])


def test_a_refused_trusted_publisher_is_permanent(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    base, state = exchange
    state.status = 422
    state.errors = [
        {"code": "invalid-publisher", "description": "valid token, but no corresponding publisher"}
    ]
    make_dists(tmp_path, "1.0.3")
    run, output = triage(tmp_path, index, base)
    assert run.returncode == 1
    assert output == "retry=false\n"
    assert run.problem == "upload_triage.publisher-refused"
    assert "(HTTP 422): invalid-publisher: valid token, but no corresponding publisher" in str(
        run.result["summary"]
    )


@pytest.mark.parametrize("status", [503, 429])
def test_an_exchange_that_is_down_is_transient(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange], status: int
) -> None:
    base, state = exchange
    state.status = status
    make_dists(tmp_path, "1.0.4")
    run, output = triage(tmp_path, index, base)
    assert run.returncode == 0, run.output
    assert output == "retry=true\n"
    assert f"answered HTTP {status}" in run.result["details"]["publisher"]


@pytest.mark.parametrize(
    ("version", "oidc", "problem"),
    [
        ("1.0.5+abc", True, "upload_triage.local-version"),  # permanent: PyPI refuses it
        ("1.0.6", False, "upload_triage.no-oidc"),  # without the job's token it cannot decide
    ],
    ids=["local-version", "no-oidc"],
)
def test_what_cannot_be_retried_fails_with_retry_false(
    tmp_path: Path,
    index: LocalIndex,
    exchange: tuple[str, Exchange],
    version: str,
    oidc: bool,
    problem: str,
) -> None:
    base, _ = exchange
    make_dists(tmp_path, version)
    run, output = triage(tmp_path, index, base, oidc=oidc)
    assert run.problem == problem
    assert output == "retry=false\n"


def test_an_unreadable_index_fails_closed(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    base, _ = exchange
    make_dists(tmp_path, "1.0.7")
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/simple/"
        run, output = triage(tmp_path, index, base, "--index-url", url, "--read-attempts", "2")
    assert run.problem == "upload_triage.index-unreadable"
    assert output == "retry=false\n"


def test_dists_not_matching_sha256sums_are_refused(
    tmp_path: Path, index: LocalIndex, exchange: tuple[str, Exchange]
) -> None:
    base, _ = exchange
    dist, _ = make_dists(tmp_path, "1.0.8")
    with next(dist.glob("*.tar.gz")).open("ab") as handle:
        handle.write(b"\0")
    run, _ = triage(tmp_path, index, base)
    assert run.problem == "upload_triage.bad-dists"

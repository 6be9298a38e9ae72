# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The publish gate's small parts: retry bounds, failure classes, scrubbing, the simple API."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import stamina.instrumentation

from release_gates._internal import index, retry
from release_gates._internal.checksums import write_sha256sums
from release_gates._internal.retry import RetryPolicy
from release_gates.gates.publish import default_simple_url, main
from release_gates.gates.publish_release import read_release, scrub, secrets_from
from release_gates.gates.publish_upload import classify
from release_gates.problems import GateFailure
from standins.serving import serving

# --- retry bounds -------------------------------------------------------------------
# stamina waits and jitters; what is ours is the policy each call site builds.


class Flaky(Exception):
    pass


@pytest.mark.parametrize(
    ("error", "calls_made"),
    [(Flaky(), 4), (KeyError("not transient"), 1)],
    ids=["transient-bounded-by-count", "other-errors-not-retried"],
)
def test_attempts_end_at_the_count_or_at_an_error_not_named(
    error: Exception, calls_made: int
) -> None:
    calls = 0
    policy = RetryPolicy(attempts=4, base_delay_s=0, max_delay_s=0, max_total_s=60)
    with pytest.raises(type(error)):
        for attempt in retry.attempts(policy, Flaky):
            with attempt:
                calls += 1
                raise error
    assert calls == calls_made


def test_retries_are_reported_with_their_cause() -> None:
    lines: list[str] = []
    retry.log_retries(lines.append)
    policy = RetryPolicy(attempts=3, base_delay_s=0, max_delay_s=0, max_total_s=60)
    try:
        with pytest.raises(Flaky):
            for attempt in retry.attempts(policy, Flaky):
                with attempt:
                    raise Flaky(f"upload of x.whl (last: HTTP 503, attempt {attempt.num})")
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)  # stamina's default again
    assert lines == [
        "retrying in 0.0 s: upload of x.whl (last: HTTP 503, attempt 1)",
        "retrying in 0.0 s: upload of x.whl (last: HTTP 503, attempt 2)",
    ]


def test_a_policy_without_attempts_is_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


# --- what twine said ------------------------------------------------------------
# Output as twine 7 prints it (captured from real runs against pypiserver and the proxy).

TWINE_503 = (
    "ERROR    HTTPError: 503 Service Unavailable from http://127.0.0.1:1/\n Service Unavailable"
)
TWINE_429 = "ERROR    HTTPError: 429 Too Many Requests from https://upload.pypi.org/legacy/"
TWINE_400 = "ERROR    HTTPError: 400 Bad Request from http://127.0.0.1:1/\n File already exists"
TWINE_403 = "ERROR    HTTPError: 403 Forbidden from http://127.0.0.1:1/\n Forbidden"
TWINE_RESET = (
    "requests.exceptions.ConnectionError: ('Connection aborted.', "
    "ConnectionResetError(104, 'Connection reset by peer'))"
)
TWINE_BAD_FILE = "ERROR    InvalidDistribution: Unknown distribution format: 'x.zip'"


@pytest.mark.parametrize(
    ("returncode", "output", "reason", "retryable"),
    [
        (0, "", "uploaded", False),
        (None, "", "timed out", True),
        (1, TWINE_503, "HTTP 503", True),
        (1, TWINE_429, "HTTP 429", True),
        (1, TWINE_400, "HTTP 400", False),
        (1, TWINE_403, "HTTP 403", False),
        (1, TWINE_RESET, "connection reset or timeout", True),
        (1, TWINE_BAD_FILE, "twine exit 1", False),
        (3, "twine_once: unsupported twine", "twine exit 3", False),
    ],
)
def test_failures_are_classified(
    returncode: int | None, output: str, reason: str, retryable: bool
) -> None:
    outcome = classify(returncode, output)
    assert (outcome.ok, outcome.reason, outcome.retryable) == (returncode == 0, reason, retryable)


# --- credentials ------------------------------------------------------------------


def test_scrub_removes_passwords_user_names_and_url_credentials() -> None:
    secrets = secrets_from({"TWINE_USERNAME": "alice", "TWINE_PASSWORD": "s3cret-token"})
    text = "user alice sent s3cret-token to https://bob:hunter2@example.org/legacy/"
    assert scrub(text, secrets) == "user *** sent *** to https://***@example.org/legacy/"


def test_the_pypi_token_user_name_is_not_a_secret() -> None:
    assert secrets_from({"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": "pypi-x"}) == ["pypi-x"]
    assert secrets_from({}) == []


# --- the dists ----------------------------------------------------------------------


def test_read_release_orders_the_wheel_first(tmp_path: Path) -> None:
    for name in ("demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl"):
        (tmp_path / name).write_bytes(name.encode())
    write_sha256sums(tmp_path, list(tmp_path.iterdir()))
    release = read_release(tmp_path)
    assert (release.project, release.version) == ("demo", "1.0")
    assert [d.filename for d in release.dists] == ["demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz"]


def test_read_release_refuses_two_versions(tmp_path: Path) -> None:
    for name in ("demo-1.0.tar.gz", "demo-1.1-py3-none-any.whl"):
        (tmp_path / name).write_bytes(name.encode())
    write_sha256sums(tmp_path, list(tmp_path.iterdir()))
    with pytest.raises(GateFailure) as failure:
        read_release(tmp_path)
    assert failure.value.problem.code == "publish.not-one-release"


def test_read_release_needs_dists(tmp_path: Path) -> None:
    with pytest.raises(GateFailure) as failure:
        read_release(tmp_path)
    assert failure.value.problem.code == "publish.no-dists"


def test_simple_urls_are_derived_only_where_known() -> None:
    assert default_simple_url("https://upload.pypi.org/legacy/") == "https://pypi.org/simple/"
    assert default_simple_url("https://test.pypi.org/legacy/") == "https://test.pypi.org/simple/"
    assert default_simple_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/simple/"
    assert default_simple_url("https://example.org/upload/") is None


# --- the simple API client, against a loopback server -------------------------------

SHA = "ab" * 32
PAGES = {
    "/json/demo-pkg/": (
        "application/vnd.pypi.simple.v1+json",
        json.dumps(
            {
                "meta": {"api-version": "1.1"},
                "name": "demo-pkg",
                "files": [
                    {
                        "filename": "demo_pkg-1.0.tar.gz",
                        "url": "../../f/demo_pkg-1.0.tar.gz",
                        "hashes": {"sha256": SHA.upper()},
                    },
                    {
                        "filename": "demo_pkg-1.0-py3-none-any.whl",
                        "url": "https://files.example/demo_pkg-1.0-py3-none-any.whl",
                        "hashes": {},
                    },
                ],
            }
        ),
    ),
    "/html/demo-pkg/": (
        "text/html",
        f'<html><body><a href="/f/demo_pkg-1.0.tar.gz#sha256={SHA}">demo_pkg-1.0.tar.gz</a>'
        '<a href="../../f/demo_pkg-1.0-py3-none-any.whl">demo_pkg-1.0-py3-none-any.whl</a>'
        "</body></html>",
    ),
    "/f/demo_pkg-1.0.tar.gz": ("application/octet-stream", "served bytes"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/busy/"):
                self.send_error(503)
                return
            if self.path not in PAGES:
                self.send_error(404)
                return
            content_type, body = PAGES[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


def test_pep691_json_is_read(server: str) -> None:
    files = index.project_files(f"{server}/json/", "Demo_Pkg")  # name normalized
    assert files["demo_pkg-1.0.tar.gz"].sha256 == SHA  # lower-cased
    assert files["demo_pkg-1.0.tar.gz"].url == f"{server}/f/demo_pkg-1.0.tar.gz"
    assert files["demo_pkg-1.0-py3-none-any.whl"].sha256 is None


def test_pep503_html_is_read(server: str) -> None:
    files = index.project_files(f"{server}/html", "demo.pkg")
    assert files["demo_pkg-1.0.tar.gz"].sha256 == SHA
    assert files["demo_pkg-1.0-py3-none-any.whl"].url == f"{server}/f/demo_pkg-1.0-py3-none-any.whl"


def test_an_unknown_project_has_no_files(server: str) -> None:
    assert index.project_files(f"{server}/html/", "nothing-here") == {}


def test_a_5xx_is_a_retryable_error(server: str) -> None:
    with pytest.raises(index.IndexReadError) as error:
        index.project_files(f"{server}/busy/", "demo")
    assert error.value.retryable


def test_served_bytes_are_hashed(server: str) -> None:
    import hashlib

    expected = hashlib.sha256(b"served bytes").hexdigest()
    assert index.served_sha256(f"{server}/f/demo_pkg-1.0.tar.gz") == expected


def test_environment_proxies_are_ignored(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The gate must talk to exactly the index it was given, never through a proxy.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert index.project_files(f"{server}/html/", "demo-pkg")


def test_credentials_in_an_index_url_never_reach_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEASE_GATES_RESULTS", str(tmp_path / "results"))
    for name in ("demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl"):
        (tmp_path / name).write_bytes(name.encode())
    write_sha256sums(tmp_path, list(tmp_path.iterdir()))
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code = main(
        ["--dist", str(tmp_path), "--verify-only", "--poll-attempts", "1",
         "--index-url", f"http://alice:hunter2-pw@127.0.0.1:{port}/simple/"]
    )  # fmt: skip
    printed = capsys.readouterr()
    recorded = (tmp_path / "results" / "publish.json").read_text(encoding="utf-8")
    assert code == 1
    assert "publish.not-visible" in recorded
    for text in (printed.out, printed.err, recorded):
        assert "hunter2-pw" not in text
    assert "http://***@127.0.0.1" in printed.err

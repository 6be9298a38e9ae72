# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The local package index: a real pypiserver on loopback that always stops."""

from __future__ import annotations

import base64
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from standins.local_index import LocalIndex, ToolsMissing, local_index


def request(index: LocalIndex, method: str, path: str, auth: str | None = None) -> int:
    """Status of one request, redirects NOT followed (a fallback to pypi.org would redirect)."""
    url = urllib.parse.urlsplit(index.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    headers = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "0"}
    if auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    try:
        connection.request(method, path, body=b"", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def port_is_closed(index: LocalIndex) -> bool:
    url = urllib.parse.urlsplit(index.url)
    with socket.socket() as probe:
        return probe.connect_ex((url.hostname or "", url.port or 0)) != 0


def test_serves_a_fresh_index_on_loopback_and_stops(tmp_path: Path) -> None:
    with local_index(tmp_path / "index") as index:
        assert index.url.startswith("http://127.0.0.1:")
        assert index.simple_url == index.url + "simple/"
        assert list(index.packages_dir.iterdir()) == []
        assert request(index, "GET", "/simple/") == 200
        # No fallback: an unknown project is a 404 here, never a redirect to pypi.org.
        assert request(index, "GET", "/simple/requests/") == 404
        # Uploads need the password; the htpasswd file does not hold it in clear.
        assert request(index, "POST", "/") in (401, 403)
        assert request(index, "POST", "/", auth=f"{index.username}:wrong") == 403
        assert index.password not in (tmp_path / "index" / "htpasswd").read_text(encoding="utf-8")
    assert port_is_closed(index)


def test_stops_when_the_block_raises(tmp_path: Path) -> None:
    started: list[LocalIndex] = []
    with pytest.raises(RuntimeError, match="boom"), local_index(tmp_path / "index") as index:
        started.append(index)
        raise RuntimeError("boom")
    assert port_is_closed(started[0])


def test_fails_clearly_when_the_tools_are_missing(tmp_path: Path) -> None:
    missing = pytest.raises(ToolsMissing, match="cannot write the htpasswd file with passlib")
    with missing, local_index(tmp_path / "i", python="/bin/false"):
        pass


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an orphan waits for init to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_the_server_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from standins.local_index import local_index\n"
         "with local_index(Path(sys.argv[1])) as index:\n"
         "    print(index.pid, flush=True); time.sleep(600)\n",
         str(tmp_path / "index")],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "tools")},
    )  # fmt: skip
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)  # no `finally` runs in the parent
    parent.wait(timeout=10)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not is_running(server_pid):
            return
        time.sleep(0.1)
    os.kill(server_pid, signal.SIGKILL)
    raise AssertionError(f"pypiserver {server_pid} outlived its killed parent")

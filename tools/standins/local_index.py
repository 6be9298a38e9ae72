# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""A real package index on loopback: pypiserver, for the rehearsal and the publish tests.

Usage::

    with local_index(workdir) as index:
        index.upload_url, index.simple_url, index.username, index.password

pypiserver (hash-locked in ``security/local-index.txt``) listens on 127.0.0.1 on a
free port, serves a fresh package directory, requires a password for uploads
(htpasswd written with passlib) and never falls back to PyPI. The server is
always stopped when the ``with`` block ends, also on an exception, and a
server that does not answer within ``startup_timeout`` seconds is stopped and
reported (:class:`DidNotStart`; :class:`ToolsMissing` when passlib cannot run).
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
USERNAME_PREFIX = "uploader-"


class LocalIndexError(RuntimeError):
    """The local index could not be started; the message says why."""


class ToolsMissing(LocalIndexError):
    """The interpreter given cannot run passlib (security/local-index.txt is not installed)."""


class DidNotStart(LocalIndexError):
    """pypiserver did not answer in time; the message ends with its log."""


@dataclass(frozen=True)
class LocalIndex:
    """A running local index: where to upload, where pip reads, and the upload credentials."""

    url: str
    upload_url: str
    simple_url: str
    username: str
    password: str
    packages_dir: Path
    log_file: Path
    pid: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


# Run by the interpreter that has passlib (the one that runs pypiserver), so this
# module does not import passlib (it imports the deprecated `crypt` module).
# The password travels on stdin, never on a command line.
_HTPASSWD_SCRIPT = """
import sys
from passlib.apache import HtpasswdFile
username, password = sys.stdin.read().split("\\n")[:2]
htpasswd = HtpasswdFile(sys.argv[1], new=True, default_scheme="sha256_crypt")
htpasswd.set_password(username, password)
htpasswd.save()
"""


def write_htpasswd(path: Path, username: str, password: str, python: str = sys.executable) -> None:
    """Write an Apache htpasswd file with one salted sha256-crypt entry (with passlib)."""
    try:
        subprocess.run(
            [python, "-W", "ignore::DeprecationWarning", "-c", _HTPASSWD_SCRIPT, str(path)],
            input=f"{username}\n{password}\n",
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as error:
        detail = (getattr(error, "stderr", None) or str(error)).strip()[-500:]
        message = f"{python} cannot write the htpasswd file with passlib: {detail}"
        raise ToolsMissing(message) from error


# Starts pypiserver so that, on Linux, it gets SIGTERM when its parent dies. The
# `with` block stops the server on every normal or exceptional exit; this covers
# the parent being killed outright (e.g. a CI timeout), so no server outlives the
# rehearsal. Done in the child's own code, not with preexec_fn (unsafe with threads).
_SERVER_BOOT = """
import ctypes, runpy, signal, sys
if sys.platform.startswith("linux"):
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
runpy.run_module("pypiserver", run_name="__main__", alter_sys=True)
"""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback http)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def local_index(
    workdir: Path, *, python: str = sys.executable, startup_timeout: float = 30.0
) -> Iterator[LocalIndex]:
    """Run pypiserver on 127.0.0.1 with a fresh package dir under ``workdir``; stop it on exit.

    ``python`` is the interpreter that has pypiserver installed (default: this one).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    packages_dir = workdir / "packages"
    packages_dir.mkdir()  # fresh: fails if a previous run left one behind
    # Random per run, so a credential leaking into any output is easy to detect.
    username = USERNAME_PREFIX + secrets.token_hex(4)
    password = secrets.token_urlsafe(24)
    htpasswd = workdir / "htpasswd"
    write_htpasswd(htpasswd, username, password, python)
    port = free_port()
    url = f"http://{HOST}:{port}/"
    log_file = workdir / "pypiserver.log"
    command = [
        python, "-c", _SERVER_BOOT, "run",
        "--host", HOST, "--port", str(port),
        "--authenticate", "update", "--passwords", str(htpasswd),
        # Never redirect a missing project to pypi.org: the index must be exactly what we upload.
        "--disable-fallback",
        "--server", "wsgiref",
        str(packages_dir),
    ]  # fmt: skip
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _answers(f"{url}simple/"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_file.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise DidNotStart(
                    f"pypiserver did not answer on {url} within {startup_timeout} s "
                    f"(exit code {process.poll()}); its log: {tail}"
                )
            time.sleep(0.1)
        yield LocalIndex(
            url=url,
            upload_url=url,
            simple_url=f"{url}simple/",
            username=username,
            password=password,
            packages_dir=packages_dir,
            log_file=log_file,
            pid=process.pid,
        )
    finally:
        _stop(process)

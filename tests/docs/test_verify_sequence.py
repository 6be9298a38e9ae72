# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""docs/verifying.md's verification sequence (and README.md's short form), run as written.

The sequence is one console block of docs/verifying.md, marked
``run-by tests/docs/test_verify_sequence.py``. It is the very text the release
report prints (:func:`release_gates._internal.release_config.verification_commands`) for the page's
version, so the page and the report cannot drift apart.

Its steps are cut at the ``# N.`` comment lines. The test runs the set-up lines,
step 3 (checksums), step 4 (Sigstore, both files in one command) and step 5
(the attestations, fetched from GitHub's API) with ``bash -eu``, as the page
suggests, offline, in a new folder, against the real Sigstore bundle in
tests/fixtures/sigstore/. What cannot be real here is replaced, and nothing else:

* the ``IDENTITY=`` line names the fixture's signer (nothing can be signed as
  our workflow here);
* step 1 (the downloads) copies the fixture in under the release's file names:
  Sigstore checks the bytes, not the name, so both dists are the fixture sdist
  and both bundles its bundle, and ``SHA256SUMS`` lists them;
* step 2 (the pinned verifier) gets ``verifier/bin/python`` and
  ``verifier/bin/sigstore`` that run this environment's, installed from
  security/docs.txt;
* step 5's ``https://api.github.com`` is a loopback server that answers as
  GitHub's attestations API does, with the fixture bundle.

Then it must pass, and fail for a one-byte change, another identity, and an
API answer without attestations.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import docpages
import pytest

from release_gates._internal.release_config import read_release_config, verification_commands

PAGE = "docs/verifying.md"
FIXTURES = docpages.ROOT / "tests" / "fixtures" / "sigstore"
FIXTURE_FILE = FIXTURES / "pypi_attestation_models-0.0.4a2.tar.gz"
FIXTURE_BUNDLE = FIXTURES / "pypi_attestation_models-0.0.4a2.tar.gz.sigstore"
FIXTURE_IDENTITY = (
    "https://github.com/trailofbits/pypi-attestation-models/"
    ".github/workflows/release.yml@refs/tags/v0.0.4a2"
)
GITHUB_API = "https://api.github.com"


def marked_blocks(page: str) -> list[docpages.CodeBlock]:
    return [
        block
        for block in docpages.code_blocks(docpages.page(page))
        if block.marker == "run-by" and block.argument == "tests/docs/test_verify_sequence.py"
    ]


def sequence() -> str:
    (block,) = marked_blocks(PAGE)
    return block.text


def header_and_steps(text: str) -> tuple[list[str], dict[int, tuple[str, list[str]]]]:
    """Lines before ``# 1.``, and each step's title and lines, by number."""
    header: list[str] = []
    steps: dict[int, tuple[str, list[str]]] = {}
    current: list[str] = header
    for line in text.splitlines():
        found = re.match(r"^# (\d+)\. (.*)$", line)
        if found:
            current = []
            steps[int(found.group(1))] = (found.group(2), current)
        current.append(line)
    return header, steps


def value(header: list[str], name: str) -> str:
    (line,) = [line for line in header if line.startswith(f"{name}=")]
    return line.split("=", 1)[1].strip('"')


# --- the page and the report agree --------------------------------------------------


def test_the_page_shows_exactly_the_reports_sequence() -> None:
    header, _ = header_and_steps(sequence())
    config = read_release_config(docpages.ROOT / "pyproject.toml")
    assert sequence().rstrip("\n") == verification_commands(config, value(header, "VERSION"))


def test_the_sequence_has_the_documented_steps() -> None:
    header, steps = header_and_steps(sequence())
    assert sorted(steps) == [1, 2, 3, 4, 5]
    offline = {number for number, (title, _) in steps.items() if title.startswith("(offline)")}
    assert offline == {3, 4}
    assert 'mkdir "duckalog-$VERSION" && cd "duckalog-$VERSION"' in header
    version = value(header, "VERSION")
    config = read_release_config(docpages.ROOT / "pyproject.toml")
    assert value(header, "IDENTITY").replace("$VERSION", version) == config.identity(f"v{version}")
    # Plain URLs, a hash-pinned verifier, and the Sigstore check of both files in one command.
    assert "releases/download/v$VERSION" in "".join(steps[1][1])
    assert "--require-hashes" in "".join(steps[2][1])
    step4 = " ".join(steps[4][1])
    assert '"duckalog-$VERSION-py3-none-any.whl" "duckalog-$VERSION.tar.gz"' in step4


def test_the_documented_fallback_sigstore_is_the_locked_one() -> None:
    text = docpages.page(PAGE).text
    documented = re.findall(r"sigstore==([\w.]+)", text)
    locked = re.findall(
        r"^sigstore==([\w.]+)",
        (docpages.ROOT / "security" / "verify.txt").read_text(encoding="utf-8"),
        re.M,
    )
    assert documented and set(documented) == set(locked)


# --- running it ---------------------------------------------------------------------


class FakeAttestationsAPI(http.server.ThreadingHTTPServer):
    """GitHub's ``GET /repos/OWNER/REPO/attestations/sha256:DIGEST``, on 127.0.0.1."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[str, object] = {}  # path -> JSON answer
        self.requests: list[tuple[str, str | None]] = []  # (path, X-GitHub-Api-Version)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeAttestationsAPI

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("X-GitHub-Api-Version")))
        answer = self.server.answers.get(self.path)
        body = json.dumps(answer if answer is not None else {"message": "Not Found"}).encode()
        self.send_response(200 if answer is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[FakeAttestationsAPI]:
    server = FakeAttestationsAPI()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def the_release(folder: Path, version: str) -> list[str]:
    """The fixture under the release's file names, as step 1 would download them."""
    folder.mkdir(parents=True)
    names = [f"duckalog-{version}-py3-none-any.whl", f"duckalog-{version}.tar.gz"]
    digest = hashlib.sha256(FIXTURE_FILE.read_bytes()).hexdigest()
    for name in names:
        shutil.copyfile(FIXTURE_FILE, folder / name)
        shutil.copyfile(FIXTURE_BUNDLE, folder / f"{name}.sigstore.json")
    sums = "".join(f"{digest}  {name}\n" for name in names)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return names


def verifier(folder: Path) -> Path:
    """``verifier/bin/{python,sigstore}`` running this environment's (step 2's stand-in)."""
    bin_dir = folder / "verifier" / "bin"
    bin_dir.mkdir(parents=True)
    for name, command in (("python", ""), ("sigstore", " -m sigstore")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}"{command} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    return folder / "verifier"


def run_steps(
    tmp_path: Path,
    api: FakeAttestationsAPI,
    numbers: list[int],
    *,
    identity: str = FIXTURE_IDENTITY,
    between: str = "",
    attestations: bool = True,
) -> subprocess.CompletedProcess[str]:
    """The set-up lines and steps ``numbers``, as written but for the stand-ins above."""
    header, steps = header_and_steps(sequence())
    version = value(header, "VERSION")
    release = tmp_path / "downloaded"
    names = the_release(release, version)
    tools = verifier(tmp_path / "tools")
    digest = hashlib.sha256(FIXTURE_FILE.read_bytes()).hexdigest()
    bundle = json.loads(FIXTURE_BUNDLE.read_text(encoding="utf-8"))
    answer = {"attestations": [{"bundle": bundle, "repository_id": 1}] if attestations else []}
    api.answers[f"/repos/duckalog/duckalog/attestations/sha256:{digest}"] = answer
    lines = [f'IDENTITY="{identity}"' if line.startswith("IDENTITY=") else line for line in header]
    lines += [
        f'cp "{release}"/* .  # step 1 stand-in: {len(names)} files and their bundles',
        f'cp -R "{tools}" verifier  # step 2 stand-in',
        between,
    ]
    for number in numbers:
        lines += [line.replace(GITHUB_API, api.url) for line in steps[number][1]]
    script = tmp_path / "verify.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return subprocess.run(
        ["bash", "-eu", str(script)],
        cwd=tmp_path,
        env=docpages.offline_env(tmp_path / "home", loopback=True),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_offline_steps_pass_against_a_real_bundle(
    tmp_path: Path, api: FakeAttestationsAPI
) -> None:
    done = run_steps(tmp_path, api, [3, 4, 5])
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    for name in ("duckalog-0.1.0-py3-none-any.whl", "duckalog-0.1.0.tar.gz"):
        assert f"{name}: OK" in output  # sha256sum
        assert output.count(f"OK: {name}") == 2  # the signature and the attestation
    # Step 5 asked GitHub's API once per file, for the pinned API version.
    assert [version for _, version in api.requests] == ["2022-11-28", "2022-11-28"]


def test_only_the_wheel_downloaded_still_checks(tmp_path: Path, api: FakeAttestationsAPI) -> None:
    removed = "rm duckalog-0.1.0.tar.gz duckalog-0.1.0.tar.gz.sigstore.json"
    done = run_steps(tmp_path, api, [3], between=removed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "duckalog-0.1.0-py3-none-any.whl: OK" in done.stdout


@pytest.mark.parametrize("step", [3, 4, 5])
def test_a_one_byte_change_fails_every_step(
    tmp_path: Path, api: FakeAttestationsAPI, step: int
) -> None:
    flip = (
        "python3 -c \"import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); "
        "b[len(b) // 2] ^= 1; open(p, 'wb').write(b)\" duckalog-0.1.0-py3-none-any.whl"
    )
    done = run_steps(tmp_path, api, [step], between=flip)
    assert done.returncode != 0
    assert "OK: duckalog-0.1.0-py3-none-any.whl" not in done.stdout + done.stderr


@pytest.mark.parametrize("step", [4, 5])
def test_another_identity_fails(tmp_path: Path, api: FakeAttestationsAPI, step: int) -> None:
    branch = FIXTURE_IDENTITY.replace("refs/tags/v0.0.4a2", "refs/heads/main")
    done = run_steps(tmp_path, api, [step], identity=branch)
    assert done.returncode != 0
    assert "OK:" not in done.stdout


def test_no_attestation_fails_closed(tmp_path: Path, api: FakeAttestationsAPI) -> None:
    done = run_steps(tmp_path, api, [5], attestations=False)
    assert done.returncode != 0
    assert "OK:" not in done.stdout


# --- README.md's short form -----------------------------------------------------------


def readme_command() -> str:
    (block,) = marked_blocks("README.md")
    return re.sub(r"\s*\\\n\s*", " ", block.text).strip()


def test_readme_checks_both_files_with_our_identity() -> None:
    command = readme_command()
    version = re.search(r"duckalog-(\S+)-py3-none-any\.whl", command)
    assert version, command
    config = read_release_config(docpages.ROOT / "pyproject.toml")
    number = version.group(1)
    assert command == (
        f"sigstore verify identity --offline --cert-identity {config.identity(f'v{number}')}"
        f" --cert-oidc-issuer {config.oidc_issuer}"
        f" duckalog-{number}-py3-none-any.whl duckalog-{number}.tar.gz"
    )


@pytest.mark.parametrize("tamper", [False, True])
def test_readme_command_runs_against_a_real_bundle(tmp_path: Path, tamper: bool) -> None:
    command = readme_command()
    identity = re.search(r"--cert-identity (\S+)", command)
    assert identity
    names = the_release(tmp_path / "files", "0.1.0")
    if tamper:
        wheel = tmp_path / "files" / names[0]
        wheel.write_bytes(wheel.read_bytes() + b"\0")
    done = subprocess.run(
        ["bash", "-eu", "-c", command.replace(identity.group(1), FIXTURE_IDENTITY)],
        cwd=tmp_path / "files",
        env=docpages.offline_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if tamper:
        assert done.returncode != 0
        assert f"OK: {names[0]}" not in done.stdout + done.stderr
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        assert all(f"OK: {name}" in done.stdout + done.stderr for name in names)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The commands users copy from docs/verifying.md work, run for real.

The `sigstore verify identity` command is taken from the page, checked to name
exactly our identity and issuer (derived from pyproject.toml), then run by the
real sigstore CLI, offline, with the identity and files swapped for the real
bundle in tests/fixtures/sigstore/: it must pass, and fail for a changed file or
another identity. The `sha256sum` check is run the same way.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import docpages
import pytest

# README.md repeats the command in its "Verify what you install" section.
PAGES_WITH_COMMAND = ("docs/verifying.md", "README.md")
FIXTURES = docpages.ROOT / "tests" / "fixtures" / "sigstore"
FIXTURE_FILE = FIXTURES / "pypi_attestation_models-0.0.4a2.tar.gz"
FIXTURE_BUNDLE = FIXTURES / "pypi_attestation_models-0.0.4a2.tar.gz.sigstore"
FIXTURE_IDENTITY = (
    "https://github.com/trailofbits/pypi-attestation-models/"
    ".github/workflows/release.yml@refs/tags/v0.0.4a2"
)


def commands_starting_with(prefix: str, page: str = "docs/verifying.md") -> list[list[str]]:
    """Each shell command in a code block of ``page`` that starts with ``prefix``."""
    found: list[list[str]] = []
    for block in docpages.fenced_blocks(docpages.page(page)):
        joined = re.sub(r"\\\n", " ", block)  # join continuation lines
        for line in joined.splitlines():
            line = re.sub(r"^\s*[$>]\s+", "", line)  # a console prompt is not part of it
            if line.strip().startswith(prefix):
                found.append(shlex.split(line, comments=True))
    return found


def release_config() -> dict[str, str]:
    config = docpages.pyproject()["tool"]["duckalog-release"]  # type: ignore[index]
    return {key: str(value) for key, value in config.items()}


def option(argv: list[str], name: str) -> str:
    for index, arg in enumerate(argv):
        if arg == name:
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"{name} missing from {shlex.join(argv)}")


def replace_option(argv: list[str], name: str, value: str) -> list[str]:
    out = list(argv)
    for index, arg in enumerate(out):
        if arg == name:
            out[index + 1] = value
        elif arg.startswith(name + "="):
            out[index] = f"{name}={value}"
    return out


@pytest.fixture(scope="module", params=PAGES_WITH_COMMAND)
def documented(request: pytest.FixtureRequest) -> list[str]:
    commands = commands_starting_with("sigstore verify identity", request.param)
    assert commands, f"{request.param} has no `sigstore verify identity` command in a code block"
    return commands[0]


def test_documented_command_names_our_identity_and_issuer(documented: list[str]) -> None:
    config = release_config()
    artifact = documented[-1]
    found = re.fullmatch(
        r"duckalog-(\d+\.\d+\.\d+[\w.]*?)(?:-py3-none-any\.whl|\.tar\.gz)", artifact
    )
    assert found, f"the command should verify a duckalog dist, not {artifact!r}"
    version = found.group(1)
    identity = (
        f"https://github.com/{config['repository']}/{config['workflow']}@refs/tags/v{version}"
    )
    assert option(documented, "--cert-identity") == identity
    assert option(documented, "--cert-oidc-issuer") == config["oidc-issuer"]
    assert option(documented, "--bundle") == f"{artifact}.sigstore.json"


def run_sigstore(
    documented: list[str], file: Path, bundle: Path, identity: str
) -> subprocess.CompletedProcess[str]:
    argv = replace_option(documented, "--bundle", str(bundle))
    argv = replace_option(argv, "--cert-identity", identity)
    argv = [*argv[:-1], str(file)]
    assert argv[:3] == ["sigstore", "verify", "identity"]
    # Offline: the trust root shipped with sigstore, no network (none is reachable here).
    argv = [sys.executable, "-m", "sigstore", "verify", "identity", "--offline", *argv[3:]]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_documented_command_verifies_a_real_bundle_offline(documented: list[str]) -> None:
    result = run_sigstore(documented, FIXTURE_FILE, FIXTURE_BUNDLE, FIXTURE_IDENTITY)
    assert result.returncode == 0, result.stderr
    assert f"OK: {FIXTURE_FILE}" in result.stdout + result.stderr


def test_documented_command_rejects_a_one_byte_change(
    documented: list[str], tmp_path: Path
) -> None:
    tampered = tmp_path / FIXTURE_FILE.name
    data = bytearray(FIXTURE_FILE.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    result = run_sigstore(documented, tampered, FIXTURE_BUNDLE, FIXTURE_IDENTITY)
    assert result.returncode != 0
    assert "OK:" not in result.stdout


def test_documented_command_rejects_another_identity(documented: list[str]) -> None:
    other = FIXTURE_IDENTITY.replace("refs/tags/v0.0.4a2", "refs/heads/main")
    result = run_sigstore(documented, FIXTURE_FILE, FIXTURE_BUNDLE, other)
    assert result.returncode != 0
    assert "OK:" not in result.stdout


def test_documented_checksum_command_passes_and_catches_a_change(tmp_path: Path) -> None:
    commands = commands_starting_with("sha256sum")
    assert commands, "docs/verifying.md has no `sha256sum` command in a code block"
    command = commands[0]
    dist = tmp_path / "duckalog-0.1.0-py3-none-any.whl"
    dist.write_bytes(b"a wheel")
    digest = hashlib.sha256(dist.read_bytes()).hexdigest()
    # SHA256SUMS lists every release file; users usually download only some of them.
    (tmp_path / "SHA256SUMS").write_text(
        f"{digest}  {dist.name}\n{'0' * 64}  duckalog-0.1.0.tar.gz\n", encoding="utf-8"
    )
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    dist.write_bytes(b"a wheeL")
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    assert "FAILED" in bad.stdout

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The verify gate against a real Sigstore bundle, verified offline by the real sigstore CLI.

The bundle in ``tests/fixtures/sigstore/`` was made by another project's release
workflow (see its README): nothing here signs or fakes a signature.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.checksums import write_sha256sums
from release_gates.gates.verify import release_identity
from release_gates.problems import GateFailure

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sigstore"
SDIST = "pypi_attestation_models-0.0.4a2.tar.gz"
IDENTITY = (
    "https://github.com/trailofbits/pypi-attestation-models/.github/workflows/release.yml"
    "@refs/tags/v0.0.4a2"
)
ISSUER = "https://token.actions.githubusercontent.com"


def run_verify(tmp: Path, *args: str) -> Run:
    return run_gate_cli("verify", args, tmp, cwd=tmp)


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """A copy of the signed sdist with its bundle beside it (``.sigstore``, as published)."""
    release = tmp_path / "release"
    release.mkdir()
    for name in (SDIST, f"{SDIST}.sigstore"):
        shutil.copy(FIXTURES / name, release / name)
    return release / SDIST


def test_a_signed_file_passes(tmp_path: Path, signed: Path) -> None:
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY, "--issuer", ISSUER)
    assert run.returncode == 0, run.output
    assert run.result["status"] == "passed"
    assert run.result["details"]["identity"] == IDENTITY


def test_the_sigstore_json_bundle_name_is_found_and_issuer_defaults_to_github(
    tmp_path: Path, signed: Path
) -> None:
    signed.with_name(f"{SDIST}.sigstore").rename(signed.with_name(f"{SDIST}.sigstore.json"))
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert run.returncode == 0, run.output
    assert run.result["details"]["issuer"] == ISSUER
    assert run.result["details"]["verified"][0]["bundle"].endswith(".sigstore.json")


def test_staging_checks_against_the_staging_trust_root_only(tmp_path: Path, signed: Path) -> None:
    """Dry runs sign against Sigstore's staging instance and verify with --staging: a bundle
    from the production instance (this one) is not accepted there, and vice versa."""
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY, "--staging")
    assert run.returncode == 1
    assert run.problem == "verify.signature-invalid"
    # The same bundle and identity verify against the production trust root.
    assert run_verify(tmp_path, str(signed), "--identity", IDENTITY).returncode == 0


def test_a_one_byte_change_fails(tmp_path: Path, signed: Path) -> None:
    signed.write_bytes(signed.read_bytes() + b"\0")
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert run.returncode == 1
    assert run.problem == "verify.signature-invalid"


def test_a_wrong_identity_fails(tmp_path: Path, signed: Path) -> None:
    wrong = IDENTITY.replace("v0.0.4a2", "v0.0.5")
    run = run_verify(tmp_path, str(signed), "--identity", wrong)
    assert run.problem == "verify.signature-invalid"
    assert "SANs do not match" in run.output


def test_a_wrong_issuer_fails(tmp_path: Path, signed: Path) -> None:
    run = run_verify(
        tmp_path, str(signed), "--identity", IDENTITY, "--issuer", "https://accounts.google.com"
    )
    assert run.problem == "verify.signature-invalid"


def test_our_release_identity_does_not_accept_another_projects_signature(
    tmp_path: Path, signed: Path
) -> None:
    run = run_verify(tmp_path, str(signed), "--release-identity", "v0.0.4a2")
    assert run.problem == "verify.signature-invalid"
    assert "duckalog/duckalog/.github/workflows/publish.yml@refs/tags/v0.0.4a2" in run.output


def test_every_file_is_checked_and_each_bad_one_named(tmp_path: Path, signed: Path) -> None:
    unsigned = signed.with_name("unsigned-1.0.tar.gz")
    unsigned.write_bytes(b"no bundle")
    run = run_verify(tmp_path, str(unsigned), str(signed), "--identity", IDENTITY)
    assert run.problem == "verify.bundle-missing"
    assert f"{signed}: signature OK" in run.output  # the good file was still checked
    assert f"{unsigned}: FAILED [verify.bundle-missing]" in run.output


def test_a_missing_bundle_fails(tmp_path: Path, signed: Path) -> None:
    signed.with_name(f"{SDIST}.sigstore").unlink()
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert run.problem == "verify.bundle-missing"


def test_no_identity_fails(tmp_path: Path, signed: Path) -> None:
    assert run_verify(tmp_path, str(signed)).problem == "verify.no-identity"


def test_sha256sums_beside_the_files_is_checked(tmp_path: Path, signed: Path) -> None:
    write_sha256sums(signed.parent, [signed])
    good = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert good.returncode == 0, good.output
    assert good.result["details"]["sha256sums"] == [str(signed.parent / "SHA256SUMS")]

    sums = signed.parent / "SHA256SUMS"
    sums.write_text("0" * 64 + f"  {SDIST}\n", encoding="utf-8")  # signature fine, sums wrong
    bad = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert bad.problem == "verify.checksums-failed"


def test_a_file_missing_from_sha256sums_fails(tmp_path: Path, signed: Path) -> None:
    other = signed.parent / "notes.txt"
    other.write_text("not a dist", encoding="utf-8")
    write_sha256sums(signed.parent, [other])
    run = run_verify(tmp_path, str(signed), "--identity", IDENTITY)
    assert run.problem == "verify.checksums-failed"
    assert "checksums.unlisted-dist" in str(run.result["summary"])


def test_checksums_only_passes_and_says_signatures_were_not_checked(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("duckalog-0.1.0-py3-none-any.whl", "duckalog-0.1.0.tar.gz"):
        (dist / name).write_bytes(name.encode())
    write_sha256sums(dist, sorted(dist.iterdir()))
    run = run_verify(tmp_path, "--checksums-only", str(dist))
    assert run.returncode == 0, run.output
    assert "signatures not checked" in str(run.result["summary"])
    assert sorted(run.result["details"]["checksums"]) == [
        "duckalog-0.1.0-py3-none-any.whl",
        "duckalog-0.1.0.tar.gz",
    ]


def test_checksums_only_fails_on_a_dist_changed_after_sha256sums(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    wheel = dist / "duckalog-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"built")
    write_sha256sums(dist, [wheel])
    wheel.write_bytes(b"built, then changed")
    run = run_verify(tmp_path, "--checksums-only", str(dist))
    assert run.returncode == 1
    assert run.problem == "verify.checksums-failed"
    assert "checksums.digest-mismatch" in str(run.result["summary"])


def test_checksums_only_fails_without_sha256sums(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    run = run_verify(tmp_path, "--checksums-only", str(tmp_path / "dist"))
    assert run.problem == "verify.checksums-failed"


def test_release_identity_is_built_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.duckalog-release]\nrepository = "acme/widgets"\n'
        'workflow = ".github/workflows/publish.yml"\n',
        encoding="utf-8",
    )
    assert release_identity("v1.2.3", pyproject) == (
        "https://github.com/acme/widgets/.github/workflows/publish.yml@refs/tags/v1.2.3"
    )
    # The real configuration names this project.
    assert release_identity("v0.1.0") == (
        "https://github.com/duckalog/duckalog/.github/workflows/publish.yml@refs/tags/v0.1.0"
    )


@pytest.mark.parametrize("tag", ["1.2.3", "v", "main", "v1.2.3 --cert-identity x"])
def test_release_identity_refuses_what_is_not_a_tag(tag: str) -> None:
    with pytest.raises(GateFailure) as failure:
        release_identity(tag)
    assert failure.value.problem.code == "verify.bad-tag"


def test_release_identity_fails_without_configuration(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(GateFailure) as failure:
        release_identity("v1.0.0", pyproject)
    assert failure.value.problem.code == "release_config.invalid"

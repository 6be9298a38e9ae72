# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""SHA256SUMS: written in sha256sum's format, and every way it can fail to verify."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from release_gates._internal.checksums import (
    BAD_INPUT,
    DIGEST_MISMATCH,
    DUPLICATE_ENTRY,
    FILE_MISSING,
    MALFORMED_LINE,
    SUMS_EMPTY,
    SUMS_MISSING,
    UNLISTED_DIST,
    UNSAFE_NAME,
    verify_sha256sums,
    write_sha256sums,
)
from release_gates.problems import GateFailure

WHEEL = "pkg-1.0-py3-none-any.whl"
SDIST = "pkg-1.0.tar.gz"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    directory = tmp_path / "dist"
    directory.mkdir()
    (directory / WHEEL).write_bytes(b"wheel bytes")
    (directory / SDIST).write_bytes(b"sdist bytes")
    return directory


def codes(problems: list[GateFailure]) -> list[str]:
    return [problem.problem.code for problem in problems]


def test_round_trip_is_sorted_sha256sum_format(dist: Path) -> None:
    sums = write_sha256sums(dist, [dist / WHEEL, SDIST])
    expected = "".join(
        f"{hashlib.sha256((dist / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted([WHEEL, SDIST])
    )
    assert sums == dist / "SHA256SUMS"
    assert sums.read_text(encoding="utf-8") == expected
    assert verify_sha256sums(sums) == []
    # The real coreutils tool agrees.
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=dist,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_dist_changed_after_sha256sums_is_reported(dist: Path) -> None:
    sums = write_sha256sums(dist, [WHEEL, SDIST])
    before = hashlib.sha256(b"wheel bytes").hexdigest()
    (dist / WHEEL).write_bytes(b"wheel bytes, tampered")
    problems = verify_sha256sums(sums)
    assert codes(problems) == [DIGEST_MISMATCH.code]
    assert problems[0].values["name"] == WHEEL
    assert problems[0].values["expected"] == before
    assert problems[0].values["actual"] == hashlib.sha256(b"wheel bytes, tampered").hexdigest()
    assert WHEEL in str(problems[0]) and "do not release" in DIGEST_MISMATCH.fix


def test_a_listed_file_that_is_gone_is_reported(dist: Path) -> None:
    sums = write_sha256sums(dist, [WHEEL, SDIST])
    (dist / SDIST).unlink()
    assert codes(verify_sha256sums(sums)) == [FILE_MISSING.code]


def test_an_unlisted_dist_beside_sha256sums_is_reported(dist: Path) -> None:
    sums = write_sha256sums(dist, [WHEEL])
    problems = verify_sha256sums(sums)
    assert codes(problems) == [UNLISTED_DIST.code]
    assert problems[0].values["name"] == SDIST


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", SUMS_EMPTY.code),
        ("not a checksum line\n", MALFORMED_LINE.code),
        (f"{'0' * 63}  {WHEEL}\n", MALFORMED_LINE.code),
        (f"{'0' * 64}  ../../etc/passwd\n", UNSAFE_NAME.code),
        (f"{'0' * 64}  /etc/passwd\n", UNSAFE_NAME.code),
    ],
)
def test_a_malformed_file_is_reported(tmp_path: Path, text: str, code: str) -> None:
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(text, encoding="utf-8")
    assert code in codes(verify_sha256sums(sums))


def test_a_duplicate_entry_is_reported(dist: Path) -> None:
    sums = write_sha256sums(dist, [WHEEL, SDIST])
    sums.write_text(sums.read_text(encoding="utf-8") * 2, encoding="utf-8")
    assert codes(verify_sha256sums(sums)) == [DUPLICATE_ENTRY.code, DUPLICATE_ENTRY.code]


def test_binary_mode_lines_are_accepted(dist: Path) -> None:
    digest = hashlib.sha256(b"wheel bytes").hexdigest()
    sums = dist / "SHA256SUMS"
    sums.write_text(f"{digest.upper()} *{WHEEL}\n", encoding="utf-8")
    (dist / SDIST).unlink()
    assert verify_sha256sums(sums) == []


def test_missing_sha256sums_is_reported(tmp_path: Path) -> None:
    assert codes(verify_sha256sums(tmp_path / "SHA256SUMS")) == [SUMS_MISSING.code]


def test_write_refuses_files_outside_the_directory(dist: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.whl"
    outside.write_bytes(b"x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / WHEEL).write_bytes(b"same name, other directory")
    for bad in ([outside], [tmp_path / "elsewhere" / WHEEL], ["no-such.whl"], ["SHA256SUMS"], []):
        if bad == ["SHA256SUMS"]:
            (dist / "SHA256SUMS").write_text("", encoding="utf-8")
        with pytest.raises(GateFailure) as caught:
            write_sha256sums(dist, bad)
        assert caught.value.problem is BAD_INPUT

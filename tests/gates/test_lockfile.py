# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Reading the universal hash locks under security/ (shared by audit, licences and sbom)."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_gates._internal import lockfile
from release_gates._internal.lockfile import (
    closure_for,
    group_by_closure,
    read_lock,
    supported_pythons,
)
from release_gates.problems import GateFailure

ROOT = Path(__file__).resolve().parents[2]


# uv writes full sha256 digests; the lock reader accepts nothing shorter.
AA, AB, BB, CC = ("aa" * 32, "ab" * 32, "bb" * 32, "cc" * 32)


def test_universal_lock_closures_per_python(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# comment\n"
        f"a==1.0 ; python_full_version < '3.10' \\\n"
        f"    --hash=sha256:{AA} \\\n    --hash=sha256:{AB}\n"
        "    # via -r x.in\n"
        f"a==2.0 ; python_full_version >= '3.10' --hash=sha256:{BB}\n"
        f"B_c==3 --hash=sha256:{CC}\n"
    )
    pins = read_lock(lock)
    groups = group_by_closure(pins, ["3.9", "3.10", "3.13"])
    assert [[f"{p.name}=={p.version}" for p in c] for c in groups] == [
        ["a==1.0", "b-c==3"],
        ["a==2.0", "b-c==3"],
    ]
    assert list(groups.values()) == [["3.9"], ["3.10", "3.13"]]
    assert closure_for(pins, "3.9")[0].hashes == (AA, AB)
    classifiers = [
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.9",
    ]
    assert supported_pythons([*classifiers, "Programming Language :: Python :: 3"]) == [
        "3.9",
        "3.10",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "a==1.0\n",
        f"a>=1.0 --hash=sha256:{AA}\n",
        f"a==1.* --hash=sha256:{AA}\n",
        "not a requirement!\n",
    ],
)
def test_a_lock_line_without_exact_pin_and_hash_fails(tmp_path: Path, line: str) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(line)
    with pytest.raises(GateFailure) as failure:
        read_lock(lock)
    assert failure.value.problem.code == "lockfile.unparsable"
    assert "lock.txt:1" in str(failure.value)


def test_two_pins_for_one_python_are_refused(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(
        f"a==1.0 ; python_version >= '3.9' --hash=sha256:{AA}\n"
        f"a==2.0 ; python_version >= '3.10' --hash=sha256:{BB}\n"
    )
    pins = read_lock(lock)
    assert lockfile.resolve(pins, lockfile.environment_for("3.9"), lock)["a"].version == "1.0"
    with pytest.raises(GateFailure) as failure:
        lockfile.resolve(pins, lockfile.environment_for("3.11"), lock)
    assert failure.value.problem.code == "lockfile.ambiguous"
    assert "1.0, 2.0" in str(failure.value)


def test_written_closure_is_marker_free_and_reads_back(tmp_path: Path) -> None:
    pins = read_lock(ROOT / "security" / "runtime.txt")
    closure = closure_for(pins, "3.9")
    written = lockfile.write_pinned(closure, tmp_path / "closure.txt")
    assert ";" not in written.read_text()
    again = read_lock(written)
    assert [(p.name, p.version, p.hashes) for p in again] == [
        (p.name, p.version, p.hashes) for p in closure
    ]
    assert {p.name for p in closure} >= {"duckdb", "pyyaml"}

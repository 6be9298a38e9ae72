# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The gates' venvs: made and synced by the real uv, kept and reused by their key.

The locks are small real ones cut from ``security/tests.txt`` (iniconfig and
pluggy, pure-Python wheels), written marker-free for this interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from release_gates._internal.lockfile import closure_for, read_lock, write_pinned
from release_gates._internal.venvs import (
    KEY_FILE,
    Venv,
    add_locked,
    create_venv,
    locked_venv,
    pyvenv_interpreter,
    record_key,
    recorded_key,
    run,
    venv_key,
)

ROOT = Path(__file__).resolve().parents[2]
THIS_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
THIS_ID = f"{sys.executable} {sys.version}"


def lock_of(folder: Path, *names: str) -> Path:
    """A hash-locked file pinning ``names`` as security/tests.txt does for this Python."""
    pins = closure_for(read_lock(ROOT / "security" / "tests.txt"), THIS_PYTHON)
    chosen = [pin for pin in pins if pin.name in names]
    assert sorted(pin.name for pin in chosen) == sorted(names)
    folder.mkdir(parents=True, exist_ok=True)
    return write_pinned(chosen, folder / f"{'-'.join(names)}.txt")


def installed(venv: Venv) -> set[str]:
    """The distributions in ``venv`` (lower-case names), read by its own interpreter."""
    probe = (
        "import importlib.metadata as m; "
        "print('\\n'.join(d.metadata['Name'] for d in m.distributions()))"
    )
    done = run([venv.python, "-c", probe])
    assert done.ok, done.output
    return {line.strip().lower() for line in done.output.splitlines() if line.strip()}


@pytest.fixture
def locks(tmp_path: Path) -> tuple[Path, Path]:
    """Two locks: iniconfig alone, and pluggy alone."""
    return lock_of(tmp_path / "locks", "iniconfig"), lock_of(tmp_path / "locks", "pluggy")


def test_a_new_venv_holds_exactly_its_lock_and_no_packaging_tool(
    tmp_path: Path, locks: tuple[Path, Path]
) -> None:
    venv, done, reused = locked_venv(
        tmp_path / "v", sys.executable, THIS_ID, [locks[0]], keep=False
    )
    assert done.ok, done.output
    assert not reused
    assert installed(venv) == {"iniconfig"}
    assert not (venv.path / KEY_FILE).exists()  # not kept: never reused


def test_a_kept_venv_is_reused_and_synced_back_to_its_lock(
    tmp_path: Path, locks: tuple[Path, Path]
) -> None:
    path = tmp_path / "kept"
    venv, done, reused = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)
    assert done.ok and not reused
    marker = venv.path / "made-by-the-first-run"
    marker.write_text("x", encoding="utf-8")
    # An earlier run added something (as the smoke gate adds the dist and the tests lock).
    assert add_locked(venv, locks[1]).ok
    assert installed(venv) == {"iniconfig", "pluggy"}

    venv, done, reused = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)

    assert done.ok, done.output
    assert reused and marker.exists()  # the same venv, not a new one
    assert installed(venv) == {"iniconfig"}  # what the lock does not list is gone


def test_a_changed_lock_or_interpreter_makes_the_venv_again(
    tmp_path: Path, locks: tuple[Path, Path]
) -> None:
    path = tmp_path / "kept"
    venv, _, _ = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)
    marker = venv.path / "made-by-the-first-run"
    marker.write_text("x", encoding="utf-8")

    locks[0].write_text(locks[1].read_text(encoding="utf-8"), encoding="utf-8")
    venv, done, reused = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)
    assert done.ok and not reused and not marker.exists()
    assert installed(venv) == {"pluggy"}

    marker.write_text("x", encoding="utf-8")
    venv, done, reused = locked_venv(
        path, sys.executable, THIS_ID + " (rebuilt)", [locks[0]], keep=True
    )
    assert done.ok and not reused and not marker.exists()


def test_a_failed_sync_leaves_no_key_so_the_next_run_starts_again(
    tmp_path: Path, locks: tuple[Path, Path]
) -> None:
    good = locks[0].read_text(encoding="utf-8")
    # Every allowed hash replaced by another: uv must refuse the file it downloads.
    tampered = "".join(
        line.replace(line.split("sha256:")[1][:64], "0" * 64) if "sha256:" in line else line
        for line in good.splitlines(keepends=True)
    )
    locks[0].write_text(tampered, encoding="utf-8")
    path = tmp_path / "kept"

    venv, done, _ = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)

    assert not done.ok
    assert "hash" in done.output.lower()
    assert not (path / KEY_FILE).exists()
    assert installed(venv) == set()

    locks[0].write_text(good, encoding="utf-8")
    venv, done, reused = locked_venv(path, sys.executable, THIS_ID, [locks[0]], keep=True)
    assert done.ok and not reused
    assert installed(venv) == {"iniconfig"}


def test_an_interpreter_that_does_not_exist_is_a_failed_step(tmp_path: Path) -> None:
    _, done = create_venv(tmp_path / "no-such-python", tmp_path / "v")
    assert not done.ok
    assert "no-such-python" in done.output


def test_the_key_follows_each_locks_bytes_and_the_interpreter(
    tmp_path: Path, locks: tuple[Path, Path]
) -> None:
    key = venv_key(THIS_ID, list(locks))
    assert key == venv_key(THIS_ID, list(locks))
    assert key != venv_key(THIS_ID + "x", list(locks))
    assert key != venv_key(THIS_ID, [locks[0]])
    locks[1].write_bytes(locks[1].read_bytes() + b"\n")  # one byte more: another key
    assert key != venv_key(THIS_ID, list(locks))


def test_pyvenv_interpreter_names_the_interpreter_a_venv_was_made_from(tmp_path: Path) -> None:
    venv, done = create_venv(sys.executable, tmp_path / "v")
    assert done.ok, done.output
    made_from = pyvenv_interpreter(venv.path)
    assert "home=" in made_from
    assert ".".join(map(str, sys.version_info[:3])) in made_from
    assert pyvenv_interpreter(tmp_path / "not-a-venv") == ""


def test_a_key_is_recorded_and_removed(tmp_path: Path) -> None:
    assert recorded_key(tmp_path) is None
    record_key(tmp_path, "abc")
    assert recorded_key(tmp_path) == "abc"
    record_key(tmp_path, None)
    assert recorded_key(tmp_path) is None
    record_key(tmp_path, None)  # nothing recorded: still fine

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Virtualenvs for exercising the built dists, and running commands in them.

The venvs are made by uv without pip or setuptools (nothing but what the gate
installs ends up inside: an SBOM of such a venv lists no packaging tool). The
locked closures go in with ``uv pip sync --require-hashes``; the built dists,
where a gate proves that users can install them, with the gate's own
hash-locked pip (``pip --python VENV``). uv is the gate's own too: ``python -m
uv`` of the gate's interpreter, installed from its lock (``security/<gate>.txt``).
uv never downloads an interpreter here (``UV_PYTHON_DOWNLOADS=never``).

A gate may keep its venvs between runs (:func:`locked_venv` with a ``keep``
folder, e.g. the smoke gate's ``--venvs``). Such a venv is reused while its key
is unchanged, the sha256 of every lock it holds plus the interpreter's
executable and full version (recorded in :data:`KEY_FILE` inside it), and then
only checked against its locks offline (``uv pip sync --offline``, which also
removes what an earlier run added, such as the previous dist); with another
key it is made again from nothing.

Commands run with an environment scrubbed of anything that could make the
source tree importable (``PYTHONPATH`` from nox, ``VIRTUAL_ENV``, user site).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Variables that would let a venv see something other than what was installed in it.
_LEAKY_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV")
# pip, venv or a test may hang on a broken index or a deadlock; nothing here takes this long.
DEFAULT_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class Completed:
    """A finished command: its exit code and combined stdout + stderr."""

    args: tuple[str, ...]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0

    def tail(self, lines: int = 15) -> str:
        """The last ``lines`` lines of output, for failure messages."""
        return "\n".join(self.output.strip().splitlines()[-lines:])


@dataclass(frozen=True)
class Venv:
    """A virtualenv at ``path``."""

    path: Path

    @property
    def bin(self) -> Path:
        """Its scripts directory."""
        return self.path / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        """Its interpreter."""
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A scrubbed environment with this venv's scripts first on PATH."""
        env = clean_env(extra)
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(self.path)
        return env


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``os.environ`` without variables that leak other code into a Python process."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_VARIABLES}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env.update(extra or {})
    return env


def run(
    args: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Completed:
    """Run ``args`` and capture its output; a timeout or a missing program is a failure."""
    argv = tuple(str(a) for a in args)
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        partial = error.output if isinstance(error.output, str) else ""
        return Completed(argv, -1, f"{partial}\ntimed out after {timeout:.0f} s")
    except OSError as error:
        return Completed(argv, -1, f"cannot run {argv[0]}: {error}")
    return Completed(argv, done.returncode, done.stdout)


# The file in a kept venv that records what it was made from (see venv_key); noxfile.py
# keeps its session venvs the same way.
KEY_FILE = "duckalog-venv-key.sha256"


def uv_command(*args: str | Path) -> list[str | Path]:
    """``python -m uv ARGS`` with the running (gate) interpreter: uv from the gate's lock."""
    return [sys.executable, "-m", "uv", *args]


def uv_env() -> dict[str, str]:
    """The scrubbed environment, with uv told never to download an interpreter."""
    return clean_env({"UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"})


def create_venv(interpreter: str | Path, path: Path) -> tuple[Venv, Completed]:
    """Create an empty venv (no pip, no setuptools) at ``path`` from ``interpreter``.

    An existing folder at ``path`` is replaced.
    """
    done = run(
        uv_command("venv", "--quiet", "--clear", "--no-config", "--python", interpreter, path),
        env=uv_env(),
    )
    return Venv(path), done


def sync_locked(
    venv: Venv, *locks: Path, offline: bool = False, compile_bytecode: bool = False
) -> Completed:
    """Make ``venv`` hold exactly the hash-locked files ``locks`` (``uv pip sync``).

    ``offline``: use only uv's cache (enough to check a venv that already matches).
    ``compile_bytecode``: write the ``.pyc`` files now, for a venv used run after run
    (where ``PYTHONDONTWRITEBYTECODE`` is set, Python would compile on every import).
    """
    options = [*(["--offline"] if offline else []),
               *(["--compile-bytecode"] if compile_bytecode else [])]  # fmt: skip
    return run(
        uv_command(
            "pip", "sync", "--quiet", "--no-config", "--require-hashes",
            "--python", venv.python, *options, *locks,
        ),
        env=uv_env(),
    )  # fmt: skip


def add_locked(venv: Venv, lock: Path) -> Completed:
    """Add the hash-locked file ``lock`` to ``venv``, keeping what is there (no resolver)."""
    return run(
        uv_command(
            "pip", "install", "--quiet", "--no-config", "--require-hashes", "--no-deps",
            "--python", venv.python, "-r", lock,
        ),
        env=uv_env(),
    )  # fmt: skip


def venv_key(interpreter_id: str, locks: Sequence[Path]) -> str:
    """The key of a kept venv: ``interpreter_id`` and each lock's name and sha256 (hex)."""
    lines = [interpreter_id]
    lines += [f"{lock.name} {hashlib.sha256(lock.read_bytes()).hexdigest()}" for lock in locks]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def pyvenv_interpreter(path: Path) -> str:
    """The interpreter the venv at ``path`` was made from, for :func:`venv_key`.

    Its ``pyvenv.cfg`` lines ``home`` (the interpreter's folder) and ``version*``
    (its full version), as one string; a venv without ``pyvenv.cfg`` gets ``""``.
    """
    try:
        config = (path / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    wanted = (line.replace(" ", "") for line in config if line.startswith(("home", "version")))
    return ";".join(sorted(wanted))


def recorded_key(path: Path) -> str | None:
    """The key recorded in the venv at ``path`` (:data:`KEY_FILE`), None if there is none."""
    try:
        return (path / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def record_key(path: Path, key: str | None) -> None:
    """Record ``key`` in the venv at ``path`` once it holds exactly its locks; None removes
    the record first, so an interrupted install never looks finished."""
    if key is None:
        (path / KEY_FILE).unlink(missing_ok=True)
    else:
        (path / KEY_FILE).write_text(key + "\n", encoding="utf-8")


def locked_venv(
    path: Path, interpreter: str | Path, interpreter_id: str, locks: Sequence[Path], *, keep: bool
) -> tuple[Venv, Completed, bool]:
    """A venv at ``path`` from ``interpreter`` holding exactly ``locks``.

    ``interpreter_id`` names the interpreter for the key (its executable and full
    version). With ``keep``, a venv already at ``path`` with the same key is reused
    and only synced offline (online if that fails); otherwise, and without
    ``keep``, the venv is made from nothing. Returns the venv, the last command's
    outcome and whether the venv was reused.
    """
    venv = Venv(path)
    key = venv_key(interpreter_id, locks)
    if keep and venv.python.exists() and recorded_key(path) == key:
        checked = sync_locked(venv, *locks, offline=True, compile_bytecode=True)
        if not checked.ok:  # e.g. a package went missing and uv's cache was cleared
            checked = sync_locked(venv, *locks, compile_bytecode=True)
        if not checked.ok:
            record_key(path, None)
        return venv, checked, True
    shutil.rmtree(path, ignore_errors=True)
    venv, made = create_venv(interpreter, path)
    if not made.ok:
        return venv, made, False
    synced = sync_locked(venv, *locks, compile_bytecode=keep)
    if synced.ok and keep:
        record_key(path, key)
    return venv, synced, False


def pip_install(venv: Venv, *args: str | Path, cwd: Path | None = None) -> Completed:
    """``pip install`` into ``venv`` with the pip of the running (gate) interpreter.

    ``--no-compile``: byte-compiling every installed module costs more CPU than the
    whole smoke test imports; Python compiles what it imports.
    """
    return run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv.python,
            "install",
            "--quiet",
            "--no-compile",
            *args,
        ],
        cwd=cwd,
        env=clean_env(),
    )


def pip_install_locked(venv: Venv, lock: Path, *extra: str | Path) -> Completed:
    """Install exactly the hash-locked closure ``lock`` into ``venv`` (no resolver)."""
    return pip_install(venv, "--require-hashes", "--no-deps", "-r", lock, *extra)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Fresh virtualenvs for exercising the built dists, and running commands in them.

The venvs are made ``--without-pip`` and filled by the gate's own hash-locked pip
(``pip --python VENV``): creating them is fast, and nothing but what the gate
installs ends up inside (an SBOM of such a venv lists no pip or setuptools).
Commands run with an environment scrubbed of anything that could make the
source tree importable (``PYTHONPATH`` from nox, ``VIRTUAL_ENV``, user site).
"""

from __future__ import annotations

import os
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


def create_venv(interpreter: str | Path, path: Path) -> tuple[Venv, Completed]:
    """Create a venv without pip at ``path`` from ``interpreter``."""
    done = run([interpreter, "-m", "venv", "--without-pip", path])
    return Venv(path), done


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

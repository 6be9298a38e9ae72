# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What a nox command line asks for, where nox has no API to tell ``noxfile.py``.

``noxfile.py`` passes ``sys.argv[1:]`` (nox's own arguments); everything after
``--`` belongs to the sessions and is never read as a nox option. Standard
library only: the noxfile imports this before any session has a venv.
"""

from __future__ import annotations

from collections.abc import Sequence


def nox_options(nox_argv: Sequence[str]) -> list[str]:
    """``nox_argv`` up to ``--`` (after it come the sessions' own arguments)."""
    argv = list(nox_argv)
    return argv[: argv.index("--")] if "--" in argv else argv


def selects_by_tag(nox_argv: Sequence[str]) -> bool:
    """Whether the command line selects sessions by tag: ``-t``/``--tags`` (``--tags=X``)."""
    return any(
        arg in ("-t", "--tags") or arg.startswith("--tags=") for arg in nox_options(nox_argv)
    )


def reuse_options(nox_argv: Sequence[str]) -> list[str]:
    """The venv-reuse options of this nox run, for the rehearsal's child nox runs.

    ``-r``/``--reuse-existing-virtualenvs`` or ``--reuse-venv VALUE`` set reuse,
    ``-N``/``--no-reuse-existing-virtualenvs`` rebuild every venv, ``-R`` reuses
    and skips installs, as does ``--no-install``; the last one given wins.
    Nothing given: nothing is passed on, and each child nox gets the noxfile's
    default (reuse, each venv checked against its locks). Returns the options
    to pass on, e.g. ``["--reuse-venv", "yes", "--no-install"]``.
    """
    options = nox_options(nox_argv)
    reuse, no_install = "", False
    for position, arg in enumerate(options):
        value = arg.partition("=")[2] if arg.startswith("--reuse-venv=") else None
        if arg == "--reuse-venv" and position + 1 < len(options):
            value = options[position + 1]
        if value is not None:
            reuse = value
        elif arg in ("-r", "--reuse-existing-virtualenvs", "-R"):
            reuse = "yes"
        elif arg in ("-N", "--no-reuse-existing-virtualenvs"):
            reuse = "no"
        no_install = no_install or arg in ("-R", "--no-install")
    return [*(["--reuse-venv", reuse] if reuse else []), *(["--no-install"] if no_install else [])]

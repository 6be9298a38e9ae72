# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The clean environment act and every step it runs get (host mode is not isolated).

In host mode each step inherits act's own environment. So act is started with a
small environment built from nothing: a ``PATH`` of system folders plus the
folders holding ``git`` and ``node`` (what a GitHub runner image provides), a
``HOME`` and ``TMPDIR`` of the run's own, no pip configuration file
(``PIP_CONFIG_FILE`` = the null device), and one pip cache shared by every job.
Of the caller's environment only the variables that say how this machine reaches
the package index pass through: its certificate bundle and its proxy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from workflow_run.errors import WorkflowRunError

# How this machine reaches PyPI (a TLS-inspecting proxy needs its CA bundle):
# passed through unchanged when set. Nothing else of the caller's environment is.
NETWORK_VARIABLES = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "PIP_CERT",
    "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
# Programs a runner image provides that the jobs call outside any action.
RUNNER_PROGRAMS = ("git", "node", "sha256sum")
SYSTEM_PATH = ("/usr/bin", "/bin")


def runner_path(caller: Mapping[str, str]) -> str:
    """``PATH`` for the jobs: the folders of :data:`RUNNER_PROGRAMS`, then the system's.

    Raises :class:`WorkflowRunError` when one of the programs is not installed.
    """
    folders: list[str] = []
    for program in RUNNER_PROGRAMS:
        found = shutil.which(program, path=caller.get("PATH", os.defpath))
        if found is None:
            raise WorkflowRunError(
                f"{program} is not on PATH: the workflow jobs need it (install it and re-run)"
            )
        folders.append(str(Path(found).parent))
    folders += SYSTEM_PATH
    return os.pathsep.join(dict.fromkeys(folders))


def clean_environment(
    home: Path,
    pip_cache: Path,
    caller: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The whole environment for one act run.

    ``home`` becomes ``HOME`` (with ``tmp/`` inside as ``TMPDIR``), ``pip_cache``
    the shared ``PIP_CACHE_DIR``; ``caller`` (default ``os.environ``) supplies
    ``PATH`` lookups and :data:`NETWORK_VARIABLES`; ``extra`` is added last.
    """
    caller = os.environ if caller is None else caller
    tmp = home / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    pip_cache.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": runner_path(caller),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "PIP_CONFIG_FILE": os.devnull,  # no /etc/pip.conf, ~/.config/pip, constraints
        "PIP_CACHE_DIR": str(pip_cache),
        "PIP_NO_INPUT": "1",
    }
    env.update({name: caller[name] for name in NETWORK_VARIABLES if caller.get(name)})
    env.update(extra or {})
    return env

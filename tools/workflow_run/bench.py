# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Assemble the :class:`~workflow_run.runner.Workbench` every act run of a session shares."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from workflow_run import toolcache
from workflow_run.errors import WorkflowRunError
from workflow_run.locate import find_act, pinned_actions, resolve_actions
from workflow_run.runner import Workbench


def prepare(
    root: Path, base: Path, workflows: list[Path], environ: Mapping[str, str] | None = None
) -> Workbench:
    """act, the actions of ``workflows``, and under ``base`` the shared caches.

    ``base/act-cache/tool_cache`` is seeded with this machine's interpreters;
    ``base/pip-cache`` is the pip cache of every job. Both survive between
    sessions, so a second session reuses the downloads. Raises
    :class:`WorkflowRunError` when act, the actions or Python 3.11 (what the
    workflows set up for nox) are missing.
    """
    act = find_act()
    actions = resolve_actions(pinned_actions(workflows), root, environ)
    action_cache = base / "act-cache"
    seeded = toolcache.seed(
        action_cache / "tool_cache", toolcache.find_interpreters(caller=environ)
    )
    if not any(v.startswith("3.11.") for v in seeded):
        raise WorkflowRunError(
            "no python3.11 on PATH: setup-python needs it in the tool cache (install it, "
            "e.g. with pyenv, and run through scripts/nox, which makes it visible)"
        )
    return Workbench(
        act=act, actions=actions, action_cache=action_cache, pip_cache=base / "pip-cache"
    )

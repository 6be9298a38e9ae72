# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Event payloads for act (``act EVENT -e FILE``), shaped as GitHub sends them.

A tag push carries ``ref: refs/tags/vX.Y.Z``; a ``workflow_dispatch`` carries its
``inputs`` as strings (GitHub's webhook payload does, and act converts them by
the input's declared type: a JSON ``true`` would read as false).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Event:
    """An event name (``push``, ``workflow_dispatch``) and its JSON payload."""

    name: str
    payload: Mapping[str, Any] = field(default_factory=dict)

    def write(self, path: Path) -> Path:
        """Write the payload as JSON to ``path`` (for ``act -e``); returns ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.payload, indent=2, sort_keys=True), encoding="utf-8")
        return path


def _repository(slug: str) -> dict[str, Any]:
    owner, _, name = slug.partition("/")
    return {"full_name": slug, "name": name, "owner": {"login": owner}}


def tag_push(tag: str, repository: str) -> Event:
    """A push of tag ``tag`` (e.g. ``v1.2.3``) to ``repository`` (``owner/name``)."""
    ref = f"refs/tags/{tag}"
    return Event("push", {"ref": ref, "ref_type": "tag", "repository": _repository(repository)})


def branch_push(branch: str, repository: str) -> Event:
    """A push to ``branch`` (e.g. ``main``) of ``repository``."""
    return Event("push", {"ref": f"refs/heads/{branch}", "repository": _repository(repository)})


def dispatch(
    repository: str,
    *,
    version: str,
    channel: str,
    confirm: str = "",
    dry_run: bool,
    branch: str = "main",
) -> Event:
    """A manual ``workflow_dispatch`` of publish.yml from ``branch``, inputs as strings."""
    inputs = {
        "version": version,
        "channel": channel,
        "confirm": confirm,
        "dry_run": "true" if dry_run else "false",
    }
    return Event(
        "workflow_dispatch",
        {"ref": f"refs/heads/{branch}", "inputs": inputs, "repository": _repository(repository)},
    )

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Where things are in the project checkout, defined once for every gate and tool.

Gates that take a ``--root``/``--source`` option use these only as defaults, so
the tests can point them at a throw-away copy.
"""

from __future__ import annotations

from pathlib import Path

# tools/release_gates/_internal/paths.py -> the checkout
ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"
NOXFILE = ROOT / "noxfile.py"
# Hash-locked tool environments and the policy data the security team reviews.
SECURITY = ROOT / "security"
RUNTIME_LOCK = SECURITY / "runtime.txt"
DIST = ROOT / "dist"
# Where the rehearsal keeps the decided gate results, their logs and its metadata.
REHEARSAL_RESULTS = ROOT / "build" / "release-gates"
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH_WORKFLOW = WORKFLOWS / "publish.yml"

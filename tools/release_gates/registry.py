# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release pipeline as data: which gate needs which.

This graph is the single source of truth for the order of the release. The
local rehearsal (``nox -s release``) walks it, and ``tests/workflows`` checks
that ``.github/workflows/publish.yml`` has a job per gate with the same
``needs``. Jobs that exist only on GitHub (signing, attestations, the real
uploads) are listed in :data:`WORKFLOW_ONLY_JOBS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One gate: its nox session, the gates it needs, and whether it needs the network."""

    session: str
    needs: tuple[str, ...] = ()
    network: bool = False


# In order: a step only needs steps listed before it.
REHEARSAL: tuple[Step, ...] = (
    Step("version"),
    Step("licenses", needs=("version",)),
    Step("audit", needs=("version",), network=True),
    Step("build", needs=("version",)),
    Step("smoke", needs=("build",)),
    Step("sbom", needs=("build",)),
    Step("verify", needs=("build", "smoke", "sbom")),
    Step("publish", needs=("version", "licenses", "audit", "build", "smoke", "sbom", "verify")),
)

# Jobs of publish.yml that have no local counterpart (they need GitHub's OIDC
# token, Sigstore's services or the real indexes).
WORKFLOW_ONLY_JOBS: tuple[str, ...] = (
    "test",
    "sign",
    "attest",
    "publish-testpypi",
    "publish-pypi",
    "verify-pypi",
    "github-release",
)


def step(session: str) -> Step:
    """The step named ``session``."""
    for candidate in REHEARSAL:
        if candidate.session == session:
            return candidate
    raise KeyError(session)

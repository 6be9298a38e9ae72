# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release configuration, ``[tool.duckalog-release]`` in ``pyproject.toml``, read once.

    [tool.duckalog-release]
    repository = "duckalog/duckalog"                 # OWNER/REPO on GitHub
    workflow = ".github/workflows/publish.yml"       # the workflow that signs and publishes
    oidc-issuer = "https://token.actions.githubusercontent.com"   # optional

Every gate and tool that needs the repository, the publishing workflow, the
OIDC issuer or the signer identity derived from them reads it here, with
:func:`read_release_config`. A missing or malformed table fails
(``release_config.invalid``): nothing guesses a repository.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from release_gates._internal import paths
from release_gates._internal.tomlfile import load_toml
from release_gates.problems import GateFailure, Problem

# GitHub Actions' token issuer: the default when the table does not name one.
GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com"

INVALID = Problem(
    "release_config.invalid",
    "cannot read the release configuration [tool.duckalog-release] from {pyproject}: {error}",
    "pyproject.toml needs [tool.duckalog-release] with `repository` (OWNER/REPO) and "
    "`workflow` (the path of the publishing workflow); `oidc-issuer` is optional.",
)

_REPOSITORY = re.compile(r"[\w.-]+/[\w.-]+")


@dataclass(frozen=True)
class ReleaseConfig:
    """Who publishes the release: the repository, its workflow and the token issuer."""

    repository: str
    workflow: str
    oidc_issuer: str = GITHUB_ACTIONS_ISSUER

    @property
    def workflow_file(self) -> str:
        """The workflow's file name (``publish.yml``), as PEP 740 publishers name it."""
        return Path(self.workflow).name

    def identity(self, tag: str) -> str:
        """The Sigstore certificate identity of the workflow run for ``tag`` (``vX.Y.Z``)."""
        return f"https://github.com/{self.repository}/{self.workflow.lstrip('/')}@refs/tags/{tag}"


def read_release_config(pyproject: Path = paths.PYPROJECT) -> ReleaseConfig:
    """``[tool.duckalog-release]`` of ``pyproject``; raises ``release_config.invalid``."""
    try:
        table = load_toml(pyproject)["tool"]["duckalog-release"]
        repository, workflow = table["repository"], table["workflow"]
        issuer = table.get("oidc-issuer", GITHUB_ACTIONS_ISSUER)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise GateFailure(INVALID, pyproject=pyproject, error=repr(error)) from error
    for key, value in (("repository", repository), ("workflow", workflow), ("oidc-issuer", issuer)):
        if not isinstance(value, str) or not value.strip():
            raise GateFailure(INVALID, pyproject=pyproject, error=f"{key} must be a string")
    if not _REPOSITORY.fullmatch(repository):
        raise GateFailure(INVALID, pyproject=pyproject, error=f"repository={repository!r}")
    return ReleaseConfig(repository, workflow, issuer)


def verification_commands(config: ReleaseConfig, version: str, dists: Sequence[str]) -> list[str]:
    """The commands a user runs beside the downloaded ``dists`` to verify release ``version``.

    Without ``dists`` the wheel and sdist names of ``duckalog`` ``version`` are used.
    """
    dists = list(dists) or [f"duckalog-{version}-py3-none-any.whl", f"duckalog-{version}.tar.gz"]
    identity = config.identity(f"v{version}")
    repository = config.repository
    lines = [
        "# 1. the files are the ones the release built",
        "sha256sum -c SHA256SUMS",
        "# 2. each file was signed by our publish workflow for this tag (Sigstore)",
    ]
    lines += [
        f"sigstore verify identity --bundle {name}.sigstore.json"
        f" --cert-identity {identity} --cert-oidc-issuer {config.oidc_issuer} {name}"
        for name in dists
    ]
    lines.append("# 3. GitHub's build provenance attestation")
    lines += [
        f"gh attestation verify {name} --repo {repository}"
        f" --signer-workflow {repository}/{config.workflow}"
        for name in dists
    ]
    lines.append("# 4. PyPI's PEP 740 attestations of the published files")
    lines += [
        f"pypi-attestations verify pypi --repository https://github.com/{repository} pypi:{name}"
        for name in dists
    ]
    lines.append("# or everything above that works offline, with this repository's own gate:")
    lines.append(f"scripts/nox -s verify -- {' '.join(dists)} --identity {identity}")
    return lines

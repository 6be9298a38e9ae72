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
:func:`verification_commands` turns it into the user's verification sequence,
the text docs/verifying.md shows (a docs test compares them).
"""

from __future__ import annotations

import re
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


# The user's verification sequence. docs/verifying.md shows exactly this text for
# version 0.1.0 (a docs test compares them), so change both together.
VERIFY_SEQUENCE = """\
# Verify a Duckalog release in a new folder (bash or zsh; needs curl, sha256sum, Python 3.11+).
VERSION={version}
IDENTITY="https://github.com/{repository}/{workflow}@refs/tags/v$VERSION"
mkdir "duckalog-$VERSION" && cd "duckalog-$VERSION"

# 1. Download both dists, their Sigstore bundles and SHA256SUMS (plain URLs, no login).
RELEASE="https://github.com/{repository}/releases/download/v$VERSION"
curl --fail --location --remote-name-all "$RELEASE/SHA256SUMS" \\
  "$RELEASE/duckalog-$VERSION-py3-none-any.whl" \\
  "$RELEASE/duckalog-$VERSION-py3-none-any.whl.sigstore.json" \\
  "$RELEASE/duckalog-$VERSION.tar.gz" "$RELEASE/duckalog-$VERSION.tar.gz.sigstore.json"

# 2. Install the verifier pinned by hash: the sigstore the release workflow verified with.
python3 -m venv verifier
curl --fail --location --output verifier.txt \\
  "https://raw.githubusercontent.com/{repository}/v$VERSION/security/verify.txt"
verifier/bin/python -m pip install --require-hashes --no-deps --only-binary :all: \\
  -r verifier.txt

# 3. (offline) The files are the bytes the release built.
sha256sum --check --ignore-missing SHA256SUMS

# 4. (offline) Both files were signed by the publish workflow for this tag.
verifier/bin/sigstore verify identity --offline \\
  --cert-identity "$IDENTITY" --cert-oidc-issuer {issuer} \\
  "duckalog-$VERSION-py3-none-any.whl" "duckalog-$VERSION.tar.gz"

# 5. GitHub's provenance and SBOM attestations: same workflow, same tag (public API, no login).
for FILE in "duckalog-$VERSION-py3-none-any.whl" "duckalog-$VERSION.tar.gz"; do
  DIGEST="$(sha256sum "$FILE" | cut -d ' ' -f 1)"
  curl --fail --location --silent --show-error --output "$FILE.attestations.json" \\
    --header "X-GitHub-Api-Version: 2022-11-28" \\
    "https://api.github.com/repos/{repository}/attestations/sha256:$DIGEST"
  verifier/bin/python - "$FILE" <<'PY'
import json, sys
name = sys.argv[1]  # GitHub's answer lists the attestations; write each as a bundle file
for n, attestation in enumerate(json.load(open(f"{{name}}.attestations.json"))["attestations"]):
    json.dump(attestation["bundle"], open(f"{{name}}.attestation-{{n}}.sigstore.json", "w"))
PY
  for BUNDLE in "$FILE".attestation-*.sigstore.json; do
    verifier/bin/sigstore verify identity --offline --bundle "$BUNDLE" \\
      --cert-identity "$IDENTITY" --cert-oidc-issuer {issuer} \\
      "$FILE"
  done
done
"""


def verification_commands(config: ReleaseConfig, version: str) -> str:
    """The sequence a user runs, in an empty folder, to verify release ``version``.

    Plain download URLs, a hash-pinned verifier, the Sigstore check of both files
    in one command, and the attestations pinned to the tag; no checkout needed.
    Both release reports (the rehearsal's and the workflow's job summary) show it.
    """
    return VERIFY_SEQUENCE.format(
        version=version,
        repository=config.repository,
        workflow=config.workflow.lstrip("/"),
        issuer=config.oidc_issuer,
    ).rstrip("\n")

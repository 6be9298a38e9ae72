# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Facts the docs repeat from the project's configuration still hold."""

from __future__ import annotations

import ast
import re

import docpages
import pytest

PAGES = docpages.all_pages()
CONFIG = docpages.pyproject()


def test_the_pinned_build_backend_is_the_one_documented() -> None:
    requires = CONFIG["build-system"]["requires"]  # type: ignore[index]
    for page in PAGES:
        for pin in re.findall(r"hatchling==[\w.]+", page.text):
            assert pin in requires, f"{page.name} says {pin}, pyproject.toml pins {requires}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_signing_identities_name_our_repository_and_workflow(page: docpages.Page) -> None:
    release = CONFIG["tool"]["duckalog-release"]  # type: ignore[index]
    expected = re.escape(f"https://github.com/{release['repository']}/{release['workflow']}@")
    found = re.findall(r"https://github\.com/[\w.-]+/[\w.-]+/\.github/\S+@refs/tags/\S+", page.text)
    for identity in found:
        if "trailofbits" in identity:  # the test fixture's own identity
            continue
        assert re.match(expected, identity), f"{page.name}: unexpected identity {identity}"


def config_keys() -> dict[str, set[str]]:
    """Every key of the config model (``src/duckalog/config/model.py``), by class, read with ast."""
    tree = ast.parse((docpages.ROOT / "src/duckalog/config/model.py").read_text(encoding="utf-8"))
    keys: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields = {
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and "ClassVar" not in ast.unparse(item.annotation)
            }
            if fields:
                keys[node.name] = fields
    return keys


def test_configuration_page_describes_every_config_key() -> None:
    text = docpages.page("docs/configuration.md").text
    keys = config_keys()
    assert "View" in keys and "Config" in keys, "cannot read the config model"
    # Secret.parameters is not a key: every other key of a secret is a parameter.
    missing = sorted(
        f"{cls}.{key}"
        for cls, fields in keys.items()
        for key in fields
        if f"`{key}`" not in text and (cls, key) != ("Secret", "parameters")
    )
    assert missing == [], f"docs/configuration.md does not mention: {missing}"


def test_the_verify_gate_derives_the_documented_identity() -> None:
    from release_gates.gates.verify import release_identity, release_issuer

    text = docpages.page("docs/verifying.md").text
    version = re.search(r"^VERSION=(\S+)$", text, re.M)
    identity = re.search(r'^IDENTITY="(\S+)"$', text, re.M)
    assert version and identity, "docs/verifying.md sets no VERSION= and IDENTITY= lines"
    documented = identity.group(1).replace("$VERSION", version.group(1))
    assert release_identity(f"v{version.group(1)}") == documented
    assert f"--cert-oidc-issuer {release_issuer()}" in text

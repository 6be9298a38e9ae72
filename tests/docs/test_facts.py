# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Facts the docs repeat from the project's configuration still hold."""

from __future__ import annotations

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

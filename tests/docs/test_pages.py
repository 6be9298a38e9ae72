# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every page the maintainers, the security team and users need exists and is reachable."""

from __future__ import annotations

import docpages
import pytest


@pytest.mark.parametrize("name", docpages.REQUIRED_PAGES)
def test_required_page_exists_and_has_a_title(name: str) -> None:
    page = docpages.page(name)
    first_heading = next(t for t in page.tokens if t.type == "heading_open")
    assert first_heading.tag == "h1", f"{name} should start with one '# Title'"


@pytest.mark.parametrize("name", [n for n in docpages.REQUIRED_PAGES if n != "README.md"])
def test_readme_links_every_page(name: str) -> None:
    links = docpages.relative_links(docpages.page("README.md"))
    targets = {target.split("#", 1)[0].lstrip("/") for target in links}
    assert name in targets, f"README.md has no link to {name}"


def test_readme_keeps_the_two_setup_commands() -> None:
    # .ci/run runs exactly these; the README table is what a new contributor copies.
    text = docpages.page("README.md").text
    assert "`scripts/nox -s release -- --offline`" in text
    assert "`scripts/nox -t tests`" in text

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every relative link in every markdown file resolves: the file, and the #anchor in it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import docpages
import pytest

PAGES = docpages.all_pages()


def broken_links(page: docpages.Page, root: Path = docpages.ROOT) -> list[str]:
    """Each link of ``page`` that does not lead to an existing file (and heading) under ``root``."""
    broken: list[str] = []
    for target in docpages.relative_links(page):
        path_part, _, anchor = target.partition("#")
        path_part = unquote(path_part)
        if path_part.startswith("/"):  # GitHub resolves /x against the repository root
            resolved = root / path_part.lstrip("/")
        elif path_part:
            resolved = (page.path.parent / path_part).resolve()
        else:
            resolved = page.path
        inside = resolved == root or root in resolved.parents
        if not inside or not resolved.exists():
            broken.append(f"{target}: no such file in the repository: {resolved}")
            continue
        if anchor and resolved.suffix == ".md":
            anchors = docpages.heading_anchors(docpages.parse(resolved))
            if anchor.lower() not in anchors:
                broken.append(f"{target}: no heading with anchor #{anchor} in {resolved.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page: docpages.Page) -> None:
    assert broken_links(page) == []


def test_checker_catches_broken_files_and_anchors(tmp_path: Path) -> None:
    # The checker itself must be able to fail, or the test above proves nothing.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "setup.md").write_text("# Set up\n\n## The `pypi` environment\n")
    page_path = tmp_path / "docs" / "page.md"
    page_path.write_text(
        "# Title\n\n"
        "[ok](setup.md#the-pypi-environment) [ok](#title) [ok](../docs/setup.md)\n"
        "[ok](https://github.com/duckalog/duckalog/blob/main/docs/setup.md#set-up)\n"
        "[bad](setup.md#no-such-heading) [bad](missing.md) [bad](#nope) [bad](../../outside.md)\n"
        "[bad](https://github.com/duckalog/duckalog/blob/main/docs/gone.md)\n"
        "```\n[not a link](in-a-code-block.md)\n```\n"
    )
    problems = broken_links(docpages.parse(page_path), root=tmp_path)
    assert len(problems) == 5, problems
    assert [p.split(":")[0] for p in problems] == [
        "setup.md#no-such-heading",
        "missing.md",
        "#nope",
        "../../outside.md",
        "/docs/gone.md",
    ]


def test_heading_anchors_follow_github() -> None:
    assert docpages.github_slug("`version.tag-mismatch`") == "versiontag-mismatch"
    assert docpages.github_slug("Roll back: yank, never re-use") == "roll-back-yank-never-re-use"

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every `duckalog COMMAND --option` shown in the docs is a real command and option of the CLI.

The CLI is run from the source tree (``python -m duckalog ... --help``); ``--help``
does not import duckdb, so only PyYAML is needed here.
"""

from __future__ import annotations

import functools
import re

import docpages
import pytest

PAGES = docpages.all_pages()
# `duckalog` as a command: followed by a sub-command or an option, in code.
_CALL = re.compile(r"(?<![\w/.-])duckalog[ \t]+(?P<rest>(?:[a-z][a-z-]*|-{1,2}[a-z][a-z-]*)\b.*)")
_OPTION = re.compile(r"(?<![\w-])(-{1,2}[a-zA-Z][\w-]*)")


@functools.cache
def cli_help(*command: str) -> str:
    """``duckalog COMMAND --help`` of the source tree; an unknown command fails the test."""
    result = docpages.help_of("duckalog", *command, source="src")
    if result.returncode != 0:
        raise LookupError(f"`duckalog {' '.join(command)} --help` failed: {result.stderr.strip()}")
    return result.stdout


def calls(snippet: str) -> list[tuple[str | None, list[str]]]:
    """(sub-command or None for the top level, options) for each `duckalog ...` in ``snippet``."""
    found: list[tuple[str | None, list[str]]] = []
    for match in _CALL.finditer(snippet):
        words = match["rest"].split()
        command = None if words[0].startswith("-") else words[0]
        options = _OPTION.findall(" ".join(words[1:] if command else words))
        found.append((command, options))
    return found


def problems_in(page: docpages.Page) -> list[str]:
    problems: list[str] = []
    for snippet in docpages.code_snippets(page):
        for command, options in calls(snippet):
            try:
                text = cli_help(command) if command else cli_help()
            except LookupError as error:
                problems.append(str(error))
                continue
            for option in options:
                if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text):
                    problems.append(f"`duckalog {command or ''} {option}`: no such option")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_documented_cli_calls_exist(page: docpages.Page) -> None:
    assert problems_in(page) == []


def test_the_readme_shows_every_command() -> None:
    shown = {
        command
        for snippet in docpages.code_snippets(docpages.page("README.md"))
        for command, _ in calls(snippet)
    }
    listed = set(re.findall(r"^    ([a-z][a-z-]+)\s", cli_help(), re.M))
    assert listed, "could not read the commands from `duckalog --help`"
    assert listed <= shown, f"README.md does not show: {sorted(listed - shown)}"


def test_checker_rejects_unknown_commands_and_options() -> None:
    assert calls("duckalog build CONFIG [--database PATH] --dry-run") == [
        ("build", ["--database", "--dry-run"])
    ]
    assert (
        calls("pip install duckalog==0.1.0 && gh release download --repo duckalog/duckalog") == []
    )
    fake = docpages.Page(
        path=docpages.ROOT / "fake.md",
        text="",
        tokens=tuple(
            docpages.parse_text("`duckalog compile x.yaml` and `duckalog build x.yaml --fast`\n")
        ),
    )
    problems = problems_in(fake)
    assert len(problems) == 2, problems
    assert "compile" in problems[0] and "--fast" in problems[1]

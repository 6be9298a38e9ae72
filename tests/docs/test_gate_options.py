# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every option passed to a gate in the docs (`nox -s GATE -- --option`) is one the gate accepts.

The session -> module mapping comes from the noxfile reader (the registry's gates
and tools, and any session running ``python -m release_gates.X``); each module's
``--help`` is the authority on its options.
"""

from __future__ import annotations

import functools
import re

import docpages
import pytest

from release_gates._internal.noxfile import read_noxfile

PAGES = docpages.all_pages()
_CALL = re.compile(
    r"\bnox(?:[ \t]+-[A-Za-z]+)*[ \t]+-s[ \t]+(?P<session>[\w-]+)[ \t]+--[ \t]+(?P<rest>.*)"
)
_OPTION = re.compile(r"(?<![\w-])(--[a-z][\w-]*)")


def gate_modules() -> dict[str, str]:
    """Session name -> the release_gates module it runs."""
    return read_noxfile(docpages.ROOT / "noxfile.py").modules


@functools.cache
def module_help(module: str) -> str:
    result = docpages.help_of(module, source="tools")
    assert result.returncode == 0, f"`python -m {module} --help` failed: {result.stderr}"
    return result.stdout


def unknown_options(page: docpages.Page, modules: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for snippet in docpages.code_snippets(page):
        for match in _CALL.finditer(snippet):
            module = modules.get(match["session"])
            if module is None:
                continue  # not a gate (e.g. `lock -- runtime` takes lock names)
            text = module_help(module)
            for option in _OPTION.findall(match["rest"]):
                if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text):
                    problems.append(
                        f"nox -s {match['session']} -- {option}: {module} has no such option"
                    )
    return problems


MODULES = gate_modules()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_options_given_to_gates_exist(page: docpages.Page) -> None:
    assert unknown_options(page, MODULES) == []


def test_gate_sessions_are_found() -> None:
    assert MODULES.get("verify") == "release_gates.gates.verify"
    assert MODULES.get("release") == "release_gates.rehearsal"


def test_checker_rejects_an_unknown_option() -> None:
    page = docpages.Page(
        path=docpages.ROOT / "fake.md",
        text="",
        tokens=tuple(
            docpages.parse_text(
                "`scripts/nox -s verify -- dist/x.whl --release-identity v1.0.0 --no-such-flag`\n"
            )
        ),
    )
    assert unknown_options(page, MODULES) == [
        "nox -s verify -- --no-such-flag: release_gates.gates.verify has no such option"
    ]

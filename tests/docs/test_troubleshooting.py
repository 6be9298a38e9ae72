# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""docs/troubleshooting.md has an entry for every failure a release gate can report.

Every gate failure is a module-level ``Problem(code, template, fix)`` in
``tools/release_gates``; :func:`release_gates.problems.catalog` collects them.
The codes are cross-checked with a static scan of the source, so a gate module
that cannot be imported here (a missing dependency in security/docs.in) fails
the test instead of silently hiding its problems.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import docpages
import pytest

from release_gates import problems

# Where Problems are declared: the gates, their tools and plumbing.
SOURCES = (docpages.ROOT / "tools" / "release_gates",)
PAGE = docpages.page("docs/troubleshooting.md")


def catalog() -> dict[str, problems.Problem]:
    """``problems.catalog()``; a gate module that cannot be imported here fails the test."""
    try:
        return problems.catalog()
    except ModuleNotFoundError as error:
        pytest.fail(
            f"cannot list the gates' problems: {error}. Add the package to security/docs.in "
            "and run `scripts/nox -s lock -- docs`."
        )


def declared_codes(directories: tuple[Path, ...]) -> set[str]:
    """Codes of every ``Problem("...", ...)`` written in the gate modules' source."""
    codes: set[str] = set()
    for source in sorted(p for directory in directories for p in directory.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Problem")):
                continue
            code = node.args[0] if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "code":
                    code = keyword.value
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.add(code.value)
            else:
                raise AssertionError(f"{source.name}:{node.lineno}: Problem code is not a literal")
    return codes


def documented_codes(text: str) -> set[str]:
    """Codes that head an entry: a heading or a table row or list item starting with the code."""
    codes: set[str] = set()
    entry = re.compile(r"^(?:#{2,6}\s+|\|\s*|[-*]\s+)`?([a-z0-9_-]+(?:\.[a-z0-9_-]+)+)`?", re.M)
    for match in entry.finditer(text):
        codes.add(match.group(1))
    return codes


def test_every_problem_is_declared_where_catalog_finds_it() -> None:
    # catalog() imports every gate module; the static scan needs none of them.
    assert set(catalog()) == declared_codes(SOURCES)


def test_troubleshooting_has_an_entry_for_every_problem_code() -> None:
    missing = sorted(set(catalog()) - documented_codes(PAGE.text))
    assert missing == [], f"docs/troubleshooting.md has no entry for: {', '.join(missing)}"


def test_troubleshooting_documents_no_code_that_does_not_exist() -> None:
    known = catalog()
    prefixes = {p.stem for d in SOURCES for p in d.rglob("*.py")} | {c.split(".")[0] for c in known}
    stale = sorted(
        code
        for code in documented_codes(PAGE.text)
        if code.split(".")[0] in prefixes and code not in known
    )
    assert stale == [], f"docs/troubleshooting.md documents codes no gate declares: {stale}"


def test_catalog_is_not_empty() -> None:
    # An empty catalog would make the checks above pass vacuously.
    assert len(catalog()) > 0


def test_only_entries_count_as_documentation() -> None:
    # A code mentioned in passing is not an entry; a heading, list item or table row is.
    text = (
        "### `version.tag-format`\n\n- `build.dirty-tree`: ...\n| local-index.did-not-start | x |\n"
        "See version.invalid in prose, or `sbom.missing-hash` inline.\n"
    )
    assert documented_codes(text) == {
        "version.tag-format",
        "build.dirty-tree",
        "local-index.did-not-start",
    }


def test_fix_texts_have_no_placeholders() -> None:
    # A fix text is shown as written (only the message template is formatted), so a
    # `{version}` in it reaches the maintainer raw. The message names the values.
    raw = {
        code: problem.fix
        for code, problem in catalog().items()
        if re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", problem.fix)
    }
    assert raw == {}, f"fix texts with a placeholder that is never filled in: {raw}"

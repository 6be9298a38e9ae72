# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Helpers for the documentation tests: which pages exist and how to read them.

Imported by the tests as ``docpages`` (``nox -s docs`` puts ``tests/docs`` on
``PYTHONPATH``).

The pages are parsed with markdown-it (CommonMark, like GitHub) rather than with
regular expressions, so a link inside a code block is not mistaken for a link and
a heading is recognised the way a reader sees it.

Adding a shell block to a page? Unmarked, it is run as written, offline; a block
that cannot run so gets a ``<!-- docs-test: network | run-by PATH -->`` marker on
the line before its fence, and a file the reader saves gets
``<!-- docs-test: file NAME -->``. The rules: ``test_shell_blocks.py``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import tomllib  # the docs session runs on Python 3.11+
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[2]

# Pages that must exist (issue 6); the tests below also cover every other .md.
REQUIRED_PAGES = (
    "README.md",
    "SECURITY.md",
    "docs/setup.md",
    "docs/release-process.md",
    "docs/verifying.md",
    "docs/sbom.md",
    "docs/troubleshooting.md",
    "docs/architecture.md",
)


@dataclass(frozen=True)
class Page:
    """One markdown file of the repository, parsed."""

    path: Path
    text: str
    tokens: tuple[Token, ...]

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


_MD = MarkdownIt("commonmark").enable("table")


def parse(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    return Page(path=path, text=text, tokens=tuple(_MD.parse(text)))


def markdown_files() -> list[Path]:
    """Every .md git tracks or would track (untracked but not ignored), in this repository."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.md"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    paths = sorted({ROOT / name for name in listed.split("\0") if name})
    return [path for path in paths if path.is_file()]


def walk(tokens: tuple[Token, ...] | list[Token]) -> list[Token]:
    """All tokens, inline children included, in document order."""
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(walk(token.children))
    return found


def heading_anchors(page: Page) -> set[str]:
    """The `#anchor` of every heading, as GitHub generates them (duplicates get -1, -2 ...)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    tokens = page.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = "".join(
            child.content for child in walk(inline.children or []) if child.type in _TEXTUAL
        )
        slug = github_slug(text)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    # Explicit HTML anchors (<a id="..."> / name="...") are targets too.
    anchors.update(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", page.text))
    return anchors


_TEXTUAL = {"text", "code_inline", "html_inline"}


def github_slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"<[^>]+>", "", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def code_snippets(page: Page) -> list[str]:
    """Inline code spans and the lines of code blocks (backslash continuations joined)."""
    snippets: list[str] = []
    for token in walk(page.tokens):
        if token.type == "code_inline":
            snippets.append(token.content)
        elif token.type in ("fence", "code_block"):
            snippets.extend(re.sub(r"\\\n", " ", token.content).splitlines())
    return snippets


def fenced_blocks(page: Page) -> list[str]:
    """The content of every fenced or indented code block."""
    return [token.content for token in page.tokens if token.type in ("fence", "code_block")]


# --- code blocks and their docs-test markers ---------------------------------------

# Fence languages that hold shell commands.
SHELL_LANGUAGES = frozenset({"console", "sh", "bash", "shell", "zsh"})
# `<!-- docs-test: KIND [ARGUMENT] -->` on the line right before a fence.
_MARKER = re.compile(r"^<!--\s*docs-test:\s*(?P<kind>\S+)(?:\s+(?P<argument>.*?))?\s*-->\s*$")
MARKER_KINDS = frozenset({"network", "run-by", "file"})


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block and the docs-test marker right before it (if any).

    ``line`` is the 1-based line of the opening fence; the block's text starts
    on the next line. ``marker`` is ``network``, ``run-by`` or ``file`` (see
    ``tests/docs/test_shell_blocks.py``), or ``None``; ``argument`` is what
    follows the kind (the test for ``run-by``, the file name for ``file``).
    ``marker_error`` says why a ``docs-test:`` comment could not be read.
    """

    page: str
    line: int
    language: str
    text: str
    marker: str | None = None
    argument: str = ""
    marker_error: str = ""

    @property
    def is_shell(self) -> bool:
        return self.language in SHELL_LANGUAGES

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def code_blocks(page: Page) -> list[CodeBlock]:
    """Every fenced block of ``page``, in order, with its marker."""
    found: list[CodeBlock] = []
    tokens = page.tokens
    for index, token in enumerate(tokens):
        if token.type != "fence" or token.map is None:
            continue
        marker, argument, error = None, "", ""
        before = tokens[index - 1] if index else None
        if before is not None and before.type == "html_block" and "docs-test" in before.content:
            parsed = _MARKER.match(before.content.strip())
            if parsed is None:
                error = f"cannot read the marker {before.content.strip()!r}"
            elif parsed["kind"] not in MARKER_KINDS:
                error = f"unknown marker kind {parsed['kind']!r} (known: {sorted(MARKER_KINDS)})"
            else:
                marker, argument = parsed["kind"], parsed["argument"] or ""
        found.append(
            CodeBlock(
                page=page.name,
                line=token.map[0] + 1,
                language=token.info.strip().split()[0] if token.info.strip() else "",
                text=token.content,
                marker=marker,
                argument=argument,
                marker_error=error,
            )
        )
    return found


def stray_markers(page: Page) -> list[str]:
    """``docs-test:`` comments that are not right before a fence (they would mark nothing)."""
    tokens = page.tokens
    stray = []
    for index, token in enumerate(tokens):
        if token.type == "html_block" and "docs-test:" in token.content:
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if after is None or after.type != "fence":
                line = token.map[0] + 1 if token.map else 0
                stray.append(f"{page.name}:{line}: {token.content.strip()}")
    return stray


# Nothing listens here: any HTTP(S) request through this proxy is refused at once.
DEAD_PROXY = "http://127.0.0.1:9"
# The variables urllib, requests, pip and curl read a proxy from (both spellings).
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def offline_env(home: Path, *, loopback: bool = False) -> dict[str, str]:
    """Environment for running documented commands offline, as a reader would.

    This venv's ``bin`` first on ``PATH`` (``duckalog``, ``python``, ``sigstore``),
    a fresh ``HOME``, no ``PYTHONPATH`` (only installed packages), no pip
    configuration and no index, and every HTTP(S) proxy pointing at a closed
    port, so a command that needs the network fails instead of using it.
    ``loopback`` lets requests to 127.0.0.1 through (a local stand-in server).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    home.mkdir(parents=True, exist_ok=True)
    bypass = "127.0.0.1" if loopback else ""
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        HOME=str(home),
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
    )
    env.update(dict.fromkeys(PROXY_VARIABLES, DEAD_PROXY))
    env.update(dict.fromkeys(("no_proxy", "NO_PROXY"), bypass))
    return env


def help_of(*module: str, source: str) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE... --help`` with the tree's ``source`` folder (``src``, ``tools``) first.

    The caller decides what a non-zero exit means; ``stdout`` is the help text.
    """
    return subprocess.run(
        [sys.executable, "-m", *module, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / source)},
        timeout=60,
        check=False,
    )


def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def all_pages() -> tuple[Page, ...]:
    """Every markdown page of the repository, parsed once."""
    return tuple(parse(path) for path in markdown_files())


def page(name: str) -> Page:
    """The page at ``name`` (relative to the repository root)."""
    return parse(ROOT / name)


_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto: ...


def repository_slug() -> str:
    return str(pyproject()["tool"]["duckalog-release"]["repository"])  # type: ignore[index]


def relative_links(page: Page) -> list[str]:
    """Every link or image target of ``page`` that points inside the repository.

    Relative links are returned as written. Absolute links to a file of this
    repository on GitHub (``https://github.com/OWNER/REPO/blob/REF/PATH``, used in
    README.md so they also work on PyPI) are returned as ``/PATH`` (from the root).
    """
    on_github = re.compile(
        rf"^https://github\.com/{re.escape(repository_slug())}/(?:blob|tree)/[^/]+/(?P<path>[^?]*)$"
    )
    targets: list[str] = []
    raw: list[str] = []
    for token in walk(page.tokens):
        if token.type == "link_open":
            raw.append(str(token.attrs.get("href", "")))
        elif token.type == "image":
            raw.append(str(token.attrs.get("src", "")))
        elif token.type in ("html_inline", "html_block"):
            raw.extend(re.findall(r"(?:href|src)=\"([^\"]+)\"", token.content))
    for target in raw:
        found = on_github.match(target)
        if found:
            targets.append("/" + found["path"])
        elif target and not _EXTERNAL.match(target):
            targets.append(target)
    return targets


def parse_text(text: str) -> list[Token]:
    """Tokens of a markdown string (for tests of the checkers themselves)."""
    return _MD.parse(text)

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every shell block of the pages runs as written, or its marker says why and what runs it.

The rule, for README.md, SECURITY.md and docs/*.md (every page outside tests/):

* A fenced block in a shell language (``console``, ``sh``, ``bash``, ``shell``,
  ``zsh``) **without a marker is run** by :func:`test_unmarked_shell_blocks_run_as_written`:
  all such blocks of a page, in page order, as one bash script
  (``set -euo pipefail``) in a new, empty folder — the way a reader pastes them
  one after the other, so a later block sees the files and exported variables
  of the earlier ones. It runs offline (proxies point at a closed port, pip may
  use no index) with what ``nox -s docs`` installs on ``PATH``: ``duckalog`` from
  the built wheel, its runtime dependencies, ``python``.
* Otherwise the line right before the opening fence is one of these HTML
  comments (GitHub does not show them; leave a blank line before it):

  ``<!-- docs-test: network -->``
      the block needs the network (GitHub, PyPI, Sigstore, a clone, the files of
      a published release): it is not run.
  ``<!-- docs-test: run-by PATH -->``
      another test or script runs it (PATH from the repository root), for
      example with fixture values put in. A test named there must name the
      page; a script (such as ``.ci/run``) must contain each command of the block.
  ``<!-- docs-test: file NAME -->``
      on a non-shell block (YAML, TOML ...) that the page tells the reader to
      save: the runner writes it to NAME at that point of the page's script.

When you add a shell block, make it run offline from an empty folder, or mark
it. Every fenced block names its language, so a shell block cannot hide as an
untyped one, and a ``docs-test:`` comment that marks no block fails. A failure
names the page and line of the command that failed, with its output.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import docpages
import pytest

PAGES = tuple(page for page in docpages.all_pages() if not page.name.startswith("tests/"))
BIN = Path(sys.executable).parent


def blocks_of(page: docpages.Page) -> list[docpages.CodeBlock]:
    return docpages.code_blocks(page)


def runnable(page: docpages.Page) -> bool:
    return any(b.is_shell and b.marker is None for b in blocks_of(page))


@dataclass(frozen=True)
class Script:
    """A page's runnable blocks as one bash script, and where each script line comes from."""

    text: str
    origin: dict[int, str]  # script line number -> "page:line"


def page_script(blocks: list[docpages.CodeBlock]) -> Script:
    """Unmarked shell blocks as written, and ``file`` blocks as here-documents, in page order."""
    lines = ["set -euo pipefail", "trap 'echo \"docs-test: failed at line $LINENO\" >&2' ERR"]
    origin: dict[int, str] = {}
    for block in blocks:
        if block.marker == "file":
            lines.append(f"cat > {shlex.quote(block.argument)} <<'DOCS_TEST_EOF'")
            origin[len(lines)] = f"{block.where} (writing {block.argument})"
            lines += [*block.text.splitlines(), "DOCS_TEST_EOF"]
        elif block.is_shell and block.marker is None:
            for offset, text in enumerate(block.text.splitlines()):
                lines.append(text)
                origin[len(lines)] = f"{block.page}:{block.line + 1 + offset}"
    return Script("\n".join(lines) + "\n", origin)


def run_script(script: Script, folder: Path) -> str | None:
    """Run ``script`` in ``folder``; None if it passed, else what failed, where, and its output."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder.parent / f"{folder.name}.sh"
    path.write_text(script.text, encoding="utf-8")
    done = subprocess.run(
        ["bash", str(path)],
        cwd=folder,
        env=docpages.offline_env(folder.parent / f"{folder.name}-home"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == 0:
        return None
    found = re.search(r"docs-test: failed at line (\d+)", done.stderr)
    where = script.origin.get(int(found.group(1)), "?") if found else "?"
    return f"{where}: exited {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"


# --- the pages ------------------------------------------------------------------------


@pytest.mark.parametrize("page", [p for p in PAGES if runnable(p)], ids=lambda p: p.name)
def test_unmarked_shell_blocks_run_as_written(page: docpages.Page, tmp_path: Path) -> None:
    if not (BIN / "duckalog").exists():
        pytest.fail("duckalog is not installed here: run the docs tests with `scripts/nox -s docs`")
    failure = run_script(page_script(blocks_of(page)), tmp_path / "reader")
    assert failure is None, failure


def test_the_readme_and_the_configuration_page_have_blocks_that_run() -> None:
    # Guards the parser: the quick start and the complete example must be found and run.
    names = {page.name for page in PAGES if runnable(page)}
    assert {"README.md", "docs/configuration.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_marker_is_readable_and_marks_a_block(page: docpages.Page) -> None:
    problems = [f"{b.where}: {b.marker_error}" for b in blocks_of(page) if b.marker_error]
    problems += [f"{stray} marks no code block" for stray in docpages.stray_markers(page)]
    assert problems == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_fence_names_its_language(page: docpages.Page) -> None:
    untyped = [b.where for b in blocks_of(page) if not b.language]
    assert untyped == [], "give these fences a language (console, yaml, text ...)"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_markers_fit_their_blocks(page: docpages.Page) -> None:
    problems = []
    for block in blocks_of(page):
        if block.marker in ("network", "run-by") and not block.is_shell:
            problems.append(f"{block.where}: `{block.marker}` marks shell blocks only")
        if block.marker == "file":
            name = block.argument
            if block.is_shell:
                problems.append(f"{block.where}: `file` marks a file to save, not commands")
            if not name or name.startswith("/") or ".." in Path(name).parts:
                problems.append(f"{block.where}: `file {name}` needs a relative file name")
    assert problems == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_run_by_names_what_really_runs_the_block(page: docpages.Page) -> None:
    problems = []
    for block in blocks_of(page):
        if block.marker != "run-by":
            continue
        target = docpages.ROOT / block.argument
        if not block.argument or not target.is_file():
            problems.append(f"{block.where}: run-by {block.argument!r} is not a file")
            continue
        text = target.read_text(encoding="utf-8")
        if target.suffix == ".py":
            if page.name not in text:
                problems.append(f"{block.where}: {block.argument} does not name {page.name}")
        else:
            missing = [c for c in commands(block) if c not in text]
            if missing:
                problems.append(f"{block.where}: {block.argument} does not run {missing}")
    assert problems == []


def commands(block: docpages.CodeBlock) -> list[str]:
    joined = re.sub(r"\s*\\\n\s*", " ", block.text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


# --- the checker itself ------------------------------------------------------------


def fake_page(text: str) -> docpages.Page:
    return docpages.Page(
        path=docpages.ROOT / "fake.md", text=text, tokens=tuple(docpages.parse_text(text))
    )


FAKE = """\
# A page

Save this:

<!-- docs-test: file conf.yaml -->
```yaml
answer: 42
```

```console
grep -q 'answer: 42' conf.yaml
export GREETING=hello
```

<!-- docs-test: network -->
```console
curl https://pypi.org/simple/
```

```console
test "$GREETING" = hello
false
```
"""


def test_runner_runs_unmarked_blocks_in_order_and_names_the_failing_line(tmp_path: Path) -> None:
    blocks = blocks_of(fake_page(FAKE))
    assert [(b.language, b.marker) for b in blocks] == [
        ("yaml", "file"),
        ("console", None),
        ("console", "network"),
        ("console", None),
    ]
    failure = run_script(page_script(blocks), tmp_path / "reader")
    # The file was written, the variable carried over; the network block was not run.
    assert failure is not None and failure.startswith("fake.md:22: exited 1"), failure
    assert (tmp_path / "reader" / "conf.yaml").read_text(encoding="utf-8") == "answer: 42\n"


def test_runner_is_offline(tmp_path: Path) -> None:
    page = fake_page("# P\n\n```console\npython -m pip download --no-deps pyyaml\n```\n")
    failure = run_script(page_script(blocks_of(page)), tmp_path / "reader")
    assert failure is not None and failure.startswith("fake.md:4:"), failure


def test_unreadable_unknown_and_stray_markers_are_reported() -> None:
    page = fake_page(
        "# P\n\n<!-- docs-test: offline -->\n```console\ntrue\n```\n\n"
        "<!-- docs-test:network -->\n\ntext\n"
    )
    (block,) = blocks_of(page)
    assert block.marker is None and "unknown marker kind 'offline'" in block.marker_error
    assert docpages.stray_markers(page) == ["fake.md:8: <!-- docs-test:network -->"]

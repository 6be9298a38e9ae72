# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Every `nox -s NAME` and `nox -t TAG` in any page names a real session or tag of noxfile.py.

noxfile.py is read by the one noxfile reader (``release_gates._internal.noxfile``),
with ``ast``: the test needs no nox and cannot run a session by accident.
"""

from __future__ import annotations

import re
from pathlib import Path

import docpages
import pytest

from release_gates._internal.noxfile import read_noxfile

PAGES = docpages.all_pages()

# `nox`, optional flags without values (-R, -r, --no-venv ...), then -s/--session/-e NAME(S)
# or -t/--tags TAG(S). Names stop at `--` (posargs) or the next flag.
_MENTION = re.compile(
    r"\bnox((?:[ \t]+-[A-Za-z]+|[ \t]+--(?!\s)[a-z-]+)*)"
    r"[ \t]+(?P<flag>-s|--sessions?|-e|-t|--tags)"
    r"[ \t]+(?P<names>[A-Za-z_][\w.-]*(?:[ \t]+[A-Za-z_][\w.-]*)*)"
)


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, name) for every session ("s") or tag ("t") named after `nox` in ``text``."""
    found: list[tuple[str, str]] = []
    for match in _MENTION.finditer(text):
        kind = "t" if match["flag"] in ("-t", "--tags") else "s"
        for name in match["names"].split():
            found.append((kind, name))
    return found


SESSIONS = read_noxfile(docpages.ROOT / "noxfile.py")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_nox_session_mentioned_exists(page: docpages.Page) -> None:
    unknown = [
        f"nox -{kind} {name}"
        for kind, name in mentions(page.text)
        if not (SESSIONS.has_session(name) if kind == "s" else name in SESSIONS.tags)
    ]
    assert unknown == [], f"{page.name} names sessions/tags noxfile.py does not define"


def test_the_docs_mention_the_gates() -> None:
    # Guards the regular expression: the real pages must yield real mentions.
    named = {name for page in PAGES for kind, name in mentions(page.text) if kind == "s"}
    assert {"release", "verify", "build"} <= named


def test_parser_reads_mentions_and_rejects_unknown_sessions(tmp_path: Path) -> None:
    noxfile = tmp_path / "noxfile.py"
    noxfile.write_text(
        "import nox\nPYS = ['3.9', '3.10']\n"
        "@nox.session(python=PYS, tags=['tests'])\ndef tests(session): ...\n"
        "@nox.session(name='workflow-policy')\ndef policy(session): ...\n"
        "@nox.session\ndef release(session): ...\n"
    )
    sessions = read_noxfile(noxfile)
    assert sessions.names == {"tests", "workflow-policy", "release"}
    assert sessions.tags == {"tests"}
    assert sessions.has_session("tests-3.10") and not sessions.has_session("tests-3.8")
    assert not sessions.has_session("policy")
    text = (
        "run `scripts/nox -s release -- --offline`, then `nox -R -s tests-3.9 lint`,\n"
        "`nox --session verify -- dist/x.whl --identity I` and `scripts/nox -t tests`."
    )
    assert mentions(text) == [
        ("s", "release"),
        ("s", "tests-3.9"),
        ("s", "lint"),
        ("s", "verify"),
        ("t", "tests"),
    ]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The bad-config corpus: every case through ``duckalog build`` (the CLI's ``main``).

The CLI runs in this process (``run_main``: its arguments, working directory,
environment, captured output and exit code); ``test_cli`` proves that the
installed console script runs that same ``main`` and exits with its code.

Each case in ``corpus/cases.json`` names a config (a file, or a folder whose
entry is ``duckalog.yaml``), the exit code and message fragments expected on
stderr, optional environment and text that must NOT appear (secrets). A few
cases are generated here because they cannot be committed sensibly (binary
garbage, a file over the size limit, an alias bomb, absurd nesting).

For every case the build targets an existing catalog, which must come out
byte-identical, with no new file (temporary database, WAL) left behind.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import duckdb
import pytest
from support import digest, listing, run_main, write_parquet

CORPUS = Path(__file__).parent / "corpus"
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))


def _alias_bomb() -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


GENERATORS: dict[str, Callable[[], bytes]] = {
    "binary_garbage": lambda: b"v:\xff\xfe\x00\x01\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "nul_bytes": lambda: b"views: []\nversion:\x00 1\n",
    "very_large_file": lambda: b"views: []\n" + b"# padding padding padding\n" * 410_000,
    "alias_bomb": _alias_bomb,
    # Under libyaml's own limit (1000 in newer releases), so Duckalog's limit decides.
    "deeply_nested": lambda: b"views: " + b"[" * 500 + b"]" * 500 + b"\n",
    "deeply_nested_json": lambda: b'{"views": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with data files and an existing catalog, copied into every case."""
    folder = tmp_path_factory.mktemp("baseline")
    write_parquet(folder / "data" / "ok.parquet")
    (folder / "data" / "ok.csv").write_text("id,label\n1,a\n2,b\n", encoding="utf-8")
    connection = duckdb.connect(str(folder / "catalog.duckdb"))
    connection.execute("CREATE TABLE keep AS SELECT 1 AS id; CREATE VIEW old AS SELECT 2 AS id")
    connection.close()
    return folder


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert {case["exit"] for case in CASES.values()} == {2, 3}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_config(name: str, baseline: Path, tmp_path: Path) -> None:
    case = CASES[name]
    work = tmp_path / "work"
    shutil.copytree(baseline, work)
    source = CORPUS / case["config"]
    if case.get("generated"):
        entry = work / case["config"]
        entry.write_bytes(GENERATORS[name]())
    elif source.parent != CORPUS:  # a folder case: copy all its files
        for file in source.parent.iterdir():
            shutil.copy(file, work / file.name)
        entry = work / source.name
    else:
        entry = work / source.name
        shutil.copy(source, entry)
    catalog = work / "catalog.duckdb"
    before_digest, before_listing = digest(catalog), listing(work)

    run = run_main(
        "build", entry.name, "--database", "catalog.duckdb", cwd=work, env=case.get("env")
    )

    assert run.code == case["exit"], run.stderr
    for fragment in case["messages"]:
        assert fragment in run.stderr
    for secret in case.get("absent", []):
        assert secret not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    # Each problem is one "duckalog: error:" line; a multi-line DuckDB error continues indented.
    lines = run.stderr.splitlines()
    assert lines and lines[0].startswith("duckalog: error: ")
    assert all(line.startswith(("duckalog: error: ", "    ")) and line.strip() for line in lines)
    assert run.stdout == ""
    assert digest(catalog) == before_digest, "the existing catalog was modified"
    assert listing(work) == before_listing, "a file was left behind"

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The scheduled fresh-install audit: real pip resolving against a real local index
(pypiserver) and real pip-audit against the loopback OSV server."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from standins.index_seed import write_wheel
from standins.local_index import LocalIndex, local_index
from standins.osv_server import OsvServer, advisory

HEADER = "# SPDX-FileCopyrightText: 2026 Duckalog contributors\n# SPDX-License-Identifier: MIT\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """duckalog 1.0.0 (needs tinydep>=1.0) and 1.1.0rc1; tinydep 1.0 and the newer 1.1."""
    with local_index(tmp_path_factory.mktemp("index")) as running:
        write_wheel(running.packages_dir, "duckalog", "1.0.0", ["tinydep>=1.0"])
        write_wheel(running.packages_dir, "duckalog", "1.1.0rc1", ["tinydep>=1.0"])
        for version in ("1.0", "1.1"):
            write_wheel(running.packages_dir, "tinydep", version)
        yield running


def make_root(tmp_path: Path, waiver: str = "") -> Path:
    """A checkout whose locked closure pins tinydep 1.0 (the release was made with it)."""
    root = tmp_path / "root"
    (root / "security").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "duckalog"\nversion = "1.0.0"\nclassifiers = [\n'
        '  "Programming Language :: Python :: 3.9",\n'
        '  "Programming Language :: Python :: 3.11",\n]\n',
        encoding="utf-8",
    )
    digest = hashlib.sha256(b"the locked tinydep").hexdigest()
    (root / "security" / "runtime.txt").write_text(
        f"tinydep==1.0 --hash=sha256:{digest}\n", encoding="utf-8"
    )
    (root / "security" / "waivers.toml").write_text(HEADER + waiver, encoding="utf-8")
    return root


def run(tmp_path: Path, index: LocalIndex, osv_url: str, root: Path, *extra: str) -> Run:
    return run_gate_cli(
        "fresh_install",
        ["--root", str(root), "--index-url", index.simple_url, "--osv-url", osv_url, *extra],
        tmp_path,
    )


ADVISORY = advisory("GHSA-tiny-dep-0001", "tinydep", ["1.1"], fixed="1.2")


def test_a_new_advisory_against_what_users_get_today_fails_loudly(
    tmp_path: Path, index: LocalIndex
) -> None:
    """The locked closure (tinydep 1.0) is clean; a fresh install gets tinydep 1.1, which
    is not: the check names the advisory and the version users get."""
    with OsvServer([ADVISORY]) as osv:
        result = run(tmp_path, index, osv.url, make_root(tmp_path))
    assert result.returncode == 1
    assert result.problem == "fresh_install.vulnerable"
    assert result.result["summary"] == (
        "a fresh install of duckalog==1.0.0 gets 1 known vulnerability today: "
        "GHSA-tiny-dep-0001 tinydep==1.1 (fixed in 1.2; Python 3.9, 3.11)"
    )
    details = result.result["details"]
    assert details["fresh"]["3.9"] == ["duckalog==1.0.0", "tinydep==1.1"]  # not the rc
    assert details["drift_from_locked_closure"]["3.11"] == ["tinydep 1.0 -> 1.1"]


def test_clean_today_passes_and_names_the_drift(tmp_path: Path, index: LocalIndex) -> None:
    with OsvServer() as osv:
        result = run(tmp_path, index, osv.url, make_root(tmp_path))
        queried = {(q["package"]["name"], q["version"]) for q in osv.queries}
    assert result.returncode == 0, result.output
    assert ("tinydep", "1.1") in queried and ("duckalog", "1.0.0") in queried
    assert result.result["summary"] == (
        "a fresh install of duckalog==1.0.0 today gets no unwaived known vulnerability on "
        "Python 3.9, 3.11; newer than the locked closure: tinydep 1.0 -> 1.1"
    )


def test_a_reviewed_waiver_covers_the_finding(tmp_path: Path, index: LocalIndex) -> None:
    expires = datetime.date.today() + datetime.timedelta(days=30)
    waiver = (
        '[[waiver]]\nid = "GHSA-tiny-dep-0001"\npackage = "tinydep"\nreason = "unused code"\n'
        f'state = "not_affected"\njustification = "code_not_reachable"\nexpires = {expires}\n'
    )
    with OsvServer([ADVISORY]) as osv:
        result = run(tmp_path, index, osv.url, make_root(tmp_path, waiver))
    assert result.returncode == 0, result.output
    assert result.result["details"]["waived"] == [
        "GHSA-tiny-dep-0001 tinydep==1.1 (fixed in 1.2; Python 3.9, 3.11)"
    ]


def test_an_unresolvable_install_fails(tmp_path: Path, index: LocalIndex) -> None:
    with OsvServer() as osv:
        result = run(tmp_path, index, osv.url, make_root(tmp_path), "--version", "9.9.9")
    assert result.problem == "fresh_install.resolve-failed"
    assert "duckalog==9.9.9" in result.result["summary"]

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The build gate's helpers: archive comparison, allow-list patterns, the tree, the policy."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from release_gates.gates import build_inspect as inspect_dists
from release_gates.gates import build_policy
from release_gates.gates.build_reproducible import FRAMING, ORDER, compare_archives
from release_gates.problems import GateFailure

ROOT = Path(__file__).resolve().parents[2]


def make_tar(path: Path, members: list[tuple[str, bytes, int, int]], gzip_mtime: int = 0) -> Path:
    """A .tar.gz with (name, content, mode, mtime) members, gzip header time fixed."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content, mode, mtime in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), mode, mtime
            archive.addfile(info, io.BytesIO(content))
    with (
        path.open("wb") as stream,
        gzip.GzipFile(fileobj=stream, mode="wb", mtime=gzip_mtime, filename="") as zipped,
    ):
        zipped.write(raw.getvalue())
    return path


def make_zip(path: Path, members: list[tuple[str, bytes, tuple[int, ...]]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content, date_time in members:
            info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return path


def test_identical_archives_have_no_differences(tmp_path: Path) -> None:
    members = [("p/a.py", b"a", 0o644, 1)]
    assert (
        compare_archives(
            make_tar(tmp_path / "1.tgz", members), make_tar(tmp_path / "2.tgz", members)
        )
        == []
    )


def test_tar_differences_name_member_and_aspect(tmp_path: Path) -> None:
    first = make_tar(
        tmp_path / "1.tgz",
        [("p/a.py", b"a", 0o644, 1), ("p/b.py", b"b", 0o644, 1), ("p/c", b"", 0o644, 1)],
    )
    second = make_tar(
        tmp_path / "2.tgz",
        [("p/a.py", b"a", 0o664, 1), ("p/b.py", b"B", 0o644, 2), ("p/d", b"", 0o644, 1)],
    )
    found = {str(d.member): d.aspects for d in compare_archives(first, second)}
    assert found["p/a.py"] == ("mode 644 vs 664",)
    assert found["p/b.py"][0].startswith("content sha256")
    assert found["p/b.py"][1] == "mtime 1 vs 2"
    assert found["p/c"] == ("only in the first build",)
    assert found["p/d"] == ("only in the second build",)


def test_order_and_framing_differences_are_named(tmp_path: Path) -> None:
    a, b = ("a", b"1", 0o644, 1), ("b", b"2", 0o644, 1)
    first = make_tar(tmp_path / "1.tgz", [a, b])
    assert [d.member for d in compare_archives(first, make_tar(tmp_path / "2.tgz", [b, a]))] == [
        ORDER
    ]
    other_gzip_time = make_tar(tmp_path / "3.tgz", [a, b], gzip_mtime=12345)
    assert [d.member for d in compare_archives(first, other_gzip_time)] == [FRAMING]


def test_zip_mtime_difference_is_named(tmp_path: Path) -> None:
    first = make_zip(tmp_path / "1.whl", [("m.py", b"x", (2020, 2, 2, 0, 0, 0))])
    second = make_zip(tmp_path / "2.whl", [("m.py", b"x", (2026, 11, 25, 1, 2, 4))])
    (difference,) = compare_archives(first, second)
    assert difference.member == "m.py"
    assert difference.aspects == ("mtime 2020-02-02T00:00:00 vs 2026-11-25T01:02:04",)


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("src/pkg/**/*.py", "src/pkg/__init__.py", True),
        ("src/pkg/**/*.py", "src/pkg/sub/deep/m.py", True),
        ("src/pkg/**/*.py", "src/pkg/m.pyc", False),
        ("src/pkg/**/*.py", "src/other/m.py", False),
        ("src/pkg/*.json", "src/pkg/sub/x.json", False),
        ("src/pkg/*.json", "src/pkg/x.json", True),
        ("d-1.0.dist-info/sboms/*.cdx.json", "d-1.0.dist-info/sboms/x.cdx.json", True),
        ("README.md", "README.mdx", False),
        ("a.b", "axb", False),
    ],
)
def test_allow_list_patterns(pattern: str, name: str, matches: bool) -> None:
    assert (inspect_dists.unexpected([name], (pattern,)) == []) is matches


def test_render_tree_indents_directories() -> None:
    tree = inspect_dists.render_tree("x.whl", ["p/b.py", "p/a.py", "p-1.dist-info/METADATA"])
    assert tree.splitlines() == [
        "x.whl",
        "  p/",
        "    a.py",
        "    b.py",
        "  p-1.dist-info/",
        "    METADATA",
    ]


def test_project_policy_allows_pep770_sboms_and_loads() -> None:
    policy = build_policy.load_policy(ROOT)
    declaration = build_policy.load_declaration(ROOT)
    allow = inspect_dists.expand(policy.wheel.allow, declaration)
    sbom = f"duckalog-{declaration.version}.dist-info/sboms/duckalog.cdx.json"
    assert inspect_dists.unexpected([sbom, "duckalog/__init__.py"], allow) == []
    assert inspect_dists.unexpected(["duckalog/__pycache__/x.pyc", "tests/t.py"], allow) == [
        "duckalog/__pycache__/x.pyc",
        "tests/t.py",
    ]
    assert policy.toplevel == ("duckalog",)
    assert policy.license_expression == declaration.license_expression == "MIT"
    assert (
        policy.console_scripts == declaration.console_scripts == {"duckalog": "duckalog.cli:main"}
    )


def test_invalid_policy_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "security").mkdir()
    with pytest.raises(GateFailure) as caught:
        build_policy.load_policy(tmp_path)
    assert caught.value.problem is build_policy.POLICY_INVALID
    (tmp_path / "security" / "dist-contents.toml").write_text(
        "[sdist]\nallow = []\n", encoding="utf-8"
    )
    with pytest.raises(GateFailure) as caught:
        build_policy.load_policy(tmp_path)
    assert "allows nothing" in caught.value.message

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The version gate: tag/dispatch/pyproject agreement, channel rules, built metadata."""

from __future__ import annotations

import io
import socket
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates.gates import version as gate
from release_gates.gates import version_index
from release_gates.problems import GateFailure
from release_gates.result import Status
from standins.index_seed import earlier_version, seeded_index, write_wheel

ROOT = Path(__file__).resolve().parents[2]


def make_project(tmp_path: Path, version: str, changelog_versions: tuple[str, ...]) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "duckalog"\nversion = "{version}"\n', encoding="utf-8"
    )
    sections = "".join(f"## [{v}] - 2026-11-25\n\n- stuff\n\n" for v in changelog_versions)
    (root / "CHANGELOG.md").write_text(f"# Changelog\n\n## [Unreleased]\n\n{sections}")
    return root


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real local index (pypiserver) holding duckalog 0.0.1, 1.2.3 and 3.0 (as 3.0.0.0)."""
    workdir = tmp_path_factory.mktemp("index")
    with seeded_index(workdir, "duckalog", ["0.0.1", "1.2.3", "3.0.0.0"]) as simple_url:
        yield simple_url


def run_cli(root: Path, *args: str, tmp_path: Path, env: dict[str, str] | None = None) -> Run:
    """Run the real gate; what it writes to ``$GITHUB_OUTPUT`` is in :func:`github_output`.

    Without ``--index-url`` it runs ``--offline``: tests never read a real index.
    """
    output = tmp_path / "github_output"
    output.write_text("")
    if "--index-url" not in args and "--offline" not in args:
        args = (*args, "--offline")
    # An index the environment names (a rehearsal's) is never read unless a test says so.
    full_env = {"GITHUB_OUTPUT": str(output), "RELEASE_INDEX_SIMPLE_URL": "", **(env or {})}
    return run_gate_cli("version", ["--root", str(root), *args], tmp_path, env=full_env)


def github_output(tmp_path: Path) -> str:
    """What the last :func:`run_cli` in ``tmp_path`` wrote to ``$GITHUB_OUTPUT``."""
    return (tmp_path / "github_output").read_text()


def test_tag_matching_pyproject_passes_and_writes_outputs(tmp_path: Path, index: str) -> None:
    root = make_project(tmp_path, "1.2.4", ("1.2.4",))
    ran = run_cli(root, "--tag", "v1.2.4", "--index-url", index, tmp_path=tmp_path)
    result = ran.gate_result
    assert ran.returncode == 0
    assert result.status is Status.PASSED, result.summary
    # The index was really read: it lists the other versions, and 1.2.4 is not among them.
    assert result.details["index_check"] == "passed"
    assert result.details["index_other_versions"] == ["0.0.1", "1.2.3", "3.0.0.0"]
    assert f"not yet on {index}" in result.summary
    assert result.details["version"] == "1.2.4"
    assert result.details["channel"] == "pypi"
    assert "version=1.2.4\n" in github_output(tmp_path)
    assert "channel=pypi\n" in github_output(tmp_path)


def test_tag_pyproject_mismatch_fails_naming_both(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.3", ("1.2.3", "1.2.4"))
    ran = run_cli(root, "--tag", "v1.2.4", tmp_path=tmp_path)
    result = ran.gate_result
    assert ran.returncode == 1
    assert result.status is Status.FAILED
    assert result.problem_code == "version.pyproject-mismatch"
    assert result.summary == (
        "release version '1.2.4' (from tag v1.2.4) differs from pyproject.toml "
        "[project].version '1.2.3'"
    )
    assert github_output(tmp_path) == ""  # nothing downstream may run on a failed decision


def test_whitespace_in_pyproject_version_is_named_and_quoted(tmp_path: Path) -> None:
    """Reported: `version = " 1.0.0"` came out as "1.0.0 differs from 1.0.0"."""
    root = make_project(tmp_path, " 1.0.0", ("1.0.0",))
    ran = run_cli(root, "--tag", "v1.0.0", tmp_path=tmp_path)
    summary = ran.failure("version.not-normalized")
    assert summary == (
        "' 1.0.0' (from pyproject.toml [project].version) is not in normalized PEP 440 form "
        "(normalized: '1.0.0')"
    )


@pytest.mark.parametrize(
    ("how", "channel"),
    [("tag", "pypi"), ("dispatch", "testpypi"), ("dispatch", "pypi"), ("pyproject", "testpypi")],
)
def test_local_version_is_refused_for_every_channel(tmp_path: Path, how: str, channel: str) -> None:
    """Reported: 0.2.0+abc (a VCS-derived version) passed towards both indexes."""
    root = make_project(tmp_path, "0.2.0+abc", ("0.2.0+abc",))
    args = {
        "tag": ("--tag", "v0.2.0+abc"),
        "dispatch": ("--version", "0.2.0+abc", "--channel", channel, "--confirm", "0.2.0+abc"),
        "pyproject": ("--channel", channel),
    }[how]
    ran = run_cli(root, *args, tmp_path=tmp_path)
    summary = ran.failure("version.local-version")
    assert "'0.2.0+abc'" in summary and "'+abc'" in summary
    assert "PyPI and TestPyPI refuse local versions" in summary
    assert github_output(tmp_path) == ""


@pytest.mark.parametrize(
    ("version", "files"),
    [("1.2.3", "duckalog-1.2.3-py3-none-any.whl"), ("3.0", "duckalog-3.0.0.0-py3-none-any.whl")],
    ids=["same-spelling", "equal-version"],
)
def test_version_already_on_the_index_fails_naming_its_files(
    tmp_path: Path, index: str, version: str, files: str
) -> None:
    """Reported: a fix committed without a bump passed every gate until "File already exists"."""
    root = make_project(tmp_path, version, (version,))
    ran = run_cli(root, "--tag", f"v{version}", "--index-url", index, tmp_path=tmp_path)
    summary = ran.failure("version.already-on-index")
    assert summary == f"duckalog {version} is already on {index}: {files}"
    assert github_output(tmp_path) == ""


def test_offline_without_index_is_not_run_never_passed(tmp_path: Path, index: str) -> None:
    root = make_project(tmp_path, "1.2.4", ("1.2.4",))
    ran = run_cli(root, "--offline", tmp_path=tmp_path)
    result = ran.gate_result
    assert ran.returncode == 0
    assert result.status is Status.NOT_RUN
    assert "index check NOT RUN" in result.summary
    assert result.details["index_check"] == "not run"
    # The rehearsal hands its local index over by environment: then the check runs offline too.
    ran = run_cli(root, "--offline", tmp_path=tmp_path, env={"RELEASE_INDEX_SIMPLE_URL": index})
    result = ran.gate_result
    assert ran.returncode == 0 and result.status is Status.PASSED, result.summary
    assert result.details["index"] == index


def test_unreadable_index_fails_closed(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.4", ("1.2.4",))
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/simple/"
        ran = run_cli(root, "--index-url", url, tmp_path=tmp_path)
        result = ran.gate_result
    assert ran.returncode == 1
    assert result.problem_code == "version.index-unreadable"
    assert url in result.summary


def test_channel_default_index_and_seed_versions() -> None:

    assert version_index.index_for("pypi", None, {}, offline=False) == "https://pypi.org/simple/"
    assert version_index.index_for("testpypi", None, {}, offline=False) == (
        "https://test.pypi.org/simple/"
    )
    assert version_index.index_for("pypi", None, {}, offline=True) is None
    assert [earlier_version(v) for v in ("0.1.0", "1.2.3", "2.0.0", "1.0.0rc1", "1.0.post1")] == [
        "0.0.0", "1.2.2", "1.0.0", "0.0.0", "1.0.0"
    ]  # fmt: skip
    assert earlier_version("0.0.0") == "0.0.0.dev0"


def test_seed_wheel_is_a_valid_wheel(tmp_path: Path) -> None:
    wheel = write_wheel(tmp_path, "duckalog", "0.0.1")
    assert gate.read_wheel_metadata(wheel) == ("duckalog", "0.0.1")


def test_rehearsal_takes_pyproject_version(tmp_path: Path) -> None:
    root = make_project(tmp_path, "0.3.0rc1", ("0.3.0rc1",))
    decision = gate.decide(root)
    assert decision.version == "0.3.0rc1"
    assert decision.source == "pyproject.toml"
    assert decision.channel == "testpypi"
    assert decision.prerelease


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        ("1.2.3-rc.1", "version.not-normalized"),
        ("1.2.3+local.7", "version.local-version"),
        ("01.2.3", "version.not-normalized"),
        ("1.2.3.DEV1", "version.not-normalized"),
        ("one.two", "version.invalid"),
        ("1.2.3+", "version.invalid"),
    ],
)
def test_invalid_or_unnormalized_versions_fail(tmp_path: Path, candidate: str, code: str) -> None:
    root = make_project(tmp_path, candidate, (candidate,))
    with pytest.raises(GateFailure) as failure:
        gate.decide(root, version=candidate, channel="testpypi")
    assert failure.value.problem.code == code
    assert candidate in str(failure.value)


def test_tag_without_v_fails(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.3", ("1.2.3",))
    with pytest.raises(GateFailure) as failure:
        gate.decide(root, tag="1.2.3")
    assert failure.value.problem.code == "version.tag-format"
    assert gate.decide(root, tag="refs/tags/v1.2.3").version == "1.2.3"


def test_missing_changelog_section_fails(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.3", ("1.2.2", "1.2.30"))
    with pytest.raises(GateFailure) as failure:
        gate.decide(root, tag="v1.2.3")
    assert failure.value.problem.code == "version.changelog-missing"
    assert "## [1.2.3]" in str(failure.value)


@pytest.mark.parametrize("candidate", ["2.0.0rc1", "2.0.0.dev3", "2.0.0a1", "2.0.0b2"])
def test_prerelease_never_goes_to_pypi(tmp_path: Path, candidate: str) -> None:
    root = make_project(tmp_path, candidate, (candidate,))
    assert gate.decide(root, tag=f"v{candidate}").channel == "testpypi"
    with pytest.raises(GateFailure) as failure:
        gate.decide(root, version=candidate, channel="pypi", confirm=candidate)
    assert failure.value.problem.code == "version.prerelease-to-pypi"
    with pytest.raises(GateFailure):
        gate.decide(root, version=candidate, channel="pypi", dry_run=True)


def test_dispatch_to_pypi_needs_the_version_confirmed(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.0.0", ("1.0.0",))
    for confirm in (None, "1.0", "v1.0.0"):
        with pytest.raises(GateFailure) as failure:
            gate.decide(root, version="1.0.0", channel="pypi", confirm=confirm)
        assert failure.value.problem.code == "version.confirm-mismatch"
    assert gate.decide(root, version="1.0.0", channel="pypi", confirm="1.0.0").channel == "pypi"
    # A final may be dispatched to TestPyPI, and a dry run publishes nothing: no confirmation.
    assert gate.decide(root, version="1.0.0", channel="testpypi").channel == "testpypi"
    assert gate.decide(root, version="1.0.0", channel="pypi", dry_run=True).dry_run
    with pytest.raises(GateFailure) as failure:
        gate.decide(root, version="1.0.0", channel="conda")
    assert failure.value.problem.code == "version.unknown-channel"


def write_dists(dist: Path, wheel_version: str, sdist_version: str) -> None:
    dist.mkdir(exist_ok=True)
    with zipfile.ZipFile(dist / f"duckalog-{wheel_version}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(
            f"duckalog-{wheel_version}.dist-info/METADATA",
            f"Metadata-Version: 2.4\nName: duckalog\nVersion: {wheel_version}\n",
        )
    data = f"Metadata-Version: 2.4\nName: duckalog\nVersion: {sdist_version}\n".encode()
    with tarfile.open(dist / f"duckalog-{wheel_version}.tar.gz", "w:gz") as sdist:
        info = tarfile.TarInfo(f"duckalog-{wheel_version}/PKG-INFO")
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))


def test_dist_metadata_agreeing_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.3", ("1.2.3",))
    write_dists(root / "dist", "1.2.3", "1.2.3")
    ran = run_cli(root, "--dist", str(root / "dist"), tmp_path=tmp_path)
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    assert result.details["dists_checked"] == [
        "duckalog-1.2.3-py3-none-any.whl",
        "duckalog-1.2.3.tar.gz",
    ]


def test_dist_metadata_mismatch_fails_naming_both(tmp_path: Path) -> None:
    root = make_project(tmp_path, "1.2.3", ("1.2.3",))
    write_dists(root / "dist", "1.2.3", "1.2.2")
    ran = run_cli(root, "--dist", str(root / "dist"), tmp_path=tmp_path)
    summary = ran.failure("version.dist-mismatch")
    assert "duckalog-1.2.3.tar.gz" in summary
    assert "'1.2.2'" in summary and "'1.2.3'" in summary


def test_missing_dists_fail(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    with pytest.raises(GateFailure) as failure:
        gate.check_dist_metadata(tmp_path / "dist", "duckalog", "1.2.3")
    assert failure.value.problem.code == "version.dist-missing"


def test_the_repository_itself_passes() -> None:
    """The checked-in pyproject.toml and CHANGELOG.md agree (what the rehearsal runs)."""
    decision = gate.decide(ROOT)
    assert decision.version == gate.pyproject_project(ROOT)["version"]

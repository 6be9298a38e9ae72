# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The build gate, end to end, on tiny throw-away git repositories.

Every test runs the real gate: real git, ``python -m build --no-isolation``
with the pinned hatchling, real twine and check-wheel-contents. The package is
a few bytes so one gate run (three builds) takes a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.checksums import verify_sha256sums
from release_gates.gates import build_export as export
from release_gates.gates import build_source_date as source_date

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]

PYPROJECT = """\
[build-system]
requires = ["hatchling==1.33.0"]
build-backend = "hatchling.build"

[project]
name = "tiny-pkg"
version = "1.2.3"
description = "A tiny package to build."
readme = "README.md"
license = "MIT"
license-files = ["LICENSES/MIT.txt"]
requires-python = ">=3.9"
dependencies = ["pyyaml>=6.0"]

[project.scripts]
tiny = "tinypkg.cli:main"

[tool.hatch.build.targets.wheel]
packages = ["src/tinypkg"]
"""

POLICY = """\
[sdist]
allow = ["PKG-INFO", "pyproject.toml", "README.md", "LICENSES/MIT.txt", "src/tinypkg/**/*.py",
         "security/dist-contents.toml", "hatch_build.py", ".gitignore"]
require = ["PKG-INFO", "src/tinypkg/__init__.py"]

[wheel]
allow = ["tinypkg/**/*.py", "{dist}-{version}.dist-info/METADATA",
         "{dist}-{version}.dist-info/WHEEL", "{dist}-{version}.dist-info/RECORD",
         "{dist}-{version}.dist-info/entry_points.txt",
         "{dist}-{version}.dist-info/licenses/LICENSES/MIT.txt"]
require = ["tinypkg/__init__.py", "{dist}-{version}.dist-info/METADATA"]
toplevel = ["tinypkg"]
package = ["src/tinypkg"]

[metadata]
license-expression = "MIT"
console-scripts = { tiny = "tinypkg.cli:main" }
"""

# A build hook that stamps the build time into the package: never reproducible.
TIME_STAMP_HOOK = """\
import time
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class StampHook(BuildHookInterface):
    def initialize(self, version, build_data):
        stamp = Path(self.root, "src", "tinypkg", "_stamp.py")
        stamp.write_text(f"BUILT_AT_NS = {time.time_ns()}\\n")
"""


# A hook that writes one property of the source tree into the package: each is
# a leak that one of the second export's variations (path, umask, mtimes) exposes.
LEAKING_HOOK = """\
import os
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class LeakHook(BuildHookInterface):
    def initialize(self, version, build_data):
        source = Path(self.root, "README.md")
        Path(self.root, "src", "tinypkg", "_stamp.py").write_text(f"LEAK = {{{leak}!r}}\\n")
"""


def git(repo: Path, *args: str, date: int | None = None) -> str:
    """Run git in ``repo``; ``date`` sets the author and committer time (seconds since 1970)."""
    dated = {"GIT_AUTHOR_DATE": f"@{date} +0000", "GIT_COMMITTER_DATE": f"@{date} +0000"}
    return subprocess.run(
        [*GIT, "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(dated if date is not None else {})},
    ).stdout


def make_repo(
    path: Path,
    extra: dict[str, str] | None = None,
    pyproject: str = PYPROJECT,
    date: int | None = None,
) -> Path:
    """A committed src-layout hatchling project at ``path``, committed at ``date`` if given."""
    files = {
        "pyproject.toml": pyproject,
        "README.md": "# tiny-pkg\n\nA tiny package.\n",
        "LICENSES/MIT.txt": "MIT License\n",
        ".gitignore": "/dist/\n",
        "security/dist-contents.toml": POLICY,
        "src/tinypkg/__init__.py": '"""Tiny."""\n',
        "src/tinypkg/cli.py": 'def main() -> None:\n    print("tiny")\n',
        **(extra or {}),
    }
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "tiny package", date=date)
    return path


def run(repo: Path, out: Path, *args: str) -> Run:
    """Run the real build gate on ``repo``, dists to ``out``."""
    return run_gate_cli("build", ["--repo", str(repo), "--out", str(out), *args], out.parent)


def test_clean_tree_builds_passes_and_is_identical_twice(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    ran = run(repo, tmp_path / "out1")
    result = ran.result
    assert ran.returncode == 0, result
    assert result["status"] == "passed"
    details = result["details"]
    assert isinstance(details, dict)
    names = [dist["name"] for dist in details["dists"]]
    assert names == ["tiny_pkg-1.2.3.tar.gz", "tiny_pkg-1.2.3-py3-none-any.whl"]
    epoch = int(git(repo, "log", "-1", "--format=%ct"))
    assert details["source_date_epoch"] == epoch
    # SOURCE_DATE_EPOCH really reached the backend: every wheel member carries the commit time.
    stamp = time.gmtime(epoch)
    expected_time = (*stamp[:5], stamp.tm_sec // 2 * 2)  # zip keeps even seconds
    with zipfile.ZipFile(tmp_path / "out1" / names[1]) as wheel_zip:
        assert {info.date_time for info in wheel_zip.infolist()} == {expected_time}
    assert details["backend"] == ["hatchling==1.33.0"]
    assert all("identical" in line for line in details["reproducibility"])
    assert "tinypkg/\n" in details["wheel_tree"] + "\n"
    assert "entry_points.txt" in details["wheel_tree"]
    assert details["metadata"]["entry_points"] == "tiny = tinypkg.cli:main"
    sums = tmp_path / "out1" / "SHA256SUMS"
    assert verify_sha256sums(sums) == []
    lines = sums.read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in lines] == sorted(names)

    # The second run goes through the real command line, from inside the repo.
    again = run_gate_cli("build", ["--out", str(tmp_path / "out2")], tmp_path, cwd=repo)
    assert again.returncode == 0, again.output
    assert "build: PASSED" in again.output
    assert "tiny_pkg-1.2.3.tar.gz\n  tiny_pkg-1.2.3/" in again.output  # the printed tree
    assert (tmp_path / "out2" / "SHA256SUMS").read_bytes() == sums.read_bytes()

    # A dist changed after SHA256SUMS was written is caught by the shared verifier.
    with (tmp_path / "out1" / names[1]).open("ab") as wheel:
        wheel.write(b"\0")
    problems = verify_sha256sums(sums)
    assert [p.problem.code for p in problems] == ["checksums.digest-mismatch"]
    assert problems[0].values["name"] == names[1]


def test_build_hook_stamping_time_fails_naming_the_member(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "\n[tool.hatch.build.hooks.custom]\n"
    repo = make_repo(tmp_path / "repo", {"hatch_build.py": TIME_STAMP_HOOK}, pyproject=pyproject)
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.not-reproducible")
    assert "[sdist, second export] tiny_pkg-1.2.3/src/tinypkg/_stamp.py (content sha256" in summary
    assert "[wheel, second export] tinypkg/_stamp.py (content sha256" in summary
    assert "[wheel, built from the sdist] tinypkg/_stamp.py" in summary
    # Only the stamped file differs; RECORD differs because it hashes it.
    assert "__init__.py" not in summary
    assert not (tmp_path / "out").exists(), "nothing is published from a failed build"


@pytest.mark.parametrize(
    "leak",
    [
        "str(Path(self.root).resolve())",  # the checkout path
        "oct(source.stat().st_mode & 0o777)",  # the umask at export time
        "int(source.stat().st_mtime)",  # the source files' mtimes
    ],
    ids=["path", "umask", "mtime"],
)
def test_each_variation_of_the_second_export_is_real(tmp_path: Path, leak: str) -> None:
    """Each leak is caught even when the commit was made in the very second the gate runs.

    The commit is dated now: the second export's mtimes must still differ from the
    commit time (they once were "now", which equals the commit time here, so an
    mtime leak went unseen; the unit test below holds the clock in that second).
    """
    pyproject = PYPROJECT + "\n[tool.hatch.build.hooks.custom]\n"
    hook = LEAKING_HOOK.format(leak=leak)
    now = int(time.time())
    repo = make_repo(tmp_path / "repo", {"hatch_build.py": hook}, pyproject=pyproject, date=now)
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.not-reproducible")
    assert "[wheel, second export] tinypkg/_stamp.py (content sha256" in summary


def test_dirty_tree_fails_naming_the_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "src" / "tinypkg" / "scratch.py").write_text("SECRET = 1\n", encoding="utf-8")
    (repo / "README.md").write_text("# changed\n", encoding="utf-8")
    (repo / "dist").mkdir()
    (repo / "dist" / "ignored.txt").write_text("ignored by .gitignore\n", encoding="utf-8")
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.dirty-tree")
    assert summary == (
        "the work tree has uncommitted or untracked files: README.md, src/tinypkg/scratch.py"
    )
    assert "hatchling would put untracked files into the sdist" in str(ran.result["fix"])


def test_unexpected_file_in_sdist_fails_naming_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"notes/todo.txt": "release credentials go here\n"})
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.unexpected-dist-files")
    assert summary == (
        "the dists contain files that are not expected: "
        "tiny_pkg-1.2.3.tar.gz:tiny_pkg-1.2.3/notes/todo.txt"
    )
    details = ran.result["details"]
    assert isinstance(details, dict)
    assert "  tiny_pkg-1.2.3/\n    .gitignore" in details["sdist_tree"]
    assert "notes/\n      todo.txt" in details["sdist_tree"]


def test_unexpected_file_in_the_wheel_fails_naming_it(tmp_path: Path) -> None:
    # Allowed in the sdist (the policy says so) but not in the wheel.
    policy = POLICY.replace('"hatch_build.py",', '"hatch_build.py", "src/tinypkg/*.pem",')
    repo = make_repo(
        tmp_path / "repo",
        {"security/dist-contents.toml": policy, "src/tinypkg/debug-key.pem": "not a key\n"},
    )
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.unexpected-dist-files")
    assert summary.endswith("not expected: tiny_pkg-1.2.3-py3-none-any.whl:tinypkg/debug-key.pem")


def test_a_required_file_missing_from_the_wheel_fails(tmp_path: Path) -> None:
    policy = POLICY.replace('require = ["tinypkg/__init__.py"', 'require = ["tinypkg/py.typed"')
    repo = make_repo(tmp_path / "repo", {"security/dist-contents.toml": policy})
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.missing-dist-files")
    assert summary == (
        "the dists lack required files: tiny_pkg-1.2.3-py3-none-any.whl:tinypkg/py.typed"
    )


def test_version_mismatch_fails_naming_both_values(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    ran = run(repo, tmp_path / "out", "--expect-version", "1.2.4")
    summary = ran.failure("build.metadata-mismatch")
    assert "--expect-version is 1.2.4 but pyproject.toml says 1.2.3" in summary
    # The matching version passes the same check.
    ran = run(repo, tmp_path / "out", "--expect-version", "1.2.3")
    result = ran.result
    assert ran.returncode == 0, result


def test_built_metadata_differing_from_the_policy_fails(tmp_path: Path) -> None:
    # pyproject.toml and the built metadata agree, but the reviewed policy does not.
    pyproject = PYPROJECT.replace('license = "MIT"', 'license = "GPL-3.0-only"').replace(
        'tiny = "tinypkg.cli:main"', 'tiny = "tinypkg.cli:run"'
    )
    repo = make_repo(tmp_path / "repo", pyproject=pyproject)
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.metadata-mismatch")
    assert "wheel License-Expression is 'GPL-3.0-only', but security/dist-contents.toml" in summary
    assert "expects 'MIT'" in summary
    assert "{'tiny': 'tinypkg.cli:run'}, but security/dist-contents.toml expects" in summary


def test_check_wheel_contents_failure_fails_the_gate(tmp_path: Path) -> None:
    policy = POLICY.replace('toplevel = ["tinypkg"]', 'toplevel = ["otherpkg"]')
    repo = make_repo(tmp_path / "repo", {"security/dist-contents.toml": policy})
    ran = run(repo, tmp_path / "out")
    summary = ran.failure("build.wheel-contents-failed")
    assert "W201" in summary  # real check-wheel-contents: wrong toplevel


@pytest.mark.parametrize(
    ("requires", "code"),
    [
        ('"hatchling>=1.33"', "build.backend-not-pinned"),
        ('"hatchling==1.32.0"', "build.backend-version-mismatch"),
    ],
)
def test_backend_must_be_pinned_to_the_locked_version(
    tmp_path: Path, requires: str, code: str
) -> None:
    pyproject = PYPROJECT.replace('"hatchling==1.33.0"', requires)
    repo = make_repo(tmp_path / "repo", pyproject=pyproject)
    ran = run(repo, tmp_path / "out")
    ran.failure(code)


def test_ref_selects_the_commit_not_the_work_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "pyproject.toml").write_text(PYPROJECT.replace("1.2.3", "1.3.0"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "bump")
    ran = run(repo, tmp_path / "out", "--ref", first)
    result = ran.result
    assert ran.returncode == 0, result
    details = result["details"]
    assert isinstance(details, dict)
    assert details["commit"] == first
    assert details["metadata"]["version"] == "1.2.3"
    ran = run(repo, tmp_path / "out", "--ref", "no-such-tag")
    ran.failure("build.unknown-ref")


def test_second_export_mtimes_differ_by_a_margin_for_a_commit_made_this_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(time.time())
    repo = make_repo(tmp_path / "repo", date=now)
    monkeypatch.setattr(time, "time", lambda: float(now))  # the same second, for the whole test
    commit = export.resolve_commit(repo, "HEAD")
    epoch = export.commit_time(repo, commit)
    assert epoch == now
    first = export.export_commit(repo, commit, tmp_path / "a", umask=0o022)
    second = export.export_commit(
        repo, commit, tmp_path / "b", umask=0o002, mtime=source_date.second_export_mtime(epoch)
    )
    first_mtimes = {p.relative_to(first): int(p.stat().st_mtime) for p in first.rglob("*.py")}
    second_mtimes = {p.relative_to(second): int(p.stat().st_mtime) for p in second.rglob("*.py")}
    assert set(first_mtimes.values()) == {epoch}  # git archive stamps the commit time
    assert first_mtimes.keys() == second_mtimes.keys()
    for name, mtime in second_mtimes.items():
        assert abs(mtime - first_mtimes[name]) >= 366 * 86_400, name
        assert mtime % 2 != epoch % 2  # also another 2-second zip slot
        assert time.gmtime(mtime).tm_year != time.gmtime(epoch).tm_year


@pytest.mark.parametrize(
    ("epoch", "date"),
    [(4_294_967_400, "2106-02-07T06:30:00Z"), (315_532_799, "1979-12-31T23:59:59Z")],
    ids=["after-2106", "before-1980"],
)
def test_commit_date_outside_zip_and_gzip_range_fails_before_building(
    tmp_path: Path, epoch: int, date: str
) -> None:
    repo = make_repo(tmp_path / "repo", date=epoch)
    ran = run(repo, tmp_path / "out")
    assert ran.returncode == 1
    assert "Traceback" not in ran.output
    assert ran.problem == "build.epoch-out-of-range"
    summary = str(ran.result["summary"])
    assert f"SOURCE_DATE_EPOCH={epoch}" in summary
    assert f"the commit date of {git(repo, 'rev-parse', 'HEAD')[:12]}, {date}" in summary
    assert "1980-01-01T00:00:00Z to 2106-02-07T06:28:15Z" in summary
    assert not (tmp_path / "out").exists()


def test_second_export_mtime_stays_storable_near_the_end_of_gzip_time() -> None:
    for epoch in (source_date.EARLIEST, 1_764_028_800, source_date.LATEST):
        shifted = source_date.second_export_mtime(epoch)
        assert source_date.EARLIEST <= shifted <= source_date.LATEST
        assert abs(shifted - epoch) == source_date.MTIME_SHIFT_S

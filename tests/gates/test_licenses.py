# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The licenses gate: real liccheck in a real venv holding tiny local wheels, real reuse lint."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest
from tests.gates.helpers import Run, run_gate_cli

from release_gates._internal.spdx import Verdict, judge
from release_gates.gates.licenses import load_policy
from release_gates.result import Status
from standins.index_seed import write_wheel

ROOT = Path(__file__).resolve().parents[2]
POLICY = load_policy(ROOT / "security" / "license-allowlist.toml")
HEADER = "# SPDX-FileCopyrightText: 2026 Duckalog contributors\n# SPDX-License-Identifier: MIT\n"

# name -> extra METADATA lines. Each is a real wheel, installed with pip.
WHEELS = {
    "gpl-only": ["License-Expression: GPL-3.0-only"],
    "mit-and-apache": ["License-Expression: MIT AND Apache-2.0"],
    "mit-and-gpl": ["License-Expression: MIT AND GPL-3.0-only"],
    # liccheck goes by the classifier (MIT) and would pass it; the expression is authoritative.
    "classifier-disagrees": [
        "License-Expression: GPL-3.0-or-later",
        "Classifier: License :: OSI Approved :: MIT License",
    ],
    "classifier-bsd": ["Classifier: License :: OSI Approved :: BSD License"],
    "proprietary": ["License: Proprietary, all rights reserved"],
    "mit-or-gpl": ["License-Expression: MIT OR GPL-3.0-only"],
    # Reported: a legacy, non-SPDX License text (cyclonedx-py drops it from the SBOM).
    "legacy-mit": ["License: MIT License"],
    # Reported: refused as "(MIT): unauthorized" without naming the GPL classifier.
    "mit-gpl-classifier": [
        "License: MIT",
        "Classifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
    ],
    "see-file": ["License: See LICENSE.txt"],
}


def build_wheel(directory: Path, name: str, metadata_lines: list[str]) -> Path:
    """Write a minimal, valid py3-none-any wheel for ``name`` 1.0 (the same bytes every time)."""
    return write_wheel(directory, name, "1.0", metadata=metadata_lines, metadata_version="2.4")


@pytest.fixture(scope="module")
def checked_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A real venv holding the tiny wheels; liccheck, pip and setuptools<82 come from the
    gate-tests environment through a .pth file (they stay importable *inside* this venv,
    which is where liccheck must run). Returns its python and a lock line per wheel."""
    base = tmp_path_factory.mktemp("licenses-env")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "gate_tests_tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheels = [build_wheel(base, name, lines) for name, lines in WHEELS.items()]
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            *map(str, wheels),
        ],
        check=True,
    )
    lock_lines = {
        name: f"{name}==1.0 --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n"
        for name, wheel in zip(WHEELS, wheels)
    }
    return python, lock_lines


def make_repo(tmp_path: Path, lock_text: str, pythons: tuple[str, ...] = ()) -> Path:
    """A REUSE-compliant git checkout with a runtime lock and the real allow-list;
    ``pythons`` become the supported-Python classifiers of its pyproject.toml."""
    repo = tmp_path / "repo"
    (repo / "LICENSES").mkdir(parents=True)
    if pythons:
        classifiers = ", ".join(f'"Programming Language :: Python :: {v}"' for v in pythons)
        (repo / "pyproject.toml").write_text(
            f'{HEADER}[project]\nname = "x"\nversion = "1"\nclassifiers = [{classifiers}]\n'
        )
    (repo / "security").mkdir()
    shutil.copy(ROOT / "LICENSES" / "MIT.txt", repo / "LICENSES" / "MIT.txt")
    shutil.copy(ROOT / "security" / "license-allowlist.toml", repo / "security")
    (repo / "security" / "runtime.txt").write_text(lock_text)
    (repo / "security" / "runtime.txt.license").write_text(HEADER.replace("# ", ""))
    (repo / "tool.py").write_text(HEADER + "print('hello')\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "--quiet", "-m", "init"], check=True)
    return repo


def run_gate(tmp_path: Path, repo: Path, python: Path, *args: str) -> Run:
    """Run the real licenses gate against ``repo`` and the environment of ``python``."""
    args = ("--root", str(repo), "--python", str(python), *args)
    return run_gate_cli("licenses", args, tmp_path, timeout=120)


def test_allowed_closure_passes(tmp_path: Path, checked_env: tuple[Path, dict[str, str]]) -> None:
    python, lines = checked_env
    lock = lines["mit-and-apache"] + lines["classifier-bsd"] + lines["mit-or-gpl"]
    ran = run_gate(tmp_path, make_repo(tmp_path, lock), python)
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    assert result.status is Status.PASSED
    verdicts = {p["name"]: (p["liccheck"], p["verdict"]) for p in result.details["packages"]}
    # liccheck alone calls the AND expression unknown; the SPDX evaluation allows it.
    assert verdicts["mit-and-apache"] == ("UNKNOWN", "allowed")
    assert verdicts["classifier-bsd"] == ("OK", "allowed")
    assert verdicts["mit-or-gpl"][1] == "allowed"


@pytest.mark.parametrize(
    ("package", "code", "declared"),
    [
        ("gpl-only", "licenses.disallowed", "GPL-3.0-only"),
        ("mit-and-gpl", "licenses.disallowed", "MIT AND GPL-3.0-only"),
        ("classifier-disagrees", "licenses.disallowed", "GPL-3.0-or-later"),
        ("proprietary", "licenses.unknown", "Proprietary, all rights reserved"),
    ],
)
def test_bad_licence_fails_naming_package_and_licence(
    tmp_path: Path,
    checked_env: tuple[Path, dict[str, str]],
    package: str,
    code: str,
    declared: str,
) -> None:
    python, lines = checked_env
    lock = lines["mit-and-apache"] + lines[package]
    ran = run_gate(tmp_path, make_repo(tmp_path, lock), python)
    summary = ran.failure(code)
    assert f"{package} 1.0 ({declared})" in summary
    assert "mit-and-apache" not in summary


def test_disallowed_licence_only_in_an_older_pythons_closure_fails(
    tmp_path: Path, checked_env: tuple[Path, dict[str, str]]
) -> None:
    """Like duckdb 1.4 on 3.9: a pin only another Python installs is checked too."""
    python, lines = checked_env
    older_only = lines["gpl-only"].replace(" --hash", " ; python_full_version < '3.10' --hash")
    lock = lines["mit-and-apache"] + older_only
    repo = make_repo(tmp_path, lock, pythons=("3.9", "3.11"))
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("gpl-only", "mit-and-apache"):  # the same bytes the lock hashed
        build_wheel(wheels, name, WHEELS[name])
    ran = run_gate(tmp_path, repo, python, "--find-links", str(wheels))
    result = ran.gate_result
    assert ran.returncode == 1, result.summary
    assert result.problem_code == "licenses.disallowed", result.summary
    assert "gpl-only 1.0 (GPL-3.0-only)" in result.summary
    assert {
        "pythons": ["3.9"],
        "packages": ["gpl-only==1.0", "mit-and-apache==1.0"],
    } in result.details["closures"]
    # Asked to check only the checked environment's own Python, it passes and says so.
    ran = run_gate(tmp_path, repo, python, "--this-python-only")
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    assert "NOT checked" in result.summary


def test_closure_not_installed_fails(
    tmp_path: Path, checked_env: tuple[Path, dict[str, str]]
) -> None:
    python, lines = checked_env
    lock = (
        lines["mit-and-apache"] + "not-installed-pkg==2.0 \\\n    --hash=sha256:" + "0" * 64 + "\n"
    )
    ran = run_gate(tmp_path, make_repo(tmp_path, lock), python)
    summary = ran.failure("licenses.not-installed")
    assert "not-installed-pkg==2.0 (found none)" in summary


@pytest.fixture
def allowed_repo(tmp_path: Path, checked_env: tuple[Path, dict[str, str]]) -> tuple[Path, Path]:
    """The checked environment's python and a checkout whose one dependency is allowed."""
    python, lines = checked_env
    return python, make_repo(tmp_path, lines["mit-and-apache"])


def test_reuse_lint_fails_on_a_file_without_header(
    tmp_path: Path, allowed_repo: tuple[Path, Path]
) -> None:
    python, repo = allowed_repo
    (repo / "no_header.py").write_text("print('who wrote me?')\n")
    ran = run_gate(tmp_path, repo, python)
    summary = ran.failure("licenses.reuse-lint")
    assert "no_header.py" in summary


def test_reuse_lint_reads_git_view_not_ignored_folders(
    tmp_path: Path, allowed_repo: tuple[Path, Path]
) -> None:
    """Only git's view is linted: ignored folders (.nox/) and deleted tracked files do not count."""
    python, repo = allowed_repo
    (repo / ".gitignore").write_text(HEADER + "/.nox/\n")
    subprocess.run(["git", "-C", str(repo), "add", ".gitignore"], check=True)
    (repo / ".nox" / "venv").mkdir(parents=True)
    (repo / ".nox" / "venv" / "no_header.py").write_text("print('ignored')\n")
    (repo / "tool.py").unlink()  # tracked but deleted in the work tree: nothing to lint
    ran = run_gate(tmp_path, repo, python)
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    assert result.details["reuse_problems"] == []


@pytest.mark.parametrize(
    ("expression", "verdict"),
    [
        ("MIT", Verdict.ALLOWED),
        ("mit", Verdict.ALLOWED),
        ("MIT AND (Apache-2.0 OR GPL-2.0-only)", Verdict.ALLOWED),
        ("(MIT OR GPL-2.0-only) AND LGPL-3.0-only", Verdict.DISALLOWED),
        ("Apache-2.0 WITH LLVM-exception", Verdict.ALLOWED),
        ("Apache-2.0 WITH Classpath-exception-2.0", Verdict.DISALLOWED),
        ("BSD", Verdict.UNKNOWN),
        ("MIT AND", Verdict.UNKNOWN),
        ("", Verdict.UNKNOWN),
    ],
)
def test_spdx_evaluation(expression: str, verdict: Verdict) -> None:
    assert judge(expression, POLICY.spdx).verdict is verdict


def test_legacy_licence_text_is_read_and_allowed_naming_the_field(
    tmp_path: Path, checked_env: tuple[Path, dict[str, str]]
) -> None:
    python, lines = checked_env
    ran = run_gate(tmp_path, make_repo(tmp_path, lines["legacy-mit"]), python)
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    [package] = result.details["packages"]
    assert (package["declared"], package["verdict"]) == ("MIT License", "allowed")
    assert package["reason"] == "License 'MIT License' allowed"
    assert "legacy-mit 1.0 (MIT License)" in result.summary


def test_rejection_names_the_classifier_that_caused_it(
    tmp_path: Path, checked_env: tuple[Path, dict[str, str]]
) -> None:
    python, lines = checked_env
    ran = run_gate(tmp_path, make_repo(tmp_path, lines["mit-gpl-classifier"]), python)
    summary = ran.failure("licenses.disallowed")
    assert summary == (
        "runtime dependencies with licences not allowed: mit-gpl-classifier 1.0 (MIT): "
        "Classifier 'License :: OSI Approved :: GNU General Public License v3 (GPLv3)' is not "
        "allowed by the allow-list (License 'MIT' would be allowed)"
    )


OVERRIDE = """\
[[override]]
package = "see-file"
version = "{version}"
license = "{licence}"
reason = "LICENSE.txt in the sdist is the MIT text, word for word."
reviewer = "Jane Reviewer <jane@example.invalid>"
expires = {expires}
"""


def write_overrides(repo: Path, text: str) -> Path:
    path = repo.parent / "overrides.toml"  # outside the checkout that reuse lints
    path.write_text(text, encoding="utf-8")
    return path


def test_undecidable_text_needs_a_reviewed_override(
    tmp_path: Path, checked_env: tuple[Path, dict[str, str]]
) -> None:
    python, lines = checked_env
    repo = make_repo(tmp_path, lines["see-file"])
    ran = run_gate(tmp_path, repo, python)
    result = ran.gate_result
    assert ran.returncode == 1 and result.problem_code == "licenses.unknown"
    assert "see-file 1.0 (See LICENSE.txt): License 'See LICENSE.txt' is not a licence" in (
        result.summary
    )
    next_year = datetime.date.today() + datetime.timedelta(days=300)
    reviewed = OVERRIDE.format(version="1.0", licence="MIT", expires=next_year.isoformat())
    overrides = write_overrides(repo, reviewed)
    ran = run_gate(tmp_path, repo, python, "--overrides", str(overrides))
    result = ran.gate_result
    assert ran.returncode == 0, result.summary
    [package] = result.details["packages"]
    assert package["reason"] == (
        f"MIT (override reviewed by Jane Reviewer <jane@example.invalid> until "
        f"{next_year.isoformat()}: LICENSE.txt in the sdist is the MIT text, word for word.) "
        "is allowed"
    )
    # An override concludes for one version only: another version is not covered (stale).
    other = write_overrides(repo, reviewed.replace('version = "1.0"', 'version = "1.1"'))
    ran = run_gate(tmp_path, repo, python, "--overrides", str(other))
    result = ran.gate_result
    assert ran.returncode == 1 and result.problem_code == "licenses.unknown"
    assert result.details["stale_overrides"] == ["see-file 1.1"]
    # A reviewer cannot conclude a licence the allow-list forbids.
    gpl = write_overrides(repo, reviewed.replace('license = "MIT"', 'license = "GPL-3.0-only"'))
    ran = run_gate(tmp_path, repo, python, "--overrides", str(gpl))
    result = ran.gate_result
    assert ran.returncode == 1 and result.problem_code == "licenses.disallowed"


@pytest.mark.parametrize(
    ("licence", "days", "code", "message"),
    [
        ("MIT", -1, "licence_overrides.expired", "the override for see-file 1.0 expired on"),
        ("MIT License", 30, "licence_overrides.invalid", "is not a valid SPDX expression"),
        ("MIT", 400, "licence_overrides.invalid", "more than 365 days ahead"),
    ],
)
def test_expired_or_invalid_override_fails(
    tmp_path: Path,
    checked_env: tuple[Path, dict[str, str]],
    licence: str,
    days: int,
    code: str,
    message: str,
) -> None:
    python, lines = checked_env
    repo = make_repo(tmp_path, lines["see-file"])
    expires = datetime.date.today() + datetime.timedelta(days=days)
    overrides = write_overrides(
        repo, OVERRIDE.format(version="1.0", licence=licence, expires=expires.isoformat())
    )
    ran = run_gate(tmp_path, repo, python, "--overrides", str(overrides))
    summary = ran.failure(code)
    assert message in summary

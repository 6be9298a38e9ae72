# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""docs/release-process.md's "Cutting a pre-release, then the final release", end to end.

The recipe's blocks are read from the page and run as written, in this order:

1. A copy of this checkout (every file git tracks or would track) becomes the
   maintainer's clone; its ``origin`` is a local bare repository.
2. **Release candidate**: the recipe's ``pyproject.toml`` and ``CHANGELOG.md``
   blocks are applied on a branch; its ``scripts/nox -s version -- --tag
   v0.2.0rc1`` block runs and must print the decision the page quotes; the
   branch is committed and pushed to ``origin``'s main (standing in for the
   merged pull request); the recipe's tag block (``git switch main``, ``git pull
   --ff-only``, ``git tag -a``, ``git push origin``) runs as written.
3. **The workflow**, in a fresh clone of the pushed tag: the version gate with
   ``--tag`` (its ``$GITHUB_OUTPUT`` must say ``channel=testpypi``), the build
   gate, ``verify --checksums-only`` and the publish gate, uploading to a local
   pypiserver that stands in for TestPyPI and installing the release back from it.
4. **A user** runs the recipe's install block. Only the two index URLs are
   changed, to the stand-ins for TestPyPI and PyPI.
5. **The final release**: section 1's blocks (version, changelog, version check,
   which must now say ``-> pypi``) and section 3's tag block, the workflow again
   (publishing to the PyPI stand-in), then the recipe's final install block with
   pip's index pointed at the PyPI stand-in.

Gates run through their command lines, exactly as ``noxfile.py`` runs them
(``python -m release_gates.<module> ...`` with ``PYTHONPATH`` = the checkout's
``tools``); the session -> module mapping is read from noxfile.py, so moving a
module only changes the noxfile. A ``scripts/nox -s GATE -- ARGS`` line of a block
runs the same way, without creating a nox virtualenv (this test already runs in
the gates' tool environment).

The user's venv gets the runtime dependencies (duckdb, PyYAML) from the
hash-locked ``security/runtime.txt`` first (by uv), as the publish gate does; the
documented commands then run with pip's configuration switched off, so only the
indexes they name are used. ``test_the_install_block_takes_dependencies_from_pypi_only``
shows why the install block has two commands, with a stranger's higher-versioned
PyYAML on the TestPyPI stand-in.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from release_gates._internal.noxfile import read_noxfile
from release_gates.gates.version_index import INDEX_URL_ENV
from standins.local_index import LocalIndex, local_index

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "release-process.md"
RECIPE_RC = "The release candidate"
RECIPE_FINAL = "The final release"
PREPARE = "1. Prepare the release (a pull request)"
TAG = "3. Tag"
TESTPYPI_URL = "https://test.pypi.org/simple/"
PYPI_URL = "https://pypi.org/simple/"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Release Manager",
    "GIT_AUTHOR_EMAIL": "rm@example.invalid",
    "GIT_COMMITTER_NAME": "Release Manager",
    "GIT_COMMITTER_EMAIL": "rm@example.invalid",
}


# --- reading the page -------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block of the page: the heading it is under, its language and text."""

    section: str
    info: str
    text: str


_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*$")


def page_blocks(path: Path) -> list[Block]:
    """Every fenced block of a markdown page, with the nearest heading above it.

    A small CommonMark subset (fences, ATX headings) is enough for our pages; the
    docs tests parse them fully with markdown-it.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    section = ""
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        heading = _HEADING.match(lines[index])
        if opening:
            indent, fence = opening["indent"], opening["fence"]
            closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            body: list[str] = []
            index += 1
            while index < len(lines) and not closing.match(lines[index]):
                line = lines[index]
                body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
                index += 1
            blocks.append(Block(section, opening["info"].strip(), "\n".join(body) + "\n"))
        elif heading:
            section = heading["title"]
        index += 1
    return blocks


def the_block(blocks: list[Block], section: str, info: str, containing: str = "") -> Block:
    """The one block of ``section`` in language ``info`` (whose text has ``containing``)."""
    found = [b for b in blocks if b.section == section and b.info == info and containing in b.text]
    assert len(found) == 1, (
        f"docs/release-process.md should have exactly one {info} block under "
        f"{section!r} containing {containing!r}; found {len(found)}"
    )
    return found[0]


def shell_lines(block: Block) -> list[str]:
    """The commands of a console block, continuation lines joined, comments dropped."""
    joined = re.sub(r"\s*\\\n\s*", " ", block.text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def gate_modules(noxfile: Path) -> dict[str, str]:
    """nox session -> the ``release_gates`` module it runs (the registry's and the noxfile's)."""
    return read_noxfile(noxfile).modules


# --- running things ----------------------------------------------------------------


def run(
    argv: list[str], cwd: Path, env: Mapping[str, str], what: str
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        argv, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, f"{what} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done


@dataclass
class Project:
    """One checkout of the project (the maintainer's clone or the workflow's)."""

    path: Path
    env: dict[str, str]
    results: Path

    def gate(self, gate: str, *args: str, extra_env: Mapping[str, str] | None = None) -> str:
        """``python -m <module of the nox session gate> ARGS``, as noxfile.py runs it."""
        modules = gate_modules(self.path / "noxfile.py")
        assert gate in modules, f"noxfile.py has no session {gate!r} that runs a gate"
        env = {
            **self.env,
            "PYTHONPATH": str(self.path / "tools"),
            "RELEASE_GATES_RESULTS": str(self.results),
            **(extra_env or {}),
        }
        argv = [sys.executable, "-m", modules[gate], *args]
        done = run(argv, self.path, env, f"`nox -s {gate} -- {shlex.join(args)}`")
        return done.stdout + done.stderr

    def shell(self, line: str, gate_env: Mapping[str, str] | None = None) -> str:
        """One documented line: a `scripts/nox -s GATE -- ARGS` or a plain shell command."""
        nox = re.fullmatch(r"scripts/nox -s (?P<gate>[\w-]+) -- (?P<args>.*)", line)
        if nox:
            return self.gate(nox["gate"], *shlex.split(nox["args"]), extra_env=gate_env)
        done = run(["bash", "-euo", "pipefail", "-c", line], self.path, self.env, f"`{line}`")
        return done.stdout + done.stderr

    def git(self, *args: str) -> str:
        return run(["git", *args], self.path, self.env, f"git {' '.join(args)}").stdout


def apply_version(project: Path, block: Block) -> str:
    """Put the toml block's ``version = "..."`` line into pyproject.toml's [project]."""
    assert block.text.startswith("[project]\n"), block.text
    line = next(line for line in block.text.splitlines() if line.startswith("version = "))
    pyproject = project / "pyproject.toml"
    text, count = re.subn(r'(?m)^version = "[^"]*"$', line, pyproject.read_text(encoding="utf-8"))
    assert count == 1, "pyproject.toml should have one version line"
    pyproject.write_text(text, encoding="utf-8")
    return line.split('"')[1]


def apply_changelog(project: Path, block: Block) -> None:
    """Add the markdown block as the newest section of CHANGELOG.md, under *Unreleased*."""
    changelog = project / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    assert "## [Unreleased]\n" in text
    changelog.write_text(
        text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{block.text}", 1), encoding="utf-8"
    )


def copy_checkout(source: Path, target: Path) -> None:
    """Every file git tracks or would track in ``source`` (so uncommitted edits count too)."""
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        source,
        os.environ,
        "git ls-files",
    ).stdout
    for name in filter(None, listed.split("\0")):
        origin = source / name
        if origin.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)


def git_env(home: Path) -> dict[str, str]:
    """The process environment with a fixed git identity and no user or system git config."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "gitconfig").write_text("", encoding="utf-8")
    return {
        **os.environ,
        **GIT_IDENTITY,
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def documented_pip_env(base: Mapping[str, str], venv: Path) -> dict[str, str]:
    """Environment for the user's documented commands: their venv first, no pip config.

    The machine's pip configuration (extra indexes, find-links) is switched off,
    so pip uses only the indexes the documented commands name.
    """
    env = {key: value for key, value in base.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{base.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def user_venv(path: Path, runtime_lock: Path | None) -> Path:
    """A fresh venv with the interpreter's own pip (what a user gets from ``python -m
    venv``); with ``runtime_lock``, the locked runtime closure installed first, by uv
    as the publish gate does (the documented commands then run with that pip)."""
    run([sys.executable, "-m", "venv", str(path)], path.parent, os.environ, "python -m venv")
    if runtime_lock is not None:
        run(
            [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--no-config",
             "--python", str(path / "bin" / "python"), "--require-hashes", "--no-deps",
             "-r", str(runtime_lock)],
            path.parent, os.environ, f"installing {runtime_lock.name}",
        )  # fmt: skip
    return path


def run_documented(block: Block, cwd: Path, env: Mapping[str, str], urls: Mapping[str, str]) -> str:
    """Run a user's console block line by line, with only the index URLs replaced."""
    output = ""
    for line in shell_lines(block):
        for documented, local in urls.items():
            line = line.replace(documented, local)
        output += run(["bash", "-euo", "pipefail", "-c", line], cwd, env, f"`{line}`").stdout
    return output


# --- the recipe --------------------------------------------------------------------


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalIndex, LocalIndex]]:
    """Two real package indexes on loopback: the TestPyPI and the PyPI stand-ins."""
    with (
        local_index(tmp_path_factory.mktemp("testpypi")) as testpypi,
        local_index(tmp_path_factory.mktemp("pypi")) as pypi,
    ):
        yield testpypi, pypi


def workflow(origin: Path, tag: str, work: Path, index: LocalIndex, env: dict[str, str]) -> str:
    """What publish.yml does for ``tag``, up to the upload: returns the channel it chose."""
    checkout = work / f"workflow-{tag}"
    clone = ["git", "clone", "--quiet", "--branch", tag, str(origin), str(checkout)]
    run(clone, work, env, "git clone")
    project = Project(checkout, env, work / f"results-{tag}")
    outputs = work / f"github-output-{tag}"
    # The version gate reads the channel's index for the version: here, the stand-in.
    project.gate(
        "version", "--tag", tag,
        extra_env={"GITHUB_OUTPUT": str(outputs), INDEX_URL_ENV: index.simple_url},
    )  # fmt: skip
    decided = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    dist = work / f"dist-{tag}"
    project.gate("build", "--out", str(dist))
    project.gate("verify", "--checksums-only", str(dist))
    credentials = {"TWINE_USERNAME": index.username, "TWINE_PASSWORD": index.password}
    project.gate(
        "publish", "--dist", str(dist), "--repository-url", index.upload_url,
        "--index-url", index.simple_url, "--poll-backoff", "0.2", extra_env=credentials,
    )  # fmt: skip
    return decided["channel"]


def test_cutting_a_pre_release_then_the_final_release(
    tmp_path: Path, indexes: tuple[LocalIndex, LocalIndex]
) -> None:
    testpypi, pypi = indexes
    blocks = page_blocks(PAGE)
    env = git_env(tmp_path / "home")

    # 1. The maintainer's clone, with origin standing in for GitHub.
    origin = tmp_path / "origin.git"
    run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], tmp_path, env, "init")
    maintainer = Project(tmp_path / "maintainer", env, tmp_path / "results-maintainer")
    maintainer.path.mkdir()
    copy_checkout(ROOT, maintainer.path)
    maintainer.git("init", "--quiet", "-b", "main")
    maintainer.git("add", "--all")
    maintainer.git("commit", "--quiet", "-m", "duckalog before 0.2.0")
    maintainer.git("remote", "add", "origin", str(origin))
    maintainer.git("push", "--quiet", "-u", "origin", "main")

    def prepare_and_tag(section: str, tag_section: str, branch: str, index: LocalIndex) -> str:
        maintainer.git("switch", "--quiet", "-c", branch)
        version = apply_version(maintainer.path, the_block(blocks, section, "toml"))
        apply_changelog(maintainer.path, the_block(blocks, section, "markdown"))
        check = the_block(blocks, section, "console", "scripts/nox -s version")
        (line,) = shell_lines(check)
        # The version gate reads the channel's index for the version: here, the stand-in.
        output = maintainer.shell(line, {INDEX_URL_ENV: index.simple_url})
        maintainer.git("commit", "--quiet", "--all", "-m", f"Release {version}")
        maintainer.git("push", "--quiet", "origin", f"{branch}:main")  # the merged pull request
        for line in shell_lines(the_block(blocks, tag_section, "console", "git tag")):
            maintainer.shell(line)
        return output

    # 2. The release candidate, prepared and tagged as the recipe says.
    checked = prepare_and_tag(RECIPE_RC, RECIPE_RC, "release-0.2.0rc1", testpypi)
    assert "0.2.0rc1 from tag v0.2.0rc1 -> testpypi" in checked  # the decision the page quotes
    assert "v0.2.0rc1" in run(["git", "tag"], origin, env, "git tag").stdout

    # 3. The workflow publishes it to the TestPyPI stand-in.
    assert workflow(origin, "v0.2.0rc1", tmp_path, testpypi, env) == "testpypi"

    # 4. A user installs it as the recipe shows.
    runtime_lock = maintainer.path / "security" / "runtime.txt"
    venv = user_venv(tmp_path / "user-rc", runtime_lock)
    urls = {TESTPYPI_URL: testpypi.simple_url, PYPI_URL: pypi.simple_url}
    user = tmp_path / "user-rc-work"
    user.mkdir()
    output = run_documented(
        the_block(blocks, RECIPE_RC, "console", "pip download"),
        user,
        documented_pip_env(os.environ, venv),
        urls,
    )
    assert output.splitlines()[-1] == "duckalog 0.2.0rc1"  # `duckalog --version`

    # 5. The final release: section 1 and 3 with 0.2.0, then the workflow to the PyPI stand-in.
    checked = prepare_and_tag(PREPARE, TAG, "release-0.2.0", pypi)
    assert "0.2.0 from tag v0.2.0 -> pypi" in checked
    assert workflow(origin, "v0.2.0", tmp_path, pypi, env) == "pypi"
    venv = user_venv(tmp_path / "user-final", runtime_lock)
    final_env = {**documented_pip_env(os.environ, venv), "PIP_INDEX_URL": pypi.simple_url}
    user = tmp_path / "user-final-work"
    user.mkdir()
    output = run_documented(
        the_block(blocks, RECIPE_FINAL, "console", "pip install"), user, final_env, {}
    )
    assert output.splitlines()[-1] == "duckalog 0.2.0"
    # The changelog keeps both sections, as the recipe asks.
    changelog = (maintainer.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [0.2.0rc1]" in changelog and "## [0.2.0]" in changelog


# --- why the install block has two commands ---------------------------------------


def wheel(
    directory: Path, name: str, version: str, requires: tuple[str, ...] = (), script: str = ""
) -> Path:
    """A minimal, valid pure-Python wheel (a package ``name`` with an optional console script)."""
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {requirement}\n" for requirement in requires
    )
    files = {
        f"{module}/__init__.py": f"def main():\n    print({f'{name} {version}'!r})\n",
        f"{info}/METADATA": metadata,
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    if script:
        files[f"{info}/entry_points.txt"] = f"[console_scripts]\n{script} = {module}:main\n"
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{info}/RECORD"])
    path = directory / f"{module}-{version}-py3-none-any.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    path.write_bytes(buffer.getvalue())
    return path


def installed(venv: Path, distribution: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    return run([str(venv / "bin" / "python"), "-c", code], venv, os.environ, "version").stdout


def test_the_install_block_takes_dependencies_from_pypi_only(tmp_path: Path) -> None:
    """A stranger's pyyaml 99 on TestPyPI: the recipe's commands skip it, --extra-index-url not."""
    block = the_block(page_blocks(PAGE), RECIPE_RC, "console", "pip download")
    with local_index(tmp_path / "testpypi") as testpypi, local_index(tmp_path / "pypi") as pypi:
        # A stand-in duckalog 0.2.0rc1 (it needs only PyYAML) and the stranger's upload.
        wheel(testpypi.packages_dir, "duckalog", "0.2.0rc1", ("pyyaml>=6.0",), "duckalog")
        wheel(testpypi.packages_dir, "pyyaml", "99.0")
        wheel(pypi.packages_dir, "pyyaml", "6.0.3")
        urls = {TESTPYPI_URL: testpypi.simple_url, PYPI_URL: pypi.simple_url}

        safe = user_venv(tmp_path / "documented", None)
        work = tmp_path / "documented-work"
        work.mkdir()
        output = run_documented(block, work, documented_pip_env(os.environ, safe), urls)
        assert output.splitlines()[-1] == "duckalog 0.2.0rc1"
        assert installed(safe, "pyyaml").strip() == "6.0.3"

        # The common one-liner the page warns about takes the highest version of either index.
        confused = user_venv(tmp_path / "extra-index-url", None)
        line = (
            f"python -m pip install --index-url {testpypi.simple_url} "
            f"--extra-index-url {pypi.simple_url} duckalog==0.2.0rc1"
        )
        env = documented_pip_env(os.environ, confused)
        run(["bash", "-euo", "pipefail", "-c", line], tmp_path, env, line)
        assert installed(confused, "pyyaml").strip() == "99.0"

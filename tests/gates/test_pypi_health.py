# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""pypi_health against a loopback stand-in for PyPI's JSON simple API and GitHub releases."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from release_gates._internal.release_config import read_release_config
from release_gates.problems import GateFailure
from release_gates.result import GateResult, Status
from release_gates.workflow import pypi_health
from standins.serving import serving

REPOSITORY = "duckalog/duckalog"
WHEEL = "duckalog-1.0.0-py3-none-any.whl"
SDIST = "duckalog-1.0.0.tar.gz"


SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"  # PEP 691, as PyPI answers


class Site:
    """Routes served by the loopback server: path -> (status, body, content type)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.base = ""

    def project_page(self, versions: list[str], files: list[dict[str, Any]]) -> None:
        """A complete PEP 691 project page for duckalog (PEP 700 ``versions`` included)."""
        page = {"meta": {"api-version": "1.1"}, "name": "duckalog", "versions": versions}
        self.json("/simple/duckalog/", {**page, "files": files})

    def json(self, path: str, data: Any, status: int = 200) -> None:
        kind = SIMPLE_JSON if path.startswith("/simple/") else "application/json"
        self.routes[path] = (status, json.dumps(data).encode(), kind)


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, kind = served.routes.get(self.path, (404, b"not found", "text/plain"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as server:
        served.base = f"http://127.0.0.1:{server.server_address[1]}"
        yield served


def digest(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def provenance(repository: str = REPOSITORY, workflow: str = "publish.yml") -> dict[str, Any]:
    return {
        "version": 1,
        "attestation_bundles": [
            {
                "publisher": {
                    "kind": "GitHub",
                    "repository": repository,
                    "workflow": workflow,
                    "environment": "pypi",
                },
                "attestations": [{"version": 1}],
            }
        ],
    }


def released(site: Site, **overrides: Any) -> list[dict[str, Any]]:
    """A healthy release 1.0.0: index page, SHA256SUMS and provenance of both files."""
    files = []
    for name in (WHEEL, SDIST):
        entry = {
            "filename": name,
            "url": f"{site.base}/files/{name}",
            "hashes": {"sha256": digest(name)},
            "yanked": False,
            "provenance": f"{site.base}/integrity/duckalog/1.0.0/{name}/provenance",
        }
        entry.update(overrides.get(name, {}))
        files.append(entry)
        site.json(f"/integrity/duckalog/1.0.0/{name}/provenance", provenance())
    site.project_page(["1.0.0"], files)
    sums = "".join(f"{digest(n)}  {n}\n" for n in (WHEEL, SDIST)).encode()
    site.routes[f"/{REPOSITORY}/releases/download/v1.0.0/SHA256SUMS"] = (200, sums, "text/plain")
    return files


def check(site: Site, *extra: str, yanks: Path | None = None) -> GateResult:
    """Run the check against the stand-in; ``yanks`` is the intended-yanks file (default: none)."""
    no_file = Path(__file__).parent / "no-intended-yanks.toml"
    args = pypi_health.parse_args(
        [
            "--intended-yanks",
            str(yanks or no_file),
            "--index-url",
            f"{site.base}/simple/",
            "--release-url",
            site.base + "/{repository}/releases/download/v{version}/SHA256SUMS",
            "--repository",
            REPOSITORY,
            "--workflow",
            "publish.yml",
            *extra,
        ]
    )
    try:
        return pypi_health.check(args)
    except GateFailure as failure:
        return GateResult(
            "pypi_health",
            Status.FAILED,
            failure.message,
            problem_code=failure.problem.code,
            details=failure.values,
        )


def test_healthy_release_passes(site: Site) -> None:
    released(site)
    result = check(site)
    assert result.status is Status.PASSED, result.summary
    assert result.details == {"versions": ["1.0.0"], "files": 2, "intended_yanks": {}}


def test_unknown_file_fails(site: Site) -> None:
    files = released(site)
    extra = dict(files[0], filename="duckalog-1.0.0-py3-none-manylinux_2_17_x86_64.whl")
    site.project_page(["1.0.0"], [*files, extra])
    result = check(site)
    assert result.problem_code == "pypi_health.unknown-file"
    assert "manylinux" in result.summary


def test_other_bytes_fail(site: Site) -> None:
    released(site, **{WHEEL: {"hashes": {"sha256": "0" * 64}}})
    result = check(site)
    assert result.problem_code == "pypi_health.hash-mismatch"
    assert digest(WHEEL) in result.summary


def test_yank_fails(site: Site) -> None:
    released(site, **{SDIST: {"yanked": "broken metadata"}})
    result = check(site)
    assert result.problem_code == "pypi_health.yanked"
    assert "broken metadata" in result.summary


def write_yanks(tmp_path: Path, version: str, date: str = "2026-01-02") -> Path:
    path = tmp_path / "intended-yanks.toml"
    path.write_text(
        f'[[yank]]\nversion = "{version}"\nreason = "broken metadata"\ndate = {date}\n',
        encoding="utf-8",
    )
    return path


def test_an_intended_yank_passes_and_an_unexpected_one_still_fails(
    site: Site, tmp_path: Path
) -> None:
    """Reported: an intended yank failed pypi-health every day (there was no list)."""
    files = released(site, **{SDIST: {"yanked": "broken metadata"}, WHEEL: {"yanked": True}})
    result = check(site, yanks=write_yanks(tmp_path, "1.0.0"))
    assert result.status is Status.PASSED, result.summary
    assert result.details["intended_yanks"] == {"1.0.0": "broken metadata (decided 2026-01-02)"}
    assert "intended yanks (security/intended-yanks.toml): 1.0.0" in result.summary
    # Another version yanked (0.9.0, not on the list) still fails loudly.
    old = [dict(f, filename=f["filename"].replace("1.0.0", "0.9.0"), yanked="oops") for f in files]
    for entry in old:
        site.json(f"/integrity/duckalog/0.9.0/{entry['filename']}/provenance", provenance())
        entry["provenance"] = f"{site.base}/integrity/duckalog/0.9.0/{entry['filename']}/provenance"
        entry["hashes"] = {"sha256": digest(entry["filename"])}
    site.project_page(["0.9.0", "1.0.0"], [*files, *old])
    sums = "".join(f"{digest(f['filename'])}  {f['filename']}\n" for f in old).encode()
    site.routes[f"/{REPOSITORY}/releases/download/v0.9.0/SHA256SUMS"] = (200, sums, "text/plain")
    result = check(site, yanks=write_yanks(tmp_path, "1.0.0"))
    assert result.problem_code == "pypi_health.yanked"
    assert "duckalog-0.9.0" in result.summary and "oops" in result.summary
    assert all("1.0.0" not in line for line in result.details["findings"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[[yank]]\nversion = "1.0.0"\ndate = 2026-01-02\n', "reason is missing"),
        ('[[yank]]\nversion = "1.0.0"\nreason = "x"\ndate = 2999-01-01\n', "in the future"),
        ('[[yank]]\nversion = "1.0.0"\nreason = "x"\n', "date must be"),
    ],
)
def test_invalid_intended_yanks_fail(site: Site, tmp_path: Path, entry: str, message: str) -> None:
    released(site)
    path = tmp_path / "intended-yanks.toml"
    path.write_text(entry, encoding="utf-8")
    result = check(site, yanks=path)
    assert result.problem_code == "pypi_health.intended-yanks-invalid"
    assert message in result.summary


def test_missing_attestation_fails(site: Site) -> None:
    released(site, **{WHEEL: {"provenance": None}})
    result = check(site)
    assert result.problem_code == "pypi_health.no-attestation"
    assert WHEEL in result.summary


def test_attestation_from_another_repository_fails(site: Site) -> None:
    released(site)
    site.json(f"/integrity/duckalog/1.0.0/{SDIST}/provenance", provenance("evil/fork"))
    result = check(site)
    assert result.problem_code == "pypi_health.wrong-publisher"
    assert "evil/fork" in result.summary


def test_file_missing_from_index_fails(site: Site) -> None:
    files = released(site)
    site.project_page(["1.0.0"], files[:1])
    result = check(site)
    assert result.problem_code == "pypi_health.missing-file"
    assert SDIST in result.summary


def test_every_finding_is_reported(site: Site) -> None:
    released(site, **{WHEEL: {"yanked": True}, SDIST: {"provenance": None}})
    result = check(site)
    codes = {line.split("]")[0].strip("[") for line in result.details["findings"]}
    assert codes == {"pypi_health.yanked", "pypi_health.no-attestation"}


def test_release_without_sha256sums_fails_closed(site: Site) -> None:
    released(site)
    del site.routes[f"/{REPOSITORY}/releases/download/v1.0.0/SHA256SUMS"]
    result = check(site)
    assert result.problem_code == "pypi_health.unreadable"
    assert "SHA256SUMS" in result.summary


def test_unreachable_index_fails_closed(site: Site) -> None:
    released(site)
    result = check(site, "--index-url", "http://127.0.0.1:9/simple/")
    assert result.problem_code == "pypi_health.unreadable"


def test_only_requested_versions_are_checked(site: Site) -> None:
    files = released(site)
    old = dict(files[0], filename="duckalog-0.9.0-py3-none-any.whl", provenance=None)
    site.project_page(["0.9.0", "1.0.0"], [*files, old])
    assert check(site, "--version", "1.0.0").status is Status.PASSED
    assert check(site).problem_code == "pypi_health.unreadable"  # 0.9.0 has no release here


def test_config_comes_from_pyproject() -> None:
    config = read_release_config(Path(__file__).resolve().parents[2] / "pyproject.toml")
    assert (config.repository, config.workflow_file) == (REPOSITORY, "publish.yml")

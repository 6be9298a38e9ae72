# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release report, rendered from GateResult files as the rehearsal writes them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest

from release_gates._internal.dists import project_name_version
from release_gates._internal.release_config import read_release_config, verification_commands
from release_gates.registry import GATES
from release_gates.rehearsal import report, report_html, report_load, report_md
from release_gates.result import GateResult, Status

HOSTILE = "<script>alert('x')</script> & <img src=x onerror=alert(1)> | `code` **bold**"
ROOT = Path(__file__).resolve().parents[2]


def write_results(results_dir: Path, results: Sequence[GateResult], mode: str = "online") -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    for result in results:
        (results_dir / f"{result.gate}.json").write_text(result.to_json(), encoding="utf-8")
    meta = {"mode": mode, "started": "2026-11-25T01:00:00+00:00", "total_s": 12.5}
    (results_dir / report_load.META_FILE).write_text(json.dumps(meta), encoding="utf-8")


def all_passed(**overrides: GateResult) -> list[GateResult]:
    results = [
        GateResult(gate.name, Status.PASSED, f"{gate.name} ok", duration_s=1.25) for gate in GATES
    ]
    return [overrides.get(r.gate, r) for r in results]


def write_dist(dist: Path) -> None:
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "SHA256SUMS").write_text(
        f"{'a' * 64}  duckalog-0.1.0-py3-none-any.whl\n{'b' * 64}  duckalog-0.1.0.tar.gz\n",
        encoding="utf-8",
    )
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "component": {
                "name": "duckalog",
                "version": "0.1.0",
                "licenses": [{"license": {"id": "MIT"}}],
            }
        },
        "components": [
            {
                "name": "duckdb",
                "version": "2.0.1",
                "purl": "pkg:pypi/duckdb@2.0.1",
                "licenses": [{"expression": "MIT"}],
            },
            {
                "name": "pyyaml",
                "version": "6.0.3",
                "purl": "pkg:pypi/pyyaml@6.0.3",
                "licenses": [{"license": {"name": HOSTILE}}],
            },
        ],
    }
    (dist / "duckalog-0.1.0.cdx.json").write_text(json.dumps(bom), encoding="utf-8")


def render(tmp_path: Path, results: Sequence[GateResult], mode: str = "online") -> tuple[str, str]:
    write_results(tmp_path / "results", results, mode)
    write_dist(tmp_path / "dist")
    md_path, html_path = report.write_reports(tmp_path / "results", tmp_path / "dist")
    assert md_path == tmp_path / "dist" / "release-report.md"
    assert html_path == tmp_path / "dist" / "release-report.html"
    return md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")


class _Collector(HTMLParser):
    """Collects element names and attribute values, and the visible text per table row."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag == "tr":
            self.rows.append([])

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.rows:
            self.rows[-1].append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def md_row(md: str, first_cell: str, after: str = "") -> str:
    """The first markdown table row starting with ``first_cell`` (after the heading ``after``)."""
    lines = md[md.index(after) :].splitlines() if after else md.splitlines()
    return next(line for line in lines if line.startswith(f"| {first_cell} |"))


def outside_code(md: str) -> str:
    """The markdown without its fenced code blocks (their content is never rendered as HTML)."""
    return re.sub(r"^(`{3,})text\n.*?^\1$", "", md, flags=re.MULTILINE | re.DOTALL)


def test_every_gate_has_its_status_and_duration_in_both_reports(tmp_path: Path) -> None:
    results = all_passed(
        build=GateResult("build", Status.FAILED, "build not reproducible", duration_s=3.0),
        smoke=GateResult("smoke", Status.SKIPPED, "not run because build failed"),
        audit=GateResult("audit", Status.NOT_RUN, "audit needs the network"),
    )
    md, html = render(tmp_path, results)
    rows = {row[0]: row for row in parse(html).rows if row}
    for result in results:
        status = result.status.value.upper()
        assert status in md_row(md, result.gate, after="## Gates")
        assert f"{result.duration_s:.1f} s" in md_row(md, result.gate, after="## Gates")
        assert status in rows[result.gate]
    assert "NOT RELEASABLE" in md and "NOT RELEASABLE" in html


def test_hostile_text_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    tail = f"Traceback ...\n{HOSTILE}\n```\nbreak out of the fence"
    failed = GateResult(
        "licenses",
        Status.FAILED,
        f"licence {HOSTILE}",
        problem_code="licenses.disallowed",
        fix=HOSTILE,
        details={
            "package": HOSTILE,
            "rows": [{HOSTILE: HOSTILE}],
            "rehearsal": {"output_tail": tail},
        },
    )
    md, html = render(tmp_path, all_passed(licenses=failed))
    parsed = parse(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert all(not name.startswith("on") for name, _ in parsed.attrs)
    assert "<script>" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    # The text survives, escaped: the reader sees exactly what the gate said.
    assert HOSTILE in "".join(parsed.text)
    prose = outside_code(md)
    assert "<script>" not in prose and "<img" not in prose
    assert "&lt;script&gt;" in prose
    assert "&lt;script&gt;" in md_row(md, "licenses", after="## Gates")
    # The output tail's backticks cannot close the markdown code fence early.
    fence = re.search(r"^(`{4,})text$", md, re.MULTILINE)
    assert fence is not None
    assert f"break out of the fence\n{fence.group(1)}" in md


def test_html_is_self_contained(tmp_path: Path) -> None:
    _, html = render(tmp_path, all_passed())
    parsed = parse(html)
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert not [value for name, value in parsed.attrs if name in {"src", "href"}]
    assert "default-src 'none'" in html


def test_releasable_only_when_every_gate_passed(tmp_path: Path) -> None:
    md, html = render(tmp_path, all_passed())
    assert "NOT RELEASABLE" not in md and "RELEASABLE" in md
    assert "NOT RELEASABLE" not in html


def test_offline_not_run_is_never_reported_as_passed(tmp_path: Path) -> None:
    audit = GateResult(
        "audit", Status.NOT_RUN, "audit needs the network and the rehearsal is offline"
    )
    md, html = render(tmp_path, all_passed(audit=audit), mode="offline")
    assert "NOT RELEASABLE" in md
    assert "PASSED" not in md_row(md, "audit", after="## Gates")
    audit_rows = [row for row in parse(html).rows if row and row[0] == "audit"]
    assert audit_rows and all("PASSED" not in row for row in audit_rows)
    assert "NOT RELEASABLE" in html
    assert "- audit: NOT RUN - audit needs the network" in md
    assert "| mode | offline |" in md
    loaded = report_load.load(tmp_path / "results", tmp_path / "dist")
    releasable, reasons = report.verdict(loaded.results)
    assert not releasable and len(reasons) == 1


def test_hashes_and_sbom_components_with_licences(tmp_path: Path) -> None:
    md, html = render(tmp_path, all_passed())
    assert f"| duckalog-0.1.0.tar.gz | {'b' * 64} |" in md
    assert "| duckdb | 2.0.1 | MIT | pkg:pypi/duckdb@2.0.1 |" in md
    assert md_row(md, "duckalog").startswith("| duckalog | 0.1.0 | MIT |")
    assert "a" * 64 in html and "pkg:pypi/pyyaml@6.0.3" in html


def test_stale_dist_files_are_not_reported_when_their_gate_did_not_pass(tmp_path: Path) -> None:
    results = all_passed(
        build=GateResult("build", Status.FAILED, "dirty tree"),
        sbom=GateResult("sbom", Status.SKIPPED, "not run because build failed"),
    )
    md, _ = render(tmp_path, results)
    assert "a" * 64 not in md
    assert "pkg:pypi/duckdb" not in md
    assert "No hashes: the build gate did not pass" in md
    assert "No SBOM: the sbom gate did not pass" in md


def test_a_malformed_sha256sums_is_named_not_half_shown(tmp_path: Path) -> None:
    write_results(tmp_path / "results", all_passed())
    write_dist(tmp_path / "dist")
    sums = tmp_path / "dist" / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8") + "not a checksum line\n", encoding="utf-8")
    report.write_reports(tmp_path / "results", tmp_path / "dist")
    md = (tmp_path / "dist" / "release-report.md").read_text(encoding="utf-8")
    assert "a" * 64 not in md
    assert "No hashes: \\[checksums.malformed-line\\]" in md


def test_verification_commands_use_the_configured_identity(tmp_path: Path) -> None:
    md, html = render(tmp_path, all_passed())
    config = read_release_config(ROOT / "pyproject.toml")
    version = project_name_version(ROOT / "pyproject.toml")[1]  # what the report shows
    identity = f"https://github.com/{config.repository}/{config.workflow}@refs/tags/v{version}"
    assert identity == config.identity(f"v{version}")
    commands = verification_commands(config, version)
    # Runs outside a checkout, from an empty folder: everything comes by plain URL.
    assert "scripts/nox" not in commands and f"VERSION={version}\n" in commands
    assert f"https://github.com/{config.repository}/releases/download/v$VERSION" in commands
    assert 'IDENTITY="' + identity.replace(version, "$VERSION") + '"' in commands
    assert "sha256sum --check --ignore-missing SHA256SUMS" in commands
    assert f"--cert-oidc-issuer {config.oidc_issuer}" in commands
    assert "--require-hashes" in commands
    # The report shows them verbatim in a code block (HTML-escaped in the HTML).
    for line in commands.splitlines():
        assert line in md
    assert "sha256sum --check --ignore-missing SHA256SUMS" in html


def test_terminal_colour_codes_never_reach_the_reports(tmp_path: Path) -> None:
    red, reset = "\x1b[31m", "\x1b[0m"
    link = "\x1b]8;;https://example.invalid\x1b\\here\x1b]8;;\x1b\\"
    failed = GateResult(
        "build",
        Status.FAILED,
        f"{red}error{reset}: the build broke\r",
        fix=f"see {link}",
        details={"rehearsal": {"output_tail": f"{red}ERROR{reset} line 1\n\x1b[1mbold\x1b[22m"}},
    )
    md, html = render(tmp_path, all_passed(build=failed))
    terminal = report.render_terminal(report_load.load(tmp_path / "results", tmp_path / "dist"))
    for text in (md, html, terminal):
        assert "\x1b" not in text and "\r" not in text
    assert "error: the build broke" in md and "ERROR line 1" in md and "bold" in md
    assert "see here" in md


def test_per_python_table_from_gate_details(tmp_path: Path) -> None:
    smoke = GateResult(
        "smoke",
        Status.PASSED,
        "works everywhere",
        details={
            "version": "0.1.0",
            "pythons": [
                {"python": "3.9.18", "wheel": "passed", "sdist": "passed", "tests": "12 passed"},
                {"python": "3.13.0", "wheel": "passed", "sdist": "failed", "tests": "12 passed"},
            ],
            "log": "line one\nline two",
        },
    )
    md, html = render(tmp_path, all_passed(smoke=smoke))
    # Stored with sorted keys; the naming column comes first.
    assert "| python | sdist | tests | wheel |" in md
    assert md_row(md, "3.13.0") == "| 3.13.0 | ❌ **FAILED** | 12 passed | ✅ **PASSED** |"
    assert "line one\nline two" in md  # multi-line text is preformatted
    rows = [row for row in parse(html).rows if row and row[0] == "3.9.18"]
    assert rows == [["3.9.18", "PASSED", "12 passed", "PASSED"]]


def test_terminal_summary_shows_failures_with_their_output(tmp_path: Path) -> None:
    failed = GateResult(
        "version",
        Status.FAILED,
        "tag v0.2.0 != pyproject 0.1.0",
        fix="tag the version in pyproject.toml",
        details={"rehearsal": {"output_tail": "line 1\nthe real reason", "log": "/x/version.log"}},
    )
    write_results(tmp_path / "results", all_passed(version=failed))
    text = report.render_terminal(report_load.load(tmp_path / "results", tmp_path / "dist"))
    assert "NOT RELEASABLE" in text
    assert "version FAILED: tag v0.2.0 != pyproject 0.1.0" in text
    assert "  | the real reason" in text
    assert "what to do: tag the version in pyproject.toml" in text
    assert "full output: /x/version.log" in text


def test_a_missing_result_is_not_run_not_passed(tmp_path: Path) -> None:
    results = [r for r in all_passed() if r.gate != "sbom"]
    write_results(tmp_path / "results", results)
    loaded = report_load.load(tmp_path / "results", tmp_path / "dist")
    sbom = next(r for r in loaded.results if r.gate == "sbom")
    assert sbom.status is Status.NOT_RUN


@pytest.mark.parametrize("renderer", [report_md.render, report_html.render])
def test_renderers_are_deterministic(tmp_path: Path, renderer: object) -> None:
    write_results(tmp_path / "results", all_passed())
    write_dist(tmp_path / "dist")
    document = report.build_document(report_load.load(tmp_path / "results", tmp_path / "dist"))
    assert renderer(document) == renderer(document)  # type: ignore[operator]


def test_command_line_rerenders_the_reports(tmp_path: Path) -> None:
    write_results(tmp_path / "results", all_passed())
    write_dist(tmp_path / "dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "release_gates.rehearsal.report",
            "--results",
            str(tmp_path / "results"),
            "--dist",
            str(tmp_path / "dist"),
        ],
        check=True,
        env={"PYTHONPATH": str(ROOT / "tools"), "PATH": "/usr/bin:/bin"},
    )
    assert "RELEASABLE" in (tmp_path / "dist" / "release-report.md").read_text(encoding="utf-8")
    assert (
        (tmp_path / "dist" / "release-report.html")
        .read_text(encoding="utf-8")
        .startswith("<!DOCTYPE html>")
    )


def test_a_long_multi_line_summary_is_one_line_in_tables_and_whole_under_problems(
    tmp_path: Path,
) -> None:
    summary = "3 smoke steps failed: Python 3.9 / tests: " + "x" * 300 + "\nTraceback\n  more"
    failed = GateResult("smoke", Status.FAILED, summary)
    md, _ = render(tmp_path, all_passed(smoke=failed))
    row = md_row(md, "smoke", after="## Gates")
    assert "Traceback" not in row and "…" in row
    assert len(row) < 320
    problems = md[md.index("## Problems") : md.index("## Hashes")]
    assert "Traceback\n  more" in problems
    text = report.render_terminal(report_load.load(tmp_path / "results", tmp_path / "dist"))
    assert all(len(line) < 260 for line in text.splitlines())


def test_every_locked_closure_sbom_and_the_vex_status_are_shown(tmp_path: Path) -> None:
    write_results(tmp_path / "results", all_passed(), "online")
    write_dist(tmp_path / "dist")
    (tmp_path / "dist" / "duckalog-0.1.0.cdx.json").unlink()
    for label, pythons, duckdb in (
        ("py3.9", "3.9", "1.4.5"),
        ("py3.11-3.13", "3.11 3.12 3.13", "2.0.1"),
    ):
        bom = {
            "metadata": {
                "component": {"name": "duckalog", "version": "0.1.0"},
                "properties": [{"name": "duckalog:sbom:pythons", "value": pythons}],
            },
            "components": [
                {"name": "duckdb", "version": duckdb, "purl": f"pkg:pypi/duckdb@{duckdb}"}
            ],
        }
        path = tmp_path / "dist" / f"duckalog-0.1.0.{label}.cdx.json"
        path.write_text(json.dumps(bom), encoding="utf-8")
    vex = {
        "metadata": {
            "properties": [
                {
                    "name": "duckalog:vex:status",
                    "value": "no known vulnerabilities as of 2026-11-30",
                }
            ]
        }
    }
    (tmp_path / "dist" / "duckalog-0.1.0.vex.cdx.json").write_text(
        json.dumps(vex), encoding="utf-8"
    )
    md_path, _ = report.write_reports(tmp_path / "results", tmp_path / "dist")
    md = md_path.read_text(encoding="utf-8")
    assert "duckalog-0.1.0.py3.9.cdx.json: the locked closure for Python 3.9" in md
    assert (
        "duckalog-0.1.0.py3.11-3.13.cdx.json: the locked closure for Python 3.11, 3.12, 3.13" in md
    )
    assert "| duckdb | 1.4.5 |" in md and "| duckdb | 2.0.1 |" in md
    assert md.index("py3.9.cdx.json") < md.index("py3.11-3.13.cdx.json")  # in Python order
    assert "pip install -c duckalog-X.Y.Z-constraints.txt" in md
    assert "no known vulnerabilities as of 2026-11-30" in md
    # An audit that did not run states no vulnerability status, whatever lies in dist/.
    results = all_passed(audit=GateResult("audit", Status.NOT_RUN, "--offline"))
    write_results(tmp_path / "results", results, "offline")
    md_path, _ = report.write_reports(tmp_path / "results", tmp_path / "dist")
    md = md_path.read_text(encoding="utf-8")
    assert "No VEX: the audit is NOT RUN" in md
    assert "no known vulnerabilities" not in md

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release report: what every gate found, as one document, in three renderings.

:func:`build_document` turns what :mod:`~release_gates.rehearsal.report_load` read
(the decided gate results of a rehearsal, ``<results>/<gate>.json``, plus the files
in ``dist/`` the passed gates vouch for) into a small neutral :class:`Document`. Renderers turn it
into terminal text (:func:`render_terminal`), markdown
(:mod:`release_gates.rehearsal.report_md`) and self-contained HTML
(:mod:`release_gates.rehearsal.report_html`); none of them knows what a gate is.

    python -m release_gates.rehearsal.report [--results DIR] [--dist DIR]   # re-render
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from release_gates._internal import checksums, paths
from release_gates._internal.release_config import verification_commands
from release_gates.gates import sbom_render
from release_gates.registry import GATES, Gate
from release_gates.rehearsal.document import (
    Badge,
    Block,
    Bullets,
    Cell,
    Code,
    Document,
    Paragraph,
    Section,
    Table,
)
from release_gates.rehearsal.report_load import Loaded, load
from release_gates.result import GateResult, Status

# Lists longer than this are shown as preformatted lines rather than bullets.
LONG_LIST = 12
# Summaries in tables and the terminal are cut to one line of this length.
SUMMARY_LIMIT = 200
# Keys that name a row; they become the first column of a details table.
LEADING_COLUMNS = frozenset({"python", "name", "package", "file", "id", "gate"})
LOCKED_CLOSURE_NOTE = (
    "Each SBOM describes a locked closure: the runtime dependencies of security/runtime.txt "
    "that this release was tested, audited and described with on those Pythons. A fresh "
    "`pip install duckalog` may resolve newer versions within pyproject.toml's ranges; "
    "`pip install -c duckalog-X.Y.Z-constraints.txt duckalog==X.Y.Z` installs exactly the "
    "locked closure."
)

# --- building the document --------------------------------------------------------

TONES = {
    Status.PASSED: "good",
    Status.FAILED: "bad",
    Status.SKIPPED: "warn",
    Status.NOT_RUN: "warn",
}


def one_line(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first line of ``text``, cut to ``limit`` characters (tables stay readable)."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    if len(first) > limit:
        return first[: limit - 1] + "…"
    return first + (" …" if len(lines) > 1 else "")


def badge(status: Status) -> Badge:
    """The badge of a gate status."""
    return Badge(status.value.upper(), TONES[status])


def verdict(results: Iterable[GateResult]) -> tuple[bool, tuple[str, ...]]:
    """Releasable only when every gate passed; otherwise the reasons, one per gate."""
    reasons = tuple(
        f"{r.gate}: {r.status.value.upper()} - {one_line(r.summary)}"
        for r in results
        if r.status is not Status.PASSED
    )
    return not reasons, reasons


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def details_blocks(details: Mapping[str, Any]) -> list[Block]:
    """Render a gate's JSON details generically, whatever their shape.

    Short scalars form one table; multi-line text and long lists of lines become
    preformatted blocks; a list of objects (say, one per Python) becomes a table
    with a column per key; a mapping of objects a table with a row per key.
    """
    short = [(k, _text(v)) for k, v in details.items() if _is_scalar(v) and "\n" not in _text(v)]
    blocks: list[Block] = []
    if short:
        blocks.append(Table(("detail", "value"), tuple(short)))
    for key, value in details.items():
        if _is_scalar(value):
            if "\n" in _text(value):
                blocks += [Paragraph(f"{key}:"), Code(_text(value).rstrip())]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            headers = _columns(k for row in value for k in row)
            rows = tuple(tuple(_cell(row.get(h)) for h in headers) for row in value)
            blocks += [Paragraph(f"{key}:"), Table(tuple(headers), rows)]
        elif isinstance(value, list):
            lines = [_text(v) for v in value]
            if len(lines) > LONG_LIST or any("\n" in line for line in lines):
                blocks += [Paragraph(f"{key}:"), Code("\n".join(lines))]
            else:
                blocks += [Paragraph(f"{key}:"), Bullets(tuple(lines) or ("none",))]
        elif value and all(isinstance(v, dict) for v in value.values()):
            headers = _columns(k for v in value.values() for k in v)
            rows = tuple((k, *(_cell(v.get(h)) for h in headers)) for k, v in value.items())
            blocks += [Paragraph(f"{key}:"), Table((key, *headers), rows)]
        else:
            pairs = tuple((k, _text(v)) for k, v in value.items())
            blocks += [Paragraph(f"{key}:"), Table(("key", "value"), pairs or (("", ""),))]
    return blocks


def _columns(keys: Iterable[str]) -> list[str]:
    """Column order: a naming key first (results are stored with sorted keys)."""
    unique = list(dict.fromkeys(keys))
    return sorted(unique, key=lambda key: key not in LEADING_COLUMNS)


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


def _cell(value: Any) -> Cell:
    """Cells that are a status word get a badge, so per-Python tables read at a glance."""
    text = _text(value)
    if isinstance(value, bool):
        return Badge("yes", "good") if value else Badge("no", "bad")
    try:
        return badge(Status(text.lower()))
    except ValueError:
        return text


def vex_line(loaded: Loaded) -> str:
    """One sentence on the VEX: its verdict, or why there is none."""
    audit = next((r for r in loaded.results if r.gate == "audit"), None)
    if not loaded.vex:
        state = audit.status.value.upper() if audit else "NOT RUN"
        return f"No VEX: the audit is {state}, so no vulnerability status can be stated."
    properties = {
        str(p.get("name")): str(p.get("value"))
        for p in loaded.vex.get("metadata", {}).get("properties", [])
    }
    return properties.get("duckalog:vex:status", "VEX present")


def sbom_rows(sbom: Mapping[str, Any]) -> tuple[tuple[Cell, ...], ...]:
    """name, version, licences, purl of every CycloneDX component, root first."""
    root = sbom.get("metadata", {}).get("component")
    components = ([root] if isinstance(root, dict) else []) + list(sbom.get("components", []))
    rows = []
    for component in components:
        rows.append(
            (
                str(component.get("name", "?")),
                str(component.get("version", "?")),
                # As the SBOM's own rendering shows it, so the two cannot disagree.
                sbom_render.licence_text(component) or "unknown",
                str(component.get("purl", "")),
            )
        )
    return tuple(rows)


def build_document(loaded: Loaded) -> Document:
    """The report as a neutral document."""
    results, meta = loaded.results, loaded.meta
    releasable, reasons = verdict(results)
    facts = [
        ("version", loaded.version),
        ("mode", str(meta.get("mode", "?"))),
        ("started", str(meta.get("started", "?"))),
        ("total", f"{float(meta.get('total_s', 0.0)):.1f} s"),
        ("signing identity", loaded.identity),
    ]
    gates = Table(
        ("gate", "status", "duration", "summary"),
        tuple(
            (r.gate, badge(r.status), f"{r.duration_s:.1f} s", one_line(r.summary)) for r in results
        ),
    )
    sections = [Section("Gates", (gates,))]

    problems: list[Block] = []
    for r in results:
        if r.status is Status.FAILED:
            tail = str(r.details.get("rehearsal", {}).get("output_tail", "")).strip()
            lines = [f"{r.gate}: {one_line(r.summary)}"]
            if r.problem_code:
                lines.append(f"problem code: {r.problem_code}")
            if r.fix:
                lines.append(f"what to do: {r.fix}")
            problems.append(Bullets(tuple(lines)))
            if one_line(r.summary) != r.summary.strip():
                problems += [Paragraph("the whole message:"), Code(r.summary.strip())]
            if tail:
                problems.append(Code(tail))
    if problems:
        sections.append(Section("Problems", tuple(problems)))

    if loaded.checksums:
        hashes: Block = Table(("file", "sha256"), loaded.checksums)
    else:
        why = loaded.missing.get(checksums.SUMS_NAME, "none listed")
        hashes = Paragraph(f"No hashes: {why}.")
    sections.append(Section("Hashes (SHA256SUMS)", (hashes,)))

    sbom_blocks: list[Block] = []
    for name, document in loaded.sboms:
        pythons = sbom_render.pythons(document)
        sbom_blocks.append(Paragraph(f"{name}: the locked closure for Python {pythons}"))
        sbom_blocks.append(Table(("component", "version", "licence", "purl"), sbom_rows(document)))
    if sbom_blocks:
        sbom_blocks.insert(0, Paragraph(LOCKED_CLOSURE_NOTE))
    else:
        sbom_blocks.append(Paragraph(f"No SBOM: {loaded.missing.get('SBOM', 'none found')}."))
    sections.append(Section("SBOM components, per locked closure", tuple(sbom_blocks)))
    sections.append(Section("Vulnerability status (VEX)", (Paragraph(vex_line(loaded)),)))

    if loaded.config is not None:
        how: tuple[Block, ...] = (
            Paragraph(
                "Once the release is published, anyone can check it with these commands, run"
                " in a new, empty folder (no checkout needed; docs/verifying.md explains"
                " each step):"
            ),
            Code(verification_commands(loaded.config, loaded.version)),
        )
    else:
        how = (Paragraph(f"Unknown: {loaded.missing.get('config', '')}"),)
    sections.append(Section("How to verify the release", how))

    for r in results:
        shown = {k: v for k, v in r.details.items() if k != "rehearsal"}
        blocks: list[Block] = [Paragraph(f"{r.status.value.upper()}: {one_line(r.summary)}")]
        blocks += details_blocks(shown)
        sections.append(Section(f"Gate {r.gate}", tuple(blocks), level=3))

    return Document(
        title=f"Duckalog {loaded.version} release rehearsal",
        verdict=Badge("RELEASABLE", "good") if releasable else Badge("NOT RELEASABLE", "bad"),
        reasons=reasons,
        facts=tuple(facts),
        sections=tuple(sections),
    )


# --- renderings -------------------------------------------------------------------


def render_terminal(loaded: Loaded, tail_lines: int = 6) -> str:
    """A short summary for the end of the rehearsal: one line per gate, then each failure."""
    document = build_document(loaded)
    width = max(len(r.gate) for r in loaded.results)
    lines = ["", f"{document.title}: {document.verdict.text}"]
    for r in loaded.results:
        status = r.status.value.upper()
        summary = one_line(r.summary, limit=120)
        lines.append(f"  {r.gate:<{width}}  {status:<8} {r.duration_s:7.1f} s  {summary}")
    for r in loaded.results:
        if r.status is not Status.FAILED:
            continue
        facts = r.details.get("rehearsal", {})
        lines += ["", f"{r.gate} FAILED: {one_line(r.summary)}"]
        if r.fix:
            lines.append(f"  what to do: {r.fix}")
        tail = str(facts.get("output_tail", "")).splitlines()[-tail_lines:]
        lines += [f"  | {line}" for line in tail]
        if facts.get("log"):
            lines.append(f"  full output: {facts['log']}")
    return "\n".join(lines)


def write_reports(results_dir: Path, dist: Path, gates: Sequence[Gate] = GATES) -> list[Path]:
    """Write ``dist/release-report.md`` and ``dist/release-report.html``."""
    from release_gates.rehearsal import report_html, report_md

    document = build_document(load(results_dir, dist, gates))
    dist.mkdir(parents=True, exist_ok=True)
    md = dist / "release-report.md"
    html = dist / "release-report.html"
    md.write_text(report_md.render(document), encoding="utf-8")
    html.write_text(report_html.render(document), encoding="utf-8")
    return [md, html]


def main(argv: Sequence[str] | None = None) -> int:
    """Re-render the reports of the last rehearsal."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.rehearsal.report")
    parser.add_argument("--results", type=Path, default=paths.REHEARSAL_RESULTS)
    parser.add_argument("--dist", type=Path, default=paths.DIST)
    options = parser.parse_args(argv)
    for path in write_reports(options.results, options.dist):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

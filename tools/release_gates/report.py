# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release report: what every gate found, as one document, in three renderings.

:func:`build_document` turns the decided gate results of a rehearsal
(``<results>/<gate>.json``, written by :mod:`release_gates.rehearsal`) plus the
files in ``dist/`` into a small neutral :class:`Document`. Renderers turn it
into terminal text (:func:`render_terminal`), markdown
(:mod:`release_gates.report_md`) and self-contained HTML
(:mod:`release_gates.report_html`); none of them knows what a gate is.

    python -m release_gates.report [--results DIR] [--dist DIR]   # re-render
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

from release_gates import sbom_render
from release_gates.pipeline import REHEARSAL, Step
from release_gates.result import GateResult, Status
from release_gates.tomlfile import load_toml

ROOT = Path(__file__).resolve().parents[2]
META_FILE = "rehearsal.json"
DEFAULT_ISSUER = "https://token.actions.githubusercontent.com"
# Lists longer than this are shown as preformatted lines rather than bullets.
LONG_LIST = 12
# Summaries in tables and the terminal are cut to one line of this length.
SUMMARY_LIMIT = 200
# Keys that name a row; they become the first column of a details table.
LEADING_COLUMNS = frozenset({"python", "name", "package", "file", "id", "gate"})

# --- the document model -----------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A short status word; ``tone`` is good, bad, warn or neutral."""

    text: str
    tone: str


Cell = Union[str, Badge]


@dataclass(frozen=True)
class Paragraph:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """An unordered list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of plain-text (or badge) cells."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Code:
    """Preformatted text: commands or output."""

    text: str


Block = Union[Paragraph, Bullets, Table, Code]


@dataclass(frozen=True)
class Section:
    """A titled list of blocks; ``level`` 2 or 3."""

    title: str
    blocks: tuple[Block, ...]
    level: int = 2


@dataclass(frozen=True)
class Document:
    """The whole report: title, verdict and sections."""

    title: str
    verdict: Badge
    reasons: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]


# --- loading -----------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """The release configuration from ``pyproject.toml``."""

    version: str
    repository: str
    workflow: str
    issuer: str

    @property
    def identity(self) -> str:
        """The Sigstore certificate identity of our publish workflow for this version."""
        return f"https://github.com/{self.repository}/{self.workflow}@refs/tags/v{self.version}"


@dataclass(frozen=True)
class Loaded:
    """Everything a report is made from."""

    results: tuple[GateResult, ...]
    meta: Mapping[str, Any]
    release: Release
    dist: Path
    checksums: tuple[tuple[str, str], ...] = ()
    # One SBOM per locked closure (file name, document), and the VEX when the audit ran.
    sboms: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    vex: Mapping[str, Any] = field(default_factory=dict)


def read_release(pyproject: Path) -> Release:
    """Read ``[project].version`` and ``[tool.duckalog-release]`` from ``pyproject.toml``."""
    data = load_toml(pyproject)
    project, config = data.get("project", {}), data.get("tool", {}).get("duckalog-release", {})
    return Release(
        version=str(project.get("version", "?")),
        repository=str(config.get("repository", "OWNER/REPO")),
        workflow=str(config.get("workflow", ".github/workflows/publish.yml")),
        issuer=str(config.get("oidc-issuer", DEFAULT_ISSUER)),
    )


def read_checksums(path: Path) -> tuple[tuple[str, str], ...]:
    """``(filename, sha256)`` pairs of a sha256sum-format file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            pairs.append((name.lstrip("*"), digest))
    return tuple(pairs)


# Terminal control sequences (colours, cursor moves, OSC links) and the other C0
# controls but tab and newline. Tools print them when they believe they write to a
# terminal (FORCE_COLOR, a CI's pseudo-tty); in a report file they show up raw.
_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ ... final byte (colours: ESC[31m)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: ESC ] ... BEL or ST (hyperlinks, titles)
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|[\x00-\x08\x0b-\x1f\x7f]"  # C0 controls and DEL, except \t and \n
)


def plain(value: Any) -> Any:
    """``value`` with every terminal control sequence removed from its strings (recursively)."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def _plain_result(result: GateResult) -> GateResult:
    return replace(
        result,
        summary=plain(result.summary),
        fix=plain(result.fix),
        details=plain(dict(result.details)),
    )


def load(results_dir: Path, dist: Path, steps: Sequence[Step] = REHEARSAL) -> Loaded:
    """Read the decided results (in graph order), the rehearsal metadata and dist files.

    Text from the results is made :func:`plain`: the reports are files, not terminals.
    """
    results = []
    for step in steps:
        path = results_dir / f"{step.session}.json"
        if path.exists():
            result = GateResult.from_json(path.read_text(encoding="utf-8"))
            results.append(_plain_result(result))
        else:
            results.append(GateResult(step.session, Status.NOT_RUN, "no result was recorded"))
    meta_path = results_dir / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    passed = {r.gate for r in results if r.status is Status.PASSED}
    # Dist files are only trusted when the gate that made them passed in this rehearsal.
    sums = dist / "SHA256SUMS"
    checksums = read_checksums(sums) if "build" in passed and sums.exists() else ()
    boms = sorted(dist.glob("*.cdx.json")) if "sbom" in passed else []
    sboms = tuple(
        sorted(
            (
                (p.name, json.loads(p.read_text(encoding="utf-8")))
                for p in boms
                if not p.name.endswith(VEX_SUFFIX)
            ),
            key=lambda named: _python_key(sbom_render.pythons(named[1])),
        )
    )
    vexes = sorted(dist.glob(f"*{VEX_SUFFIX}")) if "audit" in passed else []
    vex = json.loads(vexes[0].read_text(encoding="utf-8")) if len(vexes) == 1 else {}
    return Loaded(
        results=tuple(results),
        meta=meta,
        release=read_release(ROOT / "pyproject.toml"),
        dist=dist,
        checksums=checksums,
        sboms=sboms,
        vex=vex,
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


# The user's verification sequence. docs/verifying.md shows exactly this text for
# version 0.1.0 (a docs test compares them), so change both together.
VERIFY_SEQUENCE = """\
# Verify a Duckalog release in a new folder (bash or zsh; needs curl, sha256sum, Python 3.11+).
VERSION={version}
IDENTITY="https://github.com/{repository}/{workflow}@refs/tags/v$VERSION"
mkdir "duckalog-$VERSION" && cd "duckalog-$VERSION"

# 1. Download both dists, their Sigstore bundles and SHA256SUMS (plain URLs, no login).
RELEASE="https://github.com/{repository}/releases/download/v$VERSION"
curl --fail --location --remote-name-all "$RELEASE/SHA256SUMS" \\
  "$RELEASE/duckalog-$VERSION-py3-none-any.whl" \\
  "$RELEASE/duckalog-$VERSION-py3-none-any.whl.sigstore.json" \\
  "$RELEASE/duckalog-$VERSION.tar.gz" "$RELEASE/duckalog-$VERSION.tar.gz.sigstore.json"

# 2. Install the verifier pinned by hash: the sigstore the release workflow verified with.
python3 -m venv verifier
curl --fail --location --output verifier.txt \\
  "https://raw.githubusercontent.com/{repository}/v$VERSION/security/verify.txt"
verifier/bin/python -m pip install --require-hashes --no-deps --only-binary :all: \\
  -r verifier.txt

# 3. (offline) The files are the bytes the release built.
sha256sum --check --ignore-missing SHA256SUMS

# 4. (offline) Both files were signed by the publish workflow for this tag.
verifier/bin/sigstore verify identity --offline \\
  --cert-identity "$IDENTITY" --cert-oidc-issuer {issuer} \\
  "duckalog-$VERSION-py3-none-any.whl" "duckalog-$VERSION.tar.gz"

# 5. GitHub's provenance and SBOM attestations: same workflow, same tag (public API, no login).
for FILE in "duckalog-$VERSION-py3-none-any.whl" "duckalog-$VERSION.tar.gz"; do
  DIGEST="$(sha256sum "$FILE" | cut -d ' ' -f 1)"
  curl --fail --location --silent --show-error --output "$FILE.attestations.json" \\
    --header "X-GitHub-Api-Version: 2022-11-28" \\
    "https://api.github.com/repos/{repository}/attestations/sha256:$DIGEST"
  verifier/bin/python - "$FILE" <<'PY'
import json, sys
name = sys.argv[1]  # GitHub's answer lists the attestations; write each as a bundle file
for n, attestation in enumerate(json.load(open(f"{{name}}.attestations.json"))["attestations"]):
    json.dump(attestation["bundle"], open(f"{{name}}.attestation-{{n}}.sigstore.json", "w"))
PY
  for BUNDLE in "$FILE".attestation-*.sigstore.json; do
    verifier/bin/sigstore verify identity --offline --bundle "$BUNDLE" \\
      --cert-identity "$IDENTITY" --cert-oidc-issuer {issuer} \\
      "$FILE"
  done
done
"""


def verify_commands(release: Release) -> str:
    """The sequence a user runs, in an empty folder, to verify the published release.

    Plain download URLs, a hash-pinned verifier, the Sigstore check of both files
    in one command, and the attestations pinned to the tag; no checkout needed.
    """
    return VERIFY_SEQUENCE.format(
        version=release.version,
        repository=release.repository,
        workflow=release.workflow,
        issuer=release.issuer,
    ).rstrip("\n")


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


VEX_SUFFIX = ".vex.cdx.json"
LOCKED_CLOSURE_NOTE = (
    "Each SBOM describes a locked closure: the runtime dependencies of security/runtime.txt "
    "that this release was tested, audited and described with on those Pythons. A fresh "
    "`pip install duckalog` may resolve newer versions within pyproject.toml's ranges; "
    "`pip install -c duckalog-X.Y.Z-constraints.txt duckalog==X.Y.Z` installs exactly the "
    "locked closure."
)


def _python_key(pythons: str) -> tuple[int, ...]:
    """Sort key of ``"3.9"`` or ``"3.11, 3.12"``: the first Python, numerically."""
    first = pythons.split(",")[0].strip()
    return tuple(int(part) for part in first.split(".") if part.isdigit())


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
        licences = []
        for entry in component.get("licenses", []):
            if "expression" in entry:
                licences.append(str(entry["expression"]))
            else:
                licence = entry.get("license", {})
                licences.append(str(licence.get("id") or licence.get("name") or "?"))
        rows.append(
            (
                str(component.get("name", "?")),
                str(component.get("version", "?")),
                " AND ".join(licences) or "unknown",
                str(component.get("purl", "")),
            )
        )
    return tuple(rows)


def build_document(loaded: Loaded) -> Document:
    """The report as a neutral document."""
    results, release, meta = loaded.results, loaded.release, loaded.meta
    releasable, reasons = verdict(results)
    facts = [
        ("version", release.version),
        ("mode", str(meta.get("mode", "?"))),
        ("started", str(meta.get("started", "?"))),
        ("total", f"{float(meta.get('total_s', 0.0)):.1f} s"),
        ("signing identity", release.identity),
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
        hashes = Paragraph("No hashes: the build gate did not pass in this rehearsal.")
    sections.append(Section("Hashes (SHA256SUMS)", (hashes,)))

    sbom_blocks: list[Block] = []
    for name, document in loaded.sboms:
        pythons = sbom_render.pythons(document)
        sbom_blocks.append(Paragraph(f"{name}: the locked closure for Python {pythons}"))
        sbom_blocks.append(Table(("component", "version", "licence", "purl"), sbom_rows(document)))
    if sbom_blocks:
        sbom_blocks.insert(0, Paragraph(LOCKED_CLOSURE_NOTE))
    else:
        sbom_blocks.append(Paragraph("No SBOM: the sbom gate did not pass in this rehearsal."))
    sections.append(Section("SBOM components, per locked closure", tuple(sbom_blocks)))
    sections.append(Section("Vulnerability status (VEX)", (Paragraph(vex_line(loaded)),)))

    sections.append(
        Section(
            "How to verify the release",
            (
                Paragraph(
                    "Once the release is published, anyone can check it with these commands, run"
                    " in a new, empty folder (no checkout needed; docs/verifying.md explains"
                    " each step):"
                ),
                Code(verify_commands(release)),
            ),
        )
    )

    for r in results:
        shown = {k: v for k, v in r.details.items() if k != "rehearsal"}
        blocks: list[Block] = [Paragraph(f"{r.status.value.upper()}: {one_line(r.summary)}")]
        blocks += details_blocks(shown)
        sections.append(Section(f"Gate {r.gate}", tuple(blocks), level=3))

    return Document(
        title=f"Duckalog {release.version} release rehearsal",
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


def write_reports(results_dir: Path, dist: Path, steps: Sequence[Step] = REHEARSAL) -> list[Path]:
    """Write ``dist/release-report.md`` and ``dist/release-report.html``."""
    from release_gates import report_html, report_md

    document = build_document(load(results_dir, dist, steps))
    dist.mkdir(parents=True, exist_ok=True)
    md = dist / "release-report.md"
    html = dist / "release-report.html"
    md.write_text(report_md.render(document), encoding="utf-8")
    html.write_text(report_html.render(document), encoding="utf-8")
    return [md, html]


def main(argv: Sequence[str] | None = None) -> int:
    """Re-render the reports of the last rehearsal."""
    parser = argparse.ArgumentParser(prog="python -m release_gates.report")
    parser.add_argument("--results", type=Path, default=ROOT / "build" / "release-gates")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    options = parser.parse_args(argv)
    for path in write_reports(options.results, options.dist):
        print(path)
    return 0


if __name__ == "__main__":
    # Run the imported module, not __main__, so the renderers see the same Document classes.
    from release_gates import report as _report

    sys.exit(_report.main())

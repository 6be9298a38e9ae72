# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Render a CycloneDX SBOM for humans: a markdown table and a self-contained HTML page.

Both are made from the same rows (:func:`component_rows`), so they cannot
disagree with each other or with the JSON they are made from.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple


class ComponentRow(NamedTuple):
    """One component as a human reads it."""

    name: str
    version: str
    licence: str
    purl: str
    sha256: str
    locked_files: int


def licence_text(component: Mapping[str, Any]) -> str:
    """The component's licences as one string ('' when it declares none)."""
    found: list[str] = []
    for entry in component.get("licenses", []):
        if "expression" in entry:
            found.append(str(entry["expression"]))
        else:
            licence = entry.get("license", {})
            found.append(str(licence.get("id") or licence.get("name") or ""))
    return " AND ".join(text for text in found if text)


def component_rows(bom: Mapping[str, Any]) -> list[ComponentRow]:
    """The runtime components, sorted by name."""
    rows = []
    for component in bom.get("components", []):
        locked = sum(
            len(reference.get("hashes", []))
            for reference in component.get("externalReferences", [])
            if reference.get("type") == "distribution"
        )
        hashes = component.get("hashes") or [{}]
        rows.append(
            ComponentRow(
                name=str(component.get("name", "?")),
                version=str(component.get("version", "?")),
                licence=licence_text(component) or "unknown",
                purl=str(component.get("purl", "")),
                sha256=str(hashes[0].get("content", "none")),
                locked_files=locked,
            )
        )
    return sorted(rows, key=lambda row: row.name.lower())


def _dist_rows(bom: Mapping[str, Any]) -> list[tuple[str, str]]:
    root = bom.get("metadata", {}).get("component", {})
    return [
        (str(reference.get("url")), str(reference["hashes"][0]["content"]))
        for reference in root.get("externalReferences", [])
        if reference.get("type") == "distribution" and reference.get("hashes")
    ]


def _props(bom: Mapping[str, Any]) -> dict[str, str]:
    metadata = bom.get("metadata", {})
    return {str(p.get("name")): str(p.get("value")) for p in metadata.get("properties", [])}


def pythons(bom: Mapping[str, Any]) -> str:
    """The Pythons whose locked closure ``bom`` describes (``3.11, 3.12, 3.13``)."""
    props = _props(bom)
    found = props.get("duckalog:sbom:pythons", props.get("duckalog:sbom:python_version", "?"))
    return ", ".join(found.split())


def _title(bom: Mapping[str, Any]) -> str:
    root = bom.get("metadata", {}).get("component", {})
    props = _props(bom)
    platform = f"{props.get('duckalog:sbom:sys_platform', '?')}"
    platform += f" {props.get('duckalog:sbom:platform_machine', '')}".rstrip()
    return (
        f"SBOM of {root.get('name', '?')} {root.get('version', '?')}: the locked closure "
        f"for Python {pythons(bom)} (described on {platform})"
    )


HEADERS = ("component", "version", "licence", "purl", "sha256 (installed file)", "locked files")


def _markdown(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown_table(rows: Sequence[ComponentRow]) -> str:
    """The component table alone (also printed by the gate)."""
    return _markdown(HEADERS, rows)


def markdown(bom: Mapping[str, Any]) -> str:
    """The whole SBOM summary as markdown."""
    metadata = bom.get("metadata", {})
    parts = [
        f"# {_title(bom)}\n",
        f"CycloneDX {bom.get('specVersion', '?')}, dated {metadata.get('timestamp', '?')}. "
        "Each component's sha256 is the file installed for this Python; *locked files* counts "
        "every distribution file of that version the hash lock allows.\n",
        "## Components\n",
        markdown_table(component_rows(bom)),
        "## Distributions\n",
        _markdown(("file", "sha256"), _dist_rows(bom)),
    ]
    return "\n".join(parts)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin-bottom:1.5em}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}code{font-size:.85em;word-break:break-all}"
)


def _html_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html_lib.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_lib.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(bom: Mapping[str, Any]) -> str:
    """The whole SBOM summary as one self-contained HTML page (no scripts, no links out)."""
    title = html_lib.escape(_title(bom))
    timestamp = html_lib.escape(str(bom.get("metadata", {}).get("timestamp", "?")))
    spec = html_lib.escape(str(bom.get("specVersion", "?")))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>\n"
        f"<h1>{title}</h1>\n"
        f"<p>CycloneDX {spec}, dated {timestamp}.</p>\n"
        "<h2>Components</h2>\n"
        f"{_html_table(HEADERS, component_rows(bom))}\n"
        "<h2>Distributions</h2>\n"
        f"{_html_table(('file', 'sha256'), _dist_rows(bom))}\n"
        "</body></html>\n"
    )


def _locked_note(boms: Sequence[Mapping[str, Any]]) -> str:
    install = _props(boms[0]).get("duckalog:sbom:install-locked-closure", "") if boms else ""
    how = f" Install exactly it with `{install}`." if install else ""
    return (
        "Each SBOM describes a *locked closure*: the runtime dependencies of "
        "security/runtime.txt that the release was tested, audited and described with on those "
        "Pythons. A fresh install without the constraints file may resolve newer versions "
        f"within the ranges of pyproject.toml.{how}\n"
    )


def markdown_all(boms: Sequence[Mapping[str, Any]]) -> str:
    """Every closure's SBOM summary in one markdown page."""
    root = boms[0].get("metadata", {}).get("component", {}) if boms else {}
    parts = [
        f"# SBOMs of {root.get('name', '?')} {root.get('version', '?')}: one per locked closure\n",
        _locked_note(boms),
        _markdown(
            ("Pythons", "components"),
            [
                (pythons(bom), ", ".join(f"{r.name} {r.version}" for r in component_rows(bom)))
                for bom in boms
            ],
        ),
    ]
    parts += ["#" + markdown(bom) for bom in boms]
    return "\n".join(parts)


def html_all(boms: Sequence[Mapping[str, Any]]) -> str:
    """Every closure's SBOM summary as one self-contained HTML page."""
    root = boms[0].get("metadata", {}).get("component", {}) if boms else {}
    title = html_lib.escape(
        f"SBOMs of {root.get('name', '?')} {root.get('version', '?')}: one per locked closure"
    )
    body = []
    for bom in boms:
        spec = html_lib.escape(str(bom.get("specVersion", "?")))
        stamp = html_lib.escape(str(bom.get("metadata", {}).get("timestamp", "?")))
        body.append(
            f"<h2>{html_lib.escape(_title(bom))}</h2>\n"
            f"<p>CycloneDX {spec}, dated {stamp}.</p>\n"
            f"<h3>Components</h3>\n{_html_table(HEADERS, component_rows(bom))}\n"
            f"<h3>Distributions</h3>\n{_html_table(('file', 'sha256'), _dist_rows(bom))}\n"
        )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>\n"
        f"<h1>{title}</h1>\n<p>{html_lib.escape(_locked_note(boms))}</p>\n"
        + "".join(body)
        + "</body></html>\n"
    )

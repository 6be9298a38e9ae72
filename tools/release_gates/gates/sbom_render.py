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


def _title(bom: Mapping[str, Any]) -> str:
    metadata = bom.get("metadata", {})
    root = metadata.get("component", {})
    props = {p.get("name"): p.get("value") for p in metadata.get("properties", [])}
    python = props.get("duckalog:sbom:python_version", "?")
    platform = f"{props.get('duckalog:sbom:sys_platform', '?')}"
    platform += f" {props.get('duckalog:sbom:platform_machine', '')}".rstrip()
    return (
        f"SBOM of {root.get('name', '?')} {root.get('version', '?')}: runtime dependencies "
        f"on Python {python} ({platform})"
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

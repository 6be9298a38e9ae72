# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Render a release report :class:`~release_gates.rehearsal.document.Document` as markdown.

Text from gates is untrusted: ``<``, ``>`` and ``&`` become entities (markdown
viewers pass raw HTML through), table cells lose ``|`` and newlines, and code
blocks get a fence longer than any backtick run inside them.
"""

from __future__ import annotations

import re

from release_gates.rehearsal import document as doc

_MARKS = {"good": "✅", "bad": "❌", "warn": "⚠️", "neutral": ""}


def escape(text: str) -> str:
    """Escape text so markdown shows it literally and never renders HTML from it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def _cell(cell: doc.Cell) -> str:
    if isinstance(cell, doc.Badge):
        return f"{_MARKS.get(cell.tone, '')} **{escape(cell.text)}**".strip()
    return escape(" ".join(cell.split())) if cell else " "


def _code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _block(block: doc.Block) -> str:
    if isinstance(block, doc.Paragraph):
        return escape(block.text)
    if isinstance(block, doc.Bullets):
        return "\n".join(f"- {escape(' '.join(item.split()))}" for item in block.items)
    if isinstance(block, doc.Code):
        return _code(block.text)
    lines = [
        "| " + " | ".join(escape(h) for h in block.headers) + " |",
        "|" + "---|" * len(block.headers),
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    return "\n".join(lines)


def render(document: doc.Document) -> str:
    """The whole report as markdown."""
    parts = [f"# {escape(document.title)}", f"**Verdict:** {_cell(document.verdict)}"]
    if document.reasons:
        parts.append(_block(doc.Bullets(document.reasons)))
    parts.append(_block(doc.Table(("", ""), tuple((k, v) for k, v in document.facts))))
    for section in document.sections:
        parts.append(f"{'#' * section.level} {escape(section.title)}")
        parts += [_block(block) for block in section.blocks]
    return "\n\n".join(parts) + "\n"

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Render a release report :class:`~release_gates.rehearsal.document.Document` as one HTML file.

Self-contained: inline CSS, no scripts, no external assets (a strict
Content-Security-Policy says so too). Every piece of text goes through
:func:`html.escape`, because summaries and output tails come from gates and
the tools they run.
"""

from __future__ import annotations

from html import escape

from release_gates.rehearsal import document as doc

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
pre{background:#f6f8fa;border:1px solid #ddd;padding:.75rem;overflow-x:auto;white-space:pre-wrap}
.badge{font-weight:700;padding:.05rem .4rem;border-radius:.25rem;white-space:nowrap}
.good{background:#d7f5dd;color:#0a5d1d}.bad{background:#fde0e0;color:#8a1010}
.warn{background:#fff1c7;color:#6b4d00}.neutral{background:#eee}
.verdict{font-size:1.3rem}
summary{font-weight:600;cursor:pointer;margin:.4rem 0}
"""


def _cell(cell: doc.Cell) -> str:
    if isinstance(cell, doc.Badge):
        return f'<span class="badge {escape(cell.tone)}">{escape(cell.text)}</span>'
    return escape(cell)


def _block(block: doc.Block) -> str:
    if isinstance(block, doc.Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, doc.Bullets):
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, doc.Code):
        return f"<pre><code>{escape(block.text)}</code></pre>"
    head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in block.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(document: doc.Document) -> str:
    """The whole report as an HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(document.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(document.title)}</h1>",
        f'<p class="verdict">Verdict: {_cell(document.verdict)}</p>',
    ]
    if document.reasons:
        parts.append(_block(doc.Bullets(document.reasons)))
    parts.append(_block(doc.Table(("", ""), tuple((k, v) for k, v in document.facts))))
    for section in document.sections:
        blocks = "\n".join(_block(block) for block in section.blocks)
        if section.level > 2:  # per-gate details: folded, so the page opens on the overview
            title = f"<summary>{escape(section.title)}</summary>"
            parts.append(f"<details>{title}\n{blocks}\n</details>")
        else:
            parts.append(f"<h2>{escape(section.title)}</h2>\n{blocks}")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

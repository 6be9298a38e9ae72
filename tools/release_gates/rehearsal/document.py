# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The release report as a small neutral document, before any rendering.

:mod:`~release_gates.rehearsal.report` builds a :class:`Document`;
:mod:`~release_gates.rehearsal.report_md` and :mod:`~release_gates.rehearsal.report_html`
render it. All text in it is plain (never markup): renderers escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


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

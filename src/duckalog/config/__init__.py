# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Config files: the model, parsing, validation, imports and the merged :class:`Catalog`."""

from __future__ import annotations

from .loader import load_catalog
from .model import Config
from .resolved import Catalog, Located, Origin

__all__ = ["Catalog", "Config", "Located", "Origin", "load_catalog"]

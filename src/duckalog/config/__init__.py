# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Config files: the model, parsing, validation, imports and the merged :class:`Catalog`.

Names are imported on first use: opening a catalog needs the model but not the
YAML parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import load_catalog
    from .model import Config
    from .resolved import Catalog, Located, Origin

_LAZY = {
    "load_catalog": ".loader",
    "Config": ".model",
    "Catalog": ".resolved",
    "Located": ".resolved",
    "Origin": ".resolved",
}

__all__ = ["Catalog", "Config", "Located", "Origin", "load_catalog"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'duckalog.config' has no attribute {name!r}")

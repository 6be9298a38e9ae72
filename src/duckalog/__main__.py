# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``python -m duckalog``: the same as the ``duckalog`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())

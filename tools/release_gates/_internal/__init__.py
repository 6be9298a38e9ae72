# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Plumbing shared by more than one gate or tool; nothing here is run on its own."""

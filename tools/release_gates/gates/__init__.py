# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The eight release gates, one module each: ``python -m release_gates.gates.<gate>``.

A module named ``<gate>_<part>`` is a part only that gate uses.
"""

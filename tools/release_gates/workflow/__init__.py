# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Tools that exist for the GitHub workflows only; the rehearsal runs none of them.

The workflow policy (``policy``, ``policy_release``, ``policy_artifacts`` over
``model``), the job summary and release notes (``report``), the tag -> PyPI timing
model (``critical_path``), and the registry's workflow tools: ``rebuild`` (the
independent macOS rebuild), ``upload_triage`` (publish-pypi's retry decision),
``pypi_health`` and ``fresh_install`` (the daily checks). A module named
``<tool>_<part>`` is a part only that tool uses.
"""

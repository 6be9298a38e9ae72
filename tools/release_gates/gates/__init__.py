# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The eight release gates, one module each: ``python -m release_gates.gates.<gate>``.

A module named ``<gate>_<part>`` is a part of that gate: no other gate imports it
(code two gates share is in ``release_gates._internal``). Two kinds of readers
outside the gates may use a gate's modules: the workflow tools that repeat a
gate's check elsewhere (``workflow.rebuild`` repeats the build on macOS,
``workflow.fresh_install`` the audit on today's fresh resolution), and the
release report, which shows what a gate wrote with that gate's own reader
(``sbom_render``, ``audit_vex``).
"""

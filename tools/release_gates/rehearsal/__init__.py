# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The local release rehearsal (``nox -s release``) and the release report it writes.

``python -m release_gates.rehearsal`` runs every gate of the registry end to end;
``python -m release_gates.rehearsal.report`` renders the report again from its results.
"""

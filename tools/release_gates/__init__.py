# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Release gates for Duckalog.

Every check of the release pipeline is a small module here with a command-line
entry point (``python -m release_gates.<gate>``). ``noxfile.py`` runs each gate in
its own virtualenv; ``.github/workflows/publish.yml`` only sequences those nox
sessions. This package never imports ``duckalog``: it treats the built
distribution as a black box.
"""

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Plumbing shared by more than one gate or tool; nothing here is run on its own.

Each fact has one reader here: project paths (``paths``), the release configuration
(``release_config``), ``SHA256SUMS`` (``checksums``), the hash locks (``lockfile``),
the noxfile's sessions (``noxfile``) and what nox's command line asks it for
(``nox_argv``), venvs and their keys (``venvs``), a package index (``index``, ``index_check``),
the Pythons on PATH (``pythons``), and what a package declares about its licence
(``licence_reading``, with ``spdx`` and the reviewed ``licence_overrides``).
"""

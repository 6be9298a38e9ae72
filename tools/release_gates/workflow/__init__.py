# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Tools that exist for the GitHub workflows only: the workflow policy, the job summary and
release notes, the scheduled PyPI health check and the tag -> PyPI timing model."""

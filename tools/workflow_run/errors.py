# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The one error of the act harness: something needed to run a workflow is missing."""

from __future__ import annotations


class WorkflowRunError(RuntimeError):
    """A workflow cannot be run here; the message says what is missing and what to do."""

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""``python -m release_gates.rehearsal``: the command line of ``nox -s release``."""

import sys

from release_gates.rehearsal.cli import main

sys.exit(main())

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Loopback stand-ins for services the tests cannot reach, and workarounds for tools.

Nothing here is product code: each module serves tests and local rehearsals only,
listens on 127.0.0.1 only, on a free port, and stops by itself.
"""

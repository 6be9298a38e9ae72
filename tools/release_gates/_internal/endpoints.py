# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Whether a network service answers at all, for deciding what an offline run can do."""

from __future__ import annotations

import socket
import urllib.parse


def reachable(url: str, timeout_s: float = 2.0) -> bool:
    """Whether a TCP connection to the host and port of ``url`` opens within ``timeout_s``.

    Only the connection is tried; nothing is sent. A URL without a host is never reachable.
    """
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            return True
    except OSError:
        return False

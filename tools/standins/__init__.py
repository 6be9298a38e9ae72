# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Local stand-ins for services the tests and the rehearsal cannot reach, on 127.0.0.1 only.

Kept apart from the gates (like urllib3's ``dummyserver``): a gate never imports them, except
``twine_once``, the one-request twine shim the publish gate runs as a child process.
"""

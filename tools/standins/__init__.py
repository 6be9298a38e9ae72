# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Local stand-ins for services the tests and the rehearsal cannot reach, and workarounds for tools.

Nothing here is product code: each module serves tests and local rehearsals only,
listens on 127.0.0.1 only, on a free port, and stops by itself. Kept apart from
the gates (like urllib3's ``dummyserver``): a gate never imports them, except
``twine_once``, the one-request twine shim the publish gate runs as a child process.

    local_index     a package index (pypiserver) for the rehearsal and the publish tests
    index_seed      that index seeded with an earlier release (the version gate's index check)
    osv_server      an OSV API answering from fixture advisories (the audit gate)
    fault_proxy     a proxy that injects index faults (timeouts, 5xx, resets)
    twine_once      twine that uploads once, for the publish gate's retry tests
    artifact_proxy  act's artifact server, made to behave like GitHub's (tools/workflow_run)
    serving         what they share: a loopback server's life, a proxy's body reading and headers
"""

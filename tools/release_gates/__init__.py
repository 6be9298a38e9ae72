# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Release gates for Duckalog: every check of the release pipeline, as small typed modules.

``noxfile.py`` runs each gate in its own virtualenv (``nox -s <gate>``);
``.github/workflows/publish.yml`` only sequences those nox sessions; the local
rehearsal (``nox -s release``) runs the same sessions end to end. This package is
not shipped and never imports ``duckalog``: it treats the built distribution as
a black box.

Where things are (a folder per role)::

    registry.py      every gate and workflow tool, declared once: needs, locks,
                     rehearsal arguments, workflow jobs (start here)
    problems.py      Problem / GateFailure: each failure a gate can report, with its fix
    result.py        GateResult and run_gate: the one result shape every gate writes

    gates/           the eight gates, ``python -m release_gates.gates.<gate>``:
                     version, licenses, audit, build, smoke, sbom, verify, publish;
                     ``<gate>_<part>.py`` is a part only that gate uses
    workflow/        tools only the GitHub workflows run: policy (the workflow rules),
                     report (release notes, job summary), pypi_health, critical_path
    rehearsal/       ``python -m release_gates.rehearsal``: schedule (what runs when),
                     processes (start and stop process groups), outcome (exit code +
                     result -> verdict), cli; report (+ document, report_md, report_html)
    _internal/       plumbing shared by several gates or tools: paths, release_config,
                     checksums (SHA256SUMS), dists, lockfile, venvs, index (a package
                     index's simple API, pypi-simple), index_check, retry (stamina),
                     noxfile (its sessions), tomlfile, endpoints

The test stand-ins (a local package index, an OSV server, a fault-injecting
proxy, a one-request twine) live beside this package in ``tools/standins``.

Words used with one meaning each: a *gate* is one check of the release order
(registry entry, nox session, module); the *signature check* verifies Sigstore
bundles (the ``verify`` gate); the *checksum check* compares files with
``SHA256SUMS`` (``verify --checksums-only``, and every job that downloads the
dists); the *index check* compares what a package index serves with what was
built (``publish --verify-only``, the ``verify-pypi`` job, ``pypi_health``); the
*rehearsal* is ``nox -s release``, which runs the gates locally and publishes
only to a throw-away local index.
"""

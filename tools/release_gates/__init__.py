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
                     ``<gate>_<part>.py`` is a part only that gate uses (e.g.
                     version_index, build_source_date, audit_vex, sbom_constraints)
    workflow/        tools only the GitHub workflows run: policy (+ policy_release,
                     policy_artifacts, model: the workflow rules), report (release
                     notes, job summary), critical_path, and the registry's tools
                     rebuild, upload_triage, pypi_health (+ its intended yanks),
                     fresh_install
    rehearsal/       ``python -m release_gates.rehearsal``: schedule (what runs when),
                     services (the stand-ins a gate gets), processes (start and stop
                     process groups), outcome (exit code + result -> verdict), cli;
                     report (+ report_load, document, report_md, report_html)
    _internal/       plumbing shared by several gates or tools: paths, release_config,
                     checksums (SHA256SUMS), dists, lockfile, venvs, index (a package
                     index's simple API, pypi-simple), index_check, retry (stamina),
                     noxfile (its sessions), tomlfile, endpoints, pythons, and the
                     licence reading both licenses and sbom use (licence_reading,
                     spdx, licence_overrides)

The test stand-ins (a local package index, also seeded with an earlier release,
an OSV server, a fault-injecting proxy, a one-request twine, act's artifact-server
fix) live beside this package in ``tools/standins``; the harness that runs the
workflows under act is ``tools/workflow_run``.

Words used with one meaning each: a *gate* is one check of the release order
(registry entry, nox session, module); the *signature check* verifies Sigstore
bundles (the ``verify`` gate); the *checksum check* compares files with
``SHA256SUMS`` (``verify --checksums-only``, and every job that downloads the
dists); the *index check* compares what a package index serves with what was
built (``publish --verify-only``, the ``verify-pypi`` job, ``pypi_health``); the
*rehearsal* is ``nox -s release``, which runs the gates locally and publishes
only to a throw-away local index.
"""

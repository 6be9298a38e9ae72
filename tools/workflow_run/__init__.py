# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Run the GitHub workflow files themselves, locally and offline, with act.

``nox -s workflow_run`` executes the unmodified ``.github/workflows/publish.yml``
and ``ci.yml`` with nektos/act in host mode (no Docker), one job at a time, in a
throw-away clone and a clean environment, and its tests assert what each job
and each ``if:`` step did and what every artifact holds. One small module per
job: :mod:`~workflow_run.locate` (act and the pinned actions),
:mod:`~workflow_run.environment` (the clean environment),
:mod:`~workflow_run.events` (event payloads), :mod:`~workflow_run.toolcache`
(setup-python's tool cache), :mod:`~workflow_run.clone` (the throw-away clone),
:mod:`~workflow_run.runner` (one act invocation), :mod:`~workflow_run.outcome`
(what each job and step did, read from act's JSON log) and
:mod:`~workflow_run.artifacts` (what each uploaded artifact holds), plus
:mod:`~workflow_run.nox_runner` (the nox runner made once per clone) and
:mod:`~workflow_run.bench` (what every run of a session shares). The artifact
server's workaround lives with the other stand-ins: :mod:`standins.artifact_proxy`.
"""

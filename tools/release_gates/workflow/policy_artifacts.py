# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Artifacts between jobs: every download has a source, and holds what later steps read.

One rule (:func:`check_artifact_flow`), for every workflow: a job downloads only
artifacts that a job it needs (or an earlier step of its own) uploads, and the
files its later steps read from a download's folder are among those uploaded.
:data:`FOLDER_READS` says which files a step reads from a folder option.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from collections.abc import Mapping
from typing import Any

from release_gates.workflow.model import (
    STATUS_FUNCTIONS,
    Violation,
    Workflow,
    action_of,
    ancestors,
    at,
    nox_sessions_called,
)

# What a step reads from a folder it is given, by (nox session or action, option or input):
# (the folder it reads when the option is absent, or None; the files it reads there).
FOLDER_READS: Mapping[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {
    ("verify", "--checksums-only"): (None, ("SHA256SUMS", "*.whl", "*.tar.gz")),
    ("smoke", "--dist"): ("dist", ("*.whl", "*.tar.gz")),
    ("sbom", "--dist"): ("dist", ("*.whl", "*.tar.gz")),
    ("publish", "--dist"): (None, ("SHA256SUMS", "*.whl", "*.tar.gz")),
    ("workflow_report", "--dist"): (None, ("SHA256SUMS",)),
    ("workflow_report", "--results"): (None, ("*.json",)),
    ("pypa/gh-action-pypi-publish", "packages-dir"): (None, ("*.whl", "*.tar.gz")),
}


def check_artifact_flow(workflow: Workflow) -> list[Violation]:
    """Every download has a source it needs, and its folder holds what later steps read.

    A download must name an artifact that a job in its ``needs`` closure (or an
    earlier step of its own job) uploads; the folders it fills must hold what the
    job's later steps read from them. A job that also runs after a failure
    (``if: always()``) must download by ``pattern:``, which finds nothing without
    failing: by ``name:``, the download fails when the uploading job never ran.
    An upload holds the files its ``path:`` globs name, relative to their common folder.
    A step reads the paths it names inside a download's folder (``run:`` arguments,
    resolved against ``working-directory``, and ``with:`` values) and, for the folder
    options in :data:`FOLDER_READS`, the files listed there. Globs (``*``, and
    ``${{ }}`` or ``$VAR`` read as ``*``) match when some name can match both.
    """
    expression = re.compile(r"\$\{\{.*?\}\}|\$\{?\w+\}?")

    def glob(text: str) -> str:
        return expression.sub("*", str(text)).strip().strip("'\"")

    def overlap(left: str, right: str) -> bool:
        return fnmatch.fnmatchcase(left.replace("*", right.replace("*", "x")), right) or (
            fnmatch.fnmatchcase(right.replace("*", left.replace("*", "x")), left)
        )

    def upload(step: Mapping[str, Any]) -> tuple[str, list[str]]:
        with_ = step.get("with") or {}
        paths = [glob(p) for p in str(with_.get("path", "")).splitlines() if p.strip()]
        folders = [
            posixpath.dirname(p.split("*")[0]) if "*" in p else posixpath.dirname(p) for p in paths
        ]
        root = posixpath.commonpath(folders) if folders and all(folders) else ""
        return glob(with_.get("name", "artifact")), [
            posixpath.relpath(p, root or ".") for p in paths
        ]

    def actions(step: Mapping[str, Any]) -> str:
        return action_of(str(step.get("uses") or ""))

    jobs = workflow.jobs
    uploads = {
        job_id: [
            upload(s) for s in job.get("steps") or [] if actions(s) == "actions/upload-artifact"
        ]
        for job_id, job in jobs.items()
    }
    found: list[Violation] = []
    for job_id, job in jobs.items():
        sources = [u for ancestor in ancestors(jobs, job_id) for u in uploads.get(ancestor, [])]
        after_failure = any(f in str(job.get("if", "")) for f in STATUS_FUNCTIONS)
        held: dict[str, list[str]] = {}  # download folder -> file globs it holds so far
        for step in [s for s in job.get("steps") or [] if isinstance(s, dict)]:
            where = at(workflow, job_id, step)
            with_ = step.get("with") or {}
            if actions(step) == "actions/upload-artifact":
                sources.append(upload(step))
                continue
            if actions(step) == "actions/download-artifact":
                if after_failure and "name" in with_:
                    found.append(
                        Violation(
                            "artifact-optional",
                            where,
                            "this job also runs after a failure: download by pattern, "
                            "since by name it fails when the uploading job did not run",
                        )
                    )
                wanted = glob(with_.get("name") or with_.get("pattern") or "*")
                matched = [
                    (n, f) for n, f in sources if n == wanted or fnmatch.fnmatchcase(n, wanted)
                ]
                if not matched:
                    found.append(
                        Violation(
                            "artifact-source",
                            where,
                            f"downloads {wanted!r}, which no job it needs uploads",
                        )
                    )
                    continue
                folder = posixpath.normpath(glob(with_.get("path", ".")))
                merged = "name" in with_ or with_.get("merge-multiple") is True or len(matched) == 1
                for name, files in matched:
                    target = folder if merged else posixpath.join(folder, name)
                    held.setdefault(target, []).extend(files)
                continue
            reads: list[tuple[str, str]] = []  # (path as read, what the step says it is)
            session = nox_sessions_called(str(step.get("run") or "").strip())
            tool = session[0] if session else actions(step)
            workdir = str(step.get("working-directory") or ".")
            tokens = shlex.split(str(step.get("run") or "")) if "run" in step else []
            for option, value in [*zip(tokens, tokens[1:]), *with_.items()]:
                value = str(value)
                given = FOLDER_READS.get((tool, str(option)), (None, ()))[1]
                reads += [(posixpath.join(glob(value), f), f"{option} {value}") for f in given]
            for (name, option), (default, implied) in FOLDER_READS.items():
                if name == tool and default and option not in tokens and option not in with_:
                    reads += [
                        (posixpath.join(default, f), f"{option} {default} (default)")
                        for f in implied
                    ]
            values = [*tokens, *(line for v in with_.values() for line in str(v).splitlines())]
            reads += [(glob(v), v.strip()) for v in values if "/" in v and "://" not in v]
            for path, said in reads:
                path = posixpath.normpath(posixpath.join(workdir, path))
                into = max((f for f in held if path.startswith(f + "/")), key=len, default=None)
                if into is None or into == ".":
                    continue  # not a downloaded folder (or the checkout itself): not judged
                inside = posixpath.relpath(path, into)
                if not any(overlap(inside, f) for f in held[into]):
                    found.append(
                        Violation(
                            "artifact-content",
                            where,
                            f"reads {inside} from {into}/ ({said}), which holds only "
                            f"{sorted(set(held[into]))} from its downloads",
                        )
                    )
    return found

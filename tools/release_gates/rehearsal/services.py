# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The stand-in services gates get in the rehearsal, by the name ``Gate.service`` gives.

A service starts just before its gate and stops right after it; it hands the
gate its URLs (and credentials) through environment variables:

* ``local_index``: an empty package index (pypiserver) that the publish gate
  uploads to and checks (``RELEASE_INDEX_*``, ``TWINE_*``);
* ``seeded_index``: an index already holding the release's predecessor, for the
  version gate's check that the version is not on the index yet
  (``RELEASE_INDEX_SIMPLE_URL``).

A service that cannot start fails its gate with a ``release.*`` problem.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from release_gates._internal import paths
from release_gates._internal.dists import project_name_version
from release_gates.problems import GateFailure, Problem
from standins import index_seed
from standins import local_index as stand_in

# A service a gate needs while it runs; yields the extra environment for the gate.
Service = Callable[[Path], contextlib.AbstractContextManager[Mapping[str, str]]]

LOCAL_INDEX_TOOLS_MISSING = Problem(
    "release.local-index-tools-missing",
    "the local package index cannot start: {error}",
    "Install security/local-index.txt (pypiserver, passlib) into the environment that runs "
    "the rehearsal (`scripts/nox -s release` does).",
)
LOCAL_INDEX_DID_NOT_START = Problem(
    "release.local-index-did-not-start",
    "the local package index did not start: {error}",
    "Read pypiserver's log quoted above; check that security/local-index.txt is installed "
    "in the environment running the rehearsal.",
)


@contextlib.contextmanager
def _started(
    index: contextlib.AbstractContextManager[stand_in.LocalIndex],
) -> Iterator[stand_in.LocalIndex]:
    """Enter ``index``, turning the stand-in's start-up errors into the rehearsal's problems."""
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(index)
        except stand_in.ToolsMissing as error:
            raise GateFailure(LOCAL_INDEX_TOOLS_MISSING, error=str(error)) from error
        except stand_in.DidNotStart as error:
            raise GateFailure(LOCAL_INDEX_DID_NOT_START, error=str(error)) from error
        yield running


@contextlib.contextmanager
def local_index_service(workdir: Path) -> Iterator[Mapping[str, str]]:
    """Run the stand-in package index; hand its URLs and credentials over by environment."""
    with _started(stand_in.local_index(workdir)) as index:
        yield {
            "RELEASE_INDEX_UPLOAD_URL": index.upload_url,
            "RELEASE_INDEX_SIMPLE_URL": index.simple_url,
            "TWINE_REPOSITORY_URL": index.upload_url,
            "TWINE_USERNAME": index.username,
            "TWINE_PASSWORD": index.password,
        }


@contextlib.contextmanager
def seeded_index_service(
    workdir: Path, pyproject: Path = paths.PYPROJECT
) -> Iterator[Mapping[str, str]]:
    """The version gate's index: a local index holding the release's predecessor."""
    project, version = project_name_version(pyproject)
    with _started(stand_in.local_index(workdir)) as index:
        index_seed.write_wheel(index.packages_dir, project, index_seed.earlier_version(version))
        yield {"RELEASE_INDEX_SIMPLE_URL": index.simple_url}


SERVICES: Mapping[str, Service] = {
    "local_index": local_index_service,
    "seeded_index": seeded_index_service,
}

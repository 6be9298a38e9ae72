# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What the jobs of one act run uploaded, read from act's artifact store.

act (``--artifact-server-path STORE``) keeps each artifact of a run as
``STORE/<run id>/<name>/<name>.zip``; the run id is always 1, which is why each
run gets a store of its own.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

RUN_ID = 1


def names(store: Path) -> list[str]:
    """Names of the artifacts uploaded in the run, sorted."""
    run = store / str(RUN_ID)
    return (
        sorted(p.name for p in run.iterdir() if (p / f"{p.name}.zip").is_file())
        if run.is_dir()
        else []
    )


def files(store: Path, name: str) -> dict[str, bytes]:
    """The files artifact ``name`` holds: path inside the artifact -> bytes.

    Raises ``KeyError`` when the run uploaded no artifact of that name.
    """
    archive = store / str(RUN_ID) / name / f"{name}.zip"
    if not archive.is_file():
        raise KeyError(f"no artifact {name!r} was uploaded (have {names(store)})")
    with zipfile.ZipFile(archive) as bundle:
        return {info.filename: bundle.read(info) for info in bundle.infolist() if not info.is_dir()}

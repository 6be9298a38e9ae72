# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""What the release report is made from: the decided gate results and the files they vouch for.

:func:`load` reads ``<results>/<gate>.json`` for every gate of the registry (in
its order), the rehearsal's own record (``rehearsal.json``), the version and the
release configuration, and the outputs in ``dist/`` that a gate vouches for
(``Gate.vouches_for``: ``SHA256SUMS``, the SBOMs, the VEX) -- each only when
that gate passed in this rehearsal; :attr:`Loaded.missing` says why one is not
shown. Text from the results is made :func:`plain`: the reports are files, not
terminals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from release_gates._internal import checksums, paths
from release_gates._internal.dists import project_name_version
from release_gates._internal.release_config import ReleaseConfig, read_release_config
from release_gates.gates import audit_vex as vex
from release_gates.gates import sbom_render
from release_gates.problems import GateFailure
from release_gates.registry import GATES, Gate
from release_gates.result import GateResult, Status

# The rehearsal's own record of how it ran, beside the gate results.
META_FILE = "rehearsal.json"

# Terminal control sequences (colours, cursor moves, OSC links) and the other C0
# controls but tab and newline. Tools print them when they believe they write to a
# terminal (FORCE_COLOR, a CI's pseudo-tty); in a report file they show up raw.
_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ ... final byte (colours: ESC[31m)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: ESC ] ... BEL or ST (hyperlinks, titles)
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|[\x00-\x08\x0b-\x1f\x7f]"  # C0 controls and DEL, except \t and \n
)


@dataclass(frozen=True)
class Loaded:
    """Everything a report is made from.

    ``config`` is None when pyproject.toml has no usable release configuration;
    ``missing`` then says why, as it says why hashes, SBOMs or the VEX are missing.
    ``sboms`` holds one SBOM per locked closure (file name, document), in Python
    order; ``vex`` the VEX the audit wrote.
    """

    results: tuple[GateResult, ...]
    meta: Mapping[str, Any]
    version: str
    config: ReleaseConfig | None
    dist: Path
    checksums: tuple[tuple[str, str], ...] = ()
    sboms: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    vex: Mapping[str, Any] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """The signer identity of this version's publishing run, or why it is unknown."""
        if self.config is None:
            return f"unknown: {self.missing.get('config', 'no release configuration')}"
        return self.config.identity(f"v{self.version}")


def plain(value: Any) -> Any:
    """``value`` with every terminal control sequence removed from its strings (recursively)."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def _plain_result(result: GateResult) -> GateResult:
    return replace(
        result,
        summary=plain(result.summary),
        fix=plain(result.fix),
        details=plain(dict(result.details)),
    )


def _vouched(gates: Sequence[Gate], results: Sequence[GateResult]) -> dict[str, str | None]:
    """Each output a gate vouches for -> None if that gate passed, else why it is not shown."""
    status = {r.gate: r.status for r in results}
    return {
        output: None
        if status.get(gate.name) is Status.PASSED
        else f"the {gate.name} gate did not pass in this rehearsal"
        for gate in gates
        for output in gate.vouches_for
    }


def _python_key(pythons: str) -> tuple[int, ...]:
    """Sort key of ``"3.9"`` or ``"3.11, 3.12"``: the first Python, numerically."""
    first = pythons.split(",")[0].strip()
    return tuple(int(part) for part in first.split(".") if part.isdigit())


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load(
    results_dir: Path,
    dist: Path,
    gates: Sequence[Gate] = GATES,
    pyproject: Path = paths.PYPROJECT,
) -> Loaded:
    """Read the decided results (in registry order), the rehearsal metadata and dist files."""
    results = []
    for gate in gates:
        path = results_dir / f"{gate.name}.json"
        if path.exists():
            result = GateResult.from_json(path.read_text(encoding="utf-8"))
            results.append(_plain_result(result))
        else:
            results.append(GateResult(gate.name, Status.NOT_RUN, "no result was recorded"))
    meta_path = results_dir / META_FILE
    meta = _read_json(meta_path) if meta_path.exists() else {}
    missing: dict[str, str] = {}
    try:
        version = project_name_version(pyproject)[1]
    except (OSError, ValueError, KeyError) as error:
        version, missing["version"] = "?", f"{pyproject}: {error!r}"
    config: ReleaseConfig | None = None
    try:
        config = read_release_config(pyproject)
    except GateFailure as failure:
        missing["config"] = str(failure)
    vouched = _vouched(gates, results)
    sums: tuple[tuple[str, str], ...] = ()
    if vouched.get(checksums.SUMS_NAME, "no gate vouches for SHA256SUMS") is None:
        try:
            sums = tuple(sorted(checksums.load_sha256sums(dist / checksums.SUMS_NAME).items()))
        except GateFailure as failure:
            missing[checksums.SUMS_NAME] = str(failure)
    else:
        missing[checksums.SUMS_NAME] = str(vouched.get(checksums.SUMS_NAME))
    sboms: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    boms = [p for p in sorted(dist.glob("*.cdx.json")) if not p.name.endswith(vex.SUFFIX)]
    if vouched.get("SBOM", "no gate vouches for the SBOM") is not None:
        missing["SBOM"] = str(vouched.get("SBOM", "no gate vouches for the SBOM"))
    elif not boms:
        missing["SBOM"] = f"no *.cdx.json in {dist}"
    else:
        named = [(p.name, _read_json(p)) for p in boms]
        sboms = tuple(sorted(named, key=lambda pair: _python_key(sbom_render.pythons(pair[1]))))
    found_vex: Mapping[str, Any] = {}
    vexes = sorted(dist.glob(f"*{vex.SUFFIX}"))
    if vouched.get("VEX", "no gate vouches for the VEX") is not None:
        missing["VEX"] = str(vouched.get("VEX", "no gate vouches for the VEX"))
    elif len(vexes) != 1:
        missing["VEX"] = f"expected one *{vex.SUFFIX} in {dist}, found {len(vexes)}"
    else:
        found_vex = _read_json(vexes[0])
    return Loaded(
        results=tuple(results),
        meta=meta,
        version=version,
        config=config,
        dist=dist,
        checksums=sums,
        sboms=sboms,
        vex=found_vex,
        missing=missing,
    )

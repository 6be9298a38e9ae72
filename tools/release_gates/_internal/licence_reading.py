# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""One reading of what a runtime dependency declares about its licence, for two gates.

The licences gate judges it against the allow-list; the SBOM gate records it. A
package can declare its licence in three metadata fields: ``License-Expression``
(PEP 639, SPDX), the legacy free-text ``License`` and ``License ::`` classifiers.
Tools disagree on them (liccheck prefers classifiers; cyclonedx-py drops a
``License`` that is not SPDX, such as ``MIT License``), so both gates read them
here, the same way, and every verdict names the field or classifier it rests on.

Judging (:func:`judge`), failing closed:

* a reviewed override (:mod:`release_gates._internal.licence_overrides`) for exactly this
  package version decides alone;
* a ``License-Expression`` is authoritative (PEP 639), but a classifier that the
  allow-list denies still makes the package disallowed: the two contradict;
* otherwise every declaration must be allowed: one disallowed declaration makes
  the package disallowed, one undecidable declaration makes it unknown, none at
  all is unknown.

A ``License`` text or classifier is allowed when it is a valid SPDX expression
the allow-list allows, or when its name (lower-cased, a trailing " License"
removed: liccheck's convention) is on the allow-list's ``[liccheck]`` lists.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from release_gates._internal.licence_overrides import Override
from release_gates._internal.spdx import SpdxPolicy, Verdict, parse_error
from release_gates._internal.spdx import judge as judge_spdx

EXPRESSION = "License-Expression"
LICENSE = "License"
CLASSIFIER = "Classifier"
# What setuptools and others write into License when nothing was declared.
_NOTHING = {"", "unknown", "none", "n/a"}

# Run by the interpreter of the environment read: what each distribution declares.
PROBE = """
import importlib.metadata as m, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        d = m.distribution(name)
    except m.PackageNotFoundError:
        found[name] = None
        continue
    md = d.metadata
    found[name] = {
        "version": d.version,
        "license_expression": md.get("License-Expression"),
        "license": md.get("License"),
        "classifiers": [c for c in (md.get_all("Classifier") or []) if c.startswith("License ::")],
    }
print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "found": found}))
"""


@dataclass(frozen=True)
class Declaration:
    """One licence statement in one metadata field, exactly as the package wrote it."""

    field: str
    text: str

    def label(self) -> str:
        """``License 'MIT License'``: the field and the quoted value, for messages."""
        return f"{self.field} {self.text!r}"

    def name(self) -> str:
        """The licence's name as liccheck compares it: a classifier's last part, lower-cased,
        a trailing " license" removed."""
        text = self.text.split(" :: ")[-1] if self.field == CLASSIFIER else self.text
        name = " ".join(text.lower().split())
        return name[: -len(" license")] if name.endswith(" license") else name


@dataclass(frozen=True)
class Reading:
    """What one installed distribution declares, plus the reviewed override if one applies."""

    name: str
    version: str
    declarations: tuple[Declaration, ...]
    override: Override | None = None

    @property
    def expression(self) -> Declaration | None:
        """The ``License-Expression`` declaration, if any."""
        return next((d for d in self.declarations if d.field == EXPRESSION), None)

    def declared(self) -> str:
        """What the package says, most precise field first (for tables and messages)."""
        for field in (EXPRESSION, LICENSE):
            found = [d.text for d in self.declarations if d.field == field]
            if found:
                return found[0]
        classifiers = [d.text.split(" :: ")[-1] for d in self.declarations]
        return "; ".join(classifiers) or "no licence declared"


def read(name: str, info: Mapping[str, Any], overrides: Iterable[Override] = ()) -> Reading:
    """The reading of one distribution from :data:`PROBE`'s record of it."""
    declarations: list[Declaration] = []
    expression = (info.get("license_expression") or "").strip()
    if expression:
        declarations.append(Declaration(EXPRESSION, expression))
    text = (info.get("license") or "").strip()
    if text.lower() not in _NOTHING:
        declarations.append(Declaration(LICENSE, text))
    declarations += [
        Declaration(CLASSIFIER, c.strip())
        for c in info.get("classifiers") or []
        if c.strip() != "License :: OSI Approved"  # says nothing about which licence
    ]
    version = str(info.get("version", ""))
    override = next((o for o in overrides if o.covers(name, version)), None)
    return Reading(name, version, tuple(declarations), override)


def probe(python: Path, names: Sequence[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Run :data:`PROBE` with ``python``; (exit code, stdout or stderr)."""
    done = subprocess.run(
        [str(python), "-c", PROBE, *names],
        capture_output=True,
        text=True,
        check=False,
        env=dict(env),
    )
    return done.returncode, done.stdout if done.returncode == 0 else done.stderr


def parse_probe(output: str) -> tuple[str, dict[str, Any]]:
    """(the interpreter's ``3.N``, ``{name: record or None}``) from :data:`PROBE`'s output."""
    data = json.loads(output)
    return str(data["python"]), dict(data["found"])


@dataclass(frozen=True)
class Names:
    """The allow-list's names for licence texts and classifiers (lower-cased)."""

    authorized: frozenset[str]
    unauthorized: frozenset[str]


def _judge_one(declaration: Declaration, spdx: SpdxPolicy, names: Names) -> Verdict:
    if declaration.field == EXPRESSION or parse_error(declaration.text) is None:
        verdict = judge_spdx(declaration.text, spdx).verdict
        if declaration.field == EXPRESSION or verdict is not Verdict.UNKNOWN:
            return verdict
    name = declaration.name()
    if name in names.unauthorized:
        return Verdict.DISALLOWED
    if name in names.authorized:
        return Verdict.ALLOWED
    return Verdict.UNKNOWN


_REASON = {
    Verdict.ALLOWED: "allowed",
    Verdict.DISALLOWED: "not allowed by the allow-list",
    Verdict.UNKNOWN: "not a licence the allow-list can decide",
}


def judge(reading: Reading, spdx: SpdxPolicy, names: Names) -> tuple[Verdict, str]:
    """The verdict on one package and a reason naming the field or classifier behind it."""
    if reading.override is not None:
        verdict = judge_spdx(reading.override.license, spdx).verdict
        return verdict, f"{reading.override.describe()} is {_REASON[verdict]}"
    judged = [(d, _judge_one(d, spdx, names)) for d in reading.declarations]
    expression = reading.expression
    if expression is not None:
        # PEP 639: the expression decides; a denied classifier beside it is a contradiction.
        denied = [d for d, v in judged if d.field == CLASSIFIER and v is Verdict.DISALLOWED]
        if denied:
            return Verdict.DISALLOWED, (
                f"{denied[0].label()} is {_REASON[Verdict.DISALLOWED]} "
                f"(it contradicts {expression.label()})"
            )
        verdict = dict(judged)[expression]
        return verdict, f"{expression.label()} is {_REASON[verdict]}"
    if not judged:
        return Verdict.UNKNOWN, "declares no licence (no License-Expression, License or classifier)"
    for worst in (Verdict.DISALLOWED, Verdict.UNKNOWN):
        culprits = [d for d, v in judged if v is worst]
        if culprits:
            others = [d.label() for d, v in judged if v is Verdict.ALLOWED]
            beside = f" ({', '.join(others)} would be allowed)" if others else ""
            return worst, f"{culprits[0].label()} is {_REASON[worst]}{beside}"
    return Verdict.ALLOWED, " and ".join(d.label() for d, _ in judged) + " allowed"


def _licence_object(declaration: Declaration) -> dict[str, Any]:
    """A CycloneDX ``license`` entry: an SPDX id when the text is one, else the text as name."""
    text = declaration.text if declaration.field != CLASSIFIER else ""
    if text and parse_error(text) is None and " " not in text.strip():
        return {"license": {"id": text.strip(), "acknowledgement": "declared"}}
    return {"license": {"name": declaration.text, "acknowledgement": "declared"}}


def cyclonedx_licences(reading: Reading, existing: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The component's CycloneDX ``licenses``: cyclonedx-py's ``existing`` plus what it dropped.

    * a reviewed override replaces them with its expression (acknowledgement
      ``concluded``; CycloneDX allows one expression alone);
    * nothing recorded: every declaration, an SPDX id as ``license.id``, any other
      text (``MIT License``, a classifier) as ``license.name``;
    * licence objects recorded: a ``License`` text that is not SPDX is added by name
      (cyclonedx-py drops it).
    """
    if reading.override is not None:
        return [{"expression": reading.override.license, "acknowledgement": "concluded"}]
    entries: list[Any] = [dict(entry) for entry in existing]
    if not entries:
        expression = reading.expression
        if expression is not None:
            return [{"expression": expression.text, "acknowledgement": "declared"}]
        return [_licence_object(d) for d in reading.declarations]
    if any("expression" in entry for entry in entries):
        return entries  # an expression must stand alone
    names = {str(e.get("license", {}).get("name", "")) for e in entries}
    for declaration in reading.declarations:
        dropped = declaration.field == LICENSE and parse_error(declaration.text) is not None
        if dropped and declaration.text not in names:
            entries.append(_licence_object(declaration))
    return entries

# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Which nox sessions ``noxfile.py`` defines, read without running it.

``noxfile.py`` is parsed with :mod:`ast` (never imported, so no nox is needed
and no session can run by accident). It defines sessions two ways, and both are
read:

* a function decorated with ``@nox.session`` (its ``name=``, ``tags=`` and
  ``python=`` are read, following module-level lists such as ``PYTHONS``);
* one session per entry of the gate registry (:data:`~release_gates.registry.GATES`
  and :data:`~release_gates.registry.TOOLS`), made by a top-level call of
  :data:`REGISTRY_HOOK`; the entries' names and modules come from the registry.

The workflow policy (every session a workflow calls exists) and the docs tests
(every ``nox -s`` a page mentions exists) both read sessions through here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from release_gates import registry
from release_gates._internal import paths

# The noxfile function that defines the registry's sessions; called once at top level.
REGISTRY_HOOK = "define_registry_sessions"


@dataclass
class NoxSessions:
    """What a noxfile defines: session names, tags, parametrised Pythons, modules run."""

    names: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    parametrised: dict[str, list[str]] = field(default_factory=dict)  # name -> pythons
    # Session -> the ``python -m`` module it runs, where it runs one of this package's.
    modules: dict[str, str] = field(default_factory=dict)

    def has_session(self, name: str) -> bool:
        """Whether ``name`` is a session; ``tests-3.11`` is the 3.11 run of ``tests``."""
        if name in self.names:
            return True
        base, _, python = name.rpartition("-")
        return python in self.parametrised.get(base, [])


def read_noxfile(path: Path = paths.NOXFILE) -> NoxSessions:
    """Every session ``path`` defines, with its tags, Pythons and the module it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _module_values(tree)
    found = NoxSessions()
    for node in tree.body:
        if _calls(node, REGISTRY_HOOK):
            for entry in registry.entries():
                found.names.add(entry.name)
                found.modules[entry.name] = entry.module
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) not in ("nox.session", "session"):
                continue
            keywords = {kw.arg: kw.value for kw in call.keywords} if call else {}
            name_node = keywords.get("name")
            name = str(name_node.value) if isinstance(name_node, ast.Constant) else node.name
            found.names.add(name)
            found.tags.update(_strings(keywords.get("tags"), constants))
            pythons = _strings(keywords.get("python"), constants)
            if len(pythons) > 1 or isinstance(keywords.get("python"), (ast.List, ast.Name)):
                found.parametrised[name] = pythons
            module = _module_run(node)
            if module:
                found.modules[name] = module
    return found


def _calls(node: ast.stmt, function: str) -> bool:
    """Whether ``node`` is a top-level expression statement calling ``function()``."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == function
    )


def _module_run(function: ast.FunctionDef) -> str | None:
    """The ``release_gates.*`` module a session passes to ``python -m``, if any."""
    for call in ast.walk(function):
        if isinstance(call, ast.Call):
            for arg in call.args:
                if isinstance(arg, ast.Constant) and str(arg.value).startswith("release_gates."):
                    return str(arg.value)
    return None


def _module_values(tree: ast.Module) -> dict[str, ast.expr]:
    values: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                values[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            values[node.target.id] = node.value
    return values


def _strings(node: ast.expr | None, constants: dict[str, ast.expr]) -> list[str]:
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []

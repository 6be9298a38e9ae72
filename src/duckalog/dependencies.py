# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""Which views read which views and attachments, and the order to create views in.

The table references of ``sql`` views are read with DuckDB's own parser:
``json_serialize_sql`` turns each query into its parse tree, and every
``BASE_TABLE`` node in it is a reference (common table expressions in scope are
not). A reference names a view of the catalog, an attached database, or
something else (a table DuckDB provides); names compare as DuckDB compares them
(:func:`~duckalog.config.model.fold`). Views may so be listed in any order, in
any file: :func:`order_views` puts every view after the views it reads, keeping
the config's order otherwise, and reports a cycle as an invalid config.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .config.model import SESSION_SCHEMA, View, fold
from .config.resolved import Catalog, Located
from .errors import ConfigError, ConfigErrors
from .paths import shown_path

if TYPE_CHECKING:
    import duckdb

# Each query is serialized with its position, so the result order cannot matter.
_SERIALIZE = (
    "SELECT i, json_serialize_sql(q, skip_empty := true, skip_null := true)"
    " FROM (SELECT unnest(?::INTEGER[]) AS i, unnest(?::VARCHAR[]) AS q)"
)


@dataclasses.dataclass(frozen=True)
class TableRef:
    """A table reference as written in a query: ``catalog.schema.table``, parts may be empty."""

    catalog: str
    schema: str
    table: str


@dataclasses.dataclass(frozen=True)
class Dependencies:
    """What each view reads, by position in :attr:`Catalog.views`.

    ``views[i]`` are the positions of the views view ``i`` reads; ``attachments[i]``
    the aliases (as declared) of the attached databases it reads directly.
    """

    views: tuple[tuple[int, ...], ...]
    attachments: tuple[tuple[str, ...], ...]


def _walk_refs(tree: Any) -> Iterator[TableRef]:
    """Every ``BASE_TABLE`` of a serialized parse tree that is not a CTE in scope."""
    stack: list[tuple[Any, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        node, ctes = stack.pop()
        if isinstance(node, list):
            stack.extend((item, ctes) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict) and cte_map.get("map"):
            # A WITH clause: its names shadow tables in the whole node (and in its own bodies).
            ctes = ctes | {fold(str(entry.get("key", ""))) for entry in cte_map["map"]}
        if node.get("type") == "BASE_TABLE" and "table_name" in node:
            ref = TableRef(
                str(node.get("catalog_name") or ""),
                str(node.get("schema_name") or ""),
                str(node["table_name"]),
            )
            if ref.catalog or ref.schema or fold(ref.table) not in ctes:
                yield ref
        stack.extend((value, ctes) for value in reversed(list(node.values())))


def table_refs(
    connection: duckdb.DuckDBPyConnection, queries: Sequence[str]
) -> list[list[TableRef] | None]:
    """The table references of each query; None for a query DuckDB cannot parse as a SELECT."""
    if not queries:
        return []
    rows = connection.execute(_SERIALIZE, [list(range(len(queries))), list(queries)]).fetchall()
    found: list[list[TableRef] | None] = [None] * len(queries)
    for index, text in rows:
        tree = json.loads(text)
        if not tree.get("error"):
            found[index] = list(_walk_refs(tree.get("statements", [])))
    return found


def database_name(catalog: Catalog) -> str:
    """The name DuckDB gives the catalog's database: its file name without the extension."""
    return os.path.splitext(catalog.database.name)[0]


def analyse(
    catalog: Catalog,
    connection: duckdb.DuckDBPyConnection | None = None,
    attached: bool = False,
) -> Dependencies:
    """Read every view's dependencies; ``connection`` is used only for DuckDB's parser.

    ``attached``: the catalog is attached by another (``attachments.duckalog``).
    DuckDB then binds its views with their own schema, not ``main``, first on the
    search path: a view outside ``main`` that names a ``main`` view without its
    schema works in the catalog alone but not attached, and is reported.
    """
    sql_views = [i for i, located in enumerate(catalog.views) if located.item.sql is not None]
    refs: list[list[TableRef] | None] = []
    if sql_views:
        queries = [catalog.views[i].item.sql or "" for i in sql_views]
        if connection is None:
            import duckdb

            with duckdb.connect(":memory:") as scratch:
                refs = table_refs(scratch, queries)
        else:
            refs = table_refs(connection, queries)
    by_view = dict(zip(sql_views, refs))
    views = _view_keys(catalog)
    aliases, children = session_aliases(catalog)
    home = fold(database_name(catalog))
    view_deps: list[tuple[int, ...]] = []
    attachment_deps: list[tuple[str, ...]] = []
    errors: list[ConfigError] = []
    for index, located in enumerate(catalog.views):
        read_views: dict[int, None] = {}
        read_attachments: dict[str, None] = {}
        if located.item.database is not None and fold(located.item.database) in aliases:
            read_attachments[aliases[fold(located.item.database)]] = None
        for ref in by_view.get(index) or ():
            catalog_name, schema, table = fold(ref.catalog), fold(ref.schema), fold(ref.table)
            if catalog_name:
                if catalog_name == home:
                    target = views.get((schema or "main", table))
                    if target is not None:
                        read_views[target] = None
                elif catalog_name in aliases:
                    read_attachments[aliases[catalog_name]] = None
                    name = (schema or "main", table)
                    _check_child(errors, located, ref, children.get(catalog_name), name)
            elif schema:
                target = views.get((schema, table))
                if target is None and schema == home:
                    target = views.get(("main", table))
                if target is not None:
                    read_views[target] = None
                elif schema in aliases:  # `alias.table`: the attachment's default schema
                    read_attachments[aliases[schema]] = None
                    _check_child(errors, located, ref, children.get(schema), ("main", table))
            else:
                target = views.get(("main", table))
                if target is not None:
                    read_views[target] = None
                    if attached and fold(located.item.schema or "main") != "main":
                        errors.append(_unqualified(located, ref))
        view_deps.append(tuple(read_views))
        attachment_deps.append(tuple(read_attachments))
    if errors:
        raise ConfigErrors(errors)
    return Dependencies(tuple(view_deps), tuple(attachment_deps))


def _view_keys(catalog: Catalog) -> dict[tuple[str, str], int]:
    """(schema, name) as DuckDB compares them -> position of the view."""
    return {
        (fold(v.item.schema or "main"), fold(v.item.name)): i for i, v in enumerate(catalog.views)
    }


def session_aliases(catalog: Catalog) -> tuple[dict[str, str], dict[str, Catalog]]:
    """Every alias attached in ``catalog``'s session (folded -> as declared), and the
    catalogs of ``attachments.duckalog`` among them (folded alias -> catalog), at any depth."""
    aliases = {fold(a.item.alias): a.item.alias for a in catalog.attachments}
    children: dict[str, Catalog] = {}
    for located in catalog.children:
        child = located.item
        inner_aliases, inner_children = session_aliases(child.catalog)
        aliases.update(inner_aliases)
        children.update(inner_children)
        aliases[fold(child.alias)] = child.alias
        children[fold(child.alias)] = child.catalog
    return aliases, children


def _unqualified(located: Located[View], ref: TableRef) -> ConfigError:
    view = located.item
    return ConfigError(
        f"reads {ref.table} without its schema: in a catalog attached by another config"
        f" (attachments.duckalog) DuckDB looks for it in schema {view.schema} only; write"
        f" main.{ref.table}",
        file=located.origin.file,
        key=f"{located.origin.key}.{'sql_file' if view.sql_file else 'sql'}",
    )


#: Schemas of an attached catalog that hold no views of its config.
_NOT_VIEWS = frozenset({SESSION_SCHEMA, "information_schema", "pg_catalog"})


def _check_child(
    errors: list[ConfigError],
    located: Located[View],
    ref: TableRef,
    child: Catalog | None,
    name: tuple[str, str],
) -> None:
    """A view read from an attached duckalog catalog must be one of that catalog's views."""
    if child is None or name[0] in _NOT_VIEWS or name in _view_keys(child):
        return
    written = ".".join(part for part in (ref.catalog, ref.schema, ref.table) if part)
    view = located.item
    errors.append(
        ConfigError(
            f"reads {written}, but the catalog of {child.config_file} has no view"
            f" {name[0]}.{name[1]}",
            file=located.origin.file,
            key=f"{located.origin.key}.{'sql_file' if view.sql_file else 'sql'}",
        )
    )


def _describe(catalog: Catalog, index: int, where: bool = True) -> str:
    located = catalog.views[index]
    name = f"{located.item.schema or 'main'}.{located.item.name}"
    if not where:
        return name
    if located.item.sql_file is not None:
        return f"{name} ({located.origin}.sql_file: {shown_path(located.item.sql_file)})"
    return f"{name} ({located.origin})"


def creation_order(catalog: Catalog, dependencies: Dependencies) -> list[int]:
    """Positions of the views, each after the views it reads; config order otherwise.

    Raises :class:`~duckalog.errors.ConfigError` naming the views of a cycle.
    """
    white, grey, black = 0, 1, 2
    state = [white] * len(catalog.views)
    order: list[int] = []
    for root in range(len(catalog.views)):
        if state[root] != white:
            continue
        state[root] = grey
        stack: list[tuple[int, Iterator[int]]] = [(root, iter(dependencies.views[root]))]
        while stack:
            node, pending = stack[-1]
            for target in pending:
                if state[target] == white:
                    state[target] = grey
                    stack.append((target, iter(dependencies.views[target])))
                    break
                if state[target] == grey:
                    path = [n for n, _ in stack]
                    cycle = path[path.index(target) :]
                    first = catalog.views[cycle[0]].origin
                    shown = [_describe(catalog, i) for i in cycle]
                    raise ConfigError(
                        "views read each other in a cycle: "
                        + " -> ".join([*shown, _describe(catalog, target, where=False)]),
                        file=first.file,
                        key=first.key,
                    )
            else:
                stack.pop()
                state[node] = black
                order.append(node)
    return order


def order_views(
    catalog: Catalog,
    connection: duckdb.DuckDBPyConnection | None = None,
    dependencies: Dependencies | None = None,
) -> Catalog:
    """``catalog`` with its views in creation order (see :func:`creation_order`)."""
    if catalog.ordered:
        return catalog
    found = dependencies if dependencies is not None else analyse(catalog, connection)
    order = creation_order(catalog, found)
    return dataclasses.replace(catalog, views=tuple(catalog.views[i] for i in order), ordered=True)


def attachment_users(catalog: Catalog, dependencies: Dependencies) -> dict[str, int]:
    """Alias -> how many views read that attached database, directly or through other views
    (of this catalog, or of a catalog it attaches)."""
    aliases, children = session_aliases(catalog)
    # An attached catalog's views may read any attachment of its own session.
    through = {alias: set(session_aliases(child)[0].values()) for alias, child in children.items()}
    reads: list[set[str]] = [set() for _ in catalog.views]
    for index in creation_order(catalog, dependencies):  # dependencies first
        for alias in dependencies.attachments[index]:
            reads[index].add(alias)
            reads[index].update(through.get(fold(alias), ()))
        for target in dependencies.views[index]:
            reads[index] |= reads[target]
    counts: dict[str, int] = dict.fromkeys(aliases.values(), 0)
    for read in reads:
        for alias in read:
            counts[alias] += 1
    return {alias: count for alias, count in counts.items() if count}


__all__ = [
    "Dependencies",
    "TableRef",
    "analyse",
    "attachment_users",
    "creation_order",
    "database_name",
    "order_views",
    "session_aliases",
    "table_refs",
]

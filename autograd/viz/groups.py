"""Summaries of big graphs: the nodes near the root, and named groups (clusters or one box each).

A group is a named sub-expression: labelled nodes name it (by their dotted label's first parts,
or by a function), and an unlabelled node joins the group of an input that is named itself
(else of any input), so `w * h` lands in w's layer. Leaves still without one join their consumer's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from autograd.core.graph import edges, topological_order
from autograd.core.identity import identity_key
from autograd.core.value import Value
from autograd.viz.safe import plain

Grouping = int | Callable[[Value], "str | None"] | None
"""How to name groups: None (no groups), a number of dotted label parts, or node -> name."""

UNNAMED = "(unnamed)"


def within_depth(root: Value, max_depth: int) -> tuple[list[Value], set]:
    """Nodes at most `max_depth` edges from `root` in topological order, and those cut off there.

    A cut node is at exactly `max_depth` and has inputs that are not drawn. The cut set holds
    nodes by `identity_key`, as every set of nodes does.
    """
    key = identity_key
    depth = {key(root): (root, 0)}
    frontier = [root]
    for d in range(1, max_depth + 1):
        reached = []
        if not frontier:  # the whole graph is nearer than max_depth: nothing more to reach
            break
        for node in frontier:
            for parent in node.parents:
                if key(parent) not in depth:
                    depth[key(parent)] = (parent, d)
                    reached.append(parent)
        frontier = reached
    stops = [node for node, d in depth.values() if d == max_depth]
    # Every path to a deeper node passes through a node at exactly max_depth: stop there.
    order = topological_order(root, stop_at=stops)
    return order, {key(node) for node in stops if node.parents}


def _namer(grouping: Grouping) -> Callable[[Value], str | None]:
    if callable(grouping):
        return lambda node: _group_name(grouping, node)
    if isinstance(grouping, bool) or not isinstance(grouping, int) or grouping < 1:
        raise ValueError(f"clusters must be a number of label parts >= 1 or a function, "
                         f"not {grouping!r}")
    return lambda node: ".".join(node.label.split(".")[:grouping]) or None


def _group_name(grouping: Callable[[Value], str | None], node: Value) -> str | None:
    name = grouping(node)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"clusters: the function must return a group name (a str) or None, "
                        f"but returned a {type(name).__name__} for {node!r:.60}")
    return name or None


def group_of(order: list[Value], grouping: Grouping) -> dict[Any, str]:
    """{identity_key(node): group name} for the nodes in a group (none if `grouping` is None)."""
    if grouping is None:
        return {}
    name_of = _namer(grouping)
    key = identity_key
    groups: dict[Any, str | None] = {}
    named: set = set()  # nodes whose own label names their group
    for node in order:
        name = name_of(node)
        if name is not None:
            named.add(key(node))
        else:  # prefer an input that names itself (w in w*h is the layer's), then any
            source = next((k for p in node.parents if (k := key(p)) in named), None)
            if source is None:
                source = next((k for p in node.parents if groups.get(k := key(p)) is not None),
                              None)
            name = None if source is None else groups[source]
        groups[key(node)] = name
    for node in reversed(order):  # leaves (constants, data) join the group that consumes them
        name = groups[key(node)]
        if name is not None:
            for parent in node.parents:
                if groups.get(key(parent), name) is None:
                    groups[key(parent)] = name
    return {k: name for k, name in groups.items() if name is not None}


def group_members(order: list[Value], groups: dict[Any, str]) -> dict[str, list[Value]]:
    """{group name: its nodes}, groups in order of first appearance; the ungrouped are UNNAMED."""
    members: dict[str, list[Value]] = {}
    for node in order:
        members.setdefault(groups.get(identity_key(node), UNNAMED), []).append(node)
    return members


def collapsed(dot: Any, members: dict[str, list[Value]], groups: dict[Any, str],
              inner: Iterable[Value], root: Value, record: Callable[[Value], str]) -> None:
    """Draw one box per group with its node count, and counted edges between groups.

    A group of one node is drawn as that node's record. `inner` are the drawn nodes whose
    inputs are drawn too (all but those max_depth cuts off): their edges are counted.
    """
    ids = {name: f"g{i}" for i, name in enumerate(members)}
    for name, nodes in members.items():
        bold = {"penwidth": "2"} if any(n is root for n in nodes) else {}
        if len(nodes) == 1:
            dot.node(ids[name], record(nodes[0]), shape="record", **bold)
        else:
            dot.node(ids[name], plain(name, f"{len(nodes):,} nodes"), shape="box3d", **bold)
    links: dict[tuple[str, str], int] = {}
    for parent, node, _ in edges(inner):
        link = (groups.get(identity_key(parent), UNNAMED), groups.get(identity_key(node), UNNAMED))
        if link[0] != link[1]:
            links[link] = links.get(link, 0) + 1
    for (source, child), count in links.items():
        dot.edge(ids[source], ids[child], label=f"{count:,}", fontsize="10")

"""Walking the graph without recursion: topological order, and the nodes and edges drawings read."""

from __future__ import annotations

from collections.abc import Iterable

from autograd.value import Value


def topological_order(
    roots: Value | Iterable[Value], *, stop_at: Iterable[Value] = ()
) -> list[Value]:
    """Every node the roots depend on, each once, parents before children.

    An explicit stack instead of recursion, so a chain a million nodes deep is fine. Nodes in
    `stop_at` are included but their parents are not followed.
    """
    roots = [roots] if isinstance(roots, Value) else list(roots)
    stops = set(stop_at)
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if node not in stops:
            # Reversed, so the first operand is expanded first: the order is stable run to run.
            stack.extend((parent, False) for parent in reversed(node.parents))
    return order


def edges(order: Iterable[Value]) -> list[tuple[Value, Value, int]]:
    """(parent, child, operand position) for every input of every node: `a + a` gives two."""
    return [(parent, child, i) for child in order for i, parent in enumerate(child.parents)]

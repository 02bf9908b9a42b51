"""Walking the graph without recursion: topological order, and the nodes and edges drawings read."""

from __future__ import annotations

from collections.abc import Iterable

from autograd.value import Value


def topological_order(
    roots: Value | Iterable[Value], *, stop_at: Iterable[Value] = ()
) -> list[Value]:
    """Every node the roots depend on, each once, parents before children.

    Depth-first search with an explicit stack of (node, iterator over its parents) instead of
    recursion, so a chain a million nodes deep is fine. A node is emitted when its iterator is
    exhausted, i.e. after all its parents. Nodes in `stop_at` are kept, their parents are not.
    """
    stops = set(stop_at)
    order: list[Value] = []
    seen: set[Value] = set()
    for root in [roots] if isinstance(roots, Value) else roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.parents if root not in stops else ()))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append((parent, iter(parent.parents if parent not in stops else ())))
                    break
            else:  # every parent is emitted: now the node can be
                stack.pop()
                order.append(node)
    return order


def edges(order: Iterable[Value]) -> list[tuple[Value, Value, int]]:
    """(parent, child, operand position) for every input of every node: `a + a` gives two."""
    return [(parent, child, i) for child in order for i, parent in enumerate(child.parents)]

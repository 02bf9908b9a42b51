"""Walking the graph without recursion: topological order, and the nodes and edges drawings read."""

from __future__ import annotations

from collections.abc import Iterable

from autograd.core.value import Value


def topological_order(
    roots: Value | Iterable[Value], *, stop_at: Iterable[Value] = ()
) -> list[Value]:
    """Every node the roots depend on, each once, parents before children.

    Nodes in `stop_at` that the roots reach are kept, as leaves: their parents are not followed
    (they come first in the order).
    """
    roots = [roots] if isinstance(roots, Value) else list(roots)
    stops = list(dict.fromkeys(stop_at))
    if not stops:
        return depth_first(roots, set())
    order = depth_first(roots, set(stops))  # stops count as seen: never expanded
    cut = set(stops)
    reached = {p for node in order for p in node.parents if p in cut}
    reached.update(root for root in roots if root in cut)
    return [node for node in stops if node in reached] + order


def depth_first(roots: list[Value], seen: set[Value]) -> list[Value]:
    """Post-order depth-first search from the roots, skipping (and not emitting) `seen` nodes.

    Every node emitted is added to `seen`, so walks that share it emit each node once.

    Parents are visited in operand order and a node is emitted after all its parents. No
    recursion, so a chain a million nodes deep is fine: `waiting` holds the nodes on the path
    down, each waiting for its second parent (`_b`) to be settled. A node comes back to
    `waiting` once more after descending into that parent; then that parent is seen, and the
    node is emitted. Reads the parent slots `_a`, `_b` directly: the walk is a third of a
    training step's backward (measured), and `parents` would build a tuple per node.
    """
    order: list[Value] = []
    emit, mark = order.append, seen.add
    for root in roots:
        if root in seen:
            continue
        mark(root)
        node, waiting = root, []
        wait, resume = waiting.append, waiting.pop
        while node is not None:
            a = node._a  # a node just reached: go down its first parents while they are new
            while a is not None and a not in seen:
                mark(a)
                wait(node)
                node = a
                a = node._a
            while True:  # its first parent is settled: settle the second, climbing back up
                b = node._b
                if b is not None and b not in seen:
                    mark(b)
                    wait(node)
                    node = b  # newly reached: go down from it
                    break
                emit(node)
                node = resume() if waiting else None
                if node is None:
                    break
    return order


def edges(order: Iterable[Value]) -> list[tuple[Value, Value, int]]:
    """(parent, child, operand position) for every input of every node: `a + a` gives two."""
    return [(parent, child, i) for child in order for i, parent in enumerate(child.parents)]

"""Walking the graph without recursion: topological order, and the nodes and edges drawings read."""

from __future__ import annotations

from collections.abc import Iterable

from autograd.core.identity import identity_key
from autograd.core.value import Value


def topological_order(
    roots: Value | Iterable[Value], *, stop_at: Iterable[Value] = ()
) -> list[Value]:
    """Every node the roots depend on, each once, parents before children.

    Nodes in `stop_at` that the roots reach are kept, as leaves: their parents are not followed
    (they come first in the order). Nodes are told apart by identity (`identity_key`).
    """
    roots = [roots] if isinstance(roots, Value) else list(roots)
    key = identity_key
    stops: dict = {}  # key -> node, first given first
    for node in stop_at:
        stops.setdefault(key(node), node)
    if not stops:
        return depth_first(roots, set())
    order = depth_first(roots, set(stops))  # stops count as seen: never expanded
    reached = {k for node in order for p in node.parents if (k := key(p)) in stops}
    reached.update(k for root in roots if (k := key(root)) in stops)
    return [node for k, node in stops.items() if k in reached] + order


def depth_first(roots: list[Value], seen: set) -> list[Value]:
    """Post-order depth-first search from the roots, skipping (and not emitting) `seen` nodes.

    `seen` holds nodes by `identity_key` (the node itself, or its id for a subclass that
    defines `==`): every node emitted is added to it, so walks that share it emit each once.

    Parents are visited in operand order and a node is emitted after all its parents. No
    recursion, so a chain a million nodes deep is fine: `waiting` holds the nodes on the path
    down, each waiting for its second parent (`_b`) to be settled. A node comes back to
    `waiting` once more after descending into that parent; then that parent is seen, and the
    node is emitted. Reads the parent slots `_a`, `_b` directly: the walk is a third of a
    training step's backward (measured), and `parents` would build a tuple per node.
    """
    order: list[Value] = []
    emit, mark = order.append, seen.add
    # A plain Value is its own key, found without a call (measured: calling id() on every
    # node doubled the walk's time; this class test costs about a tenth).
    V, key = Value, identity_key
    for root in roots:
        if (k := key(root)) in seen:
            continue
        mark(k)
        node, waiting = root, []
        wait, resume = waiting.append, waiting.pop
        while node is not None:
            a = node._a  # a node just reached: go down its first parents while they are new
            while a is not None and (k := a if a.__class__ is V else key(a)) not in seen:
                mark(k)
                wait(node)
                node = a
                a = node._a
            while True:  # its first parent is settled: settle the second, climbing back up
                b = node._b
                if b is not None and (k := b if b.__class__ is V else key(b)) not in seen:
                    mark(k)
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

"""Walking the graph without recursion: topological order, and the nodes and edges drawings read."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

from autograd.value import Value


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

    Explicit stacks instead of recursion, so a chain a million nodes deep is fine: `path` holds
    the nodes being expanded and `pending` an iterator over each one's parents. A node is
    emitted when its iterator is exhausted, i.e. after all its parents.
    """
    order: list[Value] = []
    path: list[Value] = []
    try:
        for root in roots:
            if root in seen:
                continue
            seen.add(root)
            path, pending = [root], [iter(root.parents)]
            while pending:
                for parent in pending[-1]:
                    if parent not in seen:
                        seen.add(parent)
                        path.append(parent)
                        pending.append(iter(parent.parents))
                        break
                else:  # every parent is emitted: now the node can be
                    pending.pop()
                    order.append(path.pop())
    except (AttributeError, TypeError):  # .parents edited to hold a non-Value, or a non-tuple
        raise _bad_parents([*path, *roots]) from None
    return order


def _bad_parents(candidates: list[Value]) -> TypeError:
    """The error for a walk that met `.parents` that are not a tuple of Values: names the node."""
    from autograd.value import describe

    for node in candidates:
        parents = getattr(node, "parents", None)
        if isinstance(node, Value) and not (
                isinstance(parents, tuple) and all(isinstance(p, Value) for p in parents)):
            return TypeError(f"topological_order: the .parents of {describe(node)} is "
                             f"{reprlib.repr(parents)}: expected a tuple of Values "
                             "(was .parents edited?)")
    return TypeError("topological_order: expected Values whose .parents are tuples of Values")


def edges(order: Iterable[Value]) -> list[tuple[Value, Value, int]]:
    """(parent, child, operand position) for every input of every node: `a + a` gives two."""
    return [(parent, child, i) for child in order for i, parent in enumerate(child.parents)]

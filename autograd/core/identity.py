"""Nodes told apart by identity: a Value subclass may define `==` and hash by value, or be
unhashable, yet two nodes are the same node only if they are the same object.

Every set and dict of nodes is keyed by `identity_key`, and `each_by_identity` visits a graph
that way. Both read only a node's class and its parent slots (`_a`, `_b`), so they need no
import of `Value`: value.py uses them for its own checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

_OBJECT_EQ, _OBJECT_HASH = object.__eq__, object.__hash__


def identity_key(node: Any) -> Any:
    """What every set and dict of nodes is keyed by: the node itself when its class keeps
    object's `==` and hash (Value's: identity), else its `id` (a subclass may define `==` by
    value, or be unhashable). The nodes are held elsewhere while keyed (an order list)."""
    cls = node.__class__  # (hot walks test `n.__class__ is Value` first and skip this call)
    if cls.__eq__ is _OBJECT_EQ and cls.__hash__ is _OBJECT_HASH:
        return node
    return id(node)


def each_by_identity(starts: Iterable[Any]) -> Iterator[Any]:
    """`starts` and all their ancestors, each once, in no set order: iterative, and keyed by
    identity, so Value subclasses that define `==` by value are still told apart."""
    seen: set[int] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            yield node
            stack.extend(p for p in (node._a, node._b) if p is not None)


def reaches(starts: Iterable[Any], target: Any) -> bool:
    """Whether `target` is among `starts` or their ancestors.

    Costs a walk of the ancestors, but only when a user edits `.parents`: ops never do.
    """
    return any(node is target for node in each_by_identity(starts))

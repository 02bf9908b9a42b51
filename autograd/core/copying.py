"""Copying and pickling a `Value`, with the graph behind it, without recursion.

The standard `copy` and `pickle` follow references recursively, which a graph a million nodes
deep would overflow. So a graph is flattened: every node reachable from the root through its
parents and through Value grads (after `backward(create_graph=True)`), in topological order,
each node's references given as positions.

Values copied or pickled together share what they shared. `deepcopy` skips the nodes already in
its memo. `pickle` has no such hook, so the Values reduced while one pickler runs share a
`_Registry` of the nodes already flattened; it lives exactly as long as the pickler's memo
holds the `_Chunk`s that refer to it. Each node is flattened once: the cost is linear.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections.abc import Collection
from functools import cache
from typing import Any

from autograd.core.graph import depth_first
from autograd.core.identity import identity_key
from autograd.core.ops import Op, op_named
from autograd.core.value import Value, link

_new = object.__new__


class _Seen(set):
    """A walk's seen-set (of `identity_key`s) that also counts what `known` holds as seen."""

    def __init__(self, known: Collection) -> None:
        super().__init__()
        self.known = known

    def __contains__(self, key: object) -> bool:
        return key in self.known or set.__contains__(self, key)


def reachable(root: Value, known: Collection = ()) -> list[Value]:
    """Every node behind `root` and behind any Value grad among them, parents first.

    Nodes in `known` (and what is behind them) are left out: they were copied already.
    `known` is asked by `identity_key`, as the walk's own seen-set is.
    """
    seen = _Seen(known) if known else set()  # the plain set is faster: the usual case
    order: list[Value] = []
    roots = [root]
    while roots:
        found = depth_first(roots, seen)
        order += found
        grads = {identity_key(g): g for n in found if isinstance(g := n.grad, Value)}
        roots = [g for k, g in grads.items() if k not in seen]
    return order


@cache
def _own_slots(cls: type) -> tuple[str, ...]:
    """The slots a subclass adds to Value's, as stored (private names mangled)."""
    names = []
    for klass in cls.__mro__:
        if klass in (Value, object):
            continue
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            names.append(name)
    return tuple(names)


def _state(node: Value) -> dict[str, Any]:
    """A subclass's own state: its instance dict and its own slots (those that are set)."""
    state = dict(getattr(node, "__dict__", {}))
    for name in _own_slots(type(node)):
        if hasattr(node, name):
            state[name] = getattr(node, name)
    return state


def _set_state(node: Value, state: dict[str, Any]) -> None:
    for name, value in state.items():
        object.__setattr__(node, name, value)


def _node_like(node: Value) -> Value:
    """A new, unlinked node of the same class, with the same data, label, op and own state."""
    twin = _new(type(node))
    twin.data, twin.label, twin._fn, twin._param = node.data, node.label, node._fn, node._param
    twin.grad, twin.parents, twin._pass_grad = 0.0, (), None
    return twin


def shallow_copy(node: Value) -> Value:
    """`copy.copy`: a new node with this one's data, grad, label and op, sharing its parents."""
    twin = _node_like(node)
    twin.grad = node.grad
    link(twin, node.parents)
    _set_state(twin, _state(node))
    return twin


class _InMemo:
    """deepcopy's memo (keyed by id) asked by `identity_key`: a node, or already its id."""

    def __init__(self, memo: dict) -> None:
        self.memo = memo

    def __contains__(self, key: object) -> bool:
        return (id(key) if isinstance(key, Value) else key) in self.memo

    def __len__(self) -> int:
        return len(self.memo)


def deepcopy(root: Value, memo: dict) -> Value:
    """`copy.deepcopy`: new nodes for the whole graph; nodes already in `memo` are reused.

    So `copy.deepcopy((a, b))` keeps the nodes `a` and `b` share shared in the copy.
    """
    made = reachable(root, _InMemo(memo))
    for node in made:  # parents come first, so they are in memo already
        twin = _node_like(node)
        link(twin, tuple(memo[id(p)] for p in node.parents))
        memo[id(node)] = twin
    for node in made:
        twin, grad = memo[id(node)], node.grad
        twin.grad = memo[id(grad)] if isinstance(grad, Value) else grad
        if type(node) is not Value and (state := _state(node)):
            _set_state(twin, copy.deepcopy(state, memo))
    memo.setdefault(id(memo), []).append(made)  # keep the originals alive, as `copy` does
    return memo[id(root)]


class _Registry:
    """The nodes flattened so far while one pickler runs, by `identity_key`:
    (the node, kept alive here, its chunk, its position)."""

    __slots__ = ("where", "__weakref__")

    def __init__(self) -> None:
        self.where: dict[Any, tuple[Value, weakref.ref, int]] = {}

    def find(self, node: Value) -> tuple[_Chunk, int] | None:
        return self._at(identity_key(node))

    def _at(self, key: object) -> tuple[_Chunk, int] | None:
        found = self.where.get(key)
        chunk = found and found[1]()
        return None if chunk is None else (chunk, found[2])

    def __contains__(self, key: object) -> bool:
        return self._at(key) is not None

    def __len__(self) -> int:
        return len(self.where)


_current = threading.local()  # .registry: a weak reference to this thread's _Registry


def _registry() -> _Registry:
    ref = getattr(_current, "registry", None)
    registry = ref() if ref is not None else None
    if registry is None:
        registry = _Registry()
        _current.registry = weakref.ref(registry)
    return registry


class _Chunk:
    """Nodes flattened together, as records; a parent or grad elsewhere is (link, position)."""

    __slots__ = ("records", "links", "registry", "__weakref__")

    def __init__(self, records: list[tuple], links: list[_Chunk], registry: _Registry) -> None:
        self.records, self.links = records, links
        self.registry = registry  # alive while the pickler's memo holds a chunk of its own

    def __reduce__(self) -> tuple:
        return (rebuild_chunk, (self.records, self.links))


def reduce(root: Value) -> tuple:
    """`pickle`: the node as (its chunk, its position); the chunk is new if the node is."""
    registry = _registry()
    found = registry.find(root)
    if found is None:
        chunk = _flatten(root, registry)  # the registry refers to it weakly: hold it here
        found = (chunk, registry.where[identity_key(root)][2])
    return (node_at, found)


def _flatten(root: Value, registry: _Registry) -> _Chunk:
    """A new chunk for the nodes behind `root` that no chunk of this pickler holds yet."""
    order = reachable(root, registry)
    position = {identity_key(node): i for i, node in enumerate(order)}
    links: list[_Chunk] = []
    link_of: dict[int, int] = {}

    def ref(node: Value) -> int | tuple[int, int]:
        at = position.get(identity_key(node))
        if at is not None:
            return at
        chunk, at = registry.find(node)  # type: ignore[misc]
        link = link_of.setdefault(id(chunk), len(links))
        if link == len(links):
            links.append(chunk)
        return (link, at)

    records = []
    for n in order:
        op = n._fn
        if op is not None and op_named(op.name) is not op:
            raise TypeError(f"pickle: op {op.name!r} is not the op stepgrad knows by that "
                            "name (its table's, or the latest define_op's), so a pickled graph "
                            "could not find it again")
        grad = n.grad
        grad_at = ref(grad) if isinstance(grad, Value) else None
        records.append((
            type(n), n.data, grad if grad_at is None else None, grad_at, n.label,
            op and op.name, n._param, tuple(map(ref, n.parents)),
            None if type(n) is Value else _state(n) or None,
        ))
    chunk = _Chunk(records, links, registry)
    held = weakref.ref(chunk)
    registry.where.update((identity_key(n), (n, held, i)) for i, n in enumerate(order))
    return chunk


def node_at(nodes: list[Value], i: int) -> Value:
    """The inverse of `reduce`: the node at position `i` of its rebuilt chunk."""
    return nodes[i]


def rebuild(records: list[tuple], root: int) -> Value:
    """What pickles made before chunks (one whole graph per Value) call: still loads them."""
    return rebuild_chunk(records, [])[root]


def rebuild_chunk(records: list[tuple], links: list[list[Value]]) -> list[Value]:
    """The inverse of `_Chunk.__reduce__`: new nodes for every record, in order."""
    nodes: list[Value] = []
    grads: list[tuple[Value, Any]] = []

    def at(ref: int | tuple[int, int]) -> Value:
        return nodes[ref] if isinstance(ref, int) else links[ref[0]][ref[1]]

    for cls, data, grad, grad_at, label, op_name, param, parents, state in records:
        node = _new(cls)
        node.data, node.label, node.grad, node._pass_grad = data, label, grad, None
        op: Op | None = None if op_name is None else op_named(op_name)
        if op_name is not None and op is None:  # user ops are pickled by name, as functions
            raise ValueError(f"unpickle: the graph uses the op {op_name!r}, which is not "
                             "defined here: call autograd.define_op for it first")
        node._fn, node._param = op, param
        link(node, tuple(at(p) for p in parents))
        if state:
            _set_state(node, state)
        if grad_at is not None:
            grads.append((node, grad_at))
        nodes.append(node)
    for node, ref in grads:
        node.grad = at(ref)
    return nodes

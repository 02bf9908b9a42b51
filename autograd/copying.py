"""Copying and pickling a `Value`, with the graph behind it, without recursion.

The standard `copy` and `pickle` follow references recursively, which a graph a million nodes
deep would overflow. So a graph is first flattened: every node reachable from the root through
its parents and through Value grads (after `backward(create_graph=True)`), in topological order,
each node's references given as positions in that list.
"""

from __future__ import annotations

import copy

from autograd.graph import topological_order
from autograd.ops import OPS, Op
from autograd.value import Value

_new = object.__new__


def graph_with_grads(root: Value) -> list[Value]:
    """Every node behind `root` and behind any Value grad among them, parents first."""
    roots, order = [root], topological_order(root)
    while True:
        known = set(order)
        extra = [n.grad for n in order if isinstance(n.grad, Value) and n.grad not in known]
        if not extra:
            return order
        roots += list(dict.fromkeys(extra))
        order = topological_order(roots)


def _node_like(node: Value) -> Value:
    """A new, unlinked node of the same class, with the same data, label, op and extra state."""
    twin = _new(type(node))
    twin.data, twin.label, twin._op, twin._param = node.data, node.label, node._op, node._param
    twin.grad, twin.parents, twin._pass_grad = 0.0, (), 0.0
    if hasattr(node, "__dict__"):  # a subclass's own attributes
        twin.__dict__.update(node.__dict__)
    return twin


def shallow_copy(node: Value) -> Value:
    """`copy.copy`: a new node with this one's data, grad, label and op, sharing its parents."""
    twin = _node_like(node)
    twin.grad, twin.parents = node.grad, node.parents
    return twin


def deepcopy(root: Value, memo: dict) -> Value:
    """`copy.deepcopy`: new nodes for the whole graph; nodes already in `memo` are reused.

    So `copy.deepcopy((a, b))` keeps the nodes `a` and `b` share shared in the copy.
    """
    order = graph_with_grads(root)
    made = [node for node in order if id(node) not in memo]
    for node in made:  # parents come first, so they are in memo already
        twin = _node_like(node)
        twin.parents = tuple(memo[id(p)] for p in node.parents)
        if hasattr(node, "__dict__"):
            twin.__dict__ = copy.deepcopy(node.__dict__, memo)
        memo[id(node)] = twin
    for node in made:
        grad = node.grad
        memo[id(node)].grad = memo[id(grad)] if isinstance(grad, Value) else grad
    memo.setdefault(id(memo), []).append(order)  # keep the originals alive, as `copy` does
    return memo[id(root)]


def reduce(root: Value) -> tuple:
    """`pickle`: the flattened graph, and the function that rebuilds it."""
    order = graph_with_grads(root)
    position = {node: i for i, node in enumerate(order)}
    records = []
    for n in order:
        if n._op is not None and OPS.get(n._op.name) is not n._op:
            raise TypeError(f"pickle: op {n._op.name!r} is not in stepgrad's op table, so a "
                            "pickled graph could not find it again")
        grad = position[n.grad] if isinstance(n.grad, Value) else None
        records.append((
            type(n), n.data, n.grad if grad is None else None, grad, n.label,
            n._op and n._op.name, n._param, tuple(position[p] for p in n.parents),
            getattr(n, "__dict__", None),
        ))
    return (rebuild, (records, position[root]))


def rebuild(records: list[tuple], root: int) -> Value:
    """The inverse of `reduce`: new nodes for every record; the root's is returned."""
    nodes: list[Value] = []
    grads: list[tuple[Value, int]] = []
    for cls, data, grad, grad_at, label, op_name, param, parents, state in records:
        node = _new(cls)
        node.data, node.label, node.grad, node._pass_grad = data, label, grad, 0.0
        op: Op | None = OPS[op_name] if op_name is not None else None
        node._op, node._param = op, param
        node.parents = tuple(nodes[i] for i in parents)
        if state:
            node.__dict__.update(state)
        if grad_at is not None:
            grads.append((node, grad_at))
        nodes.append(node)
    for node, at in grads:
        node.grad = nodes[at]
    return nodes[root]

"""The backward pass as a textbook writes it: a topological order, then the chain rule.

`backward.py` runs this same algorithm tuned for speed (marks on the nodes instead of a set,
the GC paused, stores that survive Ctrl-C, `create_graph`). This module is for reading: start
here. A test holds the two passes equal, bit for bit, on random graphs.
"""

from __future__ import annotations

from autograd.core.backward import local_partials
from autograd.core.value import Value


def topological_sort(root: Value) -> list[Value]:
    """Every node `root` depends on, each once, parents before children.

    A depth-first walk with an explicit stack instead of recursion (a chain a million nodes
    deep is fine): a node is emitted once all its parents are. Nodes are told apart by
    identity, never by `==`, which a Value subclass may redefine.
    """
    order: list[Value] = []
    seen = {id(root)}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if id(parent) not in seen:  # go down to the first parent not yet reached
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:  # every parent is done: so is this node
            order.append(node)
            stack.pop()
    return order


def reference_backward(root: Value, seed: float = 1.0) -> None:
    """Add d(root)/d(node) * seed to the `.grad` of every node `root` depends on (floats only)."""
    order = topological_sort(root)
    grads = {id(node): 0.0 for node in order}  # this pass's share, kept apart from .grad
    grads[id(root)] = seed  # d(root)/d(root) = 1
    for node in reversed(order):  # children before parents: each gradient is complete
        if not node.parents:
            continue  # a leaf passes nothing on
        upstream = grads[id(node)]
        # The chain rule: each parent gets d(node)/d(parent) * d(root)/d(node), and a parent
        # reached along several paths gets the sum (`+=`, never `=`).
        # NB: the second operand's share is added first, as the tuned pass does; the order
        # shows only in the last bit, when one node is both operands (`a * a`).
        for parent, local in reversed(list(zip(node.parents, local_partials(node)))):
            grads[id(parent)] += local * upstream
    for node in order:  # stored only once every gradient is known
        node.grad = node.grad + grads[id(node)]

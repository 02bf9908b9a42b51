"""Nodes are told apart by identity everywhere: a Value subclass may define == and hash by value.

Every walk and every map keyed by node keys it by identity (`identity.identity_key`), so distinct
nodes that compare equal, or nodes that cannot be hashed at all, are still distinct nodes: in
the walk, the passes, copying and pickling, the transforms, and every display.
"""

from __future__ import annotations

import copy
import pickle

import pytest
from needs import need

import autograd
from autograd import Value, detect_anomaly, draw_dot, explain, grad, text_graph, topological_order


class ByValue(Value):
    """Distinct nodes that compare equal: == and hash by data, as a user might define them."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)


class Unhashable(Value):
    """== by data and no hash (defining __eq__ alone sets __hash__ to None)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and self.data == other.data


KINDS = [Value, ByValue, Unhashable]


def graph(kind: type) -> tuple[Value, list[Value]]:
    """y = (a*b + c) * a with a, b, c all 2.0 (equal for ByValue), and the leaves."""
    a, b, c = kind(2.0, "a"), kind(2.0, "b"), kind(2.0, "c")
    y = (a * b + c) * a
    y.label = "y"
    return y, [a, b, c]


EXPECTED = [10.0, 4.0, 2.0]  # dy/da = 2ab + c, dy/db = a*a, dy/dc = a


def labels(order: list[Value]) -> list[str]:
    return [n.label or n.op for n in order]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_topological_order_keeps_every_node(kind):
    y, leaves = graph(kind)
    assert ByValue(2.0) == ByValue(2.0)  # the premise: distinct nodes compare equal
    order = topological_order(y)
    assert labels(order) == labels(topological_order(graph(Value)[0]))
    assert len(order) == 6 and len({id(n) for n in order}) == 6
    assert [n for n in order if not n.parents] == leaves[:2] + leaves[2:]
    stopped = topological_order(y, stop_at=[leaves[1], leaves[1]])
    assert len(stopped) == 6 and stopped[0] is leaves[1]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("how", ["plain", "create_graph", "anomaly", "stepped"])
def test_backward_gives_each_node_its_own_gradient(kind, how):
    y, leaves = graph(kind)
    if how == "plain":
        y.backward()
    elif how == "create_graph":
        y.backward(create_graph=True)
    elif how == "anomaly":
        with detect_anomaly():
            y.backward()
    else:
        for _ in y.backward_steps():
            pass
    assert [float(x.grad) for x in leaves] == EXPECTED


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_the_transforms_keep_equal_arguments_apart(kind):
    f = lambda a, b, c: (a * b + c) * a  # noqa: E731
    args = [kind(2.0), kind(2.0), kind(2.0)]
    assert [g.data for g in grad(f, (0, 1, 2))(*args)] == EXPECTED
    assert [g.data for g in autograd.vjp(f, *args)[1](1.0)] == EXPECTED
    assert [t.data for t in autograd.jacobian(f, (0, 1, 2), mode="fwd")(*args)] == EXPECTED
    assert [t.data for t in autograd.jacobian(f, (0, 1, 2))(*args)] == EXPECTED
    _, tangent = autograd.jvp(f, args, [1.0, 0.0, 0.0])
    assert tangent.data == EXPECTED[0]
    hessian = autograd.hessian(f, (0, 1, 2))(*args)
    assert [[h.data for h in row] for row in hessian] == [[4.0, 4.0, 1.0], [4.0, 0.0, 0.0],
                                                          [1.0, 0.0, 0.0]]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_copies_keep_every_node(kind, how):
    y, leaves = graph(kind)
    y.backward()
    copied = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    order = topological_order(copied)
    assert labels(order) == labels(topological_order(y)) and len(order) == 6
    new_leaves = [n for n in order if not n.parents and n.label]
    assert [type(n) for n in new_leaves] == [kind] * 3
    assert [n.grad for n in new_leaves] == EXPECTED
    assert not any(n is m for n in order for m in topological_order(y))
    together = pickle.loads(pickle.dumps(leaves + [y])) if how == "pickle" else \
        copy.deepcopy(leaves + [y])
    copied_leaves = [n for n in topological_order(together[3]) if not n.parents and n.label]
    assert all(p is q for p, q in zip(together[:3], copied_leaves))  # shared as they were


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_display_shows_every_node(kind):
    y, leaves = graph(kind)
    y.backward()
    reference, _ = graph(Value)
    reference.backward()
    assert str(explain(y)) == str(explain(reference))
    assert text_graph(y) == text_graph(reference)
    steps = [(s.heading, str(s)) for s in graph(kind)[0].backward_steps()]
    assert steps == [(s.heading, str(s)) for s in graph(Value)[0].backward_steps()]
    assert draw_dot(y).source == draw_dot(reference).source
    for options in ({"max_depth": 1}, {"collapse": True, "clusters": 1},
                    {"clusters": lambda v: v.label or None}, {"edge_labels": True}):
        assert draw_dot(y, **options).source == draw_dot(reference, **options).source
    marked = draw_dot(y, highlight=[leaves[1]]).source
    assert marked == draw_dot(reference, highlight=[graph_leaf(reference, "b")]).source
    assert marked.count("#ffe082") == 1  # only b, not the equal a and c


def graph_leaf(root: Value, label: str) -> Value:
    return next(n for n in topological_order(root) if n.label == label)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_the_player_tells_equal_nodes_apart(kind):
    need("dot")
    from autograd.viz import step_frames

    frames = step_frames(graph(kind)[0])
    assert [(f.heading, f.text, f.svg) for f in frames] == \
        [(f.heading, f.text, f.svg) for f in step_frames(graph(Value)[0])]

"""Copying and pickling Values: whole graphs, shared nodes, Value grads, subclasses, any depth."""

from __future__ import annotations

import copy
import pickle

import pytest

from autograd import Op, Value, topological_order
from autograd.ops import REAL
from autograd.value import apply

ROUND_TRIPS = [
    pytest.param(lambda v: pickle.loads(pickle.dumps(v)), id="pickle"),
    pytest.param(copy.deepcopy, id="deepcopy"),
]


class Parameter(Value):
    """A subclass with state of its own, as users write."""


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_a_million_deep_chain_round_trips_without_recursion(clone):
    y = Value(1.0, "x")
    for _ in range(1_000_000):
        y = y * 1.0000001
    twin = clone(y)
    assert twin is not y and twin.data == y.data
    assert len(topological_order(twin)) == len(topological_order(y))


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_the_copy_is_a_working_graph(clone):
    x = Value(0.5, "x")
    y = (x * 3.0).tanh() + x
    twin = clone(y)
    twin.backward()
    leaf = topological_order(twin)[0]
    assert leaf.label == "x" and leaf is not x and x.grad == 0.0
    y.backward()
    assert leaf.grad == x.grad


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_value_grads_from_create_graph_come_along(clone):
    x = Value(3.0, "x")
    y = x * x
    y.backward(create_graph=True)
    twin = clone(y)
    tx = twin.parents[0]
    assert isinstance(tx.grad, Value) and tx.grad.data == 6.0
    assert tx in topological_order(tx.grad)  # the grad's graph reaches the copied x, not x


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_subclasses_and_their_attributes_survive(clone):
    p = Parameter(2.0, "p")
    p.tag = "weight"
    twin = clone(p * 3.0).parents[0]
    assert type(twin) is Parameter and twin.tag == "weight"


def test_deepcopy_of_several_values_keeps_what_they_share_shared():
    x = Value(2.0, "x")
    a, b, x2 = copy.deepcopy((x * 3.0, x * x, x))
    assert a.parents[0] is x2 and b.parents[0] is x2
    (a + b).backward()
    assert x2.grad == 7.0


def test_a_graph_with_an_op_outside_the_table_does_not_pickle():
    square = Op("square_c", "sq", 1, lambda a: a * a, lambda m, a, out: (2 * a,), "", (REAL,))
    y = apply(square, Value(2.0))
    with pytest.raises(TypeError, match="square_c.*not in stepgrad's op table"):
        pickle.dumps(y)
    assert copy.deepcopy(y).op == "sq"  # a copy in memory keeps the op itself


def test_copy_is_a_new_node_sharing_the_parents():
    y = Value(2.0) * 3.0
    twin = copy.copy(y)
    assert twin is not y and twin.parents == y.parents and twin.op == "*"

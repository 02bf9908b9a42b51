"""Copying and pickling Values: whole graphs, shared nodes, Value grads, subclasses, any depth."""

from __future__ import annotations

import copy
import pickle

import pytest

from autograd import Op, Value, topological_order
from autograd.core.ops import REAL
from autograd.core.value import apply

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
    with pytest.raises(TypeError, match="square_c.* is not the op stepgrad knows"):
        pickle.dumps(y)
    assert copy.deepcopy(y).op == "sq"  # a copy in memory keeps the op itself


def test_copy_is_a_new_node_sharing_the_parents():
    y = Value(2.0) * 3.0
    twin = copy.copy(y)
    assert twin is not y and twin.parents == y.parents and twin.op == "*"


class Slotted(Value):
    """A subclass with slots of its own, one of them private (name-mangled)."""

    __slots__ = ("tag", "__secret")

    def secret(self):
        return self.__secret

    def set_secret(self, value):
        self.__secret = value


def chain_states(n: int) -> list[Value]:
    states = [Value(1.0, "s0")]
    for _ in range(n - 1):
        states.append(states[-1] * 1.5 + 1.0)
    return states


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_values_copied_together_keep_what_they_share_shared(clone):
    a = Value(2.0, "a")
    a2, product = clone((a, a * 2))
    assert product.parents[0] is a2
    product.backward()
    assert a2.grad == 2.0 and a.grad == 0.0


@pytest.mark.parametrize("clone", ROUND_TRIPS)
@pytest.mark.parametrize("reverse", [False, True], ids=["oldest first", "newest first"])
def test_a_list_of_chain_states_is_copied_once_per_node(clone, reverse):
    states = chain_states(3001)
    given = states[::-1] if reverse else states
    twins = clone(given)
    twins = twins[::-1] if reverse else twins
    for before, after in zip(twins, twins[1:]):  # each state's graph is the one before's
        assert after.parents[0].parents[0] is before
    assert twins[-1].data == states[-1].data and twins[0].label == "s0"


def test_pickling_chain_states_grows_linearly():
    one, two = (len(pickle.dumps(chain_states(n))) for n in (1000, 2000))
    assert 1.9 < two / one < 2.1  # quadratic would be 4


def test_separate_pickles_do_not_share_and_see_the_graph_as_it_is_now():
    x = Value(1.0, "x")
    y = x * 3.0
    first = pickle.dumps(y)
    x.data, x.label = 5.0, "changed"
    again = pickle.loads(pickle.dumps(y))
    assert again.parents[0].data == 5.0 and again.parents[0].label == "changed"
    assert pickle.loads(first).parents[0].data == 1.0


def test_one_pickler_shares_across_its_dumps():
    import io

    x = Value(2.0, "x")
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer)
    pickler.dump(x)
    pickler.dump(x * 3.0)
    buffer.seek(0)
    unpickler = pickle.Unpickler(buffer)
    x2, y2 = unpickler.load(), unpickler.load()
    assert y2.parents[0] is x2


@pytest.mark.parametrize("clone", [*ROUND_TRIPS, pytest.param(copy.copy, id="copy")])
def test_a_subclass_keeps_its_own_slots(clone):
    p = Slotted(2.0, "p")
    p.tag = "weight"
    p.set_secret(42)
    twin = clone(p)
    assert type(twin) is Slotted and twin.tag == "weight" and twin.secret() == 42
    unset = clone(Slotted(1.0))  # a slot never set stays unset
    assert not hasattr(unset, "tag")


class Counted(Value):
    """A Value that counts how often its parents are read: the work a walk of the graph does."""

    __slots__ = ()
    reads = 0

    @property
    def parents(self):
        Counted.reads += 1
        return Value.parents.__get__(self)

    @parents.setter
    def parents(self, parents):
        Value.parents.__set__(self, parents)


@pytest.mark.parametrize("clone", ROUND_TRIPS)
def test_copying_a_list_of_chain_states_reads_each_node_a_few_times(clone):
    states = chain_states(3001)
    nodes = topological_order(states[-1])
    for node in nodes:
        node.__class__ = Counted
    Counted.reads = 0
    clone(states)
    assert Counted.reads < 5 * len(nodes)  # once per distinct node, not once per state's graph

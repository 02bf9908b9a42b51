"""The reference pass: the textbook algorithm, equal bit for bit to the tuned `backward()`."""

from __future__ import annotations

import math

from autograd_checks import assert_topological
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.core.reference import reference_backward, topological_sort
from autograd.testing import expressions


def bits(x: float) -> str:
    return "nan" if math.isnan(x) else float.hex(x)


@given(expressions(max_variables=4, max_steps=14), st.floats(-3.0, 3.0, allow_nan=False))
def test_reference_and_tuned_passes_agree_bit_for_bit(expr, seed):
    """Two graphs built alike from a random expression (reuse, diamonds, `a * a`): one pass
    each, then every node's gradient compared as bits. Run twice, to accumulate as well."""
    tuned_out, ref_out = expr(*expr.point), expr(*expr.point)
    tuned, ref = topological_order(tuned_out), topological_sort(ref_out)
    assert [n.op for n in tuned] == [n.op for n in ref]
    for _ in range(2):
        tuned_out.backward(seed)
        reference_backward(ref_out, seed)
        assert [bits(n.grad) for n in tuned] == [bits(n.grad) for n in ref]


@given(expressions(max_variables=4, max_steps=14))
def test_the_reference_order_is_topological_and_is_the_engines(expr):
    out = expr(*expr.point)
    order = topological_sort(out)
    assert_topological(order, out)
    assert all(a is b for a, b in zip(order, topological_order(out), strict=True))


def test_a_known_gradient_and_a_node_used_twice():
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    o = (x * w + b).tanh()
    reference_backward(o)
    assert math.isclose(x.grad, -1.5, rel_tol=1e-12) and math.isclose(b.grad, 0.5, rel_tol=1e-12)
    a = Value(3.0)
    (a * a + a).backward()  # d/da (a^2 + a) = 2a + 1 = 7: every path is summed
    twin = Value(3.0)
    reference_backward(twin * twin + twin)
    assert a.grad == twin.grad == 7.0


def test_a_deep_chain_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    reference_backward(y)
    assert x.grad == 1.0


def test_nodes_that_compare_equal_are_still_two_nodes():
    class Equal(Value):
        def __eq__(self, other):
            return isinstance(other, Value) and self.data == other.data

        __hash__ = Value.__hash__

    a, b = Equal(2.0), Equal(2.0)
    out = a * 3.0 + b
    assert len(topological_sort(out)) == 5
    reference_backward(out)
    assert (a.grad, b.grad) == (3.0, 1.0)

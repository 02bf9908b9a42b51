"""`backward`: known values, reuse and diamonds, accumulation, seeds, depth, higher order."""

from __future__ import annotations

import math

import pytest
from autograd_checks import assert_topological
from hypothesis import given

from autograd import Value, backward, grad, gradcheck, gradients, topological_order
from autograd.tools.testing import expressions


def test_micrograd_neuron_keeps_intermediate_grads():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert math.isclose(n.grad, 0.5, rel_tol=1e-12)  # 1 - tanh(n)^2, kept on the intermediate
    assert o.grad == 1.0
    assert math.isclose(x1.grad, -1.5, rel_tol=1e-12)
    assert math.isclose(w1.grad, 1.0, rel_tol=1e-12)
    assert math.isclose(x2.grad, 0.5, rel_tol=1e-12)
    assert w2.grad == 0.0  # x2 = 0


def test_polynomial_known_values():
    x = Value(2.0)
    f = 3 * x**3 - 2 * x**2 + x - 5  # f' = 9x^2 - 4x + 1
    f.backward()
    assert f.data == 13.0 and x.grad == 29.0


def test_two_variable_polynomial_known_values():
    x, y = Value(3.0), Value(-2.0)
    f = x * x * y + y**3
    f.backward()
    assert (x.grad, y.grad) == (2 * 3.0 * -2.0, 3.0**2 + 3 * (-2.0) ** 2)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda a: a + a, lambda a: 2.0),
        (lambda a: a * a, lambda a: 2 * a),
        (lambda a: a - a, lambda a: 0.0),
        (lambda a: a / a, lambda a: 0.0),
        (lambda a: (a * 2.0) * (a + 3.0), lambda a: 2 * (a + 3.0) + 2 * a),  # two paths
        (lambda a: (a + a) * (a + a), lambda a: 8 * a),
    ],
    ids=["a+a", "a*a", "a-a", "a/a", "two-paths", "nested-diamond"],
)
def test_reuse_and_diamonds(build, expected):
    a = Value(1.5)
    build(a).backward()
    assert math.isclose(a.grad, expected(1.5), rel_tol=1e-15, abs_tol=1e-15)


def graph_with_reuse() -> tuple[list[Value], Value]:
    x, y = Value(0.7, "x"), Value(-1.3, "y")
    h = (x * y).tanh()  # an intermediate used three times
    z = h * h + h.exp() * x - (y / (h + 2.0)).sigmoid()
    return [x, y], z


def test_backward_twice_exactly_doubles_every_grad():
    _, z = graph_with_reuse()
    order = topological_order(z)
    z.backward()
    once = [node.grad for node in order]
    assert any(g != 0.0 for g in once[:-1])
    z.backward()
    assert [node.grad for node in order] == [2 * g for g in once]


def test_zero_grad_zeroes_every_reachable_node():
    _, z = graph_with_reuse()
    z.backward()
    assert all(node.grad != 0.0 for node in topological_order(z) if node.parents)
    z.zero_grad()
    assert all(node.grad == 0.0 for node in topological_order(z))


def test_seed_scales_every_gradient():
    leaves, z = graph_with_reuse()
    z.backward()
    unit = [node.grad for node in topological_order(z)]
    z.zero_grad()
    z.backward(2.0)  # a power of two scales floats exactly
    assert [node.grad for node in topological_order(z)] == [2 * g for g in unit]
    z.zero_grad()
    z.backward(grad=-0.3)
    for node, g in zip(topological_order(z), unit):
        assert math.isclose(node.grad, -0.3 * g, rel_tol=1e-14, abs_tol=1e-300)


@given(expressions())
def test_random_expressions_match_finite_differences(expr):
    assert gradcheck(expr, *expr.point)


@given(expressions())
def test_the_passs_marking_walk_is_the_topological_order(expr):
    # backward() walks with marks on the nodes, the drawings with a set: one order for both.
    from autograd.core.backward import _marks_on, _rest_graph, pass_order

    root = expr(*(Value(x) for x in expr.point))
    with _marks_on(root):
        order = pass_order(root)
        _rest_graph(root)
    assert order == topological_order(root)
    assert all(node._pass_grad is None for node in order)


@given(expressions(max_steps=5))
def test_random_expressions_second_order(expr):
    assert gradcheck(expr, *expr.point, order=2)


@given(expressions())
def test_backward_agrees_with_grad_and_finite_differences(expr):
    xs = [Value(x) for x in expr.point]
    out = expr(*xs)
    assert_topological(topological_order(out), out)
    out.backward()  # the fast float pass, into .grad
    functional = grad(expr, tuple(range(len(xs))))(*expr.point)  # the dict-based pass
    for x, g, i in zip(xs, functional, range(len(xs))):
        assert x.grad == pytest.approx(g, rel=1e-12, abs=1e-12)
        h = 1e-6
        up = expr(*[p + h if j == i else p for j, p in enumerate(expr.point)]).data
        down = expr(*[p - h if j == i else p for j, p in enumerate(expr.point)]).data
        assert x.grad == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-5)


def test_gradients_given_out_are_new_values_never_forward_nodes():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    (x * y).backward(create_graph=True)
    assert x.grad is not y and y.grad is not x
    assert x.grad.data == 3.0 and y.grad.data == 2.0
    assert "grad=Value" in repr(x)  # printing no longer loops through x.grad -> y -> ...
    a = Value(0.5, "a")
    b = a.exp()
    b.backward(create_graph=True)
    a.grad.label = "da"
    assert b.label == "" and a.grad is not b


def test_a_value_seed_without_create_graph_records_nothing():
    x = Value(2.0)
    (x * x).backward(Value(3.0))
    assert isinstance(x.grad, float) and x.grad == 12.0


def test_backward_of_a_non_value_names_the_function():
    with pytest.raises(TypeError, match="backward: expected a Value, got float"):
        backward(3.0)


# -- a million nodes deep: no recursion anywhere ------------------------------------------------

DEPTH = 1_000_000


@pytest.fixture(scope="module")
def deep_chain():
    x = Value(0.5, "x")
    y = x
    for _ in range(DEPTH):
        y = y + x  # y_n = (n + 1) x
    return x, y


def test_million_deep_chain(deep_chain):
    x, y = deep_chain
    order = topological_order(y)
    assert len(order) == DEPTH + 1 and order[0] is x and order[-1] is y
    y.backward()
    assert x.grad == DEPTH + 1  # closed form: dy/dx = n + 1, exact in floats
    assert y.parents[0].grad == 1.0
    y.zero_grad()
    assert x.grad == 0.0 and y.parents[0].grad == 0.0


# -- create_graph: gradients that are graphs themselves ----------------------------------------


def test_create_graph_gives_a_value_with_its_own_graph():
    x = Value(2.0, "x")
    y = x**3
    y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.data == 12.0
    assert g.parents and x in topological_order(g)
    x.grad = 0.0
    g.backward()  # d(3x^2)/dx
    assert x.grad == 12.0


def test_third_derivative_through_backward():
    x = Value(0.4)
    x.sin().backward(create_graph=True)
    first, x.grad = x.grad, 0.0
    first.backward(create_graph=True)
    second, x.grad = x.grad, 0.0
    second.backward()
    assert math.isclose(first.data, math.cos(0.4), rel_tol=1e-15)
    assert math.isclose(second.data, -math.sin(0.4), rel_tol=1e-15)
    assert math.isclose(x.grad, -math.cos(0.4), rel_tol=1e-15)


def test_create_graph_with_a_value_seed():
    x = Value(3.0)
    seed = Value(2.0)
    (x * x).backward(seed, create_graph=True)
    assert x.grad.data == 12.0
    x.grad.backward()
    assert seed.grad == 6.0  # d(2 x seed)/d(seed) = 2x


def test_a_failing_backward_changes_no_grad_and_leaves_the_graph_clean():
    x = Value(2.0, "x")
    y = x * 3.0
    x.grad = None  # a user's mistake: the sum x.grad + 3.0 fails
    with pytest.raises(TypeError):
        y.backward()
    assert x.grad is None and y.grad == 0.0
    x.grad = 0.0
    y.backward()
    assert x.grad == 3.0  # nothing left over from the failed pass


@pytest.mark.parametrize("how", ["unusable grad", "infinite derivative", "functional"])
def test_a_pass_stopped_midway_puts_every_mark_back(how):
    # A pass marks each node it walks (_pass_grad 0.0, None at rest): one left behind would
    # make the next pass skip that node. Stop a pass in the middle of a shared graph, then
    # check every node is at rest and the next passes are exact.
    w, x = Value(3.0, "w"), Value(0.0, "x")
    shared = w * w + w
    bad = shared * x.sqrt() if how != "unusable grad" else shared * 2.0
    if how == "unusable grad":
        shared.grad = None
    with pytest.raises((TypeError, ZeroDivisionError)):
        if how == "functional":
            gradients(bad)
        else:
            bad.backward()
    assert all(node._pass_grad is None for node in topological_order(bad))
    shared.grad = 0.0
    shared.backward()
    assert w.grad == 7.0  # d(w*w + w)/dw at 3: nothing skipped, nothing left over
    assert gradients(shared * 2.0)[1][w] == 14.0


def test_a_pass_in_another_thread_waits_for_the_one_running_on_a_shared_parameter():
    import threading

    from autograd import Op
    from autograd.core.ops import REAL
    from autograd.core.value import apply

    entered, go = threading.Event(), threading.Event()

    def paused_partials(m, a, out):  # an op whose backward stops midway, until told to go on
        entered.set()
        go.wait(timeout=0.5)
        return (1.0,)

    pause = Op("pause", "pause", 1, lambda a: a, paused_partials, "identity that waits", (REAL,))
    w = Value(0.5, "w")  # one model's parameter, in two threads' graphs
    first = apply(pause, w * 3.0) + w * 5.0  # w * 5.0 is passed back before the pause
    found = {}
    thread = threading.Thread(target=lambda: found.update(first=gradients(first)[1][w]))
    thread.start()
    assert entered.wait(timeout=60)  # else the second pass would not overlap the first at all
    found["second"] = gradients(w * 7.0)[1][w]  # must not see the first pass's half-sum
    go.set()
    thread.join()
    assert found == {"first": 8.0, "second": 7.0} and w._pass_grad is None


def test_the_roots_grad_is_a_copy_of_the_seed_value():
    y = Value(2.0) * 3.0
    seed = Value(1.0, "seed")
    y.backward(seed, create_graph=True)
    assert y.grad is not seed and y.grad.data == 1.0


def test_a_failed_pass_puts_marks_back_on_a_subclass_that_defines_equality():
    class ByValue(Value):  # a user's subclass: == and hash by data
        __slots__ = ()

        def __eq__(self, other):
            return isinstance(other, Value) and self.data == other.data

        def __hash__(self):
            return hash(self.data)

    a, b = ByValue(1.0, "a"), ByValue(1.0, "b")
    y = a * 2.0 + b * 3.0
    y.grad = None
    with pytest.raises(TypeError):
        y.backward()
    assert a._pass_grad is None and b._pass_grad is None
    (b * 5.0 + a).backward()
    assert (a.grad, b.grad) == (1.0, 5.0)


def test_a_grad_too_big_for_a_float_raises_pythons_overflow_error_and_changes_nothing():
    x = Value(1.0, "x")
    x.grad = 10**400
    y = x * 2.0
    with pytest.raises(OverflowError, match="int too large"):
        y.backward()
    assert x.grad == 10**400 and y.grad == 0.0 and x._pass_grad is None


def test_a_pass_started_inside_a_pass_is_refused_and_the_outer_one_changes_nothing():
    from autograd import define_op

    def rule(m, a, out):  # a float rule that runs a pass of its own
        return (grad(lambda t: t * t)(2.0) if isinstance(a, float) else 1.0,)

    nested = define_op("nested_pass", lambda a: a, rule)
    w = Value(1.0, "w")
    with pytest.raises(RuntimeError, match="passes cannot nest"):
        (nested(w) * 3.0).backward()
    assert w.grad == 0.0 and w._pass_grad is None
    (w * 2.0).backward()
    assert w.grad == 2.0

"""Forward mode (`jvp`): closed forms, central differences, sympy, agreement with reverse mode."""

from __future__ import annotations

import math
import operator

import pytest
import sympy
from autograd_checks import assert_matches_difference
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Dual, Value, grad, jvp, sum_of, topological_order
from autograd.tools.testing import expressions, floats_in, op_inputs


def f(x, y):
    return x * y.sin() + x.exp() / y


def test_jvp_on_numbers_matches_the_closed_form():
    x, y, u, v = 0.7, 1.3, 0.4, -2.0
    value, tangent = jvp(f, (x, y), (u, v))
    assert value == pytest.approx(x * math.sin(y) + math.exp(x) / y)
    closed = (math.sin(y) + math.exp(x) / y) * u + (x * math.cos(y) - math.exp(x) / y**2) * v
    assert tangent == pytest.approx(closed, rel=1e-12)
    assert type(value) is float and type(tangent) is float


def test_jvp_on_numbers_runs_f_on_duals_and_records_nothing():
    seen = []

    def spy(x):
        seen.append(x)
        out = x.tanh() * 3.0
        seen.append(out)
        return out

    assert jvp(spy, (0.5,), (1.0,))[1] == pytest.approx(3 * (1 - math.tanh(0.5) ** 2))
    assert all(type(d) is Dual for d in seen)  # (primal, tangent) pairs: no nodes, no parents


def test_jvp_matches_sympy_directional_derivative():
    a, b = sympy.symbols("a b", real=True)
    expr = a * sympy.sin(b) + sympy.exp(a) / b
    point, direction = {a: 0.7, b: 1.3}, (0.4, -2.0)
    closed = float((sympy.diff(expr, a) * direction[0]
                    + sympy.diff(expr, b) * direction[1]).subs(point))
    assert jvp(f, (0.7, 1.3), direction)[1] == pytest.approx(closed, rel=1e-12)


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.arity == 1 and op.param is None
                                and not op.stops_gradient], ids=lambda op: op.name)
@given(data=st.data())
def test_every_unary_op_forward_matches_central_difference(op, data):
    (x,) = data.draw(op_inputs(op))
    method = getattr(Value, op.name, None) or getattr(operator, op.name)  # pos, neg: operators
    tangent = jvp(lambda t: method(t) if op.name in ("pos", "neg") else getattr(t, op.name)(),
                  (x,), (1.0,))[1]
    assert_matches_difference(tangent, op.forward, x)


@given(st.floats(-4.0, 4.0), st.floats(-4.0, 4.0))
def test_stop_gradient_carries_no_tangent_and_selections_carry_the_picked_ones(a, b):
    """stop_gradient's tangent is 0 (JAX's jvp of stop_gradient); maximum's and minimum's is
    the tangent of the operand returned, the first on a tie, on numbers and on Values alike."""
    assert jvp(lambda t: t.stop_gradient() + t * 0.5, (a,), (1.0,)) == (a + a * 0.5, 0.5)
    for name, pick in (("maximum", a >= b), ("minimum", a <= b)):
        value, tangent = jvp(lambda s, t, name=name: getattr(s, name)(t), (a, b), (2.0, 3.0))
        assert (value, tangent) == ((a, 2.0) if pick else (b, 3.0))
        value, tangent = jvp(lambda s, t, name=name: getattr(s, name)(t), (Value(a), b),
                             (2.0, 3.0))
        assert (value.data, tangent.data) == ((a, 2.0) if pick else (b, 3.0))


@given(st.floats(0.05, 4.0), st.floats(-3.0, 3.0), st.floats(0.0, 0.5))
def test_number_parameters_and_value_exponents(a, k, slope):
    assert jvp(lambda t: t**k, (a,), (1.0,))[1] == pytest.approx(k * a ** (k - 1), rel=1e-9)
    assert jvp(lambda t: 2.0**t, (k,), (1.0,))[1] == pytest.approx(2.0**k * math.log(2.0))
    assert jvp(lambda t: a**t, (k,), (1.0,))[1] == pytest.approx(a**k * math.log(a))
    assert jvp(lambda t: (-t).leaky_relu(slope), (a,), (1.0,))[1] == pytest.approx(-slope)


@settings(max_examples=60, deadline=None)
@given(expressions(ops=OPS.values()), st.data())
def test_forward_agrees_with_reverse_on_random_graphs(expr, data):
    """Both modes read the same partials, but along different paths: they must agree."""
    n = len(expr.point)
    direction = [data.draw(floats_in(OPS["add"].smooth[0])) for _ in range(n)]
    reverse = grad(expr, tuple(range(n)))(*expr.point)
    expected = sum(g * v for g, v in zip(reverse, direction))
    on_numbers = jvp(expr, expr.point, direction)[1]
    on_values = jvp(expr, [Value(x) for x in expr.point], direction)[1]
    assert on_numbers == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert isinstance(on_values, Value)
    assert on_values.data == pytest.approx(on_numbers, rel=1e-12, abs=1e-12)


def test_jvp_of_grad_is_the_second_derivative():
    """Forward over reverse: jvp(grad(f)) with Values, against closed forms."""
    def g(x, y):
        return x**3 * y + y.exp()

    x, y = Value(1.5), Value(0.5)
    _, along_x = jvp(grad(g), (x, y), (1.0, 0.0))  # d/dx of dg/dx = 6xy
    _, along_y = jvp(grad(g, 1), (x, y), (0.0, 1.0))  # d/dy of dg/dy = e^y
    assert along_x.data == pytest.approx(6 * 1.5 * 0.5)
    assert along_y.data == pytest.approx(math.exp(0.5))


def test_grad_of_jvp_is_the_second_derivative():
    """Reverse over forward: the tangent on Values is recorded, so grad differentiates it."""
    def derivative(x):
        return jvp(lambda t: t.sin() * t, (x,), (1.0,))[1]  # sin x + x cos x

    assert derivative(Value(0.8)).data == pytest.approx(math.sin(0.8) + 0.8 * math.cos(0.8))
    assert grad(derivative)(0.8) == pytest.approx(2 * math.cos(0.8) - 0.8 * math.sin(0.8))
    third = grad(grad(derivative))(0.8)  # d3/dx3 (x sin x) = -3 sin x - x cos x
    assert third == pytest.approx(-3 * math.sin(0.8) - 0.8 * math.cos(0.8))


def test_jvp_of_jvp_on_values_is_the_second_directional_derivative():
    def first(x):
        return jvp(lambda t: t.exp() * t, (x,), (1.0,))[1]  # (1 + x) e^x

    _, second = jvp(first, (Value(0.3),), (1.0,))
    assert second.data == pytest.approx((2 + 0.3) * math.exp(0.3))


def test_a_tangent_may_be_a_value_and_is_differentiated():
    v = Value(2.0)
    _, tangent = jvp(lambda t: t * t, (Value(3.0),), (v,))  # 2 * 3 * v
    tangent.backward()
    assert tangent.data == 12.0 and v.grad == 6.0


def test_f_of_the_same_value_twice_gets_one_seed_per_argument():
    x = Value(2.0)
    assert jvp(lambda a, b: a * b, (x, x), (1.0, 0.0))[1].data == 2.0  # d(ab)/da = b


def test_a_returned_tangent_is_never_a_node_of_the_graph_or_the_seed():
    seed = Value(1.0)
    x = Value(2.0)
    value, tangent = jvp(lambda t: t, (x,), (seed,))
    assert tangent.data == 1.0 and tangent is not seed and tangent not in topological_order(value)


def test_lists_in_and_out():
    def polar(v):
        r, a = v
        return [r * a.cos(), r * a.sin()]

    value, tangent = jvp(polar, ([2.0, 0.5],), ([0.0, 1.0],))
    assert value == pytest.approx([2 * math.cos(0.5), 2 * math.sin(0.5)])
    assert tangent == pytest.approx([-2 * math.sin(0.5), 2 * math.cos(0.5)])


def test_constants_and_untouched_inputs_have_zero_tangent():
    assert jvp(lambda x: 3.0, (1.0,), (1.0,)) == (3.0, 0.0)
    assert jvp(lambda x, y: y * y, (1.0, 2.0), (1.0, 0.0)) == (4.0, 0.0)
    value, tangent = jvp(lambda x: Value(5.0), (Value(1.0),), (1.0,))
    assert (value.data, tangent.data) == (5.0, 0.0)


def test_labelling_a_dual_is_allowed():
    def labelled(x):
        y = x * x
        y.label = "y"
        return y

    assert jvp(labelled, (3.0,), (1.0,)) == (9.0, 6.0)


def test_detach_and_comparisons_work_on_duals():
    assert jvp(lambda x: x * x.detach(), (3.0,), (1.0,))[1] == 3.0
    assert jvp(lambda x: x if x > 0 else -x, (-2.0,), (1.0,))[1] == -1.0
    assert jvp(lambda x: x * x.data, (3.0,), (1.0,))[1] == 3.0


def test_a_deep_chain_needs_no_recursion():
    def chain(x):
        for _ in range(5000):
            x = (x * 0.5).tanh() + x * 0.5
        return x

    numbers = jvp(chain, (0.3,), (1.0,))[1]
    values = jvp(chain, (Value(0.3),), (1.0,))[1]
    assert numbers == pytest.approx(grad(chain)(0.3), rel=1e-9)
    assert values.data == pytest.approx(numbers, rel=1e-12)


def test_domain_errors_name_the_op_and_the_operands():
    with pytest.raises(ValueError, match=r"log\(-1.0\): log needs x > 0"):
        jvp(lambda x: (x - 2.0).log(), (1.0,), (1.0,))
    with pytest.raises(ZeroDivisionError, match=r"sqrt\(0.0\): the derivative is not finite"):
        jvp(lambda x: x.sqrt(), (0.0,), (1.0,))


@pytest.mark.parametrize(
    ("primals", "tangents", "error", "match"),
    [
        (1.0, (1.0,), TypeError, "primals must be a tuple"),
        ((1.0,), (1.0, 2.0), ValueError, "1 primals but 2 tangents"),
        (([1.0, 2.0],), (1.0,), ValueError, "shapes"),
        (("a",), (1.0,), TypeError, "argument 0 must be a number or Value"),
        ((1.0,), (None,), TypeError, "tangents"),
    ],
)
def test_bad_arguments_are_refused(primals, tangents, error, match):
    with pytest.raises(error, match=match):
        jvp(lambda x: x, primals, tangents)


def test_mixing_values_into_a_jvp_on_numbers_says_what_to_do():
    w = Value(2.0)
    with pytest.raises(TypeError, match="give jvp .or jacobian. Values as the inputs"):
        jvp(lambda x: x * w, (1.0,), (1.0,))
    with pytest.raises(TypeError, match="got Dual"):  # a Value on the left: Value's own error
        jvp(lambda x: w * x, (1.0,), (1.0,))
    assert jvp(lambda x: x * w, (Value(1.0),), (1.0,))[1].data == 2.0
    with pytest.raises(TypeError, match="is a Dual .* give the outer jvp"):
        jvp(lambda x: jvp(lambda t: t * t, (x,), (1.0,))[1], (1.0,), (1.0,))
    inner = jvp(lambda x: jvp(lambda t: t * t * t, (x,), (1.0,))[1], (Value(2.0),), (1.0,))[1]
    assert inner.data == 12.0  # with Values they nest


def test_sum_of_takes_values_not_duals_and_says_so():
    with pytest.raises(TypeError, match="sum_of: expected Values or real numbers.*got Dual"):
        jvp(lambda v: sum_of(v), ([1.0, 2.0],), ([1.0, 1.0],))
    assert jvp(lambda v: sum_of(v), ([Value(1.0), 2.0],), ([1.0, 1.0],))[1].data == 2.0

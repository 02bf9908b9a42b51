"""The functional API: `grad` and `value_and_grad`, JAX-style, pure (no `.grad` is touched)."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given

from autograd import GradientWarning, Value, grad, topological_order, value_and_grad
from autograd.tools.testing import expressions


def f(x, y):
    return x * x * y + y * y * y  # df/dx = 2xy, df/dy = x^2 + 3y^2 (arithmetic: y may be a float)


X, Y = 1.5, -0.5
DX, DY = 2 * X * Y, X * X + 3 * Y * Y


def test_grad_of_the_first_argument_by_default():
    assert grad(f)(X, Y) == DX


def test_argnums_int_tuple_and_negative():
    assert grad(f, 1)(X, Y) == DY
    assert grad(f, -1)(X, Y) == DY
    assert grad(f, -2)(X, Y) == DX
    assert grad(f, (0, 1))(X, Y) == (DX, DY)
    assert grad(f, (1, 0))(X, Y) == (DY, DX)
    assert grad(f, (1,))(X, Y) == (DY,)


def test_value_and_grad():
    value, (dx, dy) = value_and_grad(f, (0, 1))(X, Y)
    assert value == X * X * Y + Y * Y * Y
    assert (dx, dy) == (DX, DY)


def test_floats_in_floats_out():
    value, dx = value_and_grad(f)(X, Y)
    assert type(value) is float and type(dx) is float
    assert type(grad(lambda x: x * 0.0 + 1.0)(2.0)) is float


def test_values_in_values_out():
    value, dx = value_and_grad(f)(Value(X), Value(Y))
    assert isinstance(value, Value) and isinstance(dx, Value)
    assert dx.data == DX
    unused = grad(lambda x, y: y * 2.0)(Value(X), Value(Y))
    assert isinstance(unused, Value) and unused.data == 0.0


def test_an_argument_not_used_has_zero_gradient():
    assert grad(lambda x, y: y.exp(), 0)(1.0, 2.0) == 0.0


def test_every_number_argument_is_a_value_and_other_arguments_pass_through():
    # As JAX traces every argument: f may call Value methods on a non-differentiated one.
    assert grad(lambda x, y: x * y.sin(), 0)(1.0, 2.0) == math.sin(2.0)
    assert grad(lambda x, data: x * data[0], 0)(1.0, [3.0]) == 3.0


def test_nesting_gives_higher_derivatives():
    cube = lambda x: x**3
    assert grad(grad(cube))(2.0) == 12.0
    assert grad(grad(grad(cube)))(2.0) == 6.0
    sin = lambda x: x.sin()
    assert math.isclose(grad(grad(grad(sin)))(0.3), -math.cos(0.3), rel_tol=1e-15)


def test_mixed_partials():
    d2_dydx = grad(grad(f, 0), 1)(X, Y)  # d/dy (2xy) = 2x
    d2_dxdy = grad(grad(f, 1), 0)(X, Y)  # d/dx (x^2 + 3y^2) = 2x
    assert d2_dydx == d2_dxdy == 2 * X
    assert grad(grad(f, 1), 1)(X, Y) == 6 * Y


@given(expressions())
def test_grad_is_pure(expr):
    touched: list[Value] = []

    def recorded(*xs):
        out = expr(*xs)
        touched.extend(topological_order(out))
        return out

    xs = [Value(x) for x in expr.point]
    for x in xs:
        x.grad = 5.0
    grad(recorded, tuple(range(len(xs))))(*xs)
    grad(grad(recorded))(*xs)
    assert touched
    assert all(n.grad == (5.0 if n in xs else 0.0) for n in touched)


def test_a_constant_f_has_zero_gradients_as_in_jax():
    with pytest.warns(GradientWarning):  # said once per call: see the test below
        assert grad(lambda x, y: 1.0, (0, 1))(2.0, 3.0) == (0.0, 0.0)
        assert value_and_grad(lambda x: 7)(2.0) == (7.0, 0.0)
        traced = grad(lambda x: 1.0)(Value(2.0))  # Values in: a Value out, as for any f
        assert isinstance(traced, Value) and traced.data == 0.0
        assert grad(grad(lambda x: 3.0))(2.0) == 0.0


def test_a_number_returned_for_a_value_warns_at_the_callers_line_with_the_fix():
    with pytest.warns(GradientWarning) as caught:
        assert grad(lambda x: math.tanh(x))(0.5) == 0.0  # math.tanh reads float(x): unrecorded
    assert len(caught) == 1 and caught[0].filename == __file__
    message = str(caught[0].message)
    assert message.startswith(f"grad: f returned a plain number ({math.tanh(0.5)!r}), not a "
                              f"Value, so no op was recorded and every gradient is 0.0")
    assert "use the Value's own methods (x.tanh()" in message


def test_no_warning_where_the_zero_is_ordinary():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grad(lambda x, y: y * 2.0)(1.0, 3.0) == 0.0  # recorded: f just ignores x
        assert grad(grad(lambda x: x * 3.0))(1.0) == 0.0  # a linear f's second derivative
        assert grad(grad(lambda x: x.data * 0 + 3.0 * x))(1.0) == 0.0  # the inner grad's
        assert grad(lambda x: x.tanh())(0.5) == 1 - math.tanh(0.5) ** 2


def test_f_must_return_a_value_or_a_number():
    with pytest.raises(TypeError, match="f's result.*got list"):
        grad(lambda x: [x])(2.0)
    with pytest.raises(TypeError, match="got bool"):
        grad(lambda x: True)(2.0)


@pytest.mark.parametrize("argnums", [2, -3, (0, 2)])
def test_argnums_out_of_range(argnums):
    with pytest.raises(IndexError, match="out of range"):
        grad(f, argnums)(X, Y)


def test_bad_argument_type_names_the_argument():
    with pytest.raises(TypeError, match="argument 0"):
        grad(f)("1.5", Y)


def test_grad_nests_through_closures_as_jax_does():
    # The inner grad sees only numbers, but runs inside the outer f: its result must keep x.
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(2.0) == 4.0
    assert grad(lambda x: Value(0.0) + grad(lambda y: x * y * y)(1.0))(2.0) == 2.0


def test_one_partial_per_argument_even_for_shared_or_derived_values():
    x = Value(2.0, "x")
    p, q = grad(lambda a, b: a * b, (0, 1))(x, x)
    assert (p.data, q.data) == (2.0, 2.0)
    three = Value(3.0)
    assert grad(lambda a, b: a * b)(three, three * 2).data == 6.0  # d(ab)/da = b, b held fixed


def test_returned_gradients_are_new_values():
    w = Value(7.0, "w")
    g = grad(lambda x: x * w)(Value(2.0))
    assert g is not w and g.data == 7.0 and g.label == ""


@pytest.mark.parametrize("argnums", [True, (), (0, "1"), 1.0])
def test_argnums_must_be_ints(argnums):
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x, y: x * y, argnums)


def test_bad_argnums_say_what_was_expected_and_given():
    for bad in (None, "0", 1.0, True, (), (0, None)):
        with pytest.raises(TypeError, match=r"grad: argnums must be an int or a non-empty tuple "
                                            r"of ints, got"):
            grad(lambda x: x, bad)


def test_numpy_integer_argnums_count_as_ints():
    import numpy as np  # in the dev extra

    f = lambda x, y: x * y  # noqa: E731
    assert grad(f, np.int64(1))(3.0, 5.0) == 3.0
    assert grad(f, (np.int32(0), 1))(3.0, 5.0) == (5.0, 3.0)


def test_keywords_pass_through_to_f_undifferentiated():
    f = lambda x, *, scale: x * x * scale  # noqa: E731
    assert grad(f)(3.0, scale=2.0) == 12.0
    assert value_and_grad(f)(3.0, scale=2.0) == (18.0, 12.0)
    assert grad(grad(f))(3.0, scale=2.0) == 4.0

"""`vjp`, `jacobian` (both modes), `hessian` and `hvp`: closed forms, sympy, finite differences."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian, hvp, jacobian, vjp
from autograd.core.ops import REAL
from autograd.tools.testing import expressions, floats_in


def polar(r, a):
    return [r * a.cos(), r * a.sin(), r * r]


def closed_polar(r, a):
    return [[math.cos(a), -r * math.sin(a)], [math.sin(a), r * math.cos(a)], [2 * r, 0.0]]


def test_vjp_pullback_is_cotangent_times_jacobian_and_can_be_called_again():
    value, pullback = vjp(polar, 2.0, 0.5)
    assert value == pytest.approx([2 * math.cos(0.5), 2 * math.sin(0.5), 4.0])
    jac = closed_polar(2.0, 0.5)
    for cotangent in ([1.0, 0.0, 0.0], [0.5, -2.0, 3.0], [1.0, 0.0, 0.0]):
        expected = [sum(c * jac[i][j] for i, c in enumerate(cotangent)) for j in range(2)]
        assert list(pullback(cotangent)) == pytest.approx(expected, rel=1e-12)


def test_vjp_of_a_scalar_f_is_the_gradient_scaled():
    value, pullback = vjp(lambda x, y: x * y.exp(), 3.0, 0.5)
    assert value == pytest.approx(3 * math.exp(0.5))
    assert pullback(2.0) == pytest.approx((2 * math.exp(0.5), 2 * 3 * math.exp(0.5)))


def test_vjp_on_values_gives_values_to_differentiate_again():
    x = Value(0.7)
    _, pullback = vjp(lambda t: t.sin() * t, x)
    (g,) = pullback(1.0)
    assert isinstance(g, Value) and g.data == pytest.approx(math.sin(0.7) + 0.7 * math.cos(0.7))
    assert grad(lambda t: vjp(lambda s: s.sin() * s, t)[1](1.0)[0])(0.7) == pytest.approx(
        2 * math.cos(0.7) - 0.7 * math.sin(0.7))


def test_vjp_refuses_a_cotangent_of_the_wrong_shape():
    _, pullback = vjp(polar, 2.0, 0.5)
    with pytest.raises(ValueError, match="needs 3 entries"):
        pullback([1.0, 0.0])
    with pytest.raises(TypeError, match="cotangent"):
        pullback(["a", 0.0, 0.0])


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_jacobian_matches_the_closed_form(mode):
    jac = jacobian(polar, (0, 1), mode=mode)(2.0, 0.5)
    closed = closed_polar(2.0, 0.5)
    assert jac[0] == pytest.approx([row[0] for row in closed], rel=1e-12)
    assert jac[1] == pytest.approx([row[1] for row in closed], rel=1e-12)
    vector = jacobian(lambda v: polar(*v), mode=mode)([2.0, 0.5])  # one list argument
    assert [list(row) for row in vector] == [pytest.approx(row, rel=1e-12) for row in closed]


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_jacobian_drops_the_axes_of_number_inputs_and_outputs(mode):
    assert jacobian(lambda x: x.sin(), mode=mode)(0.3) == pytest.approx(math.cos(0.3))
    assert jacobian(lambda v: v[0] * v[1], mode=mode)([2.0, 5.0]) == [5.0, 2.0]
    assert jacobian(lambda x: [x, x * x], mode=mode)(3.0) == [1.0, 6.0]


def scale(x, s):
    return x * len(s)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_other_arguments_pass_through_untouched(mode):
    assert jacobian(scale, mode=mode)(3.0, "abc") == 3.0


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_jacobian_on_values_gives_values(mode):
    jac = jacobian(lambda v: [v[0] * v[1]], mode=mode)([Value(2.0), Value(3.0)])
    assert all(isinstance(x, Value) for x in jac[0])
    assert [x.data for x in jac[0]] == [3.0, 2.0]


@pytest.mark.parametrize(("n_in", "n_out"), [(2, 30), (30, 2)])
def test_both_modes_agree_on_wide_and_tall_jacobians(n_in, n_out):
    def f(xs):
        return [(xs[i % n_in] * (i + 1.0)).tanh() * xs[(i + 1) % n_in] for i in range(n_out)]

    point = [0.1 * (j + 1) for j in range(n_in)]
    rev, fwd = jacobian(f)(point), jacobian(f, mode="fwd")(point)
    assert len(rev) == n_out and len(rev[0]) == n_in
    for row_r, row_f in zip(rev, fwd):
        assert row_f == pytest.approx(row_r, rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(expressions(max_variables=3))
def test_jacobian_modes_agree_with_central_differences_on_random_graphs(expr):
    def f(*xs):
        out = expr(*xs)
        return [out, out * xs[0]]

    point = list(expr.point)
    rev = jacobian(f, tuple(range(len(point))))(*point)
    fwd = jacobian(f, tuple(range(len(point))), mode="fwd")(*point)
    for j in range(len(point)):
        def column(t, j=j):
            shifted = point.copy()
            shifted[j] = t
            return [o.data for o in f(*[Value(x) for x in shifted])]
        h = 1e-6
        numeric = [(u - d) / (2 * h) for u, d in zip(column(point[j] + h), column(point[j] - h))]
        assert fwd[j] == pytest.approx(rev[j], rel=1e-9, abs=1e-9)
        assert rev[j] == pytest.approx(numeric, rel=1e-4, abs=1e-4)


def test_hessian_matches_sympy():
    a, b = sympy.symbols("a b", real=True)
    expr = a**3 * sympy.sin(b) + sympy.exp(a * b)
    point = {a: 0.7, b: -0.4}
    closed = [[float(sympy.diff(expr, u, v).subs(point)) for v in (a, b)] for u in (a, b)]

    def f(x, y):
        return x**3 * y.sin() + (x * y).exp()

    blocks = hessian(f, (0, 1))(0.7, -0.4)
    assert [[blocks[i][j] for j in range(2)] for i in range(2)] == [
        pytest.approx(row, rel=1e-12) for row in closed]
    as_vector = hessian(lambda v: f(*v))([0.7, -0.4])
    assert as_vector == [pytest.approx(row, rel=1e-12) for row in closed]
    assert hessian(f)(0.7, -0.4) == pytest.approx(closed[0][0], rel=1e-12)


def test_hessian_blocks_of_a_list_and_a_number_argument():
    def f(v, s):
        return v[0] * v[1] * s + s * s

    blocks = hessian(f, (0, 1))([1.0, 2.0], 3.0)
    assert blocks[0][0] == [[0.0, 3.0], [3.0, 0.0]]
    assert blocks[0][1] == [2.0, 1.0]  # d2f/dv_i ds
    assert blocks[1][0] == [2.0, 1.0]
    assert blocks[1][1] == 2.0


def test_hessian_on_values_is_values():
    h = hessian(lambda x: x**3)(Value(2.0))
    assert isinstance(h, Value) and h.data == 12.0
    assert grad(lambda x: hessian(lambda t: t**3)(x))(2.0) == 6.0  # third derivative


@settings(max_examples=30, deadline=None)
@given(expressions(max_variables=3), st.data())
def test_hvp_is_the_hessian_times_the_vector(expr, data):
    point = list(expr.point)
    vector = [data.draw(floats_in(REAL)) for _ in point]
    full = hessian(expr, tuple(range(len(point))))(*point)
    expected = [sum(full[i][j] * vector[j] for j in range(len(point))) for i in range(len(point))]
    assert list(hvp(expr, point, vector)) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_hvp_closed_form_and_list_arguments():
    def f(v):
        return v[0] ** 2 * v[1] + v[1].exp()  # H = [[2y, 2x], [2x, e^y]]

    (product,) = hvp(f, ([1.5, 0.5],), ([1.0, -1.0],))
    assert product == pytest.approx([2 * 0.5 - 2 * 1.5, 2 * 1.5 - math.exp(0.5)])
    with pytest.raises(TypeError, match="primals must be a tuple"):
        hvp(f, 1.0, (1.0,))


@pytest.mark.parametrize("transform", [jacobian, hessian])
def test_argument_errors(transform):
    with pytest.raises(TypeError, match="argnums"):
        transform(polar, argnums="0")
    with pytest.raises(IndexError, match="out of range"):
        transform(lambda x: x, argnums=1)(1.0)
    with pytest.raises(ValueError, match="nothing to differentiate"):
        jacobian(lambda v: Value(1.0))([])
    with pytest.raises(ValueError, match="mode must be"):
        jacobian(polar, mode="forward")


def test_inside_a_grad_the_transforms_keep_the_graph_of_captured_values():
    """f captures grad's x: the inner results must stay Values, or the outer grad loses them."""
    def through_vjp(x):
        return vjp(lambda t: t * t * x, 3.0)[1](1.0)[0]  # 6x

    def through_jacobian(x):
        return jacobian(lambda t: [t * t * x])(3.0)[0]  # 6x

    def through_hessian(x):
        return hessian(lambda t: t * t * t * x)(2.0)  # 12x

    def through_hvp(x):
        return hvp(lambda t: t * t * x, (3.0,), (1.0,))[0]  # 2x

    assert grad(through_vjp)(5.0) == 6.0
    assert grad(through_jacobian)(5.0) == 6.0
    assert grad(through_hessian)(5.0) == 12.0
    assert grad(through_hvp)(5.0) == 2.0


def test_forward_mode_on_numbers_takes_no_other_transform_inside_but_values_do():
    def f(x):
        return x * x * x

    with pytest.raises(TypeError, match="is a Dual"):
        jacobian(jacobian(f), mode="fwd")(2.0)
    assert jacobian(jacobian(f), mode="fwd")(Value(2.0)).data == 12.0
    assert jacobian(jacobian(f, mode="fwd"), mode="fwd")(Value(2.0)).data == 12.0
    assert jacobian(jacobian(f, mode="fwd"))(2.0) == 12.0  # reverse outside: Values inside


def test_argnums_are_read_alike_by_grad_jacobian_hessian_and_compile():
    import numpy as np  # in the dev extra

    import autograd

    f = lambda x, y: x * x * y  # noqa: E731
    for one in (1, np.int64(1)):
        assert autograd.jacobian(f, argnums=one)(3.0, 5.0) == autograd.grad(f, one)(3.0, 5.0)
        assert autograd.compile(f, 3.0, 5.0, argnums=one)(3.0, 5.0)[1] == 9.0
    for both in ((0, 1), [0, 1]):
        assert autograd.jacobian(f, argnums=both)(3.0, 5.0) == (30.0, 9.0)
        assert autograd.compile(f, 3.0, 5.0, argnums=both)(3.0, 5.0)[1] == (30.0, 9.0)
    assert autograd.hessian(f, argnums=np.int64(0))(3.0, 5.0) == 10.0
    for transform in (autograd.jacobian, autograd.hessian):
        with pytest.raises(ValueError, match="argnums names an argument twice"):
            transform(f, argnums=(0, 0))(3.0, 5.0)
        with pytest.raises(TypeError, match="argnums must be an int or a non-empty tuple"):
            transform(f, argnums=None)

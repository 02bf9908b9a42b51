"""The op table against three oracles: central differences, sympy's calculus, and known kinks.

Every test iterates over `OPS`, so a new op is tested the moment it is added; a new op without a
sympy oracle below fails `test_every_op_has_a_sympy_oracle`. The derivative tests iterate over
the ops whose partials are derivatives (all but stop_gradient, whose 0 is a definition: it has
tests of its own below).
"""

from __future__ import annotations

import itertools
import math
import struct

import pytest
import sympy
from autograd_checks import assert_matches_difference
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Op, Value, grad, max_of, maximum, min_of, minimum, stop_gradient
from autograd.core.ops import FLOAT_MATH
from autograd.core.value import apply
from autograd.tools.testing import DIFFERENTIATED, op_inputs

ALL_OPS = pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
DIFFERENTIATED_OPS = pytest.mark.parametrize("op", DIFFERENTIATED, ids=lambda op: op.name)


class SYMPY_MATH:  # noqa: N801 - a namespace like FLOAT_MATH, read as `m.exp(a)` by the rules
    """The rules' math namespace in sympy: evaluating a rule with it gives a symbolic partial."""

    exp = staticmethod(sympy.exp)
    log = staticmethod(sympy.log)
    sin = staticmethod(sympy.sin)
    cos = staticmethod(sympy.cos)
    sqrt = staticmethod(sympy.sqrt)
    pow = staticmethod(lambda a, b: a**b)
    sign = staticmethod(sympy.sign)

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + sympy.exp(-x))

    @staticmethod
    def step(x):
        return sympy.Heaviside(x, 0)

    @staticmethod
    def picked(out, x):
        return sympy.Piecewise((1, sympy.Eq(out, x)), (0, True))


# Independent oracles: each op written directly in sympy, from its textbook definition.
ORACLES = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pos": lambda a: a,
    "neg": lambda a: -a,
    "pow": lambda a, k: a**k,
    "power": lambda a, b: a**b,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "relu": lambda a: sympy.Piecewise((a, a > 0), (0, True)),
    "leaky_relu": lambda a, k: sympy.Piecewise((a, a > 0), (k * a, True)),
    "abs": sympy.Abs,
    "maximum": sympy.Max,
    "minimum": sympy.Min,
    "stop_gradient": lambda a: a,  # the forward only: its partial 0 is a definition
}

SYMBOLS = sympy.symbols("a b", real=True)
PARAM = sympy.Symbol("k", real=True)


def symbols_of(op: Op) -> tuple[list[sympy.Symbol], list[sympy.Symbol]]:
    """(input symbols, input symbols then the parameter symbol if the op has one)."""
    inputs = list(SYMBOLS[: op.arity])
    return inputs, inputs + ([PARAM] if op.param else [])


def at(expr: sympy.Expr, symbols: list[sympy.Symbol], point: tuple[float, ...]) -> float:
    """`expr` evaluated at the point with 30 significant digits, then rounded to a float."""
    return float(sympy.N(expr, 30, subs={s: sympy.Float(x, 30) for s, x in zip(symbols, point)}))


def function_of(op: Op, point: tuple[float, ...]):
    """The op as a function of its Value inputs (its number parameter fixed at the point's)."""
    param = point[op.arity] if op.param else None
    return lambda *xs: apply(op, *xs, param=param)


def sympy_settings(test):
    # sympy is slow: fewer examples here; central differences below take the default count.
    return settings(max_examples=15, deadline=None)(test)


def test_every_op_has_a_sympy_oracle():
    assert set(OPS) == set(ORACLES)


@ALL_OPS
@sympy_settings
@given(data=st.data())
def test_forward_matches_oracle(op, data):
    point = data.draw(op_inputs(op))
    _, symbols = symbols_of(op)
    expected = at(ORACLES[op.name](*symbols), symbols, point)
    assert math.isclose(op.forward(*point), expected, rel_tol=1e-13, abs_tol=1e-13)


@DIFFERENTIATED_OPS
@sympy_settings
@given(data=st.data())
def test_rule_matches_sympy_derivative(op, data):
    """The table's own rule, evaluated symbolically, equals sympy.diff of the oracle."""
    point = data.draw(op_inputs(op))
    inputs, symbols = symbols_of(op)
    oracle = ORACLES[op.name](*symbols)
    rule = op.partials(SYMPY_MATH, *symbols, oracle)
    assert len(rule) == op.arity
    for symbol, partial in zip(inputs, rule):
        expected = at(sympy.diff(oracle, symbol), symbols, point)
        got = at(sympy.sympify(partial), symbols, point)
        assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12), (symbol, partial)


@DIFFERENTIATED_OPS
@sympy_settings
@given(data=st.data())
def test_engine_derivatives_match_sympy(op, data):
    """First and second derivatives from the engine (grad of grad) equal sympy's."""
    point = data.draw(op_inputs(op))
    inputs, symbols = symbols_of(op)
    oracle = ORACLES[op.name](*symbols)
    f = function_of(op, point)
    values = point[: op.arity]
    for i, si in enumerate(inputs):
        first = grad(f, i)(*values)
        expected = at(sympy.diff(oracle, si), symbols, point)
        assert math.isclose(first, expected, rel_tol=1e-12, abs_tol=1e-12)
        for j, sj in enumerate(inputs):
            second = grad(lambda *xs, i=i: grad(f, i)(*xs), j)(*map(Value, values))
            expected = at(sympy.diff(oracle, si, sj), symbols, point)
            assert math.isclose(second.data, expected, rel_tol=1e-11, abs_tol=1e-11)


@DIFFERENTIATED_OPS
@given(data=st.data())
def test_first_derivative_matches_central_difference(op, data):
    point = data.draw(op_inputs(op))
    f = function_of(op, point)
    values = list(point[: op.arity])
    partials = grad(f, tuple(range(op.arity)))(*values)
    for i in range(op.arity):

        def along(x: float, i: int = i) -> float:
            return op.forward(*values[:i], x, *values[i + 1 :], *point[op.arity :])

        assert_matches_difference(partials[i], along, values[i])


@DIFFERENTIATED_OPS
@given(data=st.data())
def test_second_derivative_matches_central_difference(op, data):
    point = data.draw(op_inputs(op))
    f = function_of(op, point)
    values = list(point[: op.arity])
    for i in range(op.arity):
        first = grad(f, i)  # floats in, floats out: the first partial as a plain function
        for j in range(op.arity):
            second = grad(lambda *xs, i=i: grad(f, i)(*xs), j)(*map(Value, values))

            def along(x: float, j: int = j, first=first) -> float:
                return first(*values[:j], x, *values[j + 1 :])

            assert_matches_difference(second.data, along, values[j])


@ALL_OPS
def test_rules_return_one_partial_per_input(op):
    point = tuple(lo for lo, _ in (d.ranges[0] for d in op.smooth))
    param = () if op.param is None else (op.param_domain.ranges[0][0],)
    out = op.forward(*point, *param)
    assert len(op.partials(SYMPY_MATH, *point, *param, out)) == op.arity


# -- conventions where an op is not differentiable ---------------------------------------------


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_kink_conventions_at_zero(x):
    assert grad(lambda v: v.relu())(x) == 0.0
    assert grad(lambda v: v.abs())(x) == 0.0
    assert grad(lambda v: v.leaky_relu(0.2))(x) == 0.2


def test_kink_conventions_are_documented_in_the_table():
    assert OPS["relu"].kink == "relu'(0) = 0"
    assert OPS["abs"].kink == "abs'(0) = 0"
    assert OPS["leaky_relu"].kink == "leaky_relu'(0) = slope"


def test_every_op_with_a_kink_is_sampled_away_from_zero():
    for op in OPS.values():
        if op.kink:
            assert all(not lo <= 0.0 <= hi for d in op.smooth for lo, hi in d.ranges)


@ALL_OPS
def test_formula_writes_operators_infix_and_functions_called(op):
    names = [f"in{i}" for i in range(op.arity)] + (["k"] if op.param else [])
    if op.symbol.isidentifier():
        assert op.formula(*names) == f"{op.symbol}({', '.join(names)})"
    else:  # `a*b`, and `x**k` for pow, whose exponent is a parameter
        assert op.formula(*names) == op.symbol.join(names)


def test_pow_derivative_at_zero_is_finite_where_the_math_is():
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0
    assert grad(grad(lambda x: x**1))(0.0) == 0.0
    assert grad(grad(grad(lambda x: x**2)))(0.0) == 0.0
    assert grad(lambda x: x**2)(0.0) == 0.0


# -- selections (maximum, minimum) and stop_gradient -------------------------------------------

SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.5, math.inf, -math.inf, math.nan]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_selections_return_an_operand_and_send_it_the_whole_gradient(name):
    """On every pair of specials (ties, -0.0 against 0.0, infinities, NaN) the result is one
    operand, bit for bit: the first on a tie or when it is NaN, the second when only it is NaN;
    the gradient goes to that operand alone, first and second order, on floats and Values."""
    for a, b in itertools.product(SPECIALS, repeat=2):
        ordered = a >= b if name == "maximum" else a <= b
        first = a != a if a != a or b != b else ordered  # a NaN: the first NaN wins
        x, y = Value(a), Value(b)
        out = getattr(x, name)(y)
        assert bits(out.data) == bits(a if first else b), (a, b)
        out.backward()
        assert (x.grad, y.grad) == ((1.0, 0.0) if first else (0.0, 1.0)), (a, b)
        assert grad(lambda s, t: getattr(s, name)(t), (0, 1))(a, b) == (x.grad, y.grad)
        second = grad(lambda s, t: grad(lambda u, v: getattr(u, name)(v), 0)(s, t), (0, 1))
        assert [g.data for g in second(Value(a), Value(b))] == [0.0, 0.0]


@settings(max_examples=60)
@given(st.lists(st.sampled_from([-1.0, 0.0, -0.0, 2.0, math.inf, math.nan])
                | st.floats(-3.0, 3.0), min_size=1, max_size=8))
def test_max_of_and_min_of_send_the_gradient_to_the_first_extreme_value(xs):
    """A left fold keeps the first of equal values: the whole gradient goes to the first
    maximal (minimal) input, or to the first NaN, as PyTorch's max pooling picks."""
    for fold, extreme in ((max_of, max), (min_of, min)):
        values = [Value(x) for x in xs]
        out = fold(values)
        nans = [i for i, x in enumerate(xs) if x != x]
        k = nans[0] if nans else xs.index(extreme(xs))  # index(): the first equal one
        assert bits(out.data) == bits(xs[k])
        out.backward()
        assert [v.grad for v in values] == [1.0 if i == k else 0.0 for i in range(len(xs))]


def test_max_of_and_min_of_refuse_nothing_and_non_numbers():
    with pytest.raises(ValueError, match="max_of: needs at least one value"):
        max_of([])
    with pytest.raises(TypeError, match=r"min_of: expected Values or real numbers .* str .* "
                                        r"at position 1"):
        min_of([Value(1.0), "2"])
    assert max_of([1.0, 3.0]).data == 3.0 and minimum(2.0, Value(-1.0)).data == -1.0
    assert maximum(2.0, 3.0).op == "maximum"


def test_stop_gradient_is_x_with_a_zero_partial_everywhere():
    """The forward returns x bit for bit; the rule is 0 on floats, Values and sympy; the node is
    recorded (unlike detach()'s leaf), and no order of derivative passes through it."""
    op = OPS["stop_gradient"]
    assert [o.name for o in OPS.values() if o.stops_gradient] == ["stop_gradient"]
    for x in SPECIALS:
        assert bits(op.forward(x)) == bits(x)
        assert op.partials(FLOAT_MATH, x, x) == (0.0,)
    a = SYMBOLS[0]
    assert op.partials(SYMPY_MATH, a, a) == (0.0,)
    x = Value(3.0)
    stopped = x.stop_gradient()
    assert stopped.parents == (x,) and stopped.op == "stop_gradient" and x.detach().parents == ()
    assert stop_gradient(x).data == 3.0 and stop_gradient(2.0).parents[0].data == 2.0
    (x * stopped).backward()
    assert x.grad == 3.0  # d/dx of x * c, with c = x held fixed
    assert grad(lambda t: t * t.stop_gradient())(3.0) == 3.0
    assert grad(grad(lambda t: t * t.stop_gradient()))(3.0) == 0.0
    assert grad(lambda t: t.stop_gradient().exp())(1.0) == 0.0

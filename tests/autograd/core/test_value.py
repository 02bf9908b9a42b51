"""`Value` and `apply`: construction, every op through the API, domain errors, IEEE policy, repr."""

from __future__ import annotations

import itertools
import math
import operator
import struct

import pytest

from autograd import OPS, Op, Value, no_grad, sum_of, topological_order
from autograd.core.value import apply

ALL_OPS = pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
CHECKED_OPS = pytest.mark.parametrize(
    "op", [op for op in OPS.values() if op.check], ids=lambda op: op.name
)

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def through_api(op: Op, *xs: Value, param: float | None = None) -> Value:
    """Call `op` the way a user does: an operator (`a * b`, `x ** k`, `-x`) or a method."""
    if op.arity == 2:  # an operator (`a * b`), or a method (`a.maximum(b)`)
        return BINARY[op.symbol](*xs) if op.symbol in BINARY else getattr(Value, op.name)(*xs)
    if op.param is not None and op.symbol in BINARY:
        return BINARY[op.symbol](xs[0], param)
    if hasattr(Value, op.name):
        method = getattr(Value, op.name)
        return method(xs[0]) if op.param is None else method(xs[0], param)
    return getattr(operator, op.name)(xs[0])  # neg: `-x`


@ALL_OPS
def test_every_op_is_reachable_from_the_value_api(op):
    inputs = [Value(d.ranges[-1][1]) for d in op.smooth]
    param = None if op.param is None else op.param_domain.ranges[0][1]
    out = through_api(op, *inputs, param=param)
    assert out._fn is op
    assert out.parents == tuple(inputs)
    expected = op.forward(*(x.data for x in inputs), *(() if param is None else (param,)))
    assert out.data == expected


# -- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [True, None, "1", 1j, [1], object()])
def test_value_rejects_non_numbers_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_value_accepts_ints_and_floats_as_floats():
    assert Value(3).data == 3.0 and isinstance(Value(3).data, float)
    assert Value(-2.5).data == -2.5


@pytest.mark.parametrize("label", [1, None, b"x"])
def test_label_must_be_a_str(label):
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label)


@pytest.mark.parametrize("bad", [True, None, "1", 1j, [1]])
@pytest.mark.parametrize("symbol", BINARY)
def test_operands_of_a_bad_type_name_the_op(symbol, bad):
    name = "pow" if symbol == "**" else {"+": "add", "-": "sub", "*": "mul", "/": "div"}[symbol]
    with pytest.raises(TypeError, match=rf"^{name}: "):
        BINARY[symbol](Value(2.0), bad)


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/"])
def test_reflected_operands_of_a_bad_type_name_the_op(symbol):
    with pytest.raises(TypeError, match="operands must be"):
        BINARY[symbol](None, Value(2.0))


def test_value_api_rejects_a_bad_parameter_type():
    with pytest.raises(TypeError, match="^leaky_relu: "):
        Value(1.0).leaky_relu("0.1")


# -- domain errors: raised before anything is recorded ------------------------------------------

SAMPLES = (-2.0, -0.5, 0.0, 0.5, 3.0)


def bad_inputs(op: Op) -> list[tuple[float, ...]]:
    """Inputs from a small grid where `op.check` refuses (with the parameter last, if any)."""
    params = [(k,) for k in (-1.0, 0.5, 2.0)] if op.param else [()]
    grid = itertools.product(itertools.product(SAMPLES, repeat=op.arity), params)
    return [xs + k for xs, k in grid if op.check(*xs, *k) is not None]


@CHECKED_OPS
def test_checked_ops_raise_the_documented_error_naming_op_value_and_label(op):
    cases = bad_inputs(op)
    assert cases, f"{op.name} has a check but no input in the grid violates it"
    for case in cases:
        xs, param = case[: op.arity], (case[op.arity] if op.param else None)
        error, _ = op.check(*case)
        assert error in (ValueError, ZeroDivisionError)
        inputs = [Value(x, f"in{i}") for i, x in enumerate(xs)]
        shown = ", ".join(f"in{i}={x!r}" for i, x in enumerate(xs))
        with pytest.raises(error) as caught:
            apply(op, *inputs, param=param)
        assert str(caught.value).startswith(f"{op.name}({shown}): ")


@CHECKED_OPS
def test_a_domain_error_records_nothing_and_changes_no_grad(op):
    case = bad_inputs(op)[0]
    xs, param = case[: op.arity], (case[op.arity] if op.param else None)
    leaves = [Value(x, f"in{i}") for i, x in enumerate(xs)]
    roots = [leaf * 1.0 for leaf in leaves]  # an intermediate node fed to the failing op
    for root in roots:
        root.backward()
    before = [(n, n.grad) for root in roots for n in topological_order(root)]
    with pytest.raises((ValueError, ZeroDivisionError)):
        apply(op, *roots, param=param)
    assert [(n, n.grad) for root in roots for n in topological_order(root)] == before
    assert [leaf.grad for leaf in leaves] == [1.0] * op.arity


def test_known_domain_errors():
    with pytest.raises(ValueError, match=r"^log\(x=0\.0\): "):
        Value(0.0, "x").log()
    with pytest.raises(ValueError, match=r"^sqrt\(x=-1\.0\): "):
        Value(-1.0, "x").sqrt()
    with pytest.raises(ZeroDivisionError, match=r"^div\(a=1\.0, b=0\.0\): "):
        Value(1.0, "a") / Value(0.0, "b")
    with pytest.raises(ZeroDivisionError, match=r"^div\(1\.0, 0\.0\): "):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match=r"^pow\(x=0\.0\): .*negative power -1"):
        Value(0.0, "x") ** -1
    with pytest.raises(ValueError, match=r"^pow\(x=-2\.0\): .*integer exponent"):
        Value(-2.0, "x") ** 0.5
    with pytest.raises(ValueError, match=r"^power\(b=-2\.0, e=2\.0\): .*base > 0"):
        Value(-2.0, "b") ** Value(2.0, "e")
    with pytest.raises(ValueError, match=r"^power\(0\.0, e=2\.0\): "):
        0 ** Value(2.0, "e")


def test_negative_base_with_integer_exponent_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert y.data == -8.0 and x.grad == 12.0


# -- the IEEE policy: overflow gives inf, never OverflowError -----------------------------------


def test_overflow_gives_inf():
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf
    assert (Value(-10.0) ** 400).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf
    assert (2 ** Value(5000.0)).data == math.inf
    assert Value(-1000.0).exp().data == 0.0
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).sigmoid().data == 0.0


def test_an_infinite_derivative_raises_naming_the_op():
    x = Value(0.0, "x")
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises(ZeroDivisionError, match=r"^sqrt\(x=0\.0\): .*not finite"):
        y.backward()


# -- what a Value looks like -------------------------------------------------------------------


def test_repr_is_short_and_shows_data_grad_label_op():
    x = Value(2.0, "x")
    y = x * x
    y.label = "y"
    y.backward()
    assert repr(x) == "Value(2.0, grad=4.0, label='x')"
    assert repr(y) == "Value(4.0, grad=1.0, label='y', op='*')"
    assert repr(Value(-0.5)) == "Value(-0.5, grad=0.0)"
    assert repr(Value(1 / 3, "third")) == "Value(0.333333, grad=0.0, label='third')"


def test_op_names_the_symbol_and_parameter():
    x = Value(3.0)
    assert x.op == ""
    assert (x**2).op == "**2"
    assert (x**-0.5).op == "**-0.5"
    assert (x ** Value(2.0)).op == "**"
    assert (x + 1).op == "+"
    assert x.tanh().op == "tanh"
    assert x.leaky_relu(0.1).op == "leaky_relu"
    assert x.detach().op == ""


def test_values_have_slots_and_no_dict():
    x = Value(1.0)
    assert not hasattr(x, "__dict__")
    with pytest.raises(AttributeError):
        x.colour = "red"


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1 and b not in {a: 1}


def test_comparisons_compare_data_and_return_bool():
    a, b = Value(1.0), Value(2.0)
    results = [a < b, a <= b, a > b, a >= b, a < 1.5, b >= 2]
    assert results == [True, True, False, False, True, True]
    assert all(type(r) is bool for r in results)
    assert max([a, b]) is b
    assert float(b) == 2.0


def test_detach_is_a_leaf_with_the_same_data_and_label():
    x = Value(2.0, "x")
    y = (x * 3).tanh()
    y.label = "y"
    d = y.detach()
    assert (d.data, d.label, d.parents, d.op) == (y.data, "y", (), "")


def test_subclasses_of_value_work_with_every_operator():
    class Parameter(Value):
        __slots__ = ()

    p = Parameter(2.0, "p")
    y = (p * 3 + 1).exp() / p
    y.backward()
    assert p.grad == pytest.approx(math.exp(7) * (3 * 2 - 1) / 4)


def test_unary_plus_is_a_new_node_and_abs_is_the_abs_op():
    x = Value(-2.0, "x")
    assert (+x) is not x and (+x).data == -2.0 and (+x).op == "pos"
    y = abs(x)
    y.backward()
    assert (y.data, y.op, x.grad) == (2.0, "abs", -1.0)


def test_an_int_beyond_float_range_is_infinite():
    assert Value(10**400).data == math.inf and Value(-(10**400)).data == -math.inf
    assert (Value(1.0) * 10**400).data == math.inf


@pytest.mark.parametrize("symbol", ["+", "-", "*"])
def test_the_inlined_operators_build_what_apply_builds(symbol):
    fast = {"+": operator.add, "-": operator.sub, "*": operator.mul}[symbol]
    a, b = Value(1.5, "a"), Value(-2.0, "b")
    op = next(op for op in OPS.values() if op.symbol == symbol and op.arity == 2)
    out, expected = fast(a, b), apply(op, a, b)
    assert (out.data, out.op, out.parents, out.grad, out.label) == (
        expected.data, expected.op, expected.parents, expected.grad, expected.label)


def test_numpy_scalars_are_numbers_on_either_side_alike():
    import numpy as np  # in the dev extra
    for scalar in (np.float32(3), np.float64(3), np.int64(3), np.int8(3)):
        x, y = Value(2.0, "x"), Value(2.0, "y")
        left, right = x * scalar, scalar * y
        assert isinstance(left, Value) and isinstance(right, Value)
        assert left.data == right.data == 6.0
        left.backward(), right.backward()
        assert x.grad == y.grad == 3.0
        assert Value(scalar).data == 3.0 and type(Value(scalar).data) is float
    with pytest.raises(TypeError, match="not bool"):
        Value(2.0) * np.bool_(True)


def test_sum_of_refuses_bools_and_other_non_numbers():
    for bad in ([True, True], [Value(1.0), "2"], [None]):
        with pytest.raises(TypeError, match=r"sum_of: expected Values or real numbers .* at "
                                            r"position"):
            sum_of(bad)
    assert sum_of([1, 2.5, Value(1.0)]).data == 4.5


def test_parents_is_the_operand_tuple_for_leaves_unary_and_binary_nodes():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    assert x.parents == () and isinstance(x.parents, tuple)
    assert x.tanh().parents == (x,)
    assert (x ** 2).parents == (x,)  # a number exponent is a parameter, not a parent
    assert (x - y).parents == (x, y) and (y - x).parents == (y, x)
    assert (x * x).parents == (x, x)
    lifted = (2 - x).parents
    assert lifted[1] is x and lifted[0].parents == () and lifted[0].data == 2.0
    with no_grad():
        assert (x * y).parents == ()


def test_setting_parents_relinks_the_node_and_checks_what_it_gets():
    x, y, z = Value(2.0), Value(3.0), Value(5.0)
    out = x * y
    out.parents = (x, z)  # what copying does: the graph now reads z
    assert out.parents == (x, z) and topological_order(out) == [x, z, out]
    out.parents = [z]
    assert out.parents == (z,)
    out.parents = ()
    assert out.parents == () and topological_order(out) == [out]
    for bad in ((x, y, z), (x, 1.0), (None,)):
        with pytest.raises((TypeError, ValueError), match="expected a tuple of Values|no op takes"):
            out.parents = bad
        assert out.parents == ()  # unchanged


SPECIAL = [0.0, -0.0, 1.5, -2.25, 1e308, -1e-310, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("name", ["add", "sub", "mul"])
def test_the_operator_methods_compute_exactly_the_tables_forward(name):
    # `+ - *` on two Values write the operator out instead of calling the table's forward
    from autograd.core.ops import PYTHON_OPERATORS

    op = OPS[name]
    method = getattr(Value, f"__{name}__")
    assert PYTHON_OPERATORS[op.forward] == {"add": "+", "sub": "-", "mul": "*"}[name]
    for x in SPECIAL:
        for y in SPECIAL:
            out = method(Value(x), Value(y))
            want = op.forward(x, y)
            assert out._fn is op and len(out.parents) == 2
            assert struct.pack("<d", out.data) == struct.pack("<d", want), (name, x, y)

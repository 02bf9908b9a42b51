"""The IEEE policy, op by op: overflow gives inf, nan propagates, inf in gives nan or inf out."""

import math

import pytest

from autograd import OPS, Value
from autograd.core.value import apply

NAN, INF = math.nan, math.inf


def _run(op, x):
    args = (Value(x),) if op.arity == 1 else (Value(x), Value(1.5))
    param = {"k": 2.0, "slope": 0.1}.get(op.param) if op.param else None
    return apply(op, *args, param=param)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_nan_in_gives_nan_out_and_no_error(op):
    assert math.isnan(_run(op, NAN).data)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_inf_in_gives_a_float_not_an_exception(op):
    out = _run(op, INF).data
    assert isinstance(out, float)


def test_overflow_is_inf_forward_and_backward():
    x = Value(10.0, "x")
    y = x**1024
    y.backward()
    assert y.data == INF and x.grad == INF
    assert Value(1000.0).exp().data == INF
    assert (Value(-10.0) ** 1023).data == -INF


def test_sin_and_cos_of_inf_are_nan():
    assert math.isnan(Value(INF).sin().data) and math.isnan(Value(-INF).cos().data)

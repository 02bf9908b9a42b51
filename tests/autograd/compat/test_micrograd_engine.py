"""micrograd's test/test_engine.py patterns, rewritten, on `autograd.compat.micrograd.Value`.

micrograd compares with PyTorch; here the expected numbers come from a small forward-mode
dual-number class on plain floats, written below, independent of stepgrad.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd.compat.micrograd import Value
from autograd.compat.micrograd.engine import Value as EngineValue


class D:
    """A float with one derivative carried along (forward mode, by hand): the oracle."""

    def __init__(self, v: float, d: float = 0.0) -> None:
        self.v, self.d = v, d

    @staticmethod
    def of(x) -> D:
        return x if isinstance(x, D) else D(float(x))

    def __add__(self, o):
        o = D.of(o)
        return D(self.v + o.v, self.d + o.d)

    __radd__ = __add__

    def __mul__(self, o):
        o = D.of(o)
        return D(self.v * o.v, self.d * o.v + self.v * o.d)

    __rmul__ = __mul__

    def __neg__(self):
        return D(-self.v, -self.d)

    def __sub__(self, o):
        return self + (-D.of(o))

    def __pow__(self, k: float):
        return D(self.v**k, k * self.v ** (k - 1) * self.d)

    def __truediv__(self, o):
        o = D.of(o)
        return D(self.v / o.v, (self.d * o.v - self.v * o.d) / (o.v * o.v))

    def __rtruediv__(self, o):
        return D.of(o) / self

    def relu(self):
        return D(self.v, self.d) if self.v > 0 else D(0.0, 0.0)


def sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_sanity_check():
    x = Value(-4.0)
    y = sanity(x)
    y.backward()
    oracle = sanity(D(-4.0, 1.0))
    assert y.data == oracle.v and x.grad == oracle.d  # exact, as micrograd's test asserts
    assert (y.data, x.grad) == (-20.0, 46.0)


def test_more_ops():
    a, b = Value(-4.0), Value(2.0)
    g = more_ops(a, b)
    g.backward()
    by_a, by_b = more_ops(D(-4.0, 1.0), D(2.0)), more_ops(D(-4.0), D(2.0, 1.0))
    tol = 1e-6  # micrograd's own tolerance
    assert abs(g.data - by_a.v) < tol
    assert abs(a.grad - by_a.d) < tol and abs(b.grad - by_b.d) < tol
    assert a.grad == pytest.approx(138.8338, abs=1e-4) and g.data == pytest.approx(24.7041, 1e-5)


def test_prev_is_a_set_and_op_is_micrographs_string():
    a, b = Value(2.0), Value(-3.0)
    assert a._prev == set() and a._op == "" and EngineValue is Value
    assert (a + b)._prev == {a, b} and (a + b)._op == "+"
    assert (a * a)._prev == {a} and (a * b)._op == "*"
    assert (a**2)._op == "**2" and (a**-1)._op == "**-1" and (a**0.5)._op == "**0.5"
    assert a.relu()._op == "ReLU" and a.tanh()._op == "tanh" and a.exp()._op == "exp"
    (one,) = (a + 1)._prev - {a}  # a number is wrapped, as micrograd does
    assert type(one) is Value and one.data == 1.0 and one._prev == set()
    for made in (a + 1, 1 + a, a - 1, 1 - a, a * 2, 2 * a, a / 2, 2 / a, -a, a**3, a.relu()):
        assert type(made) is Value and all(type(p) is Value for p in made._prev)


def test_repr_grad_and_backward_are_micrographs():
    a = Value(2.0)
    assert repr(a) == "Value(data=2.0, grad=0)" and a._repr_html_() is None
    n = a * 3.0
    o = n.tanh()
    o.grad = 1.0
    o._backward()  # micrograd's lecture: one node's step by hand
    assert n.grad == pytest.approx(1 - o.data**2) and a.grad == 0
    n._backward()
    assert a.grad == pytest.approx(3 * (1 - o.data**2))


def test_it_is_stepgrads_engine_underneath():
    x = Value(-4.0)
    y = sanity(x)
    assert isinstance(y, autograd.Value)
    steps = list(y.backward_steps())  # stepgrad's stepper reads micrograd code's graph
    assert x.grad == 46.0 and steps[0].node is y and type(steps[-1].node) is Value
    y.backward()  # NB: stepgrad's backward adds; a second call doubles (micrograd's does not)
    assert x.grad == 92.0


def test_numpy_numbers_mix_in_as_in_micrographs_demo():
    v = Value(1.5)
    for made in (np.float64(2.0) * v, -np.int64(1) * v, v + np.float64(1.0), 1 + -np.int64(1) * v):
        assert type(made) is Value


def test_children_and_op_are_recorded_by_stepgrad_not_passed():
    a = Value(1.0)
    with pytest.raises(TypeError, match="records its own graph"):
        Value(2.0, (a,), "+")
    assert Value(2.0, label="b").label == "b"

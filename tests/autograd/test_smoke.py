"""The micrograd neuron, by hand: known values every reader can check."""

import math

from autograd import Value


def test_tanh_neuron_known_gradients():
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    o = (x * w + b).tanh()
    o.backward()
    assert math.isclose(o.data, math.sqrt(0.5), rel_tol=1e-12)
    assert math.isclose(x.grad, -1.5, rel_tol=1e-12)
    assert math.isclose(w.grad, 1.0, rel_tol=1e-12)
    assert math.isclose(b.grad, 0.5, rel_tol=1e-12)

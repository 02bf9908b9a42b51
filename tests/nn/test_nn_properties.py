"""Properties over many drawn inputs: loss identities, exact round trips, first steps."""

import math
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, SGD, Adam, bce_with_logits, softmax_cross_entropy

logit = st.floats(-15, 15, allow_nan=False)


@given(st.lists(logit, min_size=2, max_size=5), st.floats(-500, 500), st.data())
def test_softmax_cross_entropy_ignores_a_shift_of_all_logits(zs, shift, data):
    label = data.draw(st.integers(0, len(zs) - 1))
    plain = softmax_cross_entropy([[Value(z) for z in zs]], [label]).data
    shifted = softmax_cross_entropy([[Value(z + shift) for z in zs]], [label]).data
    assert math.isclose(plain, shifted, rel_tol=1e-9, abs_tol=1e-9)


@given(logit, st.sampled_from([0, 1]))
def test_bce_with_logits_is_the_cross_entropy_of_the_sigmoid(z, y):
    s = 1 / (1 + math.exp(-z))
    closed = -(y * math.log(s) + (1 - y) * math.log(1 - s))
    assert math.isclose(bce_with_logits([Value(z)], [y]).data, closed, rel_tol=1e-6,
                        abs_tol=1e-12)


@given(st.integers(1, 4), st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.integers(0, 2**32))
def test_save_then_load_restores_every_parameter_exactly(nin, nouts, seed):
    saved, other = MLP(nin, nouts, rng=seed), MLP(nin, nouts, rng=seed + 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        saved.save(path)
        other.load(path)
    assert other.state_dict() == saved.state_dict()


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(1e-4, 1.0))
def test_first_steps(data, grad, lr):
    p, q = Value(data), Value(data)
    p.grad = q.grad = grad
    SGD([p], lr=lr).step()
    assert p.data == data - lr * grad
    Adam([q], lr=lr).step()  # the first Adam step is lr * g / (|g| + eps): about lr * sign(g)
    assert math.isclose(q.data, data - lr * grad / (abs(grad) + 1e-8), rel_tol=1e-9,
                        abs_tol=1e-12)

"""Compiled nn steps against the dynamic engine, bit for bit, on inputs the trace never saw.

Max pooling's winners and softmax_cross_entropy's shift are recorded ops, so they move with the
inputs; every label is checked at every call, with the loss's own error and no `.grad` changed;
what cannot be replayed (a class index, an Embedding index) is refused when traced.
"""

from __future__ import annotations

import math
import re

import pytest
from autograd_checks import outcome
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value

# Few distinct values: ties (0.0 against -0.0 too) and winners that change place are common.
PIXEL = st.one_of(st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0]), st.floats(-3.0, 3.0))
# Logits far beyond the traced ones (a stale shift would overflow exp), and IEEE specials.
LOGIT = st.one_of(PIXEL, st.floats(-1000.0, 1000.0),
                  st.sampled_from([745.0, -745.0, 1e308, -1e308, math.inf, -math.inf, math.nan]))
LABEL = st.one_of(st.sampled_from([7.0, 0.0, -0.0, 0.5, 1.0, -1.0, 1.5, -0.5, 1.0 + 1e-12,
                                   math.nan, math.inf, -math.inf]),
                  st.floats(allow_nan=True, allow_infinity=True))


def hexes(xs) -> list[str]:
    return [float(x).hex() for x in xs]


def grads(params) -> list[str]:
    return hexes(p.grad for p in params)


def set_grads(params, start: float) -> None:
    for p in params:
        p.grad = start




def image(values: list[float], size: int) -> list:
    return [[values[r * size:(r + 1) * size] for r in range(size)]]


# --- a CNN with max pooling: the winners move -----------------------------------------------

SIZE = 5


def _cnn():
    # pooling the image itself first: the winners move with the pixels drawn, not only with
    # the convolution's outputs
    return nn.Sequential(nn.MaxPool2d(2, stride=1), nn.Conv2d(1, 2, 2, rng=4), nn.ReLU(),
                         nn.MaxPool2d(2, stride=1), nn.Flatten(),
                         nn.Layer(2 * 2 * 2, 3, activation="linear", rng=5))


def _cnn_loss(net, images, labels):
    return nn.softmax_cross_entropy([net(image(x, SIZE)) for x in images], labels)


CNN = _cnn()
TRACED_IMAGES = [[float(k % 7) - 3.0 for k in range(SIZE * SIZE)],
                 [float((3 * k) % 5) for k in range(SIZE * SIZE)]]
TRACED_LABELS = [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]
CNN_STEP = autograd.compile(lambda xs, ys: _cnn_loss(CNN, xs, ys), TRACED_IMAGES, TRACED_LABELS)
CNN_PIXEL_GRADS = autograd.compile(lambda xs, ys: _cnn_loss(CNN, xs, ys), TRACED_IMAGES,
                                   TRACED_LABELS, argnums=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(PIXEL, min_size=SIZE * SIZE, max_size=SIZE * SIZE),
                min_size=2, max_size=2),
       st.lists(st.sampled_from([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0],
                                 [0.25, 0.25, 0.5]]), min_size=2, max_size=2))
def test_a_compiled_cnn_with_max_pooling_equals_the_dynamic_engine_on_new_images(xs, ys):
    params = CNN.parameters()
    set_grads(params, 0.0)
    value = CNN_STEP(xs, ys)
    compiled = grads(params)
    set_grads(params, 0.0)
    out = _cnn_loss(CNN, xs, ys)
    out.backward()
    assert hexes([value]) == hexes([out.data])
    assert compiled == grads(params)
    # the gradient of every pixel, through both poolings' choices
    value, pixel_grads = CNN_PIXEL_GRADS(xs, ys)
    want_value, want = dynamic_value_and_grads(lambda leaves: _cnn_loss(CNN, leaves, ys), xs)
    assert hexes([value]) == hexes([want_value])
    for row, want_row in zip(pixel_grads, want):
        assert hexes(row) == hexes(want_row)


def dynamic_value_and_grads(f, xs: list[list[float]]) -> tuple[float, list[list[float]]]:
    """f's value and its gradient for each number of `xs` on the dynamic engine (added to 0.0,
    as backward() and compiled programs hand gradients out)."""
    leaves = [[Value(x) for x in row] for row in xs]
    out = f(leaves)
    _, found = autograd.gradients(out)
    return out.data, [[0.0 + found.get(leaf, 0.0) for leaf in row] for row in leaves]


def test_each_window_picks_its_winner_again_at_every_call():
    """Traced where every window's winner is its first entry, called where it is its last, and
    where all tie: the value and the gradient follow the new winners (a replayed choice would
    send them to the traced ones)."""
    def f(xs):
        pooled = nn.Flatten()(nn.MaxPool2d(2)(image(xs[0], 4)))
        return pooled[0] * 3.0 + pooled[3]

    corners = [(r, c) for r in (0, 2) for c in (0, 2)]  # each window's top-left pixel
    first = [1.0] * 16
    last = [0.0] * 16
    for r, c in corners:
        first[4 * r + c] = 4.0
        last[4 * (r + 1) + c + 1] = 2.0  # the window's bottom-right pixel
    compiled = autograd.compile(f, [first], argnums=0)
    for x in (first, last, [1.0] * 16):  # all equal: each window's first entry wins
        value, (got,) = compiled([x])
        want_value, (want,) = dynamic_value_and_grads(f, [x])
        assert hexes([value]) == hexes([want_value])
        assert hexes(got) == hexes(want)
    _, (got,) = compiled([last])
    assert got[5] == 3.0 and got[15] == 1.0 and got[0] == got[10] == 0.0
    _, (got,) = compiled([[1.0] * 16])
    assert got[0] == 3.0 and got[10] == 1.0 and sum(got) == 4.0


# --- softmax_cross_entropy: the shift is recomputed -------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(LOGIT, min_size=4, max_size=4), min_size=1, max_size=3), st.data())
def test_compiled_softmax_cross_entropy_equals_the_dynamic_engine_on_new_logits(zs, data):
    """Logits as inputs, far from the traced ones: the shift is each row's max again, so no exp
    overflows and every bit agrees, NaN and inf included; soft labels are inputs too."""
    rows = [[data.draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for _ in range(3)] for _ in zs]
    rows = [r + [1.0 - math.fsum(r)] if math.fsum(r) <= 1.0 else [1.0, 0.0, 0.0, 0.0]
            for r in rows]
    traced = [[0.5 * j - i for j in range(4)] for i in range(len(zs))]
    compiled = autograd.compile(nn.softmax_cross_entropy, traced, rows, argnums=(0, 1))
    got = outcome(lambda: compiled(zs, rows))
    logits = [[Value(z) for z in row] for row in zs]
    labels = [[Value(p) for p in row] for row in rows]

    def dynamic():
        out = nn.softmax_cross_entropy(logits, labels)
        _, found = autograd.gradients(out)
        return out.data, tuple([[0.0 + found.get(v, 0.0) for v in row] for row in rows_]
                               for rows_ in (logits, labels))

    want = outcome(dynamic)
    assert got[0] == want[0], (got, want)
    if got[0] == "error":
        assert got[1:] == want[1:]
        return
    (v1, g1), (v2, g2) = got[1], want[1]
    assert hexes([v1]) == hexes([v2])
    for a, b in zip(g1, g2):
        for row_a, row_b in zip(a, b):
            assert hexes(row_a) == hexes(row_b)


def test_the_shift_is_a_recorded_max_that_passes_no_gradient():
    zs = [Value(1.0), Value(3.0), Value(3.0)]
    loss = nn.softmax_cross_entropy([zs], [0])
    shift = [n for n in autograd.topological_order(loss) if n.op == "stop_gradient"]
    assert len(shift) == 1 and shift[0].data == 3.0 and shift[0].parents[0].op == "maximum"
    loss.backward()
    lse = 3.0 + math.log(math.exp(-2.0) + 2.0)
    want = [math.exp(z.data - lse) - (k == 0) for k, z in enumerate(zs)]
    assert [z.grad for z in zs] == pytest.approx(want, rel=1e-12)


# --- labels: checked at every call, the loss's own error, no .grad changed -------------------

MODEL = nn.MLP(2, [4, 3], activation="tanh", rng=3)
XS = [[0.5, -1.0], [1.5, 0.25]]


def _labelled(loss: str):
    """(f(xs, ys), valid example labels, a strategy for any labels) for each loss with labels."""
    if loss == "mse":
        return (lambda xs, ys: nn.mse([MODEL(x)[0] for x in xs], ys), [0.5, -1.0],
                st.lists(LABEL, min_size=2, max_size=2))
    if loss == "bce_with_logits":
        return (lambda xs, ys: nn.bce_with_logits([MODEL(x)[1] for x in xs], ys), [0.0, 1.0],
                st.lists(LABEL, min_size=2, max_size=2))
    if loss == "hinge":
        return (lambda xs, ys: nn.hinge([MODEL(x)[2] for x in xs], ys), [1.0, -1.0],
                st.lists(LABEL, min_size=2, max_size=2))
    rows = st.one_of(st.lists(LABEL, min_size=3, max_size=3),
                     st.sampled_from([[0.0, 0.0, 1.0], [0.2, 0.3, 0.5], [0.5, 0.5, 0.0],
                                      [0.3, 0.3, 0.3], [0.5, 0.6, -0.1], [1.0, 0.0, 1e-10]]))
    return (lambda xs, ys: nn.softmax_cross_entropy([MODEL(x) for x in xs], ys),
            [[0.0, 0.0, 1.0], [0.25, 0.25, 0.5]], st.lists(rows, min_size=2, max_size=2))


LABELLED = ["mse", "bce_with_logits", "hinge", "softmax_cross_entropy"]
STEPS = {loss: autograd.compile(_labelled(loss)[0], XS, _labelled(loss)[1]) for loss in LABELLED}


@pytest.mark.parametrize("loss", LABELLED)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_every_label_is_checked_at_every_call_of_a_compiled_step(loss, data):
    """Any labels: the compiled step and the dynamic engine both accept them (same value and
    gradients, bit for bit) or both raise the same exception, type and message; a refused call
    leaves every .grad as it was."""
    f, _, labels = _labelled(loss)
    ys = data.draw(labels)
    params = MODEL.parameters()
    set_grads(params, 0.25)
    got = outcome(lambda: STEPS[loss](XS, ys))
    compiled = grads(params)
    set_grads(params, 0.25)

    def dynamic():
        out = f(XS, ys)
        out.backward()
        return out.data

    want = outcome(dynamic)
    assert got[0] == want[0], (ys, got, want)
    if got[0] == "error":
        assert got[1:] == want[1:]
        assert compiled == hexes([0.25] * len(params))  # nothing changed
    else:
        assert hexes([got[1]]) == hexes([want[1]])
        assert compiled == grads(params)


@pytest.mark.parametrize("loss, bad, message", [
    ("hinge", [1.0, 7.0], "hinge: label 1 must be -1 or +1, got 7.0"),
    ("hinge", [0.0, 1.0], "hinge: label 0 must be -1 or +1, got 0.0"),
    ("bce_with_logits", [1.5, 0.0], "bce_with_logits: label 0 must be a number in [0, 1], got 1.5"),
    ("bce_with_logits", [0.5, math.nan],
     "bce_with_logits: label 1 must be a number in [0, 1], got nan"),
    ("softmax_cross_entropy", [[0.0, 0.0, 1.0], [0.5, 0.5, 0.5]],
     "softmax_cross_entropy: label 1 is a row of probabilities that sums to 1.5, not 1"),
    ("softmax_cross_entropy", [[0.0, -0.5, 1.5], [0.0, 0.0, 1.0]],
     "softmax_cross_entropy: label 0 must be a number in [0, 1], got -0.5"),
])
def test_the_issues_bad_labels_raise_the_losss_own_error_compiled(loss, bad, message):
    """`hinge` with label 7.0 was accepted by a compiled step: now every call checks it."""
    params = MODEL.parameters()
    set_grads(params, 0.5)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        _labelled(loss)[0](XS, bad)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        STEPS[loss](XS, bad)
    assert grads(params) == hexes([0.5] * len(params))
    assert STEPS[loss](XS, _labelled(loss)[1]) == _labelled(loss)[0](XS, _labelled(loss)[1]).data


def test_labels_pass_through_recorded_checks_with_their_gradient_unchanged():
    """A label Value becomes a `hinge_label` node (partial 1): d(loss)/d(label) is as before;
    a number label is a constant, checked once, with no node."""
    s, y = Value(0.25), Value(-1.0)
    loss = nn.hinge([s], [y])
    assert [n.op for n in autograd.topological_order(loss)].count("hinge_label") == 1
    loss.backward()
    assert y.grad == -0.25  # d relu(1 - y*s)/dy = -s, the margin not met
    value, (got,) = autograd.compile(lambda ys: nn.hinge([s], ys), [-1.0], argnums=(0,))([1.0])
    assert value == 0.75 and got == [-0.25]
    ops = [n.op for n in autograd.topological_order(nn.hinge([s], [1.0]))]
    assert "hinge_label" not in ops


def test_penalties_take_no_labels_and_a_weight_given_as_an_input_is_refused_when_traced():
    w = MODEL.parameters()[:3]
    with pytest.raises(TypeError, match="l2_penalty: alpha must be a number .* got Value"):
        autograd.compile(lambda a: nn.l2_penalty(w, a), 0.1)
    with pytest.raises(TypeError, match="l2_penalty: alpha must be a number .* got Value"):
        nn.l2_penalty(w, Value(0.1))


# --- what cannot be replayed is refused when traced ------------------------------------------


def test_a_class_index_as_a_compiled_input_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match="label 0 is an input slot of autograd.compile .* "
                                         "row of 3 probabilities"):
        autograd.compile(lambda xs, ys: nn.softmax_cross_entropy([MODEL(x) for x in xs], ys),
                         XS, [2, 0])
    captured = autograd.compile(
        lambda xs: nn.softmax_cross_entropy([MODEL(x) for x in xs], [2, 0]), XS)
    assert captured(XS) == nn.softmax_cross_entropy([MODEL(x) for x in XS], [2, 0]).data


def test_an_embedding_index_as_a_compiled_input_is_refused_with_what_to_do():
    table = nn.Embedding(4, 2, rng=0)
    with pytest.raises(TypeError, match="Embedding: the index is an input slot of "
                                        "autograd.compile"):
        autograd.compile(lambda i: table(i)[0], 3)
    with pytest.raises(TypeError, match="Embedding: index must be an int"):
        table(Value(3.0))  # not tracing: the plain refusal
    fixed = autograd.compile(lambda x: table(3)[0] * x, 2.0)
    assert fixed(5.0) == table(3)[0].data * 5.0

"""Embedding, RNNCell, LSTMCell, RNN: forward against formulas on floats, gradcheck through time."""

import math
import random

import pytest

from autograd import Value, gradcheck, sum_of
from nn import RNN, Embedding, LSTMCell, RNNCell, Sequential


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def affine(layer, xs):
    """W [x, h] + b for every neuron of a gate, on floats."""
    return [sum(w.data * x for w, x in zip(n.w, xs)) + (n.b.data if isinstance(n.b, Value)
                                                         else n.b) for n in layer.neurons]


def test_embedding_returns_its_row_and_trains_only_that_row():
    table = Embedding(5, 3, rng=0)
    row = table(2)
    assert all(v is w for v, w in zip(row, table.weight[2])) and len(row) == 3
    assert [n for n, p in table.named_parameters() if p is row[1]] == ["weight.2.1"]
    sum_of([v * v for v in row]).backward()
    grads = [p.grad for p in table.parameters()]
    assert grads[6:9] == [2 * v.data for v in row]
    assert grads[:6] == [0.0] * 6 and grads[9:] == [0.0] * 6
    # N(0, 1) initialisation, seeded
    values = [p.data for p in Embedding(50, 20, rng=1).parameters()]
    assert abs(sum(values) / len(values)) < 0.1
    assert 0.9 < math.sqrt(sum(v * v for v in values) / len(values)) < 1.1
    assert values == [p.data for p in Embedding(50, 20, rng=1).parameters()]


@pytest.mark.parametrize("index, error, message", [
    (5, ValueError, "Embedding: index must be an int in 0..4, got 5"),
    (-1, ValueError, "got -1"),
    (True, TypeError, "got bool"),
    (1.0, TypeError, "got float"),
])
def test_embedding_rejects_bad_indices(index, error, message):
    with pytest.raises(error, match=message):
        Embedding(5, 3)(index)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_its_formula(nonlinearity):
    cell = RNNCell(2, 3, nonlinearity=nonlinearity, rng=1)
    x, h = [0.5, -1.0], [0.2, -0.3, 0.9]
    f = math.tanh if nonlinearity == "tanh" else (lambda z: max(z, 0.0))
    want = [f(z) for z in affine(cell.cell, x + h)]
    assert [v.data for v in cell(x, h)] == pytest.approx(want, rel=1e-12)
    assert [v.data for v in cell(x)] == pytest.approx(
        [f(z) for z in affine(cell.cell, x + [0.0] * 3)], rel=1e-12)  # zero state


def test_lstm_cell_matches_its_formula():
    cell = LSTMCell(2, 3, rng=2)
    x, h, c = [0.5, -1.0], [0.2, -0.3, 0.9], [1.0, -0.5, 0.25]
    xh = x + h
    i = [sigmoid(z) for z in affine(cell.input_gate, xh)]
    f = [sigmoid(z) for z in affine(cell.forget_gate, xh)]
    g = [math.tanh(z) for z in affine(cell.cell_gate, xh)]
    o = [sigmoid(z) for z in affine(cell.output_gate, xh)]
    c_next = [f[k] * c[k] + i[k] * g[k] for k in range(3)]
    h_next = [o[k] * math.tanh(c_next[k]) for k in range(3)]
    got_h, got_c = cell(x, (h, c))
    assert [v.data for v in got_c] == pytest.approx(c_next, rel=1e-12)
    assert [v.data for v in got_h] == pytest.approx(h_next, rel=1e-12)


@pytest.mark.parametrize("cell", [RNNCell(1, 2, rng=3), LSTMCell(1, 2, rng=4)], ids=repr)
def test_cells_gradcheck_through_three_steps(cell):
    def loss(xs):
        outputs, _ = RNN(cell)(xs)
        return sum_of([v * (k + 1) for k, v in enumerate(outputs[-1])]) + \
            outputs[0][0] * outputs[1][1]

    # with respect to the inputs of every step: gradcheck
    assert gradcheck(lambda a, b, c: loss([[a], [b], [c]]), 0.3, -0.8, 0.5)

    # with respect to every shared weight: backward against central differences
    xs = [[0.3], [-0.8], [0.5]]
    params = cell.parameters()
    cell.zero_grad()
    loss(xs).backward()
    for p in params:
        start = p.data
        p.data = start + 1e-6
        up = loss(xs).data
        p.data = start - 1e-6
        down = loss(xs).data
        p.data = start
        assert p.grad == pytest.approx((up - down) / 2e-6, rel=1e-4, abs=1e-7), p.label


def test_rnn_unrolls_the_cell_and_returns_every_step():
    cell = LSTMCell(2, 2, rng=5)
    xs = [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]]
    outputs, (h, c) = RNN(cell)(xs)
    state = None
    for x, out in zip(xs, outputs):
        state = cell(x, state)
        assert [v.data for v in out] == [v.data for v in state[0]]
    assert [v.data for v in h] == [v.data for v in state[0]]
    assert [v.data for v in c] == [v.data for v in state[1]]
    simple = RNNCell(2, 2, rng=6)
    outputs, last = RNN(simple)(xs)
    assert last is outputs[-1] and len(outputs) == 3


def test_cells_reject_bad_inputs_and_states():
    with pytest.raises(ValueError, match="RNNCell: expected a list of 2 inputs, got a list of 3"):
        RNNCell(2, 3)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="RNNCell state: .* of 3 inputs, got a list of 2"):
        RNNCell(2, 3)([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(TypeError, match=r"LSTMCell: state must be a pair \(h, c\)"):
        LSTMCell(2, 3)([1.0, 2.0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="LSTMCell c: .* of 3 inputs, got a list of 1"):
        LSTMCell(2, 3)([1.0, 2.0], ([0.0] * 3, [0.0]))
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        RNNCell(2, 3, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size"):
        LSTMCell(2, 0)
    with pytest.raises(TypeError, match="RNN: cell must be an RNNCell or LSTMCell"):
        RNN(Sequential())
    with pytest.raises(TypeError, match="RNN: expected a non-empty list"):
        RNN(RNNCell(1, 1))([])


def test_parameters_are_named_by_gate_and_round_trip(tmp_path):
    cell = LSTMCell(2, 3, rng=7)
    names = [n for n, _ in cell.named_parameters()]
    assert len(names) == len(set(names)) == 4 * 3 * (2 + 3 + 1)
    assert {n.split(".")[0] for n in names} == {"input_gate", "forget_gate", "cell_gate",
                                                "output_gate"}
    bound = 1 / math.sqrt(3)
    assert all(abs(p.data) <= bound for p in cell.parameters())
    cell.save(tmp_path / "lstm.json")
    other = LSTMCell(2, 3, rng=8)
    other.load(tmp_path / "lstm.json")
    x = [0.3, -0.2]
    assert [v.data for v in other(x)[0]] == [v.data for v in cell(x)[0]]
    rnn = RNN(RNNCell(2, 2, bias=False, rng=0))
    assert len(rnn.parameters()) == 2 * 4
    emb = Embedding(4, 2, rng=0)
    emb.save(tmp_path / "emb.json")
    fresh = Embedding(4, 2, rng=9)
    fresh.load(tmp_path / "emb.json")
    assert fresh.state_dict() == emb.state_dict()


def test_long_sequences_backprop_without_recursion():
    cell = RNNCell(1, 2, rng=0)
    rng = random.Random(0)
    outputs, last = RNN(cell)([[rng.uniform(-1, 1)] for _ in range(400)])
    sum_of(last).backward()
    assert all(math.isfinite(p.grad) for p in cell.parameters())

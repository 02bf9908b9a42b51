"""Conv2d, MaxPool2d, AvgPool2d, Flatten: forward against sums written out, gradcheck, errors."""

import math
import random

import pytest

from autograd import Value, gradcheck, sum_of
from nn import AvgPool2d, Conv2d, Flatten, Layer, MaxPool2d, ReLU, Sequential
from nn.tensors import flatten


def image(channels, rows, cols, seed=0):
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(cols)] for _ in range(rows)]
            for _ in range(channels)]


def conv_by_hand(x, weight, bias, out_channels, kernel, stride, padding):
    """The definition on floats: zero-pad the image explicitly, then slide the kernel."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    channels, rows, cols = len(x), len(x[0]), len(x[0][0])
    padded = [[[0.0] * (cols + 2 * pw) for _ in range(rows + 2 * ph)] for _ in range(channels)]
    for c in range(channels):
        for i in range(rows):
            for j in range(cols):
                padded[c][i + ph][j + pw] = x[c][i][j]
    out_rows = (rows + 2 * ph - kh) // sh + 1
    out_cols = (cols + 2 * pw - kw) // sw + 1

    def w(o, c, r, s):  # weight[o][c][r][s], flattened row-major
        return weight[((o * channels + c) * kh + r) * kw + s]

    return [[[(bias[o] if bias else 0.0) + sum(
        w(o, c, r, s) * padded[c][i * sh + r][j * sw + s]
        for c in range(channels) for r in range(kh) for s in range(kw))
        for j in range(out_cols)] for i in range(out_rows)] for o in range(out_channels)]


def data(nested):
    return [[[v.data for v in row] for row in m] for m in nested]


@pytest.mark.parametrize("cin, cout, kernel, stride, padding, size", [
    (1, 1, 3, 1, 0, (5, 5)),
    (2, 3, 3, 1, 1, (4, 5)),
    (1, 2, (2, 3), 2, 0, (6, 7)),
    (3, 2, 2, (1, 2), (1, 0), (3, 4)),
    (1, 4, 3, 2, 1, (8, 8)),
])
def test_conv2d_forward_matches_the_definition(cin, cout, kernel, stride, padding, size):
    conv = Conv2d(cin, cout, kernel, stride=stride, padding=padding, rng=1)
    x = image(cin, *size, seed=2)
    got = data(conv(x))
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    weights = [w.data for w in flatten(conv.weight)]
    want = conv_by_hand(x, weights, [b.data for b in conv.bias], cout, pair(kernel), pair(stride),
                        pair(padding))
    assert conv.output_shape(*size) == (len(want), len(want[0]), len(want[0][0]))
    assert [len(got), len(got[0]), len(got[0][0])] == [len(want), len(want[0]), len(want[0][0])]
    for g_map, w_map in zip(got, want):
        for g_row, w_row in zip(g_map, w_map):
            assert g_row == pytest.approx(w_row, rel=1e-12, abs=1e-12)


def test_conv2d_without_bias_and_kernel_view():
    conv = Conv2d(2, 1, 2, bias=False, rng=0)
    assert conv.bias == [] and len(conv.parameters()) == 8
    assert conv.kernel(0, 1) is conv.weight[0][1] and len(conv.weight[0][1][1]) == 2
    x = [[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]]
    w = conv.weight[0]
    assert conv(x)[0][0][0].data == pytest.approx(w[0][0][0].data + 2 * w[1][1][1].data)


def test_conv2d_gradcheck_wrt_inputs_and_weights():
    conv = Conv2d(2, 2, 2, stride=1, padding=1, rng=3)
    rng = random.Random(4)
    coefficients = [rng.uniform(-1, 1) for _ in range(2 * 3 * 4)]
    n_x, n_w = 2 * 2 * 3, len(flatten(conv.weight))

    def f(*args):
        xs, ws, bs = args[:n_x], args[n_x:n_x + n_w], args[n_x + n_w:]
        it = iter(ws)
        conv.weight = [[[[next(it) for _ in range(2)] for _ in range(2)] for _ in range(2)]
                       for _ in range(2)]
        conv.bias = list(bs)
        x = [[list(xs[c * 6 + r * 3: c * 6 + r * 3 + 3]) for r in range(2)] for c in range(2)]
        out = [v for m in conv(x) for row in m for v in row]
        return sum_of([k * v for k, v in zip(coefficients, out)])

    point = [rng.uniform(-1, 1) for _ in range(n_x)] + [w.data for w in flatten(conv.weight)] + \
        [b.data for b in conv.bias]
    assert gradcheck(f, *point)


def test_conv2d_parameter_names_and_init_bound():
    conv = Conv2d(3, 4, 5, rng=0)
    names = [n for n, _ in conv.named_parameters()]
    assert len(names) == 4 * 3 * 25 + 4 == len(set(names))
    assert all(p.label == n for n, p in conv.named_parameters())
    assert names[0] == "weight.0.0.0.0" and names[4 * 3 * 25 - 1] == "weight.3.2.4.4"
    assert conv.weight[3][2][4][4].label == "weight.3.2.4.4" and names[-1] == "bias.3"
    bound = 1 / (3 * 25) ** 0.5
    assert all(-bound <= p.data <= bound for p in conv.parameters())
    assert max(abs(p.data) for p in conv.parameters()) > 0.8 * bound
    assert [p.data for p in Conv2d(3, 4, 5, rng=0).parameters()] == \
        [p.data for p in conv.parameters()]  # seeded


@pytest.mark.parametrize("x, error, words", [
    (image(2, 5, 5), ValueError, ["Conv2d", "[1][rows][cols]", "[2][5][5]"]),
    ([[1.0, 2.0]], ValueError, ["Conv2d", "[1][rows][cols]", "[1][2]"]),
    ([[[1.0, 2.0], [3.0]]], ValueError, ["Conv2d", "ragged"]),
    ([[["a", 1.0]]], ValueError, ["Conv2d", "[1][rows][cols]"]),
    ("image", TypeError, ["Conv2d", "str"]),
    (Value(1.0), TypeError, ["Conv2d", "Value"]),
    (image(1, 2, 5), ValueError, ["Conv2d: the kernel needs 3 rows but the input has 2"]),
])
def test_conv2d_rejects_bad_input_with_the_shapes(x, error, words):
    with pytest.raises(error) as caught:
        Conv2d(1, 2, 3)(x)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("kwargs, error", [
    (dict(in_channels=0, out_channels=1, kernel_size=3), ValueError),
    (dict(in_channels=1, out_channels=1.5, kernel_size=3), TypeError),
    (dict(in_channels=1, out_channels=1, kernel_size=(3, 3, 3)), ValueError),
    (dict(in_channels=1, out_channels=1, kernel_size=3, stride=0), ValueError),
    (dict(in_channels=1, out_channels=1, kernel_size=3, padding=-1), ValueError),
    (dict(in_channels=1, out_channels=1, kernel_size=True), TypeError),
    (dict(in_channels=1, out_channels=1, kernel_size=3, bias=1), TypeError),
])
def test_conv2d_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match="Conv2d"):
        Conv2d(**kwargs)


def test_maxpool_forward_and_gradient_go_to_the_first_maximum():
    x = [[[1.0, 5.0, 2.0, 0.0], [3.0, 5.0, 2.0, 2.0], [0.0, -1.0, 7.0, 8.0],
          [-2.0, -3.0, 9.0, 1.0]]]
    values = [[[Value(v) for v in row] for row in m] for m in x]
    out = MaxPool2d(2)(values)
    assert data(out) == [[[5.0, 2.0], [0.0, 9.0]]]
    assert all(v.op == "maximum" for row in out[0] for v in row)  # recorded: no .data read
    sum_of([v for row in out[0] for v in row]).backward()
    grads = [[v.grad for v in row] for row in values[0]]
    # the first of the 5s; of the 2.0s, the first in row-major order
    assert grads == [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]]


def test_maxpool_overlapping_windows_and_nan():
    x = [[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]]
    values = [[[Value(v) for v in row] for row in m] for m in x]
    out = MaxPool2d(2, stride=1)(values)
    assert [v.data for v in out[0][0]] == [1.0, 1.0]
    sum_of(out[0][0]).backward()
    assert values[0][0][1].grad == 2.0  # one input wins two windows
    assert sum(v.grad for row in values[0] for v in row) == 2.0
    nan = MaxPool2d(2)([[[1.0, float("nan")], [3.0, 0.0]]])[0][0][0]
    assert math.isnan(nan.data)  # NaN propagates, as PyTorch


def test_pools_match_windows_written_out():
    x = image(2, 5, 6, seed=5)
    for pool, reduce in ((MaxPool2d((2, 3), stride=(1, 2)), max),
                         (AvgPool2d((2, 3), stride=(1, 2)), lambda w: sum(w) / len(w))):
        got = pool(x)
        want = [[[reduce([x[c][i + r][2 * j + s] for r in range(2) for s in range(3)])
                  for j in range(2)] for i in range(4)] for c in range(2)]
        got = [[[v.data if isinstance(v, Value) else v for v in row] for row in m] for m in got]
        for g, w in zip(got, want):
            for g_row, w_row in zip(g, w):
                assert g_row == pytest.approx(w_row, rel=1e-12)


def test_avgpool_gradcheck():
    pool = AvgPool2d(2)

    def f(*xs):
        x = [[list(xs[0:4]), list(xs[4:8]), list(xs[8:12]), list(xs[12:16])]]
        out = pool(x)
        return out[0][0][0] * 2.0 + out[0][1][1] * out[0][0][1] - out[0][1][0].tanh()

    assert gradcheck(f, *[0.1 * k - 0.7 for k in range(16)])


def test_maxpool_gradcheck_away_from_ties():
    pool = MaxPool2d(2)

    def f(*xs):
        x = [[list(xs[0:4]), list(xs[4:8])]]
        a, b = pool(x)[0][0]
        return a * b + a.sin()

    assert gradcheck(f, *[0.13 * ((k * 7) % 8) - 0.5 for k in range(8)])


@pytest.mark.parametrize("layer", [MaxPool2d(2), AvgPool2d(2)], ids=repr)
def test_pools_reject_bad_shapes(layer):
    name = type(layer).__name__
    with pytest.raises(ValueError, match=rf"{name}: expected input \[channels\]\[rows\]\[cols\], "
                                         r"got \[3\]\[3\]"):
        layer([[1.0] * 3] * 3)
    with pytest.raises(ValueError, match=f"{name}: the kernel needs 2 rows but the input has 1"):
        layer([[[1.0, 2.0]]])
    with pytest.raises(TypeError, match=name):
        layer(3.0)


def test_flatten_is_row_major_and_rejects_non_lists():
    x = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    assert Flatten()(x) == [1, 2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(TypeError, match="Flatten: .* got a single float"):
        Flatten()(1.0)
    with pytest.raises(ValueError, match="Flatten: .* ragged"):
        Flatten()([[1.0], [2.0, 3.0]])


def test_deep_nesting_is_walked_without_recursion():
    x = [1.0]
    for _ in range(5000):
        x = [x]
    assert Flatten()(x) == [1.0]
    assert ReLU()(x) is not None


def test_a_whole_cnn_in_sequential_trains_and_round_trips(tmp_path):
    def model(seed):
        return Sequential(Conv2d(1, 2, 3, padding=1, rng=seed), ReLU(), MaxPool2d(2),
                          Flatten(), Layer(2 * 2 * 2, 3, activation="linear", rng=seed))

    net = model(0)
    x = image(1, 4, 4, seed=9)
    before = [v.data for v in net(x)]
    net.save(tmp_path / "cnn.json")
    other = model(1)
    assert [v.data for v in other(x)] != before
    other.load(tmp_path / "cnn.json")
    assert [v.data for v in other(x)] == before
    assert other.state_dict() == net.state_dict()
    names = [n for n, _ in net.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 9 + 2 + 3 * 8 + 3
    assert names[0] == "layers.0.weight.0.0.0.0" and names[-1] == "layers.4.neurons.2.b"


def test_sequential_widths_flow_through_activations_not_through_convolutions():
    with pytest.raises(ValueError, match="reads 5 inputs, but the module before it gives 4"):
        Sequential(Layer(2, 4, rng=0), ReLU(), Layer(5, 1, rng=0))
    net = Sequential(Conv2d(1, 1, 2, rng=0), Flatten(), Layer(4, 1, rng=0))  # 3x3 -> 2x2 -> 4
    assert len(net([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])) == 1
    with pytest.raises(ValueError, match="Conv2d: expected input"):
        net([1.0, 2.0, 3.0, 4.0])  # the convolution checks its own input
    with pytest.raises(ValueError, match="expected a list of 2 inputs"):
        Sequential(ReLU(), Layer(2, 1, rng=0))([1.0, 2.0, 3.0])

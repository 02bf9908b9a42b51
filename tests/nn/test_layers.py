"""Neuron, Layer, MLP, Dropout: gradients by gradcheck, initialisation, and bad input."""

import math
import random

import pytest

from autograd import Value, gradcheck, sum_of
from nn import ACTIVATIONS, MLP, Dropout, Layer, Neuron, Sequential, get_activation
from nn.layers import init_weights

# Points where no pre-activation sits near relu's kink, so central differences are honest.
X = (0.7, -1.3)
W = (0.9, -0.4)
B = 0.25


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_neuron_gradient_wrt_inputs_and_weights(name):
    neuron = Neuron(2, activation=name, rng=0)

    def f(x0, x1, w0, w1, b):
        neuron.w, neuron.b = [w0, w1], b  # the function of inputs *and* weights
        return neuron([x0, x1])

    assert gradcheck(f, *X, *W, B)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_neuron_computes_activation_of_affine_map(name):
    neuron = Neuron(2, activation=name, rng=3)
    pre = sum(w.data * x for w, x in zip(neuron.w, X)) + neuron.b.data
    expected = {
        "relu": max(pre, 0.0), "tanh": math.tanh(pre), "sigmoid": 1 / (1 + math.exp(-pre)),
        "leaky_relu": pre if pre > 0 else 0.01 * pre, "linear": pre,
        "softplus": math.log1p(math.exp(pre)),
    }[name]
    assert neuron(list(X)).data == pytest.approx(expected, rel=1e-12)


def test_layer_gradient_through_every_neuron():
    layer = Layer(2, 3, activation="tanh", rng=1)

    def f(x0, x1, w00, w01, w10, w11, w20, w21):
        for neuron, ws in zip(layer.neurons, ((w00, w01), (w10, w11), (w20, w21))):
            neuron.w = list(ws)
        outs = layer([x0, x1])
        return sum_of([out * (i + 1) for i, out in enumerate(outs)])  # weigh each output

    assert gradcheck(f, 0.3, -0.8, 0.5, -0.2, 0.1, 0.9, -0.7, 0.4)


def test_mlp_gradient_wrt_inputs():
    model = MLP(3, [4, 4, 2], activation="tanh", rng=5)

    def f(a, b, c):
        o0, o1 = model([a, b, c])
        return o0 * o1

    assert gradcheck(f, 0.2, -0.5, 0.9)


def test_mlp_backward_matches_gradcheck_on_a_weight():
    model = MLP(2, [3, 1], activation="sigmoid", rng=2)
    weight = model.layers[0].neurons[1].w[0]

    def f(w):
        model.layers[0].neurons[1].w[0] = w
        return model([0.4, -0.6])[0]

    assert gradcheck(f, weight.data)


def test_a_layer_always_returns_a_list():
    assert isinstance(Layer(2, 1, rng=0)([1.0, 2.0]), list)
    assert len(MLP(2, [1], rng=0)([1.0, 2.0])) == 1
    assert isinstance(Dropout(0.5)([Value(1.0)]), list)


@pytest.mark.parametrize("scheme, bound", [
    ("uniform", 1.0), ("xavier", math.sqrt(6 / (400 + 100))), ("he", math.sqrt(6 / 400)),
])
def test_init_schemes_fill_their_range(scheme, bound):
    weights = init_weights(scheme, 400, 100, random.Random(0))
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.9 * bound  # 400 draws reach the edge
    variance = sum(w * w for w in weights) / len(weights)
    assert variance == pytest.approx(bound**2 / 3, rel=0.2)  # U(-a, a) has variance a^2/3


def test_layer_init_uses_fan_in_and_fan_out():
    layer = Layer(50, 30, init="xavier", rng=0)
    bound = math.sqrt(6 / 80)
    assert all(abs(w.data) <= bound for n in layer.neurons for w in n.w)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(ValueError) as info:
        Neuron(2, activation="swish")
    for name in ACTIVATIONS:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="relu"):
        MLP(2, [2, 1], output_activation="softmax")
    with pytest.raises(ValueError, match="known"):
        get_activation(None)


def test_unknown_init_lists_the_known_ones():
    with pytest.raises(ValueError, match="uniform, xavier, he"):
        MLP(2, [2, 1], init="orthogonal")


@pytest.mark.parametrize("bad, error", [
    (0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError), ("2", TypeError),
])
def test_bad_sizes_are_rejected(bad, error):
    with pytest.raises(error, match="positive int"):
        Neuron(bad)
    with pytest.raises(error, match="positive int"):
        MLP(2, [bad, 1])


def test_bad_nouts_are_rejected():
    for nouts in ([], "21", 3, None):
        with pytest.raises(TypeError, match="nouts"):
            MLP(2, nouts)


@pytest.mark.parametrize("x, error, message", [
    ([1.0], ValueError, "expected a list of 2 inputs, got a list of 1"),
    ([1.0, 2.0, 3.0], ValueError, "expected a list of 2 inputs, got a list of 3"),
    (1.0, TypeError, "list of 2 inputs"),
    ("ab", TypeError, "list of 2 inputs"),
    (b"ab", TypeError, r"list of 2 inputs \(Values or numbers\), got bytes"),  # 2 ints else
    (bytearray(b"ab"), TypeError, "got bytearray"),
    (memoryview(b"ab"), TypeError, "got memoryview"),
    ([1.0, "b"], TypeError, "input 1"),
    ([1.0, None], TypeError, "input 1"),
])
def test_wrong_inputs_raise_and_change_nothing(x, error, message):
    for model in (Neuron(2, rng=0), Layer(2, 3, rng=0), MLP(2, [3, 1], rng=0)):
        before = model.state_dict()
        with pytest.raises(error, match=message):
            model(x)
        assert model.state_dict() == before


@pytest.mark.parametrize(("model", "name"), [
    (Neuron(2, rng=0), "Neuron(2, activation='relu')"),
    (Layer(2, 3, rng=0), "Layer(2, 3, activation='relu')"),
    (MLP(2, [3, 1], rng=0), "MLP(2, [3, 1], 13 parameters)"),
    (Sequential(Layer(2, 3, rng=0), Dropout(0.5)),
     "Sequential(Layer(2, 3, activation='relu'), Dropout(p=0.5))"),
])
def test_an_input_error_names_the_layer_and_the_expected_and_given_shape(model, name):
    with pytest.raises(ValueError) as caught:
        model([1.0])
    assert str(caught.value) == f"{name}: expected a list of 2 inputs, got a list of 1"
    with pytest.raises(TypeError) as caught:
        model(3)  # Sequential used to say "'int' object is not iterable"
    assert str(caught.value) == (f"{name}: expected a list of 2 inputs (Values or numbers), "
                                 f"got int (3)")


def test_dropout_refuses_bytes_and_non_lists():
    for x in (b"ab", 3, None):
        with pytest.raises(TypeError, match=r"^Dropout\(p=0.5\): expected a list of inputs"):
            Dropout(0.5)(x)


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: Layer("2", 3), TypeError, "^Layer: nin must be a positive int, got str"),
    (lambda: Layer(2, 3, activation=3), ValueError, "^Layer: unknown activation 3; known: relu"),
    (lambda: Layer(2, 3, init="glorot"), ValueError, "^Layer: unknown init 'glorot'; known"),
    (lambda: Neuron(2, init=["he"]), ValueError, r"^Neuron: unknown init \['he'\]"),
    (lambda: MLP(2, [3], dropout=3.0), ValueError,
     r"^MLP: dropout \(the probability of zeroing a hidden output\) must be a number in "
     r"\[0, 1\), got 3.0$"),
    (lambda: Dropout(3.0), ValueError,
     r"^Dropout: p \(the probability of zeroing an input\) must be a number in \[0, 1\), "
     r"got 3.0$"),
])
def test_bad_layer_arguments_name_the_class_that_was_called(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_dropout_is_active_only_in_training():
    drop = Dropout(0.25, rng=0)
    xs = [Value(1.0) for _ in range(4000)]
    kept = [y.data for y in drop(xs)]
    assert set(kept) == {0.0, 1 / 0.75}  # survivors are scaled so the mean is unchanged
    assert kept.count(0.0) / len(kept) == pytest.approx(0.25, abs=0.03)
    drop.eval()
    assert [y.data for y in drop(xs)] == [1.0] * 4000


def test_dropout_is_seeded_and_validated():
    xs = [1.0] * 50
    assert Dropout(0.5, rng=3)(xs) == Dropout(0.5, rng=3)(xs)
    for p in (1.0, -0.1, "0.5", True):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            Dropout(p)


def test_mlp_dropout_applies_in_train_mode_only():
    model = MLP(2, [64, 1], rng=0, dropout=0.5)
    x = [0.5, -0.5]
    model.eval()
    first, second = model(x)[0].data, model(x)[0].data
    assert first == second
    model.train()
    outs = {model(x)[0].data for _ in range(5)}
    assert len(outs) > 1  # a fresh mask each call


def test_rng_must_be_a_random_or_seed():
    with pytest.raises(TypeError, match="random.Random"):
        MLP(2, [1], rng="seed")
    shared = random.Random(4)
    a = MLP(2, [3, 1], rng=shared)
    b = MLP(2, [3, 1], rng=shared)  # the stream moves on: a different model
    assert a.state_dict() != b.state_dict()


def test_dropout_gradient_in_training_mode():
    # A fresh Dropout with the same seed each call: the same mask, so f is a fixed function.
    def f(a, b, c, d):
        kept = Dropout(0.5, rng=1)([a, b, c, d])
        return sum_of([x * x * (i + 1) for i, x in enumerate(kept)])

    mask = [x != 0 for x in Dropout(0.5, rng=1)([1.0] * 4)]
    assert any(mask) and not all(mask)  # the check covers both dropped and kept inputs
    assert gradcheck(f, 0.3, -0.6, 0.9, 1.2)


def test_sequential_composes_layers_and_returns_a_list():
    model = Sequential(Layer(2, 3, activation="tanh", rng=0), Dropout(0.5, rng=0),
                       Neuron(3, activation="linear", rng=1))
    model.eval()
    out = model([0.5, -0.5])
    assert isinstance(out, list) and len(out) == 1
    first = model.layers[0]
    hidden = first([0.5, -0.5])
    assert out[0].data == pytest.approx(model.layers[2](hidden).data, rel=1e-12)

    def f(x0, x1):
        return model([x0, x1])[0]

    assert gradcheck(f, 0.5, -0.5)
    with pytest.raises(TypeError, match="item 1"):
        Sequential(Layer(2, 3), "relu")


def test_sequential_refuses_mismatched_widths_when_built():
    with pytest.raises(ValueError, match="reads 4 inputs, but the module before it gives 3"):
        Sequential(Layer(2, 3, rng=0), Dropout(0.5), Layer(4, 1, rng=0))
    model = Sequential(Layer(2, 3, rng=0), Dropout(0.5), Layer(3, 1, rng=0))
    assert len(model([1.0, 2.0])) == 1


def test_anomaly_mode_names_the_users_line_not_only_the_layer_inside_nn():
    from autograd import AnomalyError, detect_anomaly

    model = MLP(2, [3, 1], rng=0)
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        model([math.inf, 1.0])  # the line the message must lead back to
    message = str(caught.value)
    assert "nn/layers.py:" in message
    assert "(called from " in message and "model([math.inf, 1.0])" in message


def test_a_new_layer_declares_its_widths_and_sequential_asks_it():
    """Sequential checks neighbours by asking each module, never by its class: a layer written
    outside nn joins the check by defining `widths()` (and `keeps_width` if it maps entrywise)."""
    from nn import Module

    class Pairs(Module):
        def widths(self):
            return 4, 2

        def forward(self, x):
            return [x[0] + x[1], x[2] + x[3]]

    class Twice(Module):
        keeps_width = True

        def forward(self, x):
            return [2 * v for v in x]

    net = Sequential(Pairs(), Twice(), Layer(2, 1, rng=0))
    assert net.widths() == (4, 1) and len(net([1.0, 2.0, 3.0, 4.0])) == 1
    with pytest.raises(ValueError, match=r"item 2 .* reads 3 inputs, but the module before it "
                                         r"gives 2"):
        Sequential(Pairs(), Twice(), Layer(3, 1, rng=0))
    with pytest.raises(ValueError, match="reads 4 inputs"):
        Sequential(Layer(2, 3, rng=0), Pairs())

"""micrograd's demo.ipynb, rewritten: an MLP(2, [16, 16, 1]) on two moons, max-margin loss plus
L2, a few SGD steps. Its losses are checked against `Ref`, a plain-Python engine written below
as micrograd's is (closures, `_prev` sets, micrograd's nn), so micrograd's numbers come out."""

from __future__ import annotations

import random

import numpy as np
import pytest
from needs import need_module

from autograd.compat.micrograd import Value, nn
from autograd.compat.micrograd.nn import MLP, Layer, Neuron

# -- the reference: micrograd's engine and nn, as plain Python ----------------------------------


class Ref:
    def __init__(self, data, _children=()):
        self.data, self.grad = data, 0
        self._backward = lambda: None
        self._prev = set(_children)

    def __add__(self, other):
        other = other if isinstance(other, Ref) else Ref(other)
        out = Ref(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Ref) else Ref(other)
        out = Ref(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Ref(0 if self.data < 0 else self.data, (self,))

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, seen, stack = [], set(), [(self, False)]  # micrograd's order, without recursion
        while stack:
            v, expanded = stack.pop()
            if expanded:
                topo.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other


class RefNeuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Ref(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Ref(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class RefMLP:
    def __init__(self, nin, nouts):
        sz = [nin, *nouts]
        self.layers = [[RefNeuron(sz[i], nonlin=i != len(nouts) - 1) for _ in range(sz[i + 1])]
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            out = [n(x) for n in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]


# -- the demo, as its cells are written ----------------------------------------------------------


def moons():
    np.random.seed(1337)
    random.seed(1337)
    make_moons = need_module("sklearn.datasets").make_moons
    X, y = make_moons(n_samples=100, noise=0.1)
    return X, y * 2 - 1  # labels -1 or 1


def loss(model, value, X, y):
    inputs = [list(map(value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]  # svm max-margin
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())  # L2
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return data_loss + reg_loss, sum(accuracy) / len(accuracy)


def train(model, value, X, y, steps: int) -> list[tuple[float, float]]:
    found = []
    for k in range(steps):
        total_loss, acc = loss(model, value, X, y)
        for p in model.parameters():  # model.zero_grad(), as the reference has none
            p.grad = 0
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        found.append((total_loss.data, acc))
    return found


def test_the_demo_prints_micrographs_model_and_losses():
    X, y = moons()
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    random.seed(1337)
    reference = RefMLP(2, [16, 16, 1])
    hidden = lambda nin: "Layer of [" + ", ".join([f"ReLUNeuron({nin})"] * 16) + "]"  # noqa: E731
    assert str(model) == f"MLP of [{hidden(2)}, {hidden(16)}, Layer of [LinearNeuron(16)]]"
    assert len(model.parameters()) == 337
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]

    ours, theirs = train(model, Value, X, y, 3), train(reference, Ref, X, y, 3)
    assert ours[0][0].hex() == theirs[0][0].hex()  # the same weights: the same bits
    for (loss_ours, acc_ours), (loss_ref, acc_ref) in zip(ours, theirs):
        assert loss_ours == pytest.approx(loss_ref, rel=1e-12, abs=0)  # sums in another order
        assert acc_ours == acc_ref
    assert ours[-1][0] < ours[0][0]  # it learns
    for p, q in zip(model.parameters(), reference.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)


def test_the_decision_boundary_cell_runs():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    xx, yy = np.meshgrid(np.arange(-2.0, 2.0, 1.0), np.arange(-1.0, 1.0, 1.0))
    mesh = np.c_[xx.ravel(), yy.ravel()]
    scores = list(map(model, [list(map(Value, row)) for row in mesh]))
    Z = np.array([s.data > 0 for s in scores]).reshape(xx.shape)
    assert Z.shape == (2, 4) and all(type(s) is Value for s in scores)


def test_micrographs_return_conventions_and_parameters():
    random.seed(0)
    x = [Value(1.0), Value(-2.0)]
    assert type(Neuron(2)(x)) is Value
    assert type(Layer(2, 1)(x)) is Value  # one neuron: a bare Value
    assert [type(v) for v in Layer(2, 3)(x)] == [Value] * 3
    assert type(MLP(2, [3, 1])(x)) is Value and len(MLP(2, [3, 2])(x)) == 2
    neuron = nn.Neuron(3, nonlin=False)
    assert repr(neuron) == "LinearNeuron(3)" and neuron.parameters() == [*neuron.w, neuron.b]
    out = neuron([1.0, 2.0, 3.0])
    out.backward()
    assert [w.grad for w in neuron.w] == [1.0, 2.0, 3.0]
    neuron.zero_grad()
    assert [p.grad for p in neuron.parameters()] == [0, 0, 0, 0]
    assert nn.Module().parameters() == [] and nn.Value is Value


def test_weights_come_from_the_global_random_in_micrographs_order():
    random.seed(42)
    drawn = [random.uniform(-1, 1) for _ in range(2 * 3 + 3 * 1)]
    random.seed(42)
    model = MLP(2, [3, 1])
    weights = [p.data for n in model.layers[0].neurons + model.layers[1].neurons for p in n.w]
    assert weights == drawn and all(n.b.data == 0 for n in model.layers[0].neurons)

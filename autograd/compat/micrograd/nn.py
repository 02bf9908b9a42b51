"""micrograd's `nn` on stepgrad's `nn`: `Neuron(nin, nonlin=True)`, `Layer`, `MLP(nin, nouts)`.

The classes are stepgrad's `nn.Neuron`, `nn.Layer` and `nn.MLP` (parameters by name, state_dict,
save/load) with micrograd's constructor arguments, reprs and conventions:

- weights are drawn with `random.uniform(-1, 1)` from Python's global `random`, in micrograd's
  order, so `random.seed(1337)` gives micrograd's numbers (stepgrad's own `nn` never touches the
  global `random`: it takes a seeded generator);
- a neuron sums `b + w0*x0 + w1*x1 + ...` left to right, as micrograd's `sum(..., self.b)`, so
  forward values are micrograd's to the bit;
- a layer of one neuron returns a bare `Value` (stepgrad's layers always return a list);
- `zero_grad()` sets each `.grad` to 0, as micrograd does.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import nn as stepgrad_nn
from autograd.compat.micrograd.engine import Value
from nn.layers import init_weights
from nn.module import check_count

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value"]


class Module(stepgrad_nn.Module):
    """micrograd's Module: `parameters()` and `zero_grad()` (stepgrad's Module finds them)."""

    def zero_grad(self) -> None:
        """Every parameter's `.grad` back to 0, as micrograd writes it."""
        for p in self.parameters():
            p.grad = 0


class Neuron(Module, stepgrad_nn.Neuron):
    """relu(w . x + b), or linear with `nonlin=False`; weights from the global `random`."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        check_count(nin, "nin", "Neuron")
        # `random` itself as the generator: micrograd's random.uniform(-1, 1), weight by weight
        self.w = [Value(w) for w in init_weights("uniform", nin, 1, random)]  # type: ignore[arg-type]
        self.b = Value(0)
        self.activation = "relu" if nonlin else "linear"
        self.nonlin = nonlin
        self.label_parameters()

    def fire(self, x: Iterable) -> Value:
        """b + w0*x0 + w1*x1 + ... summed left to right (micrograd's order), then the relu."""
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return act.relu() if self.nonlin else act

    def forward(self, x: Iterable) -> Value:
        return self.fire(list(x))

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module, stepgrad_nn.Layer):
    """`nout` neurons; returns their outputs as a list, or a bare Value for one neuron."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        check_count(nout, "nout", "Layer")
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]
        self.label_parameters()

    def forward(self, x: Iterable) -> Value | list[Value]:
        xs = list(x)
        out = [n.fire(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module, stepgrad_nn.MLP):
    """Layers of relu neurons and a linear last layer: `MLP(2, [16, 16, 1])`."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin, *nouts]
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]
        self.dropout = None  # stepgrad's MLP reads it; micrograd has no dropout
        self.label_parameters()

    def forward(self, x: Iterable) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

"""Activation functions as modules, so a `Sequential` can hold a whole network (a CNN included).

Each applies its function to every entry of whatever it is given, a list of Values or feature maps
`[channel][row][col]`, and returns the same shape. Names and defaults follow `torch.nn`.
"""

from __future__ import annotations

from typing import Any

from autograd import Value
from nn.module import Module, check_number
from nn.tensors import as_value, map_leaves, shape_of, shown_shape


class Activation(Module):
    """Applies `self.function` entrywise; the input must be Values/numbers in rectangular lists."""

    name = ""  # what `Neuron(..., activation=name)` calls it (nn.ACTIVATIONS)
    keeps_width = True

    def function(self, v: Value) -> Value:
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        """The same nested shape as `x`, with the function applied to every entry."""
        shape = shape_of(x)
        if not shape:  # a bare Value too: a layer always returns a list
            error = ValueError if isinstance(x, (list, tuple)) else TypeError
            raise error(f"{type(self).__name__}: expected a list (or nested lists) of Values or "
                        f"numbers, got {shown_shape(x)}")
        return map_leaves(lambda v: self.function(as_value(v)), x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """max(x, 0), with relu'(0) = 0."""

    name = "relu"

    def function(self, v: Value) -> Value:
        return v.relu()


class Tanh(Activation):
    """The hyperbolic tangent, in (-1, 1)."""

    name = "tanh"

    def function(self, v: Value) -> Value:
        return v.tanh()


class Sigmoid(Activation):
    """The logistic function 1 / (1 + exp(-x)), in (0, 1)."""

    name = "sigmoid"

    def function(self, v: Value) -> Value:
        return v.sigmoid()


class Softplus(Activation):
    """log(1 + exp(x)): a smooth relu."""

    name = "softplus"

    def function(self, v: Value) -> Value:
        return v.softplus()


class LeakyReLU(Activation):
    """x for x > 0, else negative_slope * x (torch.nn.LeakyReLU's name and default, 0.01)."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = check_number(negative_slope, "negative_slope", "LeakyReLU", 0.0,
                                           below=1.0)

    def function(self, v: Value) -> Value:
        return v.leaky_relu(self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Identity(Activation):
    """Passes its input on unchanged (numbers become constant Values)."""

    name = "linear"

    def function(self, v: Value) -> Value:
        return v

"""Neurons, layers and multi-layer perceptrons, micrograd-style, plus dropout.

`MLP(2, [16, 16, 1])` is micrograd's call. Activations and weight initialisations are chosen by
name so models stay printable and serialisable. Every layer returns a list, whatever its size.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from autograd import Value, is_tracing, sum_of
from nn.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh
from nn.module import Module, as_rng, check_count, check_number, shown

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    module.name: module.function
    for module in (ReLU(), Tanh(), Sigmoid(), Softplus(), LeakyReLU(0.01), Identity())
}
"""Activation functions by name, read off the activation modules (nn/activations.py): what
`Neuron(..., activation=name)` accepts. `"leaky_relu"` has slope 0.01; `"linear"` is none."""

INITS = ("uniform", "xavier", "he")
"""Weight initialisations: micrograd's U(-1, 1), Xavier/Glorot uniform, He (Kaiming) uniform."""


def get_activation(name: object, where: str = "") -> Callable[[Value], Value]:
    """The activation function called `name`; unknown names list the known ones."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{where + ': ' if where else ''}unknown activation {shown(name)}; "
                         f"known: {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _check_init(scheme: object, where: str) -> None:
    if not isinstance(scheme, str) or scheme not in INITS:
        raise ValueError(f"{where}: unknown init {shown(scheme)}; known: {', '.join(INITS)}")


def init_weights(scheme: object, fan_in: int, fan_out: int, rng: random.Random) -> list[float]:
    """`fan_in` starting weights drawn with `scheme` from `rng`.

    Xavier keeps the variance of activations and gradients equal across tanh layers:
    U(+-sqrt(6 / (fan_in + fan_out))). He compensates for relu zeroing half its inputs:
    U(+-sqrt(6 / fan_in)). "uniform" is micrograd's U(-1, 1), whatever the fan.
    """
    _check_init(scheme, "init_weights")
    if scheme == "uniform":
        bound = 1.0
    elif scheme == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
    else:  # "he"
        bound = math.sqrt(6.0 / fan_in)
    return [rng.uniform(-bound, bound) for _ in range(fan_in)]


_NOT_A_LIST = (Value, int, float, str, bytes, bytearray, memoryview)  # str and bytes are Sequences


def check_inputs(x: object, nin: int | None, where: object) -> list:
    """`x` as a list of `nin` (None: any number of) Values or numbers; else a clear error.

    `where` is the module reading `x` (named by its repr, built only for an error) or a name.
    """
    if isinstance(x, _NOT_A_LIST) or not isinstance(x, Sequence):
        raise TypeError(
            f"{_named(where)}: expected a list of {'' if nin is None else f'{nin} '}inputs "
            f"(Values or numbers), got {type(x).__name__} ({shown(x)})"
        )
    if nin is not None and len(x) != nin:
        raise ValueError(f"{_named(where)}: expected a list of {nin} inputs, "
                         f"got a list of {len(x)}")
    for i, xi in enumerate(x):
        if not isinstance(xi, Value) and (isinstance(xi, bool) or not isinstance(xi, (int, float))):
            raise TypeError(f"{_named(where)}: input {i} must be a Value or a number, "
                            f"got {type(xi).__name__} ({shown(xi)})")
    return list(x)


def _named(where: object) -> str:
    return where if isinstance(where, str) else repr(where)


class Neuron(Module):
    """activation(w . x + b): weights from `init`, bias 0 (as micrograd)."""

    def __init__(
        self, nin: int, activation: str = "relu", *, init: str = "uniform",
        rng: random.Random | int | None = None, fan_out: int = 1,
    ) -> None:
        check_count(nin, "nin", "Neuron")
        check_count(fan_out, "fan_out", "Neuron")
        get_activation(activation, "Neuron")  # validate the name before building anything
        _check_init(init, "Neuron")
        weights = init_weights(init, nin, fan_out, as_rng(rng, "Neuron"))
        self.w = [Value(w) for w in weights]
        self.b = Value(0.0)
        self.activation = activation
        self.label_parameters()

    def fire(self, x: Sequence[Value | float]) -> Value:
        """The output for inputs already checked: what a Layer calls for each neuron."""
        total = sum_of([wi * xi for wi, xi in zip(self.w, x)]) + self.b
        return ACTIVATIONS[self.activation](total)

    def forward(self, x: Sequence[Value | float]) -> Value:
        """One output Value for `nin` inputs."""
        return self.fire(check_inputs(x, len(self.w), self))

    def widths(self) -> tuple[int | None, int | None]:
        return len(self.w), 1

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs; returns a list of `nout` Values."""

    def __init__(
        self, nin: int, nout: int, activation: str = "relu", *, init: str = "uniform",
        rng: random.Random | int | None = None,
    ) -> None:
        check_count(nin, "nin", "Layer")
        check_count(nout, "nout", "Layer")
        get_activation(activation, "Layer")
        _check_init(init, "Layer")
        rng = as_rng(rng, "Layer")
        self.neurons = [
            Neuron(nin, activation, init=init, rng=rng, fan_out=nout) for _ in range(nout)
        ]
        self.label_parameters()

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output for `nin` inputs, in order."""
        xs = check_inputs(x, self.nin, self)
        return [n.fire(xs) for n in self.neurons]

    @property
    def nin(self) -> int:
        """How many inputs the layer reads."""
        return len(self.neurons[0].w)

    def widths(self) -> tuple[int | None, int | None]:
        return self.nin, len(self.neurons)

    def __repr__(self) -> str:
        act = self.neurons[0].activation
        return f"Layer({self.nin}, {len(self.neurons)}, activation={act!r})"


class Dropout(Module):
    """In training mode, zero each input with probability `p` and scale the rest by 1/(1-p).

    Regularisation: no unit can rely on one other. In eval mode it passes inputs through.
    """

    keeps_width = True  # as many values out as in

    def __init__(self, p: float = 0.5, *, rng: random.Random | int | None = None) -> None:
        self.p = check_number(p, "p (the probability of zeroing an input)", "Dropout", 0.0,
                              below=1.0, type_error=ValueError)
        self.rng = as_rng(rng, "Dropout")

    def forward(self, x: Sequence[Value | float]) -> list:
        """The inputs, some zeroed and the rest scaled up (training), or as they are (eval)."""
        xs = check_inputs(x, None, self)
        if not self.training or self.p == 0:
            return xs
        if is_tracing():  # whatever the mask drawn, a compiled program would replay it
            raise ValueError("Dropout: autograd.compile cannot trace a Dropout in training mode: "
                             "it draws a new mask at every call, and the compiled program would "
                             "replay the traced one. Call model.eval() before compiling, or pass "
                             "masks in as arguments")
        scale = 1.0 / (1.0 - self.p)
        return [xi * scale if self.rng.random() >= self.p else xi * 0.0 for xi in xs]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class MLP(Module):
    """A multi-layer perceptron: `activation` on hidden layers, `output_activation` on the last.

    `dropout > 0` applies one Dropout after every hidden layer (in training mode only).
    """

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str = "relu", *,
        output_activation: str = "linear", init: str = "uniform",
        rng: random.Random | int | None = None, dropout: float = 0.0,
    ) -> None:
        check_count(nin, "nin", "MLP")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes, "
                            f"got {shown(nouts)}")
        for n in nouts:
            check_count(n, "every layer size in nouts", "MLP")
        get_activation(activation, "MLP")
        get_activation(output_activation, "MLP")
        _check_init(init, "MLP")
        # validate before building anything
        check_number(dropout, "dropout (the probability of zeroing a hidden output)", "MLP", 0.0,
                     below=1.0, type_error=ValueError)
        rng = as_rng(rng, "MLP")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation,
                  init=init, rng=rng)
            for i in range(len(nouts))
        ]
        # Dropout draws from its own stream, seeded from the model's: same seed, same masks.
        self.dropout = Dropout(dropout, rng=rng.getrandbits(32)) if dropout else None
        self.label_parameters()

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        """The last layer's outputs (a list, even for one output)."""
        out = check_inputs(x, self.layers[0].nin, self)
        for i, layer in enumerate(self.layers):
            out = [n.fire(out) for n in layer.neurons]
            if self.dropout is not None and i < len(self.layers) - 1:
                out = self.dropout(out)
        return out

    def widths(self) -> tuple[int | None, int | None]:
        return self.layers[0].nin, len(self.layers[-1].neurons)

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        return f"MLP({self.layers[0].nin}, {sizes}, {len(self.parameters())} parameters)"


class Sequential(Module):
    """Modules applied one after another, each returning a list: compose layers and dropout."""

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: item {i} must be a Module, got {type(m).__name__}")
        width = None  # how many values flow between modules here, where known
        for i, m in enumerate(modules):
            nin, nout = m.widths()
            if width is not None and nin is not None and nin != width:
                raise ValueError(f"Sequential: item {i} ({m!r}) reads {nin} inputs, but the "
                                 f"module before it gives {width}")
            width = nout if nout is not None else (width if m.keeps_width else None)
        self.layers = list(modules)
        self.label_parameters()

    def forward(self, x: Sequence[Value | float]) -> list:
        """Each module's output fed to the next."""
        nin = self.widths()[0]
        # A flat list where the width is known (or nothing checks it); else the first module,
        # a Conv2d say, checks its own input (an image [channel][row][col] is not a flat list).
        out = check_inputs(x, nin, self) if nin is not None or not self.layers else x
        for layer in self.layers:
            out = layer(out)
            if isinstance(out, Value):  # a bare Neuron: keep the "always a list" promise
                out = [out]
        return out


    def widths(self) -> tuple[int | None, int | None]:
        """The first module's inputs and the last's outputs, where they are known."""
        if not self.layers:
            return None, None
        return _first_width(self.layers, 0), _first_width(self.layers[::-1], 1)

    def __repr__(self) -> str:
        return f"Sequential({', '.join(repr(m) for m in self.layers)})"


def _first_width(layers: Sequence[Module], side: int) -> int | None:
    """The first known width (0: inputs read, 1: outputs given) before a module changes it."""
    for layer in layers:
        width = layer.widths()[side]
        if width is not None:
            return width
        if not layer.keeps_width:
            return None
    return None

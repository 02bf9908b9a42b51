"""Embeddings and recurrent cells: the pieces of a language model trained by backprop through time.

A cell is called as `cell(x)` for the first step (a zero state) and `cell(x, state)` after; it
returns the new state (`h` for `RNNCell`, the pair `(h, c)` for `LSTMCell`). `RNN` unrolls a cell
over a sequence, so the graph is the loop written out and `backward()` runs through every step.
Argument names follow `torch.nn`; NB: one bias per gate, not PyTorch's two equal-role ones.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from autograd import Value, is_tracing, sum_of
from nn.layers import ACTIVATIONS, Layer, check_inputs
from nn.module import Module, as_rng, check_count

Vector = list  # of Values or numbers


class Embedding(Module):
    """A table of `num_embeddings` vectors of `embedding_dim` trainable Values, looked up by index.

    `embedding(3)` returns row 3's parameters themselves, so backward trains just the rows used.
    `weight[i][k]` is nested lists (parameters `weight.i.k`); initialised from N(0, 1), as PyTorch.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, *,
                 rng: random.Random | int | None = None) -> None:
        self.num_embeddings = check_count(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = check_count(embedding_dim, "embedding_dim", "Embedding")
        rng = as_rng(rng, "Embedding")
        self.weight = [[Value(rng.gauss(0.0, 1.0)) for _ in range(embedding_dim)]
                       for _ in range(num_embeddings)]
        self.label_parameters()

    def forward(self, index: int) -> list[Value]:
        """The `embedding_dim` Values of row `index` (an int in 0..num_embeddings-1)."""
        n = self.num_embeddings
        if isinstance(index, Value) and is_tracing():
            raise TypeError("Embedding: the index is an input slot of autograd.compile (every "
                            "number argument is), but an index chooses a row, a choice a "
                            "compiled program cannot make again on new indices: capture the "
                            "indices in f instead (its program then always reads those rows), "
                            "or run this step on the dynamic engine")
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"Embedding: index must be an int in 0..{n - 1}, "
                            f"got {type(index).__name__}")
        if not 0 <= index < n:
            raise ValueError(f"Embedding: index must be an int in 0..{n - 1}, got {index}")
        return list(self.weight[index])

    def __repr__(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"


def _gate(nin: int, nout: int, activation: str, rng: random.Random) -> Layer:
    """A layer reading [x, h]: weights from U(+-1/sqrt(hidden)) as PyTorch's cells, bias 0."""
    layer = Layer(nin, nout, activation, rng=rng)
    bound = 1.0 / math.sqrt(nout)
    for neuron in layer.neurons:
        for w in neuron.w:
            w.data = rng.uniform(-bound, bound)
    return layer


def _fire(layer: Layer, xs: list) -> list[Value]:
    return [neuron.fire(xs) for neuron in layer.neurons]


class _Cell(Module):
    """What both cells share: sizes, and checking a step's input and state at the edge."""

    input_size: int
    hidden_size: int

    def _check(self, x: Sequence, state: object, parts: int) -> tuple[list, list[list]]:
        where = type(self).__name__
        xs = check_inputs(x, self.input_size, where)
        if state is None:
            return xs, [[0.0] * self.hidden_size for _ in range(parts)]
        vectors = [state] if parts == 1 else state
        if parts > 1 and (not isinstance(state, (tuple, list)) or len(state) != parts):
            raise TypeError(f"{where}: state must be a pair (h, c) of {self.hidden_size} "
                            f"Values each, got {type(state).__name__}")
        names = ("h", "c")[:parts] if parts > 1 else ("state",)
        return xs, [check_inputs(v, self.hidden_size, f"{where} {name}")
                    for v, name in zip(vectors, names)]


class RNNCell(_Cell):
    """h' = nonlinearity(W [x, h] + b): the Elman cell, `nonlinearity` "tanh" (default) or "relu".

    `cell(x)` starts from h = 0; `cell(x, h)` continues. Returns h', a list of `hidden_size`.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", *, rng: random.Random | int | None = None) -> None:
        self.input_size = check_count(input_size, "input_size", "RNNCell")
        self.hidden_size = check_count(hidden_size, "hidden_size", "RNNCell")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', "
                             f"got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        self.cell = _gate(input_size + hidden_size, hidden_size, "linear", as_rng(rng, "RNNCell"))
        if not bias:
            for neuron in self.cell.neurons:
                neuron.b = 0.0  # a constant: no longer a parameter
        self.label_parameters()

    def forward(self, x: Vector, h: Vector | None = None) -> list[Value]:
        """The next hidden state for input `x` (input_size) and state `h` (hidden_size)."""
        xs, (hs,) = self._check(x, h, 1)
        f = ACTIVATIONS[self.nonlinearity]
        return [f(z) for z in _fire(self.cell, xs + hs)]

    def __repr__(self) -> str:
        return f"RNNCell({self.input_size}, {self.hidden_size}, nonlinearity={self.nonlinearity!r})"


class LSTMCell(_Cell):
    """Long short-term memory: gates decide what the cell state c forgets, takes in and shows.

    i, f, o = sigmoid(W_i [x, h] + b_i), sigmoid(W_f ...), sigmoid(W_o ...); g = tanh(W_g ...);
    c' = f * c + i * g; h' = o * tanh(c'). Returns (h', c'). The path c -> c' is multiplied only
    by f, not squashed by a derivative < 1 at every step: gradients survive many steps.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: random.Random | int | None = None) -> None:
        self.input_size = check_count(input_size, "input_size", "LSTMCell")
        self.hidden_size = check_count(hidden_size, "hidden_size", "LSTMCell")
        rng = as_rng(rng, "LSTMCell")
        nin = input_size + hidden_size
        self.input_gate = _gate(nin, hidden_size, "sigmoid", rng)
        self.forget_gate = _gate(nin, hidden_size, "sigmoid", rng)
        self.cell_gate = _gate(nin, hidden_size, "tanh", rng)
        self.output_gate = _gate(nin, hidden_size, "sigmoid", rng)
        if not bias:
            for gate in (self.input_gate, self.forget_gate, self.cell_gate, self.output_gate):
                for neuron in gate.neurons:
                    neuron.b = 0.0
        self.label_parameters()

    def forward(self, x: Vector, state: tuple[Vector, Vector] | None = None
                ) -> tuple[list[Value], list[Value]]:
        """(h', c') for input `x` and state `(h, c)` (zeros if None)."""
        xs, (hs, cs) = self._check(x, state, 2)
        xh = xs + hs
        i, f = _fire(self.input_gate, xh), _fire(self.forget_gate, xh)
        g, o = _fire(self.cell_gate, xh), _fire(self.output_gate, xh)
        c_next = [sum_of([f[k] * cs[k], i[k] * g[k]]) for k in range(self.hidden_size)]
        h_next = [o[k] * c_next[k].tanh() for k in range(self.hidden_size)]
        return h_next, c_next

    def __repr__(self) -> str:
        return f"LSTMCell({self.input_size}, {self.hidden_size})"


class RNN(Module):
    """Unrolls `cell` (an RNNCell or LSTMCell) over a sequence: backpropagation through time.

    `outputs, state = rnn(xs)` gives the hidden state after every step and the last state
    (`h`, or `(h, c)` for an LSTM), as `torch.nn.RNN` returns (output, h_n).
    """

    def __init__(self, cell: RNNCell | LSTMCell) -> None:
        if not isinstance(cell, (RNNCell, LSTMCell)):
            raise TypeError(f"RNN: cell must be an RNNCell or LSTMCell, got {type(cell).__name__}")
        self.cell = cell
        self.label_parameters()

    def forward(self, xs: Sequence[Vector], state: object = None
                ) -> tuple[list[list[Value]], object]:
        """Every step's hidden state, and the final state, for a non-empty sequence of inputs."""
        if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence) or not xs:
            raise TypeError(f"RNN: expected a non-empty list of input vectors, "
                            f"got {type(xs).__name__}{' (empty)' if xs == [] else ''}")
        outputs = []
        for x in xs:
            state = self.cell(x, state)
            outputs.append(state[0] if isinstance(self.cell, LSTMCell) else state)
        return outputs, state

    def __repr__(self) -> str:
        return f"RNN({self.cell!r})"

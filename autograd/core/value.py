"""`Value`: a float that remembers how it was computed, and `apply`, the one place ops run.

A Value stores its data, its gradient, a label, the op that made it and its parents in operand
order (two slots, read as the tuple `parents`). It holds no closure: the rule for going backwards
lives in the op table, so a graph is plain data that refcounting frees at once, and that
drawings and the stepper can read.
"""

from __future__ import annotations

import reprlib
from typing import Any

from autograd.core import mode
from autograd.core.display import value_html
from autograd.core.identity import reaches
from autograd.core.ops import (
    ABS,
    ADD,
    COS,
    DIV,
    EXP,
    LEAKY_RELU,
    LOG,
    MAXIMUM,
    MINIMUM,
    MUL,
    NEG,
    POS,
    POW,
    POWER,
    RELU,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    STOP_GRADIENT,
    SUB,
    TANH,
    Op,
)
from autograd.core.scalar import Number, as_float, is_number
from autograd.core.text import describe, short


class Value:
    """A scalar node of the computation graph: `data`, `grad`, `label`, `op` and `parents`."""

    # `_a` and `_b` are the parents (None where there is none): two slots instead of a tuple
    # make a node one allocation the cyclic GC tracks instead of two (measured: see README,
    # Performance). `_pass_grad` is the backward pass's scratch: None at rest; a pass marks the
    # nodes it walks with 0.0 and sums their gradients there (see backward.pass_order). `_fn`
    # is the op record (not `_op`: that name is micrograd's op string, in compat.micrograd).
    __slots__ = ("data", "grad", "label", "_a", "_b", "_fn", "_param", "_pass_grad")

    data: float
    grad: Any  # a float, or a Value after backward(create_graph=True)
    label: str

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = as_float(data, "Value")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.grad = 0.0
        self.label = label
        self._a = self._b = None
        self._fn = None
        self._param = None
        self._pass_grad = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in operand order (`()` for a leaf)."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        return (a,) if b is None else (a, b)

    @parents.setter
    def parents(self, parents: tuple[Value, ...]) -> None:
        """Relink the node (copying does): checked here, since the walk reads the slots as given."""
        given = parents
        try:
            parents = tuple(given)
        except TypeError:
            parents = None
        if parents is None or not all(isinstance(p, Value) for p in parents):
            raise TypeError(f"parents: the .parents of {describe(self)} cannot be "
                            f"{reprlib.repr(given)}: expected a tuple of Values")
        if len(parents) > 2:
            raise ValueError(f"parents: {describe(self)} cannot have {len(parents)} parents: "
                             "no op takes more than two")
        if parents and self._fn is None:  # nothing could read them: no rule, no formula
            raise ValueError(f"parents: {describe(self)} is a leaf (no op made it), so it "
                             "cannot take parents: only a node an op made has operands")
        if reaches(parents, self):
            raise ValueError(f"parents: {describe(self)} cannot take these parents: it is one "
                             "of their own ancestors, so the graph would have a cycle")
        link(self, parents)

    @property
    def op(self) -> str:
        """The symbol of the op that made this node ("" for a leaf), e.g. "*", "tanh", "**2"."""
        op = self._fn
        if op is None:
            return ""
        if self._param is not None and not op.symbol.isidentifier():
            return f"{op.symbol}{self._param:g}"
        return op.symbol

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in (("label", self.label), ("op", self.op)) if v)
        grad = self.grad
        shown = short(grad) if isinstance(grad, float) else repr(grad)
        return f"Value({short(self.data)}, grad={shown}{extra})"

    def _repr_html_(self) -> str:
        """How Jupyter shows a Value: a record `label | data | grad | op` (repr stays as is)."""
        return value_html(self)

    # -- arithmetic: each reads its op from the table -------------------------------------------
    # `+ - *` of two Values inline `_apply`'s usual case, with the op's forward written as the
    # operator it is (ops.PYTHON_OPERATORS; a test holds each to the table's forward, bit for
    # bit). Measured: a call less per node is an eighth of a training step, and the operator
    # instead of a call to `operator.mul` another 2%. Anything unusual (a number operand, a
    # subclass, no_grad, a watcher such as anomaly mode) goes through `_apply`.
    def __add__(self, other: Value | Number) -> Value:
        """self + other (sum), recorded."""
        if other.__class__ is not Value or _get_mode() is not _DEFAULT:
            return _apply(ADD, self, other)
        out = _new(Value)
        out.data = self.data + other.data
        out.grad = 0.0
        out.label = ""
        out._pass_grad = None
        out._a = self
        out._b = other
        out._fn = ADD
        out._param = None
        return out

    def __sub__(self, other: Value | Number) -> Value:
        """self - other (difference), recorded."""
        if other.__class__ is not Value or _get_mode() is not _DEFAULT:
            return _apply(SUB, self, other)
        out = _new(Value)
        out.data = self.data - other.data
        out.grad = 0.0
        out.label = ""
        out._pass_grad = None
        out._a = self
        out._b = other
        out._fn = SUB
        out._param = None
        return out

    def __mul__(self, other: Value | Number) -> Value:
        """self * other (product), recorded."""
        if other.__class__ is not Value or _get_mode() is not _DEFAULT:
            return _apply(MUL, self, other)
        out = _new(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.label = ""
        out._pass_grad = None
        out._a = self
        out._b = other
        out._fn = MUL
        out._param = None
        return out

    def __radd__(self, other: Number) -> Value:
        return _apply(ADD, other, self)

    def __rsub__(self, other: Number) -> Value:
        return _apply(SUB, other, self)

    def __rmul__(self, other: Number) -> Value:
        return _apply(MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _apply(DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _apply(DIV, other, self)

    def __neg__(self) -> Value:
        return _apply(NEG, self)

    def __pos__(self) -> Value:
        return _apply(POS, self)

    def __abs__(self) -> Value:
        return _apply(ABS, self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _apply(POWER, self, exponent)
        return _apply(POW, self, param=as_float(exponent, "pow"))

    def __rpow__(self, base: Number) -> Value:
        return _apply(POWER, base, self)

    # -- functions ------------------------------------------------------------------------------
    def exp(self) -> Value:
        return _apply(EXP, self)

    def log(self) -> Value:
        return _apply(LOG, self)

    def sqrt(self) -> Value:
        return _apply(SQRT, self)

    def sin(self) -> Value:
        return _apply(SIN, self)

    def cos(self) -> Value:
        return _apply(COS, self)

    def tanh(self) -> Value:
        return _apply(TANH, self)

    def sigmoid(self) -> Value:
        return _apply(SIGMOID, self)

    def softplus(self) -> Value:
        return _apply(SOFTPLUS, self)

    def relu(self) -> Value:
        return _apply(RELU, self)

    def leaky_relu(self, slope: float | None = None) -> Value:
        """x for x > 0, else slope*x; the slope defaults to the table's (0.01)."""
        slope = LEAKY_RELU.param_default if slope is None else slope
        return _apply(LEAKY_RELU, self, param=as_float(slope, "leaky_relu"))

    def abs(self) -> Value:
        return _apply(ABS, self)

    def maximum(self, other: Value | Number) -> Value:
        """The larger of self and other, recorded (`torch.maximum`); a tie's gradient goes all
        to self, the first operand (NB: torch.maximum splits it), and a NaN wins."""
        return _apply(MAXIMUM, self, other)

    def minimum(self, other: Value | Number) -> Value:
        """The smaller of self and other, recorded (`torch.minimum`); a tie's gradient goes all
        to self, the first operand (NB: torch.minimum splits it), and a NaN wins."""
        return _apply(MINIMUM, self, other)

    def stop_gradient(self) -> Value:
        """A recorded node equal to self through which no gradient flows (JAX's stop_gradient).

        Unlike `detach()`, a new leaf whose number `autograd.compile` freezes, this node is
        recomputed from self on every call of a compiled program. Its partial 0 is multiplied
        in as every partial is: an inf or NaN gradient above it gives NaN below (NB: PyTorch's
        detach passes nothing), as it does below a relu that is off.
        """
        return _apply(STOP_GRADIENT, self)

    # -- comparisons read `.data` and return bool: they are not differentiable -----------------
    def __lt__(self, other: Value | Number) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= _data(other)

    def __float__(self) -> float:
        return self.data

    # -- the graph ------------------------------------------------------------------------------
    def backward(self, grad: Any = 1.0, *, create_graph: bool = False) -> None:
        """Add d(self)/d(node) * grad to the `.grad` of every node this Value depends on."""
        from autograd.core.backward import backward

        backward(self, grad, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set the `.grad` of every node reachable from this one back to 0.0."""
        from autograd.core.backward import zero_grads

        zero_grads(self)

    def backward_steps(self, grad: Any = 1.0):
        """Backprop one node at a time: iterate to advance; each step explains its chain rule."""
        from autograd.introspect.stepper import backward_steps

        return backward_steps(self, grad)

    def explain(self):
        """A table of every node (label, op, data, grad) in topological order, for the REPL."""
        from autograd.introspect.explain import explain

        return explain(self)

    def text_graph(self):
        """The graph drawn as indented text with data and grad: needs no Graphviz."""
        from autograd.introspect.explain import text_graph

        return text_graph(self)

    # -- copying and pickling (autograd/copying.py): the graph is flattened, never recursed -----
    def __reduce__(self) -> tuple:
        """Pickle this Value with the whole graph behind it (and the graphs of its grads)."""
        from autograd.core.copying import reduce

        return reduce(self)

    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of the whole graph behind this Value; nodes shared with others copied once."""
        from autograd.core.copying import deepcopy

        return deepcopy(self, memo)

    def __copy__(self) -> Value:
        """A new node sharing this one's parents: same data, grad, label and op."""
        from autograd.core.copying import shallow_copy

        return shallow_copy(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label: gradients stop here (PyTorch's detach).

        A leaf is a constant to `autograd.compile`; `stop_gradient()` records a node instead."""
        return Value(self.data, self.label)


def link(node: Value, parents: tuple[Value, ...]) -> None:
    """Set `node`'s parents unchecked: for copying, whose nodes are new (no cycle possible)."""
    node._a, node._b = (*parents, None, None)[:2]


def _data(x: Value | Number) -> float:
    return x.data if isinstance(x, Value) else as_float(x, "comparison")


def _lift(x: object, op: Op) -> Value:
    """A number operand becomes a constant leaf; anything else is a TypeError naming the op."""
    if isinstance(x, Value):  # a subclass of Value
        return x  # type: ignore[return-value]
    if not is_number(x):
        raise TypeError(f"{op.name}: operands must be Values or real numbers (not bool), "
                        f"got {type(x).__name__} ({reprlib.repr(x)})")
    leaf = _new(Value)
    leaf.data = as_float(x, op.name)
    leaf.grad = 0.0
    leaf.label = ""
    leaf._a = leaf._b = None
    leaf._fn = None
    leaf._param = None
    leaf._pass_grad = None
    return leaf


_new = object.__new__
_get_mode = mode.get_mode
_DEFAULT = mode.DEFAULT


def apply(op: Op, *operands: Value | Number, param: float | None = None) -> Value:
    """Run `op` on Values or numbers and record it (the general entry; operators use `_apply`)."""
    if len(operands) != op.arity:
        raise TypeError(f"{op.name}: takes {op.arity} operand(s), got {len(operands)}")
    if param is not None and op.param is None:  # it would be recorded, then given to the rule
        raise TypeError(f"{op.name}: takes no parameter, got param={param!r}")
    return _apply(op, *operands, param=param)


_UNARY: Any = object()  # the default second operand: "there is none" (None is a bad operand)


def _apply(op: Op, a: Value | Number, b: Value | Number = _UNARY, *,
           param: float | None = None) -> Value:
    """Wrap numbers, check the domain, compute, and link the new node to its parents.

    Every op of every graph runs through here: it is the forward pass's hot path, so it is
    written flat, with no loops and no further calls in the common case.
    """
    if a.__class__ is not Value:
        a = _lift(a, op)
    if b is not _UNARY:
        if b.__class__ is not Value:
            b = _lift(b, op)
        if op.check is not None and (problem := op.check(a.data, b.data)) is not None:
            _raise_domain_error(op, (a, b), *problem)
        data = op.forward(a.data, b.data)
    else:
        b = None
        inputs = (a.data,) if param is None else (a.data, param)
        if op.check is not None and (problem := op.check(*inputs)) is not None:
            _raise_domain_error(op, (a,), *problem)
        data = op.forward(*inputs)
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._pass_grad = None
    current = _get_mode()
    if current is _DEFAULT or current.grad:
        out._a = a
        out._b = b
        out._fn = op
        out._param = param
        if current is _DEFAULT:
            return out
    else:  # no_grad: the result is a leaf
        out._a = out._b = None
        out._fn = None
        out._param = None
    if current.watcher is not None:
        current.watcher.on_forward(out)
    return out


def _raise_domain_error(op: Op, parents: tuple[Value, ...], error: type, reason: str) -> None:
    shown = ", ".join(describe(p) for p in parents)
    message = f"{op.name}({shown}): {reason}"
    watcher = _get_mode().watcher
    if watcher is not None:
        message = watcher.on_domain_error(message)
    raise error(message)

"""micrograd's `Value` on stepgrad's engine: micrograd's `_prev`, `_op`, constructor and repr.

A subclass of stepgrad's `Value` that only adds micrograd's names and keeps every result in this
class (numbers are wrapped first, as micrograd does, so `_prev` holds only these Values). The
graph, the forward values and backward are stepgrad's own: no second engine.

NB: stepgrad's `backward()` adds to `.grad` (a second call doubles every gradient), where
micrograd's sets the output's grad to 1 and re-propagates the intermediates' grads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd
from autograd import is_number, local_partials
from autograd.ops import RELU

Number = int | float


def _lift(x: Any) -> Any:
    """A number becomes a Value of this class (as micrograd wraps it); anything else as it is."""
    return x if isinstance(x, autograd.Value) or not is_number(x) else Value(x)


def _adopt(out: autograd.Value) -> Value:
    """The result of a stepgrad op, as this class: the same node (layouts are equal)."""
    out.__class__ = Value  # defined below, before any op runs
    out.grad = 0  # micrograd's int 0, so reprs read as micrograd's
    return out


def _binary(method: Callable[..., autograd.Value]) -> Callable[..., Value]:
    """stepgrad's operator `method`, its operand lifted first and its result adopted."""

    def binary(self: Value, other: Any) -> Value:
        return _adopt(method(self, _lift(other)))

    binary.__name__, binary.__doc__ = method.__name__, method.__doc__
    return binary


def _adopted(method: Callable[..., autograd.Value]) -> Callable[..., Value]:
    """stepgrad's `method` whose arguments are not operands (pow's exponent, a slope), its
    result adopted."""

    def adopted(self: Value, *args: Any) -> Value:
        return _adopt(method(self, *args))

    adopted.__name__, adopted.__doc__ = method.__name__, method.__doc__
    return adopted


class Value(autograd.Value):
    """micrograd's Value: `.data`, `.grad`, `_prev` (a set), `_op` (a string), `_backward()`."""

    __slots__ = ()  # the same layout as stepgrad's Value: results are re-classed, not copied

    def __init__(self, data: Number, _children: tuple = (), _op: str = "",
                 label: str = "") -> None:
        if _children or _op:  # micrograd's engine passes these itself; here stepgrad records
            raise TypeError(f"Value({data!r}, {_children!r}, {_op!r}): this Value records its "
                            "own graph: make nodes with operators (a + b, a.relu()), not by "
                            "passing children and an op")
        super().__init__(data, label)
        self.grad = 0  # micrograd's int 0 (the first backward makes it a float)

    @property
    def _prev(self) -> set[Value]:
        """The inputs this node was made from, as a set (micrograd's `_prev`)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's op string: '' for a leaf, '+', '*', '**2', 'ReLU'; others as stepgrad
        writes them ('-', '/', 'tanh', 'exp', ...)."""
        return "ReLU" if self._fn is RELU else self.op

    def _backward(self) -> None:
        """micrograd's per-node step: each input's grad += local derivative * this grad."""
        if self._fn is None:
            return
        for parent, local in zip(self.parents, local_partials(self)):
            parent.grad += local * self.grad

    _S = autograd.Value  # stepgrad's methods, wrapped
    __add__, __radd__ = _binary(_S.__add__), _binary(_S.__radd__)
    __sub__, __rsub__ = _binary(_S.__sub__), _binary(_S.__rsub__)
    __mul__, __rmul__ = _binary(_S.__mul__), _binary(_S.__rmul__)
    __truediv__, __rtruediv__ = _binary(_S.__truediv__), _binary(_S.__rtruediv__)
    __pow__, __rpow__ = _adopted(_S.__pow__), _binary(_S.__rpow__)
    __neg__, __pos__, __abs__ = _adopted(_S.__neg__), _adopted(_S.__pos__), _adopted(_S.__abs__)
    exp, log, sqrt = _adopted(_S.exp), _adopted(_S.log), _adopted(_S.sqrt)
    sin, cos, tanh = _adopted(_S.sin), _adopted(_S.cos), _adopted(_S.tanh)
    sigmoid, softplus = _adopted(_S.sigmoid), _adopted(_S.softplus)
    relu, leaky_relu, abs = _adopted(_S.relu), _adopted(_S.leaky_relu), _adopted(_S.abs)
    del _S

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    def _repr_html_(self) -> None:
        """None: Jupyter shows micrograd's repr, not stepgrad's record."""
        return None

    def detach(self) -> Value:
        return Value(self.data, label=self.label)

"""Functions of many Values, built on `apply`: sums and means as balanced trees, the recorded
maximum and minimum and their folds, and `stop_gradient`."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

from autograd.core.ops import MAXIMUM, MINIMUM, STOP_GRADIENT, Op
from autograd.core.scalar import Number, is_number
from autograd.core.value import Value, apply


def sum_of(values: Iterable[Value | Number]) -> Value:
    """The sum of many Values as a balanced tree of adds: shallow, so drawings stay readable."""
    level = list(values)
    for i, v in enumerate(level):
        if not (isinstance(v, Value) or is_number(v)):
            raise TypeError(f"sum_of: expected Values or real numbers (not bool), got "
                            f"{type(v).__name__} ({reprlib.repr(v)}) at position {i}")
    if not level:
        return Value(0.0)
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    only = level[0]
    return only if isinstance(only, Value) else Value(only)


def mean_of(values: Iterable[Value | Number]) -> Value:
    """The mean of a non-empty collection of Values."""
    items = list(values)
    if not items:
        raise ValueError("mean_of: needs at least one value")
    return sum_of(items) / len(items)


def maximum(a: Value | Number, b: Value | Number) -> Value:
    """`a.maximum(b)` for numbers too: the larger, recorded; a tie's gradient goes to a."""
    return apply(MAXIMUM, a, b)


def minimum(a: Value | Number, b: Value | Number) -> Value:
    """`a.minimum(b)` for numbers too: the smaller, recorded; a tie's gradient goes to a."""
    return apply(MINIMUM, a, b)


def stop_gradient(x: Value | Number) -> Value:
    """`x.stop_gradient()` for a number too: x, recorded, with no gradient flowing back."""
    return apply(STOP_GRADIENT, x)


def max_of(values: Iterable[Value | Number]) -> Value:
    """The largest of many Values, recorded as a left fold of `maximum`, so its gradient goes to
    the first maximal one (a NaN wins: the first NaN), as PyTorch's max pooling picks."""
    return _fold(MAXIMUM, values, "max_of")


def min_of(values: Iterable[Value | Number]) -> Value:
    """The smallest of many Values, a left fold of `minimum`: the gradient to the first minimal."""
    return _fold(MINIMUM, values, "min_of")


def _fold(op: Op, values: Iterable[Value | Number], where: str) -> Value:
    """op(...op(op(v0, v1), v2)..., vn): a tie keeps the earlier operand, so the first wins."""
    items = list(values)
    if not items:
        raise ValueError(f"{where}: needs at least one value")
    for i, v in enumerate(items):
        if not (isinstance(v, Value) or is_number(v)):
            raise TypeError(f"{where}: expected Values or real numbers (not bool), got "
                            f"{type(v).__name__} ({reprlib.repr(v)}) at position {i}")
    total = items[0]
    for v in items[1:]:
        total = apply(op, total, v)
    return total if isinstance(total, Value) else Value(total)

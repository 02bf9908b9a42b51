"""Nested lists of Values ("tensors" here): their shape, checked once at a layer's edge, and maps.

stepgrad stays scalar: an image is a list of channels, a channel a list of rows, a row a list of
Values or numbers, `x[channel][row][col]`. Every walk here is a loop, never recursion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, is_number


def _is_list(x: object) -> bool:
    return isinstance(x, (list, tuple))


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or is_number(x)


def as_value(x: Value | float) -> Value:
    """`x` itself if it is a Value, else the number `x` as a constant leaf."""
    return x if isinstance(x, Value) else Value(x)


def shape_of(x: object) -> tuple[int, ...] | None:
    """The shape of a rectangular nested list of Values/numbers, e.g. (1, 8, 8); None if ragged.

    A lone Value or number has shape (). Anything that is neither a list nor a scalar gives None.
    """
    if _is_scalar(x):
        return ()
    shape: list[int] = []
    level: list = [x]
    while True:
        if all(_is_scalar(item) for item in level):
            return tuple(shape)
        if not all(_is_list(item) for item in level):
            return None
        sizes = {len(item) for item in level}
        if len(sizes) != 1 or 0 in sizes:
            return None
        shape.append(sizes.pop())
        level = [inner for item in level for inner in item]


def shown_shape(x: object) -> str:
    """How an error shows what it was given: `[1][8][8]`, `a ragged nested list`, `a str`."""
    shape = shape_of(x)
    if shape is None:
        return "a ragged nested list" if _is_list(x) else f"a {type(x).__name__}"
    if not shape:
        return f"a single {type(x).__name__}"
    return "".join(f"[{n}]" for n in shape)


def check_shape(x: object, expected: Sequence[int | str], where: str) -> tuple[int, ...]:
    """The shape of `x` if it matches `expected` (an int fixes a size, a str names a free one).

    Else a TypeError (not nested lists of Values/numbers) or ValueError (wrong shape) that names
    the layer, the expected and the given shape: `Conv2d: expected input [1][rows][cols], ...`.
    """
    want = "".join(f"[{n}]" for n in expected)
    shape = shape_of(x)
    if not _is_list(x):
        raise TypeError(f"{where}: expected input {want} (nested lists of Values or numbers), "
                        f"got {shown_shape(x)}")
    if shape is None:
        raise ValueError(f"{where}: expected input {want}, got a ragged nested list "
                         f"(or one holding something other than Values and numbers)")
    fits = len(shape) == len(expected) and all(
        isinstance(e, str) or e == n for e, n in zip(expected, shape))
    if not fits:
        raise ValueError(f"{where}: expected input {want}, got {shown_shape(x)}")
    return shape


def flatten(x: Any) -> list:
    """The leaves of a nested list in row-major order (`x[0][0][0], x[0][0][1], ...`)."""
    out: list = []
    stack = [iter([x])]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif _is_list(item):
            stack.append(iter(item))
        else:
            out.append(item)
    return out


_END = object()


def map_leaves(f: Callable[[Any], Any], x: Any) -> Any:
    """A nested list of the same shape with `f` applied to every leaf (a leaf alone: `f(x)`)."""
    if not _is_list(x):
        return f(x)
    root: list = []
    stack = [(iter(x), root)]
    while stack:
        items, out = stack[-1]
        item = next(items, _END)
        if item is _END:
            stack.pop()
        elif _is_list(item):
            inner: list = []
            out.append(inner)
            stack.append((iter(item), inner))
        else:
            out.append(f(item))
    return root

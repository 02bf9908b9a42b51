"""Helpers shared by the tests: graph-order checks, central differences, and comparing two
engines bit for bit (values and raised errors alike)."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable

from autograd import Value, topological_order


def assert_topological(order: list[Value], root: Value) -> None:
    """Every parent precedes its child, each node appears once, and every ancestor is there."""
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert parent in position, "an ancestor is missing"
            assert position[parent] < position[node], "a parent comes after its child"


def shape(root: Value) -> list[tuple[str, tuple[int, ...]]]:
    """The graph as (op, parent positions) in topological order: equal for equal structures."""
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    return [(node.op, tuple(position[p] for p in node.parents)) for node in order]


def central_difference(f: Callable[[float], float], x: float) -> tuple[float, float]:
    """(df/dx by central differences, the error bound to allow for it) at `x`.

    The bound covers truncation (h^2) and float roundoff (ulp(f)/h); it is far below 1e-2.
    """
    h = 1e-6 * max(1.0, abs(x))
    up, down = f(x + h), f(x - h)
    numeric = (up - down) / (2 * h)
    allowed = 1e-6 * (1.0 + abs(numeric)) + 1e-14 * (abs(up) + abs(down)) / h
    return numeric, allowed


def assert_matches_difference(analytic: float, f: Callable[[float], float], x: float) -> None:
    numeric, allowed = central_difference(f, x)
    assert math.isfinite(analytic)
    assert abs(analytic - numeric) <= allowed, (analytic, numeric, allowed)


def same(x: float, y: float) -> bool:
    """Equal bit for bit (NaN equals NaN)."""
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return type(x) is type(y) and struct.pack("<d", x) == struct.pack("<d", y)


def outcome(run: Callable[[], object]) -> tuple:
    """What a call does: ("ok", result) or ("error", type, message)."""
    try:
        return ("ok", run())
    except (ArithmeticError, ValueError, TypeError) as error:
        return ("error", type(error), str(error))

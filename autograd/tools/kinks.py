"""Finite differences that know where ops have kinks: honest numeric derivatives for gradcheck.

A central difference across a kink (relu at 0, abs at 0) averages two slopes and matches no
derivative. The op table says where each op is not differentiable (its smooth domain's
`breaks`) and which value its rule takes there (`kink`). So before trusting a central
difference, the function is recorded at x - eps, x and x + eps; for every op with a kink whose
operand crosses or touches a break in that interval, the one-sided difference on the side the
analytic derivative comes from is used instead, and named:

- x exactly at the kink: the side the op's convention picks (relu'(0) = 0 is the left side's
  slope; abs'(0) = 0 is the mean of both sides, the central difference);
- x beside a kink closer than eps: the side away from it, where the op is smooth.

Kinks that pick different sides at one point cannot be checked with whole-function differences;
the partial is then reported as not checked, with the reason, rather than failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.core.backward import local_partials
from autograd.core.graph import topological_order
from autograd.core.mode import enable_grad, no_grad
from autograd.core.scalar import as_float
from autograd.core.value import Value

SIDES = ("left", "right", "central")
RETRIES = 3  # eps / 8, / 64, / 512: kinks on both sides of x closer than eps


@dataclass(frozen=True)
class Numeric:
    """A numeric partial derivative: its value (None: not checkable), the difference it comes
    from ("central", "left", "right") and why, for the report."""

    value: float | None
    side: str = "central"
    note: str = ""


@dataclass(frozen=True)
class _Kink:
    side: str  # in x: "left", "right" or "central"
    at: bool  # x is exactly at the kink (else beside it)
    note: str


def kinked(f: Callable[..., Any], point: list[float]) -> bool:
    """Whether f's graph at `point` has a node of an op with a kink (else: central differences)."""
    out = _record(f, point)
    return isinstance(out, Value) and any(_kink_op(node) for node in topological_order(out))


def numeric_partial(f: Callable[..., Any], point: list[float], i: int, eps: float,
                    near_kinks: bool) -> Numeric:
    """d f / d(point[i]) by differences: central, or one-sided where an op's kink is within eps."""
    if not near_kinks:
        return Numeric((_plain(f, point, i, eps) - _plain(f, point, i, -eps)) / (2 * eps))
    for attempt in range(RETRIES + 1):
        step = eps / 8**attempt
        graphs = [_record(f, _moved(point, i, d)) for d in (-step, 0.0, step)]
        values = [_data(out) for out in graphs]
        kinks = _kinks(graphs)
        differences = {"left": (values[1] - values[0]) / step,
                       "right": (values[2] - values[1]) / step,
                       "central": (values[2] - values[0]) / (2 * step)}
        if not kinks:
            return Numeric(differences["central"])
        sides = {k.side for k in kinks}
        if "none" in sides:
            break
        if len(sides) == 1:
            (side,) = sides
            return Numeric(differences[side], side, "; ".join(dict.fromkeys(
                k.note for k in kinks)))
        if all(k.at for k in kinks):  # no smaller step separates kinks at x itself
            break
    notes = "; ".join(dict.fromkeys(k.note for k in kinks))
    return Numeric(None, "none", f"not checked: no one difference fits every kink here ({notes})")


def _kink_op(node: Value) -> bool:
    op = node._fn
    return op is not None and bool(op.kink) and (op.ties or any(d.breaks for d in op.smooth))


def _kinks(graphs: list[Any]) -> list[_Kink]:
    """The kinks of ops whose operand moves across or onto a break as x moves by +-eps."""
    if not all(isinstance(out, Value) for out in graphs):
        return []
    orders = [topological_order(out) for out in graphs]
    if len({len(order) for order in orders}) != 1:
        return []  # f branches on the value: the graphs do not correspond node for node
    found = []
    for below, centre, above in zip(*orders):
        if not _kink_op(centre) or not (below._fn is centre._fn is above._fn):
            continue
        op = centre._fn
        if op.ties:
            found += _tie(below, centre, above)
            continue
        for j, domain in enumerate(op.smooth):
            ua, u0, ub = below.parents[j].data, centre.parents[j].data, above.parents[j].data
            for p in domain.breaks:
                if ua == ub or not min(ua, ub) <= p <= max(ua, ub):
                    continue  # this operand does not move with x, or stays on one side
                rising = ub > ua  # else x's left is the operand's right
                if u0 == p:  # at the kink: the side its convention picks, seen from x
                    side = _convention(centre, j, p)
                    picked = {"central": "the mean of its two sides' slopes",
                              "none": "neither side's slope"}.get(side, f"its {side} side's slope")
                    note = f"{op.name} is at its kink {p:g}, where {op.kink} is {picked}"
                    if not rising:
                        note += " (its input falls as x rises)"
                        side = {"left": "right", "right": "left"}.get(side, side)
                else:  # beside the kink: the side where x's piece lies, away from the kink
                    side = "right" if (u0 > p) == rising else "left"
                    note = f"{op.name}'s kink at {p:g} is closer than eps"
                found.append(_Kink(side, u0 == p, note))
    return found


def _tie(below: Value, centre: Value, above: Value) -> list[_Kink]:
    """The kink of a selection (maximum, minimum) where its operands tie: g = a - b crosses 0."""
    op = centre._fn
    ga, g0, gb = ((n.parents[0].data - n.parents[1].data) for n in (below, centre, above))
    if ga == gb or not min(ga, gb) <= 0 <= max(ga, gb):
        return []
    rising = gb > ga
    if g0 != 0:  # beside the tie: the side where the same operand stays selected
        side = "right" if (g0 > 0) == rising else "left"
        return [_Kink(side, False, f"{op.name}'s tie is closer than eps")]
    a = centre.parents[0].data
    picks_a_above = op.forward(a + 1.0, a) == a + 1.0  # maximum: a is returned where a > b
    rule = local_partials(centre)
    if rule == (1.0, 0.0) or rule == (0.0, 1.0):  # the tie's gradient goes to one operand
        above_side = picks_a_above == (rule == (1.0, 0.0))  # that operand's side: g > 0?
        side = "right" if above_side == rising else "left"
    else:
        side = "central" if rule == (0.5, 0.5) else "none"
    return [_Kink(side, True, f"{op.name} is at a tie: {op.kink}")]


def _convention(node: Value, j: int, p: float) -> str:
    """Which side of the break the op's rule takes there, in its operand: "left", "right",
    "central" (the mean of both slopes, as abs'(0) = 0), or "none" (another subgradient)."""
    rule = local_partials(node)[j]
    operands = [q.data for q in node.parents]
    param = () if node._param is None else (node._param,)
    h = 1e-6 * max(1.0, abs(p))

    def forward(u: float) -> float:
        moved = list(operands)
        moved[j] = u
        return node._fn.forward(*moved, *param)

    left = (forward(p) - forward(p - h)) / h
    right = (forward(p + h) - forward(p)) / h
    for side, slope in (("left", left), ("right", right), ("central", (left + right) / 2)):
        if abs(rule - slope) <= 1e-6 * max(1.0, abs(slope)):
            return side
    return "none"


def _moved(point: list[float], i: int, d: float) -> list[float]:
    moved = list(point)
    moved[i] += d
    return moved


def _record(f: Callable[..., Any], point: list[float]) -> Any:
    with enable_grad():
        return f(*[Value(x) for x in point])


def _plain(f: Callable[..., Any], point: list[float], i: int, d: float) -> float:
    with no_grad():
        return _data(f(*[Value(x) for x in _moved(point, i, d)]))


def _data(out: Any) -> float:
    return out.data if isinstance(out, Value) else as_float(out, "gradcheck")

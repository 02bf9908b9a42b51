"""The graphs each check draws (hypothesis strategies over the op table), and the learner's class
as `check_engine` first meets it: what it offers, and whether it can be checked at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from autograd.core.ops import OPS
from autograd.tools import testing
from autograd.tools.checkengine.program import CATALOG_OPS, METHODS, Leaf, Line, Num, Program

UPSTREAMS = (2.5, -1.5)
"""The gradient an op receives from above in the `upstream` check: `op(x) * Value(2.5)`."""

REFLECTED_NUMBER = 2.0
"""The number on the left in the reflected checks: `2.0 - x`, `2.0 / x`."""


class UnusableEngineError(TypeError):
    """The class cannot be checked at all: it cannot even build `Value(1.0) + Value(2.0)`."""


@dataclass(frozen=True)
class Probe:
    """A graph to try: which op it is about (or "graph"), the kind of check, the program."""

    op: str
    variant: str  # "alone", "number", "upstream", "reflected" or "graph"
    program: Program


def offered(cls: object) -> tuple[str, ...]:
    """The catalog ops `cls` has a method for, in catalog order; refuses what cannot be checked."""
    if not isinstance(cls, type):
        raise UnusableEngineError(f"check_engine: expected a Value class, got "
                                  f"{type(cls).__name__} ({cls!r:.60})")
    name = cls.__name__
    try:
        total = cls(1.0) + cls(2.0)
        total.data  # noqa: B018 - reading it is the check
        total.grad  # noqa: B018
    except Exception as error:  # noqa: BLE001 - any failure: nothing else could be checked
        raise UnusableEngineError(
            f"check_engine: {name}(1.0) + {name}(2.0) fails ({type(error).__name__}: {error}); "
            f"a checkable class is built as {name}(data) and has +, .data, .grad and "
            f".backward()") from None
    if not callable(getattr(total, "backward", None)):
        raise UnusableEngineError(f"check_engine: {name} has no backward() method")
    return tuple(op for op in CATALOG_OPS if callable(getattr(cls, METHODS[op], None)))


def single(op: str, variants: tuple[str, ...]) -> st.SearchStrategy[Probe]:
    """One op on its own, at points where it is smooth (the table's sampling ranges)."""
    return st.tuples(testing.op_inputs(OPS[op]), st.sampled_from(variants),
                     st.sampled_from(UPSTREAMS)).map(lambda t: Probe(op, t[1], _single(op, *t)))


def _single(op: str, point: tuple[float, ...], variant: str, upstream: float) -> Program:
    arity = OPS[op].arity
    param = point[-1] if op == "pow" else None
    values = point[:arity]
    if variant == "reflected":  # a number on the left: `2.0 - x` (2: clear, and no kink)
        return Program((("x", values[1]),), (Line(op, (Num(REFLECTED_NUMBER), 0)),))
    if variant == "number":  # a number on the right: `x - 2.0`
        return Program((("x", values[0]),), (Line(op, (0, Num(values[1]))),))
    inputs = tuple(zip(("x", "y"), values))
    lines = [Line(op, tuple(range(arity)), param)]
    if variant == "upstream":  # a gradient other than 1 arrives from above
        lines.append(Line("mul", (arity, Leaf(upstream))))
    return Program(inputs, tuple(lines))


def graphs(ops: tuple[str, ...], steps: int, *, passes: int = 1,
           leaves_reused_only: bool = False) -> st.SearchStrategy[Probe]:
    """Random expression graphs (`autograd.testing.expressions`) over `ops` only: reused nodes,
    diamonds, constants (as Value leaves). `leaves_reused_only`: every intermediate node feeds
    one operand, so only inputs and constants are reused (the order of the pass cannot matter)."""
    allowed = frozenset(ops)
    drawn = testing.expressions(max_variables=2, max_steps=steps,
                                ops=[OPS[name] for name in ops])
    drawn = drawn.filter(lambda e: e.ops <= allowed)  # its closing adds, its `x*x` fallback
    if leaves_reused_only:
        drawn = drawn.filter(_intermediates_used_once)
    return drawn.map(lambda e: Probe("graph", "graph", _program(e, passes)))


def _intermediates_used_once(expr: testing.Expression) -> bool:
    uses = [0] * (len(expr.variables) + len(expr.steps))
    for step in expr.steps:
        for x in step.operands:
            if isinstance(x, int):
                uses[x] += 1
    return all(count <= 1 for count in uses[len(expr.variables):])


def _program(expr: testing.Expression, passes: int) -> Program:
    lines = tuple(Line(step.op.name, tuple(x if isinstance(x, int) else Leaf(x)
                                           for x in step.operands), step.param)
                  for step in expr.steps)
    return Program(tuple(zip(expr.variables, expr.point)), lines, passes)


def chain(depth: int) -> Program:
    """x + 1 + 1 + ... : `depth` adds in a row, each a new node of a chain."""
    return Program((("x", 0.5),), tuple(Line("add", (i, Leaf(1.0))) for i in range(depth)))


def chain_source(depth: int, cls: str) -> str:
    return (f"x = {cls}(0.5)\nout = x\nfor _ in range({depth}):\n    out = out + {cls}(1.0)\n"
            f"out.backward()")

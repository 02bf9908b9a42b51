"""Hypothesis strategies for property-testing derivatives: op inputs and random expression graphs.

A dev-only module: it imports hypothesis, so `autograd/__init__.py` never imports it. Everything
here reads the op table, so a new op is sampled (and tested) the moment it is added there.

    from hypothesis import given
    from autograd import gradcheck
    from autograd.tools.testing import expressions

    @given(expressions())
    def test_my_engine(expr):
        assert gradcheck(expr, *expr.point, order=2)

`check_engine(MyValue)` runs these graphs on a learner's own Value class and stepgrad's, and
names each mistake (autograd/tools/checkengine; its public path is `autograd.testing`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass

from hypothesis import strategies as st

from autograd.core.ops import OPS, REAL, Domain, Op
from autograd.core.value import Value
from autograd.transforms.forward import Dual, apply_any
from autograd.transforms.userops import OpFunction

Operand = int | float  # an int is the index of an earlier node, a float is a constant

__all__ = ["DIFFERENTIATED", "Expression", "Step", "expressions", "floats_in", "in_ranges",
           "op_inputs"]

DIFFERENTIATED: tuple[Op, ...] = tuple(op for op in OPS.values() if not op.stops_gradient)
"""The table's ops whose partials are the derivatives of their forwards: finite differences and
sympy can check them (stop_gradient's 0 is a definition instead)."""


def floats_in(domain: Domain) -> st.SearchStrategy[float]:
    """Floats from the closed intervals `domain.ranges`: where samplers may draw that domain."""
    return st.one_of(
        [st.floats(lo, hi, allow_nan=False, allow_infinity=False) for lo, hi in domain.ranges]
    )


def op_inputs(op: Op | OpFunction, *, kinks: bool = False) -> st.SearchStrategy[tuple[float, ...]]:
    """Input tuples where `op` is smooth: one float per input, then its number parameter if any.

    `op` is an `Op`, or what `define_op` returned. With `kinks`, an op with a kink convention
    also gets inputs exactly at its kinks (relu at 0), where `gradcheck` is one-sided."""
    op = _record(op)
    parts = [_at_kinks(floats_in(domain), domain, kinks and bool(op.kink))
             for domain in op.smooth]
    if op.param is not None:
        if op.param_domain is None:
            raise ValueError(f"op_inputs: {op.name} has a parameter but no param_domain")
        parts.append(floats_in(op.param_domain))
    return st.tuples(*parts)


def _at_kinks(drawn: st.SearchStrategy[float], domain: Domain,
              kinks: bool) -> st.SearchStrategy[float]:
    """`drawn`, or with `kinks` also the domain's breaks (the kinks of an op with a kink)."""
    if not (kinks and domain.breaks):
        return drawn
    return st.one_of(drawn, st.sampled_from(domain.breaks))


def _accepts(op: Op, domain: Domain, x: float, kinks: bool) -> bool:
    """`x` may feed `op` where it reads `domain`: in its ranges, or (with `kinks`) at a kink."""
    return in_ranges(x, domain) or (kinks and bool(op.kink) and x in domain.breaks)


def _record(op: Op | OpFunction) -> Op:
    """The `Op` record of a user op's function (what `define_op` returns); an `Op` as it is."""
    return op.op if isinstance(op, OpFunction) else op


def in_ranges(x: float, domain: Domain) -> bool:
    """True if `x` lies in one of the closed intervals where `domain` is sampled."""
    return any(lo <= x <= hi for lo, hi in domain.ranges)


@dataclass(frozen=True, repr=False)
class Step:
    """One node of an expression: `op` applied to earlier nodes or constants (and a parameter)."""

    op: Op
    operands: tuple[Operand, ...]
    param: float | None = None
    collects: bool = False  # a closing add summing unused nodes into the output: any range

    def __repr__(self) -> str:
        extra = "" if self.param is None else f", param={self.param!r}"
        return f"Step({self.op.name}, {self.operands}{extra}{', collects' * self.collects})"


class Expression:
    """A random expression graph that rebuilds itself on any Values: `expr(*values) -> Value`.

    Nodes 0..n-1 are the variables, node n+i is made by `steps[i]`; the last node is the output.
    (A plain class, not a dataclass, so that hypothesis prints the readable `repr`.)
    """

    __slots__ = ("variables", "point", "steps")

    def __init__(
        self, variables: tuple[str, ...], point: tuple[float, ...], steps: tuple[Step, ...]
    ) -> None:
        self.variables, self.point, self.steps = tuple(variables), tuple(point), tuple(steps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.variables, self.point, self.steps)

    def __call__(self, *values: Value | Dual | float) -> Value | Dual:
        if len(values) != len(self.variables):
            raise TypeError(f"expression takes {len(self.variables)} values, got {len(values)}")
        nodes = [v if isinstance(v, (Value, Dual)) else Value(v) for v in values]
        for step in self.steps:
            operands = [nodes[x] if isinstance(x, int) else x for x in step.operands]
            nodes.append(apply_any(step.op, *operands, param=step.param))
        return nodes[-1]

    @property
    def __signature__(self) -> inspect.Signature:
        """Named parameters, so `gradcheck(expr, ...)` labels its table with the variable names."""
        kind = inspect.Parameter.POSITIONAL_ONLY
        return inspect.Signature([inspect.Parameter(n, kind) for n in self.variables])

    @property
    def ops(self) -> frozenset[str]:
        """The names of the ops this expression uses."""
        return frozenset(step.op.name for step in self.steps)

    def formula(self) -> str:
        """Let-bindings, one line per node, e.g. `t1 = x*y` ... `return tanh(t1)`."""
        names = list(self.variables)
        lines = []
        for step in self.steps:
            args = [names[x] if isinstance(x, int) else repr(x) for x in step.operands]
            if step.param is not None:
                args.append(repr(step.param))
            name = f"t{len(names) - len(self.variables) + 1}"
            lines.append(f"{name} = {step.op.formula(*args)}")
            names.append(name)
        lines.append(f"return {names[-1]}")
        return "; ".join(lines)

    def __repr__(self) -> str:
        at = ", ".join(f"{n}={x!r}" for n, x in zip(self.variables, self.point))
        return f"Expression({at}: {self.formula()})"


_NAMES = ("x", "y", "z", "u", "v", "w")


@st.composite
def expressions(
    draw: st.DrawFn,
    *,
    max_variables: int = 3,
    max_steps: int = 8,
    ops: Iterable[Op | OpFunction] | None = None,
    bound: float = 100.0,
    kinks: bool = False,
) -> Expression:
    """Random expression graphs over 1..max_variables variables, inside every op's smooth domain.

    Nodes are reused (diamonds, `a + a`), constants appear as operands, and each drawn op sees only
    inputs inside its smooth ranges (another op is picked otherwise); nodes whose value leaves
    [-bound, bound] are dropped. Unused nodes are summed into the output so every one matters.
    `ops` defaults to the table's ops whose partials are derivatives (all but stop_gradient),
    so that finite differences can check every graph; pass `OPS.values()` for all of them.
    With `kinks`, variables may also be drawn at the ops' kinks and ops with a kink convention
    may be fed a value exactly at a kink (relu(0)): for the kink-aware `gradcheck`.
    """
    table = [_record(op) for op in (DIFFERENTIATED if ops is None else ops)]
    count = draw(st.integers(1, min(max_variables, len(_NAMES))))
    at_kinks = sorted({p for op in table if op.kink for d in op.smooth for p in d.breaks})
    variable = st.one_of(floats_in(REAL), st.sampled_from(at_kinks)) if (
        kinks and at_kinks) else floats_in(REAL)
    point = tuple(draw(variable) for _ in range(count))
    values = list(point)
    used = [False] * count
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, max_steps))):
        usable = [op for op in table if _fits(op, values, kinks)]
        if not usable:  # e.g. only `log` allowed and every value negative
            break
        op = draw(st.sampled_from(usable))
        step = draw(_step(op, values, kinks))
        out = _evaluate(step, values)
        if out is None or abs(out) > bound:
            continue  # keep values bounded: this node is not kept
        for x in step.operands:
            if isinstance(x, int):
                used[x] = True
        steps.append(step)
        values.append(out)
        used.append(False)
    # Sum every node nobody reads (unused variables included) into the output.
    sinks = [i for i, u in enumerate(used) if not u]
    total = sinks[0]
    for i in sinks[1:]:
        steps.append(Step(OPS["add"], (total, i), collects=True))
        values.append(values[total] + values[i])
        total = len(values) - 1
    if not steps:  # a lone variable: make it an expression of it
        steps.append(Step(OPS["mul"], (0, 0)))
    return Expression(_NAMES[:count], point, tuple(steps))


def _fits(op: Op, values: list[float], kinks: bool = False) -> bool:
    """Some node may feed `op`: a unary op needs one in range, others may take constants too."""
    return any(any(_accepts(op, d, v, kinks) for v in values) for d in op.smooth) and (
        op.param is None or op.param_domain is not None
    )


@st.composite
def _step(draw: st.DrawFn, op: Op, values: list[float], kinks: bool = False) -> Step:
    """Operands for `op`: earlier nodes in range (often the same one twice), or constants."""
    fitting = [[i for i, v in enumerate(values) if _accepts(op, d, v, kinks)] for d in op.smooth]
    # At least one operand is a node: pick which one, then fill the rest.
    anchor = draw(st.sampled_from([i for i, f in enumerate(fitting) if f]))
    operands: list[Operand] = []
    for i, (domain, nodes) in enumerate(zip(op.smooth, fitting)):
        if i == anchor or (nodes and draw(st.integers(0, 3)) > 0):
            # Prefer the latest nodes (deep graphs) and the node already chosen (`a + a`).
            earlier = [x for x in operands if isinstance(x, int) and x in nodes]
            pool = earlier + sorted(nodes, reverse=True)
            operands.append(draw(st.sampled_from(pool)))
        else:
            operands.append(draw(floats_in(domain)))
    param = None if op.param is None else draw(floats_in(op.param_domain))
    return Step(op, tuple(operands), param)


def _evaluate(step: Step, values: list[float]) -> float | None:
    """The step's value on floats, or None where the op is undefined or the result not finite."""
    inputs = [values[x] if isinstance(x, int) else x for x in step.operands]
    if step.param is not None:
        inputs.append(step.param)
    if step.op.check is not None and step.op.check(*inputs) is not None:
        return None
    out = step.op.forward(*inputs)
    return out if abs(out) < float("inf") else None

"""What code generation knows about each node's shape (op, parameter, which operands are
constants): its rule written as templates, which operands the rule reads, and which of its
local derivatives are finite whenever some operands are. Made once per shape and cached, so
a graph of thousands of alike nodes costs a few dict lookups per node.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autograd.compiler.naming import escape
from autograd.compiler.symbols import Names, NotSymbolic, Sym, SymMath, text
from autograd.compiler.trace import bits
from autograd.core.ops import FLOAT_MATH, OPS, PYTHON_OPERATORS, Op

PRECEDENCE = {"+": 1, "-": 1, "*": 2}  # the infix ops written inline, by Python's precedence


def global_name(names: Names, op: Op, prefix: str, obj: Any, table: str) -> str:
    """How the program reads `obj`, a built-in op's function (by its name with `prefix`) or a
    user op's (an entry of `table`: a user's op name is never a name in the program)."""
    if op.name.__class__ is str and OPS.get(op.name) is op:
        return names.bind(prefix + op.name, obj)
    return names.entry(table, obj)


@dataclass(slots=True)
class Rule:
    """An op's rule as templates: per operand (expression or None for exactly 1, may it
    raise), or a call of the rule (its text and comment) when it cannot be written out."""

    partials: list[tuple[str | None, bool]]
    plain: bool = False  # no operand or output in the partials: the same for every node
    call: str | None = None
    comment: str = ""
    # For skipping zeros (skips.py): per operand, does its local depend on values (it may be
    # 0); and the operands (-1: the node) whose finite values make every local finite, None
    # if that is not known or a local may raise.
    gates: tuple[bool, ...] = ()
    finite_if: tuple[int, ...] | None = None
    reads: frozenset[int] = frozenset()  # the fields (operands, then the node) it reads


@dataclass(slots=True)
class Shape:
    """What nodes of one shape (op, parameter, constant operands) have in common: their
    forward statement and their rule as templates, filled in with each node's variables."""

    forward: str  # an expression; fields: the variable operands and the parameter's literal
    forward_param: bool  # the forward expression shows the parameter
    comment: str
    consts: tuple[str | None, ...]  # per operand: its literal if it is a constant
    precedence: int  # an infix op that may be written inline: its precedence; else 0
    rule: Rule | None = None  # made when the backward pass first needs it


class Shapes:
    """Each node shape's templates, made once: fast for big graphs."""

    def __init__(self, names: Names) -> None:
        self.names, self.math = names, SymMath(names)
        self.known: dict[tuple, Shape] = {}
        self.ops: list = []  # keeps the ops whose id() keys a shape alive

    def of(self, node, parents: list[int], literal: list[str | None]) -> Shape:
        """The shape of `node` (its operands at `parents`; `literal`: the constants' text)."""
        param = node._param
        consts = tuple([literal[j] for j in parents])
        key = (id(node._fn), None if param is None else bits(param), consts)
        shape = self.known.get(key)
        if shape is None:
            shape = self.known[key] = self._shape(node, consts)
            self.ops.append(node._fn)
        return shape

    def _shape(self, node, consts: tuple) -> Shape:
        op, names = node._fn, self.names
        fields = iter(range(len(consts) + 1))
        operands = [f"{{{next(fields)}}}" if c is None else c for c in consts]
        symbol = PYTHON_OPERATORS.get(op.forward)
        if len(operands) == 2 and symbol is not None:
            a, b = (f"({x})" if x[0] == "-" else x for x in operands)
            expr, shows_param = f"{a} {symbol} {b}", False
        elif len(operands) == 1 and node._param is None and symbol is not None:
            a = operands[0]
            expr, shows_param = f"{symbol}{f'({a})' if a[0] == '-' else a}", False
        else:
            if node._param is None:
                args, shows_param = operands, False
            else:
                names.literal(node._param)  # bound before the op, as when written per node
                args, shows_param = [*operands, "{param}"], True
            expr = f"{global_name(names, op, '', op.forward, 'user_ops')}({', '.join(args)})"
        precedence = PRECEDENCE.get(symbol, 0) if len(operands) == 2 and op.check is None \
            and node._param is None else 0
        return Shape(expr, shows_param, f"  # {escape(op.name)}", consts, precedence)

    def rule(self, shape: Shape, node) -> Rule:
        """The rule's templates for `shape` (`node` one of its nodes), made the first time."""
        if shape.rule is not None:
            return shape.rule
        op, names, k = node._fn, self.names, 0
        args: list = []
        for c, operand in zip(shape.consts, node.parents):
            if c is None:
                args.append(Sym.of_field(k, names))
                k += 1
            else:
                args.append(Sym.of_constant(c, operand.data, names))
        out = Sym.of_field(k, names)
        param = () if node._param is None else (node._param,)
        try:
            found = op.partials(self.math, *args, *param, out)
            if len(found) == len(args):
                partials = [_product(local, names) for local in found]
                # the fields each local reads (a number reads none)
                fields = [local.fields if isinstance(local, Sym) else frozenset()
                          for local in found]
                shape.rule = Rule(partials, not any(fields), gates=tuple(map(bool, fields)),
                                  finite_if=_finite_operands(found, shape.consts),
                                  reads=_reads(found, fields, shape.consts))
                return shape.rule
        except (NotSymbolic, ArithmeticError, ValueError, TypeError, AttributeError):
            pass
        # The rule needs real numbers (it branches, say): call it, as backward() does.
        rule = global_name(names, op, "partials_", op.partials, "user_partials")
        floats = names.bind("FLOAT_MATH", FLOAT_MATH)
        targets = [f"{{{k + 1 + j}}}" for j in range(len(args))]
        shown = ", ".join((*(a.text for a in args),
                           *(names.literal(p) for p in param), out.text))
        call = (f"{', '.join(targets)}{',' if len(targets) == 1 else ''} = "
                f"{rule}({floats}, {shown})")
        shape.rule = Rule([], False, call, f"  # {escape(op.name)}'s rule, called",
                           gates=(True,) * len(args), reads=frozenset(range(k + 1)))
        return shape.rule


def _reads(locals_: tuple, fields: list[frozenset[int]], consts: tuple) -> frozenset[int]:
    """The fields a rule's written-out partials read. A constant operand's partial is left out
    unless it may raise: a constant's gradient is never computed, only its errors are."""
    return frozenset().union(*(read for local, read, c in zip(locals_, fields, consts)
                               if c is None or getattr(local, "may_raise", False)))


def _product(local: object, names: Names) -> tuple[str | None, bool]:
    """A local derivative as the left factor of `local * g` (None when it is exactly 1)."""
    if isinstance(local, Sym):
        return local.operand(), local.may_raise
    shown = text(local, names)  # a number: TypeError (NotSymbolic) for anything else
    if local == 1:
        return None, False  # 1.0 * g is g, bit for bit
    return (f"({shown})" if shown.startswith("-") else shown), False


def _finite_operands(locals_: tuple, consts: tuple) -> tuple[int, ...] | None:
    """The operand positions (-1: the node itself) whose finite values make every one of a
    rule's locals (numbers or Syms) finite; None if a local may raise or its finiteness is
    not known."""
    variables = [k for k, c in enumerate(consts) if c is None]
    variables.append(-1)  # the last field is the node's own value
    found: set[int] = set()
    for local in locals_:
        if isinstance(local, Sym):
            fields = None if local.may_raise else _finite_if(local)
        else:
            fields = () if math.isfinite(local) else None
        if fields is None:
            return None
        found.update(variables[k] for k in fields)
    return tuple(sorted(found))


def _finite_if(local: Sym) -> tuple[int, ...] | None:
    """The fields a symbolic local derivative is finite with: () if always (a finite number, a
    call of ops.ALWAYS_FINITE), (k,) if it is field k itself, None if not known (an
    expression: its finiteness is not known without computing it)."""
    if local.finite or local.number:
        return ()
    return None if local.field is None else (local.field,)

"""Print the op table's rules as math: `d(x*w)/dx = w`, read from the table, never restated.

A tiny expression type stands in for numbers: the table's `partials(m, *inputs, out)` and
`forward(*inputs)` are evaluated on symbols with `SYMBOLIC_MATH` as `m`, and the result prints
with correct precedence and a few simplifications (`1.0*x` is `x`, `k - 1` with k = 2 is `1`).
Simplifications shape rules only: a forward prints its operands as they are (`-(-a)`, `a - (-b)`),
so the names `autograd.introspect.explain.Names` builds from forwards follow the recorded ops.

Expressions here are small by construction (a rule, or a name capped at `MAX_NAME` characters),
so printing them recursively is fine; the graph itself is only ever walked with explicit stacks.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Sequence
from types import SimpleNamespace

from autograd.core.ops import FLOAT_MATH, Op
from autograd.core.scalar import is_number

# Binding strength, loosest first: + -, * /, unary -, **, atoms (names, numbers, calls).
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5
_PRECEDENCE = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "**": POWER}
_SPACED = {"+": " + ", "-": " - ", "*": "*", "/": "/", "**": "**"}


def number_text(x: float) -> str:
    """A number as a rule shows it: `2`, `0.5`, `-1`, `0.01` (integers lose their `.0`)."""
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


class Expr:
    """A symbolic expression: Python operators build new ones, simplifying on the way."""

    __slots__ = ("precedence",)
    precedence: int

    def __add__(self, other: object) -> Expr:
        return _add(self, lift(other))

    def __radd__(self, other: object) -> Expr:
        return _add(lift(other), self)

    def __sub__(self, other: object) -> Expr:
        return _sub(self, lift(other))

    def __rsub__(self, other: object) -> Expr:
        return _sub(lift(other), self)

    def __mul__(self, other: object) -> Expr:
        return _mul(self, lift(other))

    def __rmul__(self, other: object) -> Expr:
        return _mul(lift(other), self)

    def __truediv__(self, other: object) -> Expr:
        return _div(self, lift(other))

    def __rtruediv__(self, other: object) -> Expr:
        return _div(lift(other), self)

    def __pow__(self, other: object) -> Expr:
        return _pow(self, lift(other))

    def __rpow__(self, other: object) -> Expr:
        return _pow(lift(other), self)

    def __neg__(self) -> Expr:
        return _neg(self)

    def __pos__(self) -> Expr:
        return Unary("+", self)  # kept: `+x` is a node of its own (the pos op), not x

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Num(Expr):
    """A number that simplifications may fold: the constants in rules, and parameters."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = float(value)
        self.precedence = ATOM if self.value >= 0 else UNARY

    def __str__(self) -> str:
        return number_text(self.value)


class Sym(Expr):
    """An opaque name (`x`, `out`, a constant leaf's `2`): printed as is, never folded."""

    __slots__ = ("text",)

    def __init__(self, text: str, precedence: int = ATOM) -> None:
        self.text = text
        self.precedence = precedence

    def __str__(self) -> str:
        return self.text


class Call(Expr):
    """A function applied to arguments, e.g. `cos(x)` or `leaky_relu(x, 0.01)`."""

    __slots__ = ("name", "args")

    def __init__(self, name: str, args: Sequence[Expr]) -> None:
        self.name, self.args, self.precedence = name, tuple(args), ATOM

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


class Unary(Expr):
    """Unary minus or plus. Only minus simplifies (`-(-y)` is `y`); plus is never dropped."""

    __slots__ = ("sign", "operand")

    def __init__(self, sign: str, operand: Expr) -> None:
        self.sign, self.operand, self.precedence = sign, operand, UNARY

    def __str__(self) -> str:
        return self.sign + _wrap(self.operand, self.operand.precedence <= UNARY)


def _is_negation(e: Expr) -> bool:
    return isinstance(e, Unary) and e.sign == "-"


class Binary(Expr):
    """`left symbol right` for + - * / **."""

    __slots__ = ("symbol", "left", "right")

    def __init__(self, symbol: str, left: Expr, right: Expr) -> None:
        self.symbol, self.left, self.right = symbol, left, right
        self.precedence = _PRECEDENCE[symbol]

    def __str__(self) -> str:
        p, left, right = self.precedence, self.left, self.right
        if p == POWER:  # right-associative, and tighter than unary minus on its left
            left_wrap, right_wrap = left.precedence <= POWER, right.precedence < POWER
        else:  # left-associative: a - (b - c) and a/(b*c) keep their parentheses; a - (-b)
            left_wrap = left.precedence < p
            right_wrap = right.precedence <= p or (p == SUM and right.precedence == UNARY)
        return _wrap(left, left_wrap) + _SPACED[self.symbol] + _wrap(right, right_wrap)


class Literal(Expr):
    """An operand printed as it is: no simplification looks inside (`-Literal(-a)` is `-(-a)`)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Expr) -> None:
        self.inner, self.precedence = inner, inner.precedence

    def __str__(self) -> str:
        return str(self.inner)


def _wrap(e: Expr, wrap: bool) -> str:
    return f"({e})" if wrap else str(e)


def lift(x: object) -> Expr:
    """An Expr as is; a number as a foldable `Num`."""
    if isinstance(x, Expr):
        return x
    if is_number(x):
        return Num(x)
    raise TypeError(f"symbolic: cannot use {type(x).__name__} ({reprlib.repr(x)}) in an expression")


def _is(e: Expr, value: float) -> bool:
    return isinstance(e, Num) and e.value == value


def _fold(a: Expr, b: Expr, f) -> Expr | None:
    if isinstance(a, Num) and isinstance(b, Num):
        try:
            result = f(a.value, b.value)
        except (ArithmeticError, ValueError):
            return None
        if isinstance(result, float) and math.isfinite(result):
            return Num(result)
    return None


def _negative(e: Expr) -> Expr | None:
    """`y` if e is `-y` or a negative number, else None: lets `a + -y` print as `a - y`."""
    if _is_negation(e):
        return e.operand
    if isinstance(e, Num) and e.value < 0:
        return Num(-e.value)
    return None


def _add(a: Expr, b: Expr) -> Expr:
    folded = _fold(a, b, lambda x, y: x + y)
    if folded is not None:
        return folded
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    minus = _negative(b)
    return Binary("-", a, minus) if minus is not None else Binary("+", a, b)


def _sub(a: Expr, b: Expr) -> Expr:
    folded = _fold(a, b, lambda x, y: x - y)
    if folded is not None:
        return folded
    if _is(b, 0):
        return a
    if _is(a, 0):
        return _neg(b)
    minus = _negative(b)
    return Binary("+", a, minus) if minus is not None else Binary("-", a, b)


def _mul(a: Expr, b: Expr) -> Expr:
    folded = _fold(a, b, lambda x, y: x * y)
    if folded is not None:
        return folded
    if _is(a, 0) or _is(b, 0):
        return Num(0)
    for one, other in ((a, b), (b, a)):
        if _is(one, 1):
            return other
        if _is(one, -1):
            return _neg(other)
    return Binary("*", a, b)


def _div(a: Expr, b: Expr) -> Expr:
    folded = _fold(a, b, lambda x, y: x / y)
    if folded is not None:
        return folded
    if _is(b, 1):
        return a
    return Binary("/", a, b)


def _pow(a: Expr, b: Expr) -> Expr:
    folded = _fold(a, b, lambda x, y: x**y)
    if folded is not None:
        return folded
    if _is(b, 1):
        return a
    if _is(b, 0):
        return Num(1)
    return Binary("**", a, b)


def _neg(a: Expr) -> Expr:
    if isinstance(a, Num):
        return Num(-a.value)
    if _is_negation(a):
        return a.operand
    return Unary("-", a)


def _function(name: str):
    return lambda *args: Call(name, [lift(a) for a in args])


SYMBOLIC_MATH = SimpleNamespace(
    **{name: _function(name) for name in vars(FLOAT_MATH) if not name.startswith("_")}
)
"""The rules' math namespace `m` for symbols: every function FLOAT_MATH has, as a `Call`."""
SYMBOLIC_MATH.pow = lambda a, b: _pow(lift(a), lift(b))  # printed as the operator: x**(k - 1)


def symbol(name: str | Expr) -> Expr:
    """`name` as an opaque symbol (an Expr is kept as is)."""
    return name if isinstance(name, Expr) else Sym(name)


def number_symbol(x: float) -> Sym:
    """A constant as an unfoldable symbol, with the precedence of its sign (`-2` binds loosely)."""
    return Sym(number_text(x), ATOM if x >= 0 else UNARY)


def _operands(op: Op, names: Sequence[str | Expr] | None) -> list[Expr]:
    if names is None:
        names = "ab"[: op.arity]  # ops take one or two operands
    if len(names) != op.arity:
        raise ValueError(f"{op.name}: expected {op.arity} operand names, got {len(names)}")
    return [symbol(n) for n in names]


def forward_expr(
    op: Op, names: Sequence[str | Expr] | None = None, param: float | None = None
) -> Expr:
    """The forward as an expression, e.g. `x*w`, `x**2`, `-a`, `tanh(n)`, `leaky_relu(x, 0.1)`.

    Operators come from evaluating the table's `forward` on symbols; forwards that need a real
    number (math.tanh, comparisons) or return an operand as it is (stop_gradient) are shown as
    a call of the op's symbol. Operands are never simplified away: `-(-a)` stays, so two
    different nodes never print alike.
    """
    args: list[Expr] = [Literal(a) for a in _operands(op, names)]
    if param is not None:
        args.append(number_symbol(param))  # a Sym, so the forward prints unsimplified
    try:
        result = op.forward(*args)
    except TypeError:
        result = None
    if not isinstance(result, Expr) or any(result is a for a in args):  # else x would print
        return Call(op.symbol, args)  # as stop_gradient(x) does
    return result


def partial_exprs(
    op: Op,
    names: Sequence[str | Expr] | None = None,
    out: str | Expr = "out",
    param: float | str | None = None,
) -> tuple[Expr, ...]:
    """d(out)/d(operand) for each operand, as expressions: the table's rule run on symbols.

    `param` is the op's number parameter, or a name to keep it symbolic (`k*x**(k - 1)`).
    """
    args: list[Expr] = _operands(op, names)
    if (param is None) != (op.param is None):
        raise ValueError(f"{op.name}: parameter {op.param!r} given as {param!r}")
    if isinstance(param, str):
        args.append(symbol(param))
    elif param is not None:
        args.append(Num(param))  # a Num, so `k - 1` folds to a number
    return tuple(lift(p) for p in op.partials(SYMBOLIC_MATH, *args, symbol(out)))


def differential(name: str | Expr) -> str:
    """`dx` for a plain name, `d(x*w)` otherwise."""
    text = str(name)
    return f"d{text}" if text.isidentifier() else f"d({text})"


def rule_texts(
    op: Op,
    names: Sequence[str | Expr] | None = None,
    out: str | Expr = "out",
    param: float | None = None,
) -> tuple[str, ...]:
    """Each operand's rule as a line of math, e.g. `d(x*w)/dx = w` and `d(x*w)/dw = x`."""
    operands = _operands(op, names)
    top = differential(forward_expr(op, operands, param))
    partials = partial_exprs(op, operands, out, param)
    return tuple(f"{top}/{differential(a)} = {p}" for a, p in zip(operands, partials))

"""Code symbols: evaluating an op's rule on them writes the rule out as Python source.

A `Sym` stands for a variable of the generated program. Its operators return new Syms whose
text is the operation written out with explicit parentheses, so the generated expression does
the same floating-point operations in the same order as the rule run on floats. `SymMath` is
the math namespace: `m.exp(a)` becomes a call to the very function `FLOAT_MATH.exp`, bound by
name in the program's globals. A rule that does anything else with a Sym (compare it, branch on
it) raises `NotSymbolic`, and the generator calls the rule itself instead.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

from autograd.compiler.naming import reserved
from autograd.core.ops import ALWAYS_FINITE, FLOAT_MATH


class NotSymbolic(TypeError):
    """A rule used a symbol in a way that cannot be written as one expression (e.g. `if a > 0`)."""


class Names:
    """The names of one program: its variables, each given once, and the globals it reads.

    Variables come from `naming.variables` and names derived from them (`x_grad`); globals are
    the program's own names (`naming.reserved()`), or entries of a table (`user_ops[0]`) for
    anything else: a user op, a constant that has no exact literal.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.globals: dict[str, Any] = {}
        self.own = reserved()
        self._bound: dict[int, str] = {}  # id(object) -> how the program reads it

    def scope(self) -> Names:
        """The names of a function inside the program: variables of its own, the same globals."""
        inner = Names.__new__(Names)
        inner.taken, inner.globals, inner.own, inner._bound = set(), self.globals, self.own, \
            self._bound
        return inner

    def variable(self, name: str) -> str:
        """Claim `name` for one variable; naming's rule makes a second claim impossible."""
        if name in self.taken:
            raise AssertionError(f"compile: the variable name {name!r} was given twice")
        self.taken.add(name)
        return name

    def bind(self, wanted: str, obj: Any) -> str:
        """A global name for `obj` (the same every time it is asked for): `wanted`, one of the
        program's own names, or, should that one be bound to something else, a table entry."""
        known = self._bound.get(id(obj))
        if known is not None:
            return known
        if wanted not in self.own or wanted in self.globals:
            return self.entry("functions", obj)
        self.globals[wanted] = obj
        self._bound[id(obj)] = wanted
        return wanted

    def entry(self, table: str, obj: Any) -> str:
        """`obj` as an entry of the global list `table` (`user_ops[2]`): no name from user text."""
        known = self._bound.get(id(obj))
        if known is not None:
            return known
        rows = self.globals.setdefault(table, [])
        name = self._bound[id(obj)] = f"{table}[{len(rows)}]"
        rows.append(obj)
        return name

    def literal(self, x: Any) -> str:
        """A number as exact source: `repr` of a float or a small int; a bound name for inf and
        nan, and a table entry for anything else (a float subclass, a NaN with a payload)."""
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise NotSymbolic(f"not a number: {x!r}")
        shown = plain_number(x)
        if shown is not None:
            return shown
        if x.__class__ is float:
            if x == x:
                return self.bind("inf", math.inf) if x > 0 else self.bind("minus_inf", _MINUS_INF)
            if struct.pack("<d", x) == _NAN_BITS:
                return self.bind("nan", math.nan)
        return self.entry("constants", x)  # the very object: no text of ours can differ


def plain_number(x: Any) -> str | None:
    """The literal of a finite float or a small int (`repr`); None for any other object (an
    inf, a NaN, a subclass, a big int), which the program reads by name."""
    kind = x.__class__
    if kind is float:
        return float.__repr__(x) if math.isfinite(x) else None
    if kind is int and x.bit_length() <= 64:
        return int.__repr__(x)
    return None


_MINUS_INF = -math.inf
_NAN_BITS = struct.pack("<d", math.nan)


class Sym:
    """A value of the generated program: its source text, and whether it needs parentheses.

    It also knows what it was built from, so no one reads that back from the text: `fields`,
    the numbered template fields (`{k}`: a node's operand or the node) it reads; `field`, k if
    it is exactly field k; `number`, whether it is a finite number written out (`2.0`, `-3`).
    """

    __slots__ = ("text", "atomic", "names", "may_raise", "finite", "fields", "field", "number")

    def __init__(self, text: str, names: Names, atomic: bool = True,
                 may_raise: bool = False, finite: bool = False,
                 fields: frozenset[int] = frozenset(), number: bool = False) -> None:
        self.text, self.names, self.atomic, self.may_raise = text, names, atomic, may_raise
        self.finite = finite  # finite whatever its operands are, never raising (a call of
        # ops.ALWAYS_FINITE on an argument that cannot raise)
        self.fields, self.number = fields, number
        self.field: int | None = None

    @classmethod
    def of_field(cls, k: int, names: Names) -> Sym:
        """Template field k (`{k}`), filled in with a node's variable when the rule is written."""
        sym = cls(f"{{{k}}}", names, fields=frozenset((k,)))
        sym.field = k
        return sym

    @classmethod
    def of_constant(cls, shown: str, x: Any, names: Names) -> Sym:
        """The constant `x`, which the program reads as `shown` (`names.literal(x)`)."""
        return cls(shown, names, not shown.startswith("-"), number=plain_number(x) is not None)

    def operand(self) -> str:
        return self.text if self.atomic else f"({self.text})"

    def _binary(self, other: Any, symbol: str, reflected: bool = False) -> Sym:
        mine, theirs = self.operand(), _operand(other, self.names)
        left, right = (theirs, mine) if reflected else (mine, theirs)
        # + - * on floats never raise (overflow is inf); / and ** can, as can calls
        raises = self.may_raise or symbol in ("/", "**") or getattr(other, "may_raise", False)
        fields = self.fields | other.fields if isinstance(other, Sym) else self.fields
        return Sym(f"{left} {symbol} {right}", self.names, False, raises, fields=fields)

    def _signed(self, sign: str) -> Sym:
        # a number written out stays one with a sign in front (`-2.0`), not inside parentheses
        return Sym(f"{sign}{self.operand()}", self.names, False, self.may_raise,
                   fields=self.fields, number=self.number and self.atomic)

    def __add__(self, o: Any) -> Sym:
        return self._binary(o, "+")

    def __radd__(self, o: Any) -> Sym:
        return self._binary(o, "+", True)

    def __sub__(self, o: Any) -> Sym:
        return self._binary(o, "-")

    def __rsub__(self, o: Any) -> Sym:
        return self._binary(o, "-", True)

    def __mul__(self, o: Any) -> Sym:
        return self._binary(o, "*")

    def __rmul__(self, o: Any) -> Sym:
        return self._binary(o, "*", True)

    def __truediv__(self, o: Any) -> Sym:
        return self._binary(o, "/")

    def __rtruediv__(self, o: Any) -> Sym:
        return self._binary(o, "/", True)

    def __pow__(self, o: Any) -> Sym:
        return self._binary(o, "**")

    def __rpow__(self, o: Any) -> Sym:
        return self._binary(o, "**", True)

    def __neg__(self) -> Sym:
        return self._signed("-")

    def __pos__(self) -> Sym:
        return self._signed("+")

    def __abs__(self) -> Sym:
        return call(self.names, "abs", abs, (self,))

    def _refuse(self, *_: Any) -> Any:
        raise NotSymbolic("a rule compared or converted a symbol")

    __bool__ = __float__ = __int__ = __index__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]


def _operand(x: Any, names: Names) -> str:
    if isinstance(x, Sym):
        return x.operand()
    text = names.literal(x)
    return f"({text})" if text.startswith("-") else text


def call(names: Names, wanted: str, function: Callable, args: tuple,
         finite: bool = False) -> Sym:
    """`function(*args)` as source, `function` bound under a global name."""
    name = names.bind(wanted, function)
    shown = ", ".join(a.text if isinstance(a, Sym) else names.literal(a) for a in args)
    # an ALWAYS_FINITE function never raises, but computing its argument may (step(1/a))
    raises = not finite or any(isinstance(a, Sym) and a.may_raise for a in args)
    fields = frozenset().union(*(a.fields for a in args if isinstance(a, Sym)))
    return Sym(f"{name}({shown})", names, may_raise=raises, finite=finite and not raises,
               fields=fields)


class SymMath:
    """The rules' math namespace on symbols: `m.f(x)` is a call to `FLOAT_MATH.f`."""

    def __init__(self, names: Names) -> None:
        self._names = names

    def __getattr__(self, name: str) -> Callable[..., Sym]:
        function = getattr(FLOAT_MATH, name, None)
        if name.startswith("_") or not callable(function):
            raise NotSymbolic(f"FLOAT_MATH has no function {name!r}")
        finite = name in ALWAYS_FINITE
        return lambda *args: call(self._names, name, function, args, finite)


def text(x: Any, names: Names) -> str:
    """A rule's result (a Sym or a number) as a full expression."""
    return x.text if isinstance(x, Sym) else names.literal(x)

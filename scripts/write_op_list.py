"""Regenerate the README's op list from the op table: `python scripts/write_op_list.py [--check]`.

Each derivative is the table's own rule, evaluated on symbols that print themselves, so the README
can never state a rule the engine does not use. `tests/test_readme.py` fails when it is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd.ops import OPS, Domain, Op  # noqa: E402 - after the path set-up above
from autograd.value import Value  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- section:ops -->", "<!-- /section:ops -->"

# Precedence, as in Python: a sum inside a product needs parentheses, a product inside a sum not.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5


class Sym:
    """An expression that prints itself with the fewest parentheses: `1 - out*out`."""

    def __init__(self, text: str, precedence: int = ATOM) -> None:
        self.text, self.precedence = text, precedence

    def __str__(self) -> str:
        return self.text

    def _binary(self, other: object, symbol: str, precedence: int, reflected: bool) -> Sym:
        left, right = (lift(other), self) if reflected else (self, lift(other))
        # Left needs parentheses below this precedence (at it too for the right-assoc **);
        # right needs them at it too for -, / and the ** base rules.
        left_tight = left.precedence <= precedence if symbol == "**" else False
        right_tight = right.precedence == precedence and symbol in "-/"
        lt = wrap(left, left.precedence < precedence or left_tight)
        rt = wrap(right, right.precedence < precedence or right_tight)
        spaced = f" {symbol} " if precedence == SUM else symbol
        return Sym(f"{lt}{spaced}{rt}", precedence)

    def __add__(self, o): return self._binary(o, "+", SUM, False)  # noqa: E704
    def __radd__(self, o): return self._binary(o, "+", SUM, True)  # noqa: E704
    def __sub__(self, o): return self._binary(o, "-", SUM, False)  # noqa: E704
    def __rsub__(self, o): return self._binary(o, "-", SUM, True)  # noqa: E704
    def __mul__(self, o): return self._binary(o, "*", PRODUCT, False)  # noqa: E704
    def __rmul__(self, o): return self._binary(o, "*", PRODUCT, True)  # noqa: E704
    def __truediv__(self, o): return self._binary(o, "/", PRODUCT, False)  # noqa: E704
    def __rtruediv__(self, o): return self._binary(o, "/", PRODUCT, True)  # noqa: E704
    def __pow__(self, o): return self._binary(o, "**", POWER, False)  # noqa: E704
    def __rpow__(self, o): return self._binary(o, "**", POWER, True)  # noqa: E704

    def __neg__(self) -> Sym:
        return Sym(f"-{wrap(self, self.precedence < UNARY)}", UNARY)


def wrap(s: Sym, needed: bool) -> str:
    return f"({s})" if needed else str(s)


def lift(x: object) -> Sym:
    """A number as a symbol: 1.0 prints as 1, -1.0 as -1 (a unary minus)."""
    if isinstance(x, Sym):
        return x
    text = f"{x:g}"
    return Sym(text, UNARY if text.startswith("-") else ATOM)


class SYMBOL_MATH:  # noqa: N801 - the rules' math namespace, on printing symbols
    """`m.cos(x)` prints as `cos(x)`: whatever function a rule calls, it is written by name."""

    def __getattr__(self, name: str):
        return lambda *args: Sym(f"{name}({', '.join(str(a) for a in args)})")


def input_names(op: Op) -> list[str]:
    return ["x"] if op.arity == 1 else ["a", "b"][: op.arity]


def rule_text(op: Op) -> str:
    """The table's rule, evaluated on symbols: `d/da = 1/b; d/db = -out/b`."""
    names = input_names(op)
    args = [Sym(n) for n in names] + ([Sym(op.param)] if op.param else [])
    partials = op.partials(SYMBOL_MATH(), *args, Sym("out"))
    return "; ".join(f"d/d{n} = {lift(p)}" for n, p in zip(names, partials))


_UNARY_OPERATORS = {"__neg__": "-x", "__abs__": "abs(x)", "__pos__": "+x", "__invert__": "~x"}


def usage(op: Op) -> str:
    """How a user writes the op: an operator (`a * b`, `x ** k`, `-x`) or a method (`x.tanh()`)."""
    names = input_names(op)
    if not op.symbol.isidentifier():  # an operator symbol
        operands = names + ([op.param] if op.param else [])
        return f" {op.symbol} ".join(operands)
    if hasattr(Value, op.name):
        return f"x.{op.name}({op.param or ''})"
    for dunder, written in _UNARY_OPERATORS.items():
        if dunder.strip("_") == op.name and hasattr(Value, dunder):
            return written
    raise LookupError(f"write_op_list: how is {op.name!r} written? add it to _UNARY_OPERATORS")


def renamed(domain: Domain, name: str) -> str:
    """A domain's name for this operand: `x > 0` for input `b` reads `b > 0`."""
    return re.sub(r"\bx\b", name, domain.name)


def where(op: Op) -> str:
    """Where the op is smooth (and sampled by the tests), its parameter's range, its kink rule."""
    parts = [renamed(d, n) for d, n in zip(op.smooth, input_names(op))]
    if op.param_domain is not None:
        parts.append(op.param_domain.name)
    text = ", ".join(parts)
    return f"{text}; {op.kink}" if op.kink else text


def render() -> str:
    """The whole ops section, markers excluded."""
    rows = [
        f"| `{op.name}` | `{usage(op)}` | `{rule_text(op)}` | {where(op)} | {op.doc} |"
        for op in OPS.values()
    ]
    return "\n".join([INTRO, *rows])


INTRO = """\
## Operations

Generated from the op table ([`autograd/ops.py`](autograd/ops.py)) by
`python scripts/write_op_list.py`; `tests/test_readme.py` fails when this list is stale. Each
derivative is the table's own rule, printed by evaluating it on symbols; `out` is the op's
result. "Smooth on" is where the op is differentiable and where the tests sample it; ops with a
domain check raise `ValueError` or `ZeroDivisionError` outside their domain, naming the op and
its operands.

| op | usage | derivative | smooth on; kink convention | what |
|---|---|---|---|---|"""


def replace_section(readme: str, body: str) -> str:
    """The README with the ops section's body replaced."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}\n{END}{tail}"


def main(argv: list[str]) -> int:
    text = README.read_text()
    fresh = replace_section(text, render())
    if "--check" in argv:
        if fresh != text:
            print("README.md: the ops section is stale; run python scripts/write_op_list.py")
            return 1
        return 0
    if fresh != text:
        README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Regenerate the docs' op list from the op table: `python scripts/write_op_list.py [--check]`.

It writes the whole page docs/reference/operations.md. Each derivative is the table's own rule,
evaluated on symbols that print themselves, so the docs can never state a rule the engine does not
use. `tests/docs/test_op_list.py` fails when the page is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd.core.ops import OPS, Domain, Op  # noqa: E402 - after the path set-up above
from autograd.core.value import Value  # noqa: E402
from autograd.introspect.symbolic import forward_expr, partial_exprs  # noqa: E402

PAGE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "operations.md"


def input_names(op: Op) -> list[str]:
    return ["x"] if op.arity == 1 else ["a", "b"][: op.arity]


def rule_text(op: Op) -> str:
    """The table's rule on symbols (introspect/symbolic.py): `d/da = 1/b; d/db = -out/b`."""
    names = input_names(op)
    partials = partial_exprs(op, names, "out", op.param)
    return "; ".join(f"d/d{n} = {p}" for n, p in zip(names, partials))


def usage(op: Op) -> str:
    """How a user writes the op: an operator (`a * b`, `x ** k`, `-x`) or a method (`x.tanh()`,
    `a.maximum(b)`)."""
    names = input_names(op)
    if not op.symbol.isidentifier():  # an operator symbol
        operands = names + ([op.param] if op.param else [])
        return f" {op.symbol} ".join(operands)
    if hasattr(Value, op.name):
        if op.arity == 2:
            return f"a.{op.name}(b)"
        return f"x.{op.name}({op.param or ''})"
    return str(forward_expr(op, names))  # a unary operator, printed by its forward: -x, +x


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
    """The whole page."""
    rows = [
        f"| `{op.name}` | `{usage(op)}` | `{rule_text(op)}` | {where(op)} | {op.doc} |"
        for op in OPS.values()
    ]
    return "\n".join([INTRO, *rows]) + "\n"


INTRO = """\
# Operations

Generated from the op table ([`autograd.OPS`][autograd.OPS]) by
`python scripts/write_op_list.py`; `tests/docs/test_op_list.py` fails when this list is stale. Each
derivative is the table's own rule, printed by evaluating it on symbols; `out` is the op's
result, `step(x)` is 1 for x > 0 and else 0, `sign(x)` is -1, 0 or 1, and `picked(out, a)` is 1
if the op returned its operand `a` and else 0. "Smooth on" is where the op is differentiable and
where the tests sample it; ops with a domain check raise `ValueError` or `ZeroDivisionError`
outside their domain, naming the op and its operands.

| op | usage | derivative | smooth on; kink convention | what |
|---|---|---|---|---|"""


def main(argv: list[str]) -> int:
    fresh = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text() != fresh:
            print(f"{PAGE.name} is stale; run python scripts/write_op_list.py")
            return 1
        return 0
    PAGE.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Regenerate the README's op list from the op table: `python scripts/write_op_list.py [--check]`.

Each derivative is the table's own rule, evaluated on symbols that print themselves, so the README
can never state a rule the engine does not use. `tests/test_readme.py` fails when it is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd.core.ops import OPS, Domain, Op  # noqa: E402 - after the path set-up above
from autograd.core.value import Value  # noqa: E402
from autograd.introspect.symbolic import forward_expr, partial_exprs  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- section:ops -->", "<!-- /section:ops -->"


def input_names(op: Op) -> list[str]:
    return ["x"] if op.arity == 1 else ["a", "b"][: op.arity]


def rule_text(op: Op) -> str:
    """The table's rule on symbols (introspect/symbolic.py): `d/da = 1/b; d/db = -out/b`."""
    names = input_names(op)
    partials = partial_exprs(op, names, "out", op.param)
    return "; ".join(f"d/d{n} = {p}" for n, p in zip(names, partials))


def usage(op: Op) -> str:
    """How a user writes the op: an operator (`a * b`, `x ** k`, `-x`) or a method (`x.tanh()`)."""
    names = input_names(op)
    if not op.symbol.isidentifier():  # an operator symbol
        operands = names + ([op.param] if op.param else [])
        return f" {op.symbol} ".join(operands)
    if hasattr(Value, op.name):
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

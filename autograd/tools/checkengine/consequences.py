"""Telling a consequence from a cause: an op built from other ops inherits their mistakes.

micrograd writes `a - b` as `a + (-b)`, `-a` as `a * -1` and `a / b` as `a * b**-1`; a learner
may write `tanh` from `exp`. When such an op fails and the ops it may be built from have
findings, the learner's own engine is run on each way of building it: if one gives exactly the
failing results, the failure is theirs, and is not reported a second time.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.tools.checkengine.program import Leaf, Line, Num, Operand, Program, Run, close, run


class _Builder:
    """Appends lines after a program's inputs; each call returns the new node's index."""

    def __init__(self, first: int) -> None:
        self.lines: list[Line] = []
        self.first = first

    def __call__(self, op: str, *operands: Operand, param: float | None = None) -> int:
        self.lines.append(Line(op, operands, param))
        return self.first + len(self.lines) - 1


Recipe = Callable[..., int]


def _tanh_2x(b: _Builder, x: Operand) -> int:
    e = b("exp", b("mul", x, Num(2.0)))
    return b("div", b("sub", e, Num(1.0)), b("add", e, Num(1.0)))


def _tanh_both(b: _Builder, x: Operand) -> int:
    up, down = b("exp", x), b("exp", b("neg", x))
    return b("div", b("sub", up, down), b("add", up, down))


def _left(c: Operand) -> Leaf:
    return Leaf(c.value) if isinstance(c, Num) else c  # type: ignore[arg-type]


# Each derived op (a reflected one as "r" + op): the ops a recipe uses, and the recipe.
RECIPES: dict[str, tuple[tuple[frozenset[str], Recipe], ...]] = {
    "sub": ((frozenset({"add", "neg"}), lambda b, x, y: b("add", x, b("neg", y))),
            (frozenset({"add", "mul"}), lambda b, x, y: b("add", x, b("mul", y, Num(-1.0))))),
    "neg": ((frozenset({"mul"}), lambda b, x: b("mul", x, Num(-1.0))),),
    "div": ((frozenset({"mul", "pow"}), lambda b, x, y: b("mul", x, b("pow", y, param=-1.0))),),
    "tanh": ((frozenset({"exp", "mul", "sub", "add", "div"}), _tanh_2x),
             (frozenset({"exp", "neg", "sub", "add", "div"}), _tanh_both)),
    "sigmoid": ((frozenset({"exp", "neg", "radd", "rdiv"}),
                 lambda b, x: b("div", Num(1.0), b("add", Num(1.0), b("exp", b("neg", x))))),
                (frozenset({"exp", "neg", "radd", "pow"}),
                 lambda b, x: b("pow", b("add", Num(1.0), b("exp", b("neg", x))), param=-1.0))),
    "radd": ((frozenset({"add"}), lambda b, c, x: b("add", x, c)),
             (frozenset({"add"}), lambda b, c, x: b("add", _left(c), x))),
    "rmul": ((frozenset({"mul"}), lambda b, c, x: b("mul", x, c)),
             (frozenset({"mul"}), lambda b, c, x: b("mul", _left(c), x))),
    "rsub": ((frozenset({"add", "neg"}), lambda b, c, x: b("add", b("neg", x), c)),
             (frozenset({"sub"}), lambda b, c, x: b("sub", _left(c), x))),
    "rdiv": ((frozenset({"mul", "pow"}), lambda b, c, x: b("mul", b("pow", x, param=-1.0), c)),
             (frozenset({"div"}), lambda b, c, x: b("div", _left(c), x))),
}


def inherited(key: str, program: Program, got: Run, cls: type, failed: set[str]) -> bool:
    """Whether the failing `program` (its first line is op `key`) gives exactly what one of the
    op's recipes gives on `cls`, using an op in `failed`: then the mistake is that op's."""
    for uses, recipe in RECIPES.get(key, ()):
        if not uses & (failed - {key}):
            continue
        if _same(got, run(cls, _rebuilt(program, recipe)), len(program.inputs)):
            return True
    return False


def _rebuilt(program: Program, recipe: Recipe) -> Program:
    """`program` with its first line (the op under test) replaced by `recipe`'s lines."""
    first = len(program.inputs)
    build = _Builder(first)
    head = program.lines[0]
    result = recipe(build, *head.operands)
    shift = len(build.lines) - 1

    def moved(x: Operand) -> Operand:
        if not isinstance(x, int) or x < first:
            return x
        return result if x == first else x + shift

    rest = [Line(line.op, tuple(moved(x) for x in line.operands), line.param)
            for line in program.lines[1:]]
    return Program(program.inputs, (*build.lines, *rest), program.passes)


def _same(a: Run, b: Run, inputs: int) -> bool:
    """The same failure: both raised the same kind of error, or the same output value and the
    same gradients of the `inputs` first nodes (the programs' inputs)."""
    if (a.error is None) != (b.error is None):
        return False
    if a.error is not None:
        return type(a.error) is type(b.error)
    return (close(a.data[-1], b.data[-1]) and len(a.grads) == len(b.grads)
            and all(close(a.grads[-1][i], b.grads[-1][i]) for i in range(inputs)))
